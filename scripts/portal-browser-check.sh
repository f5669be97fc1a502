#!/usr/bin/env bash
# A browser check of the cadres' portal: Debian's headless Chromium, at phone width (360 px),
# drives the real forms of `jifen serve` on a store the real batch wrote from the samples:
# a cadre activates with a code, sees their score, tier, items and pay slip, and objects to
# a record; staff reject it with a reply; the cadre logs in again and reads it; the cadre
# objects to the tier, staff accept it with +2 points, re-run the month and publish it again,
# and the cadre sees the raised total and the objection resolved. Screenshots
# are left in $OUT (default out/portal-check/).
#
#   scripts/portal-browser-check.sh            # builds jifen (debug) first
#   JIFEN=.build/debug/jifen scripts/portal-browser-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-out/portal-check}
mkdir -p "$OUT"

# What the check needs, from Debian's packages and PyPI (installed when missing).
if ! command -v chromium >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
python3 -c 'import websocket' 2>/dev/null || pip install -q websocket-client

if [[ -z "${JIFEN:-}" ]]; then
    swift build --product jifen >/dev/null
    JIFEN=.build/debug/jifen
fi

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

STORE="$WORK/jifen.sqlite"
for m in 2020-10 2020-11 2020-12; do
    "$JIFEN" batch run --month "$m" --store "$STORE" --out "$WORK/out" >/dev/null
done
"$JIFEN" batch close --month 2020-10 --actor 浏览器检查 --store "$STORE" >/dev/null
"$JIFEN" batch close --month 2020-11 --actor 浏览器检查 --store "$STORE" >/dev/null
"$JIFEN" batch publish --month 2020-12 --days 5 --actor 浏览器检查 --store "$STORE" >/dev/null
printf '%s\n' browser-staff-1 | "$JIFEN" user add --role staff --name 浏览器检查 --password-stdin --store "$STORE" >/dev/null
"$JIFEN" user activation-codes --month 2020-12 --store "$STORE" --out "$WORK/codes.csv" >/dev/null
CODE=$(awk -F, '$1=="FM-001"{print $4}' "$WORK/codes.csv")

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$JIFEN" serve --store "$STORE" --out "$WORK/out" --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/login')" 2>/dev/null; then break; fi
    sleep 0.2
done

python3 scripts/portal_browser_check.py --base "http://127.0.0.1:$PORT" --store "$STORE" --cadre FM-001 --code "$CODE" --out "$OUT" \
    --staff 浏览器检查 --staff-password browser-staff-1
