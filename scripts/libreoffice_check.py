#!/usr/bin/env python3
"""Compares jifen's xlsx reports with LibreOffice's recomputed CSV export of each sheet.

For every formula cell: the value LibreOffice computed must equal the value jifen cached
(numbers to the 分, i.e. within half a hundredth; text exactly). For every text cell that
looks like an ID number (17 digits + digit or X) or a 16–19-digit account: LibreOffice's
cell must hold the same characters.

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
    for f in failures:
        print("FAIL " + f)
    print(f"checked {formulas} formulas and {identifiers} ID numbers/accounts: {len(failures)} failures")
    return 1 if failures or formulas == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
