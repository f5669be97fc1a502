#!/usr/bin/env python3
"""kill -9 at random moments of a batch, then check what a clerk would find.

Usage: crash_check.py JIFEN WORKDIR [TRIALS]

A month of CADRES (400) cadres is generated once and run to completion. Then, TRIALS times, the
same batch is started and killed with SIGKILL after a random delay drawn over the whole
length of a run (measured first), so kills land while reading, scoring, storing, writing
reports and replacing the report folder. After each kill the next command (`batch list`)
runs, and the trial checks:
  - the store passes SQLite's integrity check and holds only whole runs (every run lists
    CADRES cadres; the month has exactly one current run);
  - out/<month>/ holds one run's complete set: the seven workbooks, a marker naming a run
    the store has, and every workbook's document properties naming that same run;
  - no staging folder is left after the next command.
Prints one line per trial and 'N passed, M failed' at the end; exits 1 on any failure.
"""
import os, random, re, signal, sqlite3, subprocess, sys, time, zipfile

CADRES = int(os.environ.get("CRASH_CADRES", "400"))
REPORTS = ["工资表.xlsx", "银行代发.xlsx", "积分明细.xlsx", "社区汇总.xlsx", "公示表.xlsx", "工资条.xlsx", "核对.xlsx"]


def run(jifen, *args):
    return subprocess.run([jifen, *args], capture_output=True, text=True)


def check(work, store, month):
    problems = []
    db = sqlite3.connect(store)
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    runs = {row[0]: row[1] for row in db.execute("SELECT id, state FROM run WHERE month = ?", (month,))}
    current = [i for i, s in runs.items() if s != "superseded"]
    if len(current) != 1:
        problems.append(f"{len(current)} current runs")
    for (rid,) in db.execute("SELECT id FROM run"):
        n = db.execute("SELECT COUNT(*) FROM cadreResult WHERE runID = ?", (rid,)).fetchone()[0] if has_table(db, "cadreResult") else None
        if n is not None and n != CADRES:
            problems.append(f"run #{rid} has {n} results")
    db.close()
    folder = os.path.join(work, "out", month)
    marker = os.path.join(folder, ".jifen-run")
    if not os.path.exists(marker):
        problems.append("no marker in out/<month>")
        return problems, None
    m = re.search(r"run (\d+)", open(marker).read())
    rid = int(m.group(1))
    if rid not in runs:
        problems.append(f"out/<month> is run #{rid}, which the store does not have")
    for name in REPORTS:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            problems.append(f"{name} missing")
            continue
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode()
            if f"运行 {rid}" not in core:
                problems.append(f"{name} does not name run #{rid}")
    leftovers = [n for n in os.listdir(os.path.join(work, "out")) if n.startswith(".staging-")]
    if leftovers:
        problems.append(f"staging folders left: {leftovers}")
    return problems, rid


def has_table(db, name):
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def main():
    jifen, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 24
    month = "2020-12"
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    if not os.path.exists(os.path.join(data, month, "duty.csv")):
        r = run(jifen, "gen", "--cadres", str(CADRES), "--month", month, "--seed", "11", "--out", os.path.join(data, month))
        assert r.returncode == 0, r.stderr
    store = os.path.join(work, "s.sqlite")
    for f in os.listdir(work):
        if f.startswith("s.sqlite"):
            os.remove(os.path.join(work, f))
    subprocess.run(["rm", "-rf", os.path.join(work, "out")])
    args = ["batch", "run", "--no-earlier-income", "--month", month, "--data", data, "--store", store, "--out", os.path.join(work, "out"), "--quiet"]
    started = time.monotonic()
    r = run(jifen, *args)
    length = time.monotonic() - started
    assert r.returncode == 0, r.stdout + r.stderr
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261205")))
    passed = failed = 0
    for t in range(1, trials + 1):
        delay = rng.uniform(0.05, length * 1.1)
        p = subprocess.Popen([jifen, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed = p.poll() is None
        if killed:
            p.send_signal(signal.SIGKILL)
        p.wait()
        nxt = run(jifen, "batch", "list", "--store", store, "--out", os.path.join(work, "out"))
        problems, rid = check(work, store, month)
        if nxt.returncode != 0:
            problems.append(f"batch list exited {nxt.returncode}: {nxt.stderr.strip()}")
        state = "killed" if killed else "finished"
        line = f"trial {t:2d}: {state} after {delay:.2f} s; out/{month} = run #{rid}"
        recovered = nxt.stderr.strip().replace("\n", " | ")
        if recovered:
            line += f"; next command: {recovered}"
        if problems:
            failed += 1
            print(line + " -- FAILED: " + "; ".join(problems))
        else:
            passed += 1
            print(line + " -- ok")
    print(f"crash-check: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
