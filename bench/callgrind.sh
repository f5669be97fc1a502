#!/bin/sh
# Instructions per input row of validate + score (issue 15 items 2 and 3), repeatable where
# wall seconds are not: `jifen-bench score` (release) on a month folder under valgrind's
# callgrind, every thread counted; prints total Ir ÷ rows read and the most expensive
# functions (self cost, then inclusive), demangled. Needs no quiet machine.
#
#   bench/callgrind.sh [MONTH_FOLDER] [--no-record-detail]     (make callgrind)
#
# Valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes, so it runs a copy of the
# binary without debug sections (the symbols stay: functions, not lines). The profile stays in
# $CALLGRIND_OUT (default bench-data/callgrind.<mode>.out) for callgrind_annotate or kcachegrind.
set -eu
data=${1:-bench-data/10000/2020-12}
[ $# -gt 0 ] && shift
mode=detail
for a in "$@"; do [ "$a" = "--no-record-detail" ] && mode=no-detail; done
out=${CALLGRIND_OUT:-bench-data/callgrind.$mode.out}
top=${CALLGRIND_TOP:-25}
bench=${JIFEN_BENCH:-.build/release/jifen-bench}
log=$(mktemp)
bin=$(mktemp)
trap 'rm -f "$log" "$bin"' EXIT
objcopy --strip-debug "$bench" "$bin"
mkdir -p "$(dirname "$out")"
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" score "$data" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
python3 "$(dirname "$0")/callgrind_report.py" "$out" "$log" "$data ($mode)" "$top"
