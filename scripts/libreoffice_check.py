#!/usr/bin/env python3
"""Compares jifen's xlsx reports with LibreOffice's recomputed CSV export of each sheet.

For every formula cell: the value LibreOffice computed must equal the value jifen cached
(numbers to the 分, i.e. within half a hundredth; text exactly). For every text cell that
looks like an ID number (17 digits + digit or X) or a 16–19-digit account: LibreOffice's
cell must hold the same characters.

Then the files finance hands to others, as LibreOffice read them: the bank files
(银行代发.xlsx, or 银行代发-<bank>.xlsx one per bank) together must total the payroll's
实发金额, and the tax file's (个人所得税扣缴申报.xlsx) 本期收入 and contribution columns
must total the payroll's 应发合计 and contribution columns, to the 分.

usage: libreoffice_check.py OUT_DIR CSV_DIR
"""
import csv
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
DIGITS = re.compile(r"^(\d{17}[\dX]|\d{16,19})$")


def position(ref):
    col = row = 0
    for ch in ref:
        if ch.isalpha():
            col = col * 26 + ord(ch) - 64
        else:
            row = row * 10 + int(ch)
    return row - 1, col - 1


def read_xlsx(path):
    """Yields (sheet name, [(row, col, ref, kind, value, formula)])."""
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])) for si in sst.findall("m:si", NS)]
    for sheet in wb.find("m:sheets", NS):
        target = targets[sheet.get("{%s}id" % NS["r"])]
        root = ET.fromstring(z.read("xl/" + target))
        cells = []
        for c in root.iter("{%s}c" % NS["m"]):
            ref, kind = c.get("r"), c.get("t", "n")
            v, f = c.find("m:v", NS), c.find("m:f", NS)
            if kind == "s":
                value = shared[int(v.text)]
            elif kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))
            else:
                value = v.text if v is not None else ""
            row, col = position(ref)
            cells.append((row, col, ref, kind, value, f.text if f is not None else None))
        yield sheet.get("name"), cells


def fen(text):
    try:
        return round(float(text.replace(",", "")) * 100)
    except ValueError:
        return None


def csv_grid(csv_dir, base, sheet):
    path = os.path.join(csv_dir, f"{base}-{sheet}.csv")
    if not os.path.exists(path):
        path = os.path.join(csv_dir, f"{base}.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


# The tax file's contribution columns and the payroll columns of the sample rules' lines
# that fill them (rules/榕江县积分管理考核办法.jifen, 个税申报).
# Each tax file column against the payroll columns of the pay lines the sample rules file under it
# (a contribution's correction is filed in its insurance's column too).
TAX_VS_PAYROLL = {"本期收入": ["应发合计"], "基本养老保险费": ["养老保险", "养老保险补扣"],
                  "基本医疗保险费": ["医疗保险", "医疗保险补扣"], "失业保险费": ["失业保险", "失业保险补扣"]}


def check_totals(out_dir, csv_dir):
    """Σ bank files = payroll 实发; tax file columns = payroll columns. Returns (failures, checks)."""
    failures, checks = [], 0
    names = sorted(os.listdir(out_dir))
    if "工资表.xlsx" not in names:
        return failures, checks
    payroll = csv_grid(csv_dir, "工资表", "工资表")
    header = payroll[2]
    totals = payroll[-1]

    def payroll_total(column):
        return fen(totals[header.index(column)]) if column in header else None

    bank_files = [n for n in names if n == "银行代发.xlsx" or (n.startswith("银行代发-") and n.endswith(".xlsx"))]
    if bank_files:
        checks += 1
        bank = 0
        for name in bank_files:
            base = name[: -len(".xlsx")]
            for sheet, cells in read_xlsx(os.path.join(out_dir, name)):
                grid = csv_grid(csv_dir, base, sheet)
                for row, col, ref, kind, value, formula in cells:
                    if kind == "n":
                        got = fen(grid[row][col]) if row < len(grid) and col < len(grid[row]) else None
                        if got is None:
                            failures.append(f"{name}[{sheet}]!{ref}: LibreOffice read no amount")
                        else:
                            bank += got
        net = payroll_total("实发金额")
        if bank != net:
            failures.append(f"bank files total {bank / 100:.2f}, payroll 实发金额 {net / 100 if net is not None else None}")
    if "个人所得税扣缴申报.xlsx" in names:
        tax = csv_grid(csv_dir, "个人所得税扣缴申报", "正常工资薪金收入")
        for column, lines in TAX_VS_PAYROLL.items():
            present = [line for line in lines if line in header]
            if column not in tax[0] or not present:
                continue
            checks += 1
            k = tax[0].index(column)
            total = sum(fen(r[k]) or 0 for r in tax[1:] if k < len(r))
            expected = sum(payroll_total(line) or 0 for line in present)
            if total != expected:
                failures.append(f"个人所得税扣缴申报 {column} totals {total / 100:.2f}, payroll {' + '.join(present)} {expected / 100:.2f}")
    return failures, checks


def main(out_dir, csv_dir):
    failures, formulas, identifiers = [], 0, 0
    for name in sorted(os.listdir(out_dir)):
        if not name.endswith(".xlsx"):
            continue
        base = name[: -len(".xlsx")]
        for sheet, cells in read_xlsx(os.path.join(out_dir, name)):
            csv_path = os.path.join(csv_dir, f"{base}-{sheet}.csv")
            if not os.path.exists(csv_path):
                # A workbook with a single sheet is exported without the sheet suffix.
                csv_path = os.path.join(csv_dir, f"{base}.csv")
            with open(csv_path, newline="", encoding="utf-8") as fh:
                grid = list(csv.reader(fh))

            def at(row, col):
                return grid[row][col] if row < len(grid) and col < len(grid[row]) else ""

            for row, col, ref, kind, value, formula in cells:
                got = at(row, col)
                where = f"{name}[{sheet}]!{ref}"
                if formula is not None:
                    formulas += 1
                    if kind == "str":
                        if got != value:
                            failures.append(f"{where} ={formula}: LibreOffice {got!r}, jifen cached {value!r}")
                    else:
                        try:
                            ok = abs(float(got.replace(",", "")) - float(value)) < 0.005
                        except ValueError:
                            ok = False
                        if not ok:
                            failures.append(f"{where} ={formula}: LibreOffice {got!r}, jifen cached {value!r}")
                elif kind in ("s", "inlineStr") and DIGITS.match(value):
                    identifiers += 1
                    if got != value:
                        failures.append(f"{where}: {len(value)}-character identifier came back as {got!r}")
    total_failures, total_checks = check_totals(out_dir, csv_dir)
    failures += total_failures
    for f in failures:
        print("FAIL " + f)
    print(f"checked {formulas} formulas, {identifiers} ID numbers/accounts and {total_checks} file totals: {len(failures)} failures")
    return 1 if failures or formulas == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
