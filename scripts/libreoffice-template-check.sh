#!/usr/bin/env bash
# Opens every data-entry template in TEMPLATE_DIR (jifen template) with LibreOffice Calc
# headless and saves it again as xlsx; checks that nothing a clerk relies on was lost: the
# sheets (the list sheet still hidden), the header and the sheet's protection, every column's
# validation with its dropdown values, bounds and input message, and that 姓名（自动）computes
# in LibreOffice for a typed 工号 (scripts/libreoffice_template_check.py). Fails loudly.
#
#   scripts/libreoffice-template-check.sh .build/report-roundtrip/templates/2021-01
set -euo pipefail

dir=${1:?usage: $0 TEMPLATE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libreoffice-env.sh"
need_packages soffice:libreoffice-calc

shopt -s nullglob
templates=("$dir"/*.xlsx)
if [ ${#templates[@]} -eq 0 ]; then
    echo "no .xlsx files in $dir" >&2
    exit 66
fi

work=$(mktemp -d /tmp/jifen-lo-templates-XXXXXX)
trap 'rm -rf "$work"' EXIT
lo_profile "$work/profile"
mkdir -p "$work/saved" "$work/filled" "$work/filled-saved"

# Copies with 工号 typed in rows 2 and 3: the list's first cadre, then one not on the list.
HERE="$here" python3 -c '
import os, sys
sys.path.insert(0, os.environ["HERE"])
from xlsx_template import Workbook, fill
out = sys.argv[1]
for path in sys.argv[2:]:
    wb = Workbook(path)
    headers = [h.lstrip("*") for h in wb.headers(wb.sheets[0])]
    if "姓名（自动）" not in headers or len(wb.sheets) < 2:
        continue
    first = wb.column_values(wb.sheets[1], 0)[0]
    fill(path, [{"工号": first}, {"工号": "XX-999"}], os.path.join(out, os.path.basename(path)))
' "$work/filled" "${templates[@]}"

convert() {  # convert OUT_DIR FILE…: one LibreOffice for all the files
    local out=$1
    shift
    soffice -env:UserInstallation="file://$work/profile" --headless --norestore \
        --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$out" "$@" >"$work/soffice.out" 2>&1 || {
        cat "$work/soffice.out" >&2
        echo "LibreOffice failed on the templates in $dir" >&2
        exit 70
    }
}
convert "$work/saved" "${templates[@]}"
filled=("$work/filled"/*.xlsx)
[ ${#filled[@]} -eq 0 ] || convert "$work/filled-saved" "${filled[@]}"

python3 "$here/libreoffice_template_check.py" "$dir" "$work/saved" "$work/filled" "$work/filled-saved"
