#!/usr/bin/env bash
# Opens every report in OUT_DIR with LibreOffice Calc headless, forcing recalculation on
# load, converts each sheet to CSV and checks that every recomputed formula equals the value
# jifen cached, and that every 18-digit ID number and 19-digit account survives whole.
#
#   scripts/libreoffice-check.sh out/2020-12
#
# LibreOffice trusts cached formula values by default, so a fresh profile makes it
# recalculate (scripts/libreoffice-env.sh).
set -euo pipefail

out_dir=${1:?usage: $0 OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)

. "$here/libreoffice-env.sh"
need_packages soffice:libreoffice-calc

work=$(mktemp -d /tmp/jifen-lo-XXXXXX)
trap 'rm -rf "$work"' EXIT
profile="$work/profile"
lo_profile "$profile"
mkdir -p "$work/csv"

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
