#!/usr/bin/env python3
"""Reads a callgrind profile of `jifen-bench score` and its output (bench/callgrind.sh):
prints total instructions, instructions per input row and per byte, and the top functions
by self and by inclusive cost with their instructions per row, demangled."""
import re
import shutil
import subprocess
import sys

profile, log, label, top = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
m = re.search(r"^rows (\d+) bytes (\d+) cadres (\d+)", open(log).read(), re.M)
if not m:
    sys.exit(open(log).read())
rows, size, cadres = map(int, m.groups())
LINE = re.compile(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(?:\?\?\?|[^:\s]*):(\S+)", re.M)


def functions(inclusive):
    text = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", f"--inclusive={'yes' if inclusive else 'no'}", profile],
                          capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
    rows_ = [(int(a.replace(",", "")), float(p), f) for a, p, f in LINE.findall(text) if f != "PROGRAM"]
    return total, [r for r in rows_ if "PROGRAM TOTALS" not in r[2]][:top]


def demangle(names):
    swift = shutil.which("swift")
    if not swift:
        return names
    out = subprocess.run([swift, "demangle", "--simplified", "--compact"], input="\n".join(names), capture_output=True, text=True).stdout
    lines = out.splitlines()
    return lines if len(lines) == len(names) else names


total, own = functions(False)
_, incl = functions(True)
print(f"== validate + score, {label}: {rows:,} rows, {size:,} bytes, {cadres:,} cadres")
print(f"total {total / 1e9:.3f} G instructions: {total / rows:,.0f} instructions/row, {total / size:.1f} instructions/byte")
for title, lst in (("self", own), ("inclusive", incl)):
    print(f"== top {top} functions by {title} cost: Ir, % of total, Ir/row")
    for (ir, pct, _), name in zip(lst, demangle([f for _, _, f in lst])):
        print(f"{ir:>16,} {pct:6.2f}% {ir / rows:7.0f}  {name[:160]}")
