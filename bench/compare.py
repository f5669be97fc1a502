#!/usr/bin/env python3
"""The race of issue 15 (`make bench-compare`): the pandas reference and `jifen batch run
--reports payroll` in turn on one month folder, each timed by /usr/bin/time (wall seconds,
peak RSS), jifen into a fresh temporary store each time; then the ratio, and a check that
both paid the month the same Σ gross and Σ net to the 分.

    python3 bench/compare.py --data bench-data/50000 --month 2020-12 [--jifen .build/release/jifen]
"""
import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, log):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS in MB, stdout)."""
    with open(log, "w") as err:
        out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M"] + cmd, stdout=subprocess.PIPE, stderr=err, text=True)
    text = open(log).read()
    if out.returncode != 0:
        sys.stderr.write(text + out.stdout)
        sys.exit(f"failed: {' '.join(cmd)}")
    m = re.findall(r"TIME ([0-9.]+) ([0-9]+)", text)[-1]
    return float(m[0]), int(m[1]) / 1024, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--month", required=True)
    ap.add_argument("--jifen", default=".build/release/jifen")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--jifen-flags", default="", help="extra flags for jifen batch run, e.g. --no-record-detail")
    a = ap.parse_args()
    scratch = tempfile.mkdtemp(prefix="bench-compare-")
    try:
        # pandas: read, score, pay, write the payroll workbook
        p_sec, p_rss, p_out = timed([a.python, os.path.join(HERE, "pandas_reference.py"), "--data", a.data, "--months", a.month,
                                     "--out", os.path.join(scratch, "pandas")], os.path.join(scratch, "pandas.log"))
        m = re.search(r"Σ gross ([0-9.]+), Σ net ([0-9.]+)", p_out)
        p_gross, p_net = (round(float(x) * 100) for x in m.groups())
        # jifen: validate, score, pay, store (fresh), payroll workbook
        store = os.path.join(scratch, "jifen.sqlite")
        j_sec, j_rss, j_out = timed([a.jifen, "batch", "run", "--no-earlier-income", "--month", a.month, "--data", a.data, "--store", store,
                                     "--out", os.path.join(scratch, "out"), "--reports", "payroll"] + a.jifen_flags.split(),
                                    os.path.join(scratch, "jifen.log"))
        stages = next((l.strip() for l in j_out.splitlines() if l.strip().startswith("用时")), "")
        con = sqlite3.connect(store)
        cadres, j_gross, j_net = con.execute("SELECT cadreCount, grossFen, netFen FROM run WHERE month = ? ORDER BY id DESC LIMIT 1",
                                             (a.month,)).fetchone()
        con.close()
        flags = (" " + a.jifen_flags) if a.jifen_flags else ""
        print(f"{a.data}/{a.month}: {cadres} cadres")
        print(f"  pandas reference            {p_sec:7.2f} s  peak RSS {p_rss:6.0f} MB")
        print(f"  jifen --reports payroll{flags:5s}{j_sec:7.2f} s  peak RSS {j_rss:6.0f} MB   ({stages})")
        print(f"  jifen is {p_sec / j_sec:.2f}× the speed of pandas; RSS ratio jifen/pandas {j_rss / p_rss:.2f}")
        same = (p_gross, p_net) == (j_gross, j_net)
        print(f"  Σ gross {j_gross / 100:.2f} / {p_gross / 100:.2f}, Σ net {j_net / 100:.2f} / {p_net / 100:.2f} "
              f"(jifen / pandas): {'same to the 分' if same else 'DIFFERENT'}")
        if not same:
            sys.exit(1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
