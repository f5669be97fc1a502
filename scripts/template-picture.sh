#!/usr/bin/env bash
# The picture of a filled 值班 template in docs/clerk-guide.md, as LibreOffice renders it
# (LibreOffice headless → PDF → PNG; installs libreoffice-calc, poppler-utils, pngquant and a
# CJK font if missing). `make template-picture` runs it with the month after the samples.
#
#   scripts/template-picture.sh JIFEN MONTH [COMMUNITY] [OUT.png]
set -euo pipefail

jifen=${1:?usage: $0 JIFEN MONTH [COMMUNITY] [OUT.png]}
month=${2:?usage: $0 JIFEN MONTH [COMMUNITY] [OUT.png]}
community=${3:-富民}
out=${4:-docs/images/template-duty.png}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libreoffice-env.sh"
need_packages soffice:libreoffice-calc pdftoppm:poppler-utils pngquant:pngquant
if ! fc-list :lang=zh | grep -q .; then need_packages fc-nonexistent:fonts-noto-cjk; fi

python3 "$here/template_picture.py" "$jifen" "$month" "$community" "$out"
