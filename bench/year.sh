#!/bin/bash
# The year run of issue 14 at province scale: twelve generated months of YEAR_CADRES cadres
# (default 50,000), each run and closed into one store, made once and kept in
# bench-data/year-<N>/ (about 15 minutes; the months are run with --no-record-detail, which
# the year does not read), then `jifen year run` timed: wall seconds, peak RSS and its stages.
# Time it on a quiet machine (on the shared development machine under the build lock).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${YEAR_CADRES:-50000}
Y=2021
J=.build/release/jifen
D=bench-data/year-$N
if [ ! -f "$D/complete" ]; then
  rm -rf "$D"
  mkdir -p "$D"
  for mm in 01 02 03 04 05 06 07 08 09 10 11 12; do
    m=$Y-$mm
    echo "==> $m: jifen gen --cadres $N, batch run, batch close"
    "$J" gen --cadres "$N" --month "$m" --seed 7 --out "$D/data/$m" > /dev/null
    "$J" batch run --month "$m" --data "$D/data" --store "$D/store.sqlite" --out "$D/month-out" \
      --reports payroll --quiet --no-record-detail > "$D/run-$m.log" 2>&1 || { tail -5 "$D/run-$m.log"; exit 1; }
    "$J" batch close --month "$m" --store "$D/store.sqlite" --actor bench > /dev/null
    rm -rf "$D/data" "$D/month-out"
  done
  touch "$D/complete"
fi
rm -rf "$D/out"
echo "==> jifen year run --year $Y ($N cadres, twelve closed months)"
/usr/bin/time -f "year run: %e s wall, %U s user, %M KB peak RSS" \
  "$J" year run --year "$Y" --store "$D/store.sqlite" --out "$D/out" --actor bench | tail -n 3
