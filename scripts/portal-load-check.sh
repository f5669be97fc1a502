#!/usr/bin/env bash
# A bounded load check of the portal on loopback: one cadre's month page under wrk.
#
#   scripts/portal-load-check.sh STORE MONTH [CADRE] [SECONDS]
#   JIFEN=.build/release/jifen scripts/portal-load-check.sh /tmp/province/jifen.sqlite 2020-12 FM-001 30
#
# Works on a copy of STORE (publishes MONTH if it is a draft, issues an activation code,
# activates CADRE through the real form), then runs wrk with 2 threads and 8 connections
# against /cadre/CADRE/MONTH and prints wrk's latency distribution (p50 … p99).
set -euo pipefail
cd "$(dirname "$0")/.."
STORE_IN=${1:?store file}
MONTH=${2:?month}
CADRE=${3:-FM-001}
SECONDS_=${4:-20}
JIFEN=${JIFEN:-.build/debug/jifen}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

cp "$STORE_IN" "$WORK/jifen.sqlite"
STORE="$WORK/jifen.sqlite"
"$JIFEN" batch publish --month "$MONTH" --days 5 --actor 压力测试 --store "$STORE" >/dev/null 2>&1 || true
"$JIFEN" user activation-codes --all --month "$MONTH" --store "$STORE" --out "$WORK/codes.csv" >/dev/null
CODE=$(awk -F, -v c="$CADRE" '$1==c{print $4}' "$WORK/codes.csv")
[[ -n "$CODE" ]] || { echo "no cadre $CADRE in $MONTH" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$JIFEN" serve --store "$STORE" --out "$WORK/out" --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -s -o /dev/null "$BASE/login" && break; sleep 0.2; done

JAR="$WORK/jar"
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "$BASE/activate" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$TOKEN" --data-urlencode "cadre=$CADRE" --data-urlencode "code=$CODE" \
    --data-urlencode "password=load-pass-1" --data-urlencode "password2=load-pass-1" "$BASE/activate"
SESSION=$(awk '$6=="jifen_session"{print $7}' "$JAR")
[[ -n "$SESSION" ]] || { echo "activation failed" >&2; exit 1; }
URL="$BASE/cadre/$CADRE/$MONTH"
STATUS=$(curl -s -o "$WORK/page.html" -w '%{http_code}' -H "Cookie: jifen_session=$SESSION" "$URL")
[[ "$STATUS" == 200 ]] || { echo "the page answered $STATUS" >&2; exit 1; }
echo "page $URL: $(wc -c <"$WORK/page.html") bytes; cadres in $MONTH: $(($(wc -l <"$WORK/codes.csv") - 1))"
# Warm the roster cache and the page once, then measure.
wrk -t2 -c8 -d"${SECONDS_}s" --latency -H "Cookie: jifen_session=$SESSION" "$URL"
