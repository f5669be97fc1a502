#!/usr/bin/env bash
# Opens every report in OUT_DIR with LibreOffice Calc headless, forcing recalculation on
# load, converts each sheet to CSV and checks that every recomputed formula equals the value
# jifen cached, and that every 18-digit ID number and 19-digit account survives whole.
#
#   scripts/libreoffice-check.sh out/2020-12
#
# LibreOffice trusts cached formula values by default (OOXMLRecalcMode 1, "never" in
# headless use), so a fresh profile sets it to 0 ("always recalculate").
set -euo pipefail

out_dir=${1:?usage: $0 OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v soffice >/dev/null 2>&1; then
    echo "installing libreoffice-calc (no recommends)…" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
fi

work=$(mktemp -d /tmp/jifen-lo-XXXXXX)
trap 'rm -rf "$work"' EXIT
profile="$work/profile"
mkdir -p "$profile/user" "$work/csv"
cat > "$profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU

shopt -s nullglob
reports=("$out_dir"/*.xlsx)
if [ ${#reports[@]} -eq 0 ]; then
    echo "no .xlsx files in $out_dir" >&2
    exit 66
fi

# CSV filter options: comma, double quote, UTF-8 (76), from line 1, default cell formats,
# language 0, quoted as text off, detect numbers on, cells as stored (not as shown, so
# that the full recomputed value is compared), values not formulas, keep spaces, and
# sheet -1: every sheet to its own file named <report>-<sheet>.csv.
filter='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
for f in "${reports[@]}"; do
    soffice -env:UserInstallation="file://$profile" --headless --norestore \
        --convert-to "$filter" --outdir "$work/csv" "$f" >/dev/null 2>"$work/soffice.err" || {
        cat "$work/soffice.err" >&2
        exit 70
    }
done

python3 "$here/libreoffice_check.py" "$out_dir" "$work/csv"
