"""Checks the data-entry templates as LibreOffice saw them (scripts/libreoffice-template-check.sh).

    libreoffice_template_check.py TEMPLATES LO_SAVED FILLED LO_FILLED

TEMPLATES holds the templates jifen wrote; LO_SAVED the same files opened by LibreOffice and
saved again as xlsx; FILLED copies with two rows typed into 工号 (a cadre of the list, a 工号
that is not), LO_FILLED those saved by LibreOffice with every formula recalculated.

For each template: LibreOffice opened it (a saved copy exists), the sheets are the same and
the list sheet still hidden, the data sheet keeps its header and protection, every column
keeps its validation (type, bounds or list values, input message) over at least the first
1,000 data rows, the list sheet keeps every value, and in the filled copy 姓名（自动）shows the
cadre's name for a listed 工号 and 不在名单 for another. Exits 1 naming every difference.

LibreOffice headless keeps no view, so a saved copy loses the frozen header row; that is not
checked here (the test suite reads the freeze from jifen's own file).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xlsx_template import Workbook, column_name  # noqa: E402

NAME_HEADER = "姓名（自动）"
MIN_ROWS = 1000


def same_number(a, b):
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    except ValueError:
        return a == b


def last_row(v):
    return max(int("".join(ch for ch in ref if ch.isdigit())) for area in v.sqref.split() for ref in area.split(":"))


def check_template(name, ours, theirs, problems):
    counts = {"validations": 0, "list values": 0}
    if [(s.name, s.hidden) for s in ours.sheets] != [(s.name, s.hidden) for s in theirs.sheets]:
        problems.append(f"{name}: sheets {[(s.name, s.hidden) for s in ours.sheets]} became "
                        f"{[(s.name, s.hidden) for s in theirs.sheets]}")
        return counts
    data, saved = ours.sheets[0], theirs.sheets[0]
    headers = ours.headers(data)
    if theirs.headers(saved) != headers:
        problems.append(f"{name}: header {headers} became {theirs.headers(saved)}")
    if not theirs.is_protected(saved):
        problems.append(f"{name}: sheet {saved.name} is no longer protected")
    for col, header in enumerate(headers):
        v = ours.validation(data, col)
        if v is None:
            problems.append(f"{name}: jifen wrote no validation for {header} ({column_name(col)})")
            continue
        w = theirs.validation(saved, col)
        where = f"{name} {header}（{column_name(col)} 列）"
        if w is None:
            problems.append(f"{where}: the validation is gone")
            continue
        counts["validations"] += 1
        if (v.type or "none") != (w.type or "none"):
            problems.append(f"{where}: validation type {v.type} became {w.type}")
        if last_row(w) < MIN_ROWS + 1:
            problems.append(f"{where}: the validation covers only {w.sqref}")
        if (v.prompt, v.prompt_title) != (w.prompt, w.prompt_title):
            problems.append(f"{where}: input message {v.prompt_title}: {v.prompt!r} became {w.prompt_title}: {w.prompt!r}")
        if v.type == "list":
            offered, kept = ours.list_values(v), theirs.list_values(w)
            if offered is None or offered != kept:
                problems.append(f"{where}: dropdown {offered} became {kept} ({v.formula1} → {w.formula1})")
            else:
                counts["list values"] += len(offered)
        elif v.type in ("date", "time", "whole", "decimal", "textLength"):
            if not same_number(v.formula1, w.formula1) or (v.formula2 and not same_number(v.formula2, w.formula2)):
                problems.append(f"{where}: bounds {v.formula1}…{v.formula2} became {w.formula1}…{w.formula2}")
        elif v.type == "custom" and v.formula1.replace("$", "") != w.formula1.replace("$", "") \
                and "COUNTIF" not in w.formula1:
            problems.append(f"{where}: formula {v.formula1} became {w.formula1}")
    for sheet in ours.sheets[1:]:
        mine, kept = ours.cells(sheet), theirs.cells(theirs.sheet(sheet.name))
        for pos, cell in mine.items():
            if kept.get(pos) is None or kept[pos].value != cell.value:
                problems.append(f"{name} {sheet.name}!{column_name(pos[1])}{pos[0] + 1}: {cell.value!r} became "
                                f"{kept[pos].value if pos in kept else None!r}")
        counts["list values"] += sum(1 for (r, _) in mine if r > 0)
    return counts


def check_filled(name, filled, saved, problems):
    """Row 2 holds the list's first 工号, row 3 one not on it: 姓名 shows the name, then 不在名单."""
    data = filled.sheets[0]
    headers = filled.headers(data)
    col = headers.index(NAME_HEADER)
    lists = filled.sheets[1]
    expected = filled.column_values(lists, 1)[0]
    got = saved.cells(saved.sheets[0])
    for row, want in ((1, expected), (2, "不在名单"), (3, "")):
        cell = got.get((row, col))
        value = cell.value if cell else ""
        if value != want:
            problems.append(f"{name}: {column_name(col)}{row + 1} {NAME_HEADER} shows {value!r}, not {want!r}")


def main():
    templates, lo_saved, filled, lo_filled = sys.argv[1:5]
    names = sorted(n for n in os.listdir(templates) if n.endswith(".xlsx"))
    if not names:
        print(f"no templates in {templates}", file=sys.stderr)
        return 1
    problems = []
    validations = values = named = 0
    for name in names:
        saved = os.path.join(lo_saved, name)
        if not os.path.exists(saved):
            problems.append(f"{name}: LibreOffice did not open or save it")
            continue
        counts = check_template(name, Workbook(os.path.join(templates, name)), Workbook(saved), problems)
        validations += counts["validations"]
        values += counts["list values"]
        if os.path.exists(os.path.join(filled, name)):
            out = os.path.join(lo_filled, name)
            if not os.path.exists(out):
                problems.append(f"{name} (filled): LibreOffice did not open or save it")
                continue
            check_filled(name, Workbook(os.path.join(filled, name)), Workbook(out), problems)
            named += 1
    for p in problems:
        print("  " + p, file=sys.stderr)
    status = "FAILED" if problems else "ok"
    print(f"LibreOffice opened {len(names)} templates in {templates}: {validations} column validations and "
          f"{values} dropdown/list values kept, 姓名（自动）computed in {named} filled copies — {status}"
          + (f" ({len(problems)} problems)" if problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
