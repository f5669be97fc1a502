# Sourced by the LibreOffice scripts: installs LibreOffice Calc (and other Debian packages
# asked for) when missing, and makes a fresh LibreOffice profile that recalculates every
# formula on load.
#
#   . "$(dirname "$0")/libreoffice-env.sh"
#   need_packages soffice:libreoffice-calc pdftoppm:poppler-utils
#   lo_profile "$work/profile"      # then: soffice -env:UserInstallation="file://$work/profile" …

# need_packages COMMAND:PACKAGE…: apt-get installs the packages whose command is missing.
need_packages() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing ${missing[*]} (no recommends)…" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# lo_profile DIR: a LibreOffice user profile in DIR. LibreOffice trusts cached formula
# values by default (OOXMLRecalcMode 1, "never" in headless use); this profile sets 0
# ("always recalculate").
lo_profile() {
    mkdir -p "$1/user"
    cat > "$1/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU
}
