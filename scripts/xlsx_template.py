"""A data-entry template (jifen template) read and filled without a spreadsheet program.

Used by scripts/libreoffice_template_check.py (is a template the same after LibreOffice opened
and saved it?) and scripts/template_picture.py (the picture in docs/clerk-guide.md). Standard
library only.

    wb = Workbook("out/templates/2021-01/值班-富民.xlsx")
    wb.sheets            # [Sheet('值班', visible), Sheet('列表', hidden)]
    wb.headers(wb.sheets[0])                       # ['*工号', '姓名（自动）', '*日期', …]
    wb.validations(wb.sheets[0])                   # [Validation('list', 'A2:A1048576', …), …]
    fill("值班-富民.xlsx", [{"工号": "FM-001", "日期": "2021-01-04", "开始": "08:00"}], "filled.xlsx")
"""

import datetime
import re
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "x14": "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
    "xm": "http://schemas.microsoft.com/office/excel/2006/main",
}
EPOCH = datetime.date(1899, 12, 30)


def column_name(index):
    """0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def position(ref):
    """'C12' -> (11, 2), 0-based row and column."""
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


@dataclass
class Sheet:
    name: str
    hidden: bool
    part: str


@dataclass
class Validation:
    type: str
    sqref: str
    formula1: str = ""
    formula2: str = ""
    prompt: str = ""
    prompt_title: str = ""

    def columns(self):
        """The 0-based columns the validation covers."""
        out = set()
        for area in self.sqref.split():
            ends = [position(r)[1] for r in area.split(":")]
            out.update(range(ends[0], ends[-1] + 1))
        return out


@dataclass
class Cell:
    value: str
    formula: str = ""
    style: int = 0
    kind: str = ""


class Workbook:
    def __init__(self, path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}
        workbook = ET.fromstring(self.parts["xl/workbook.xml"])
        rels = ET.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels.findall("pr:Relationship", NS)}
        self.sheets = []
        for s in workbook.findall("m:sheets/m:sheet", NS):
            target = targets[s.get("{%s}id" % NS["r"])]
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            self.sheets.append(Sheet(s.get("name"), s.get("state") in ("hidden", "veryHidden"), part))
        self.shared = []
        if "xl/sharedStrings.xml" in self.parts:
            for si in ET.fromstring(self.parts["xl/sharedStrings.xml"]).findall("m:si", NS):
                self.shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])
                                           if not _inside_phonetic(si, t)))
        self._xml = {}

    def sheet(self, name):
        return next((s for s in self.sheets if s.name == name), None)

    def xml(self, sheet):
        if sheet.part not in self._xml:
            self._xml[sheet.part] = ET.fromstring(self.parts[sheet.part])
        return self._xml[sheet.part]

    def cells(self, sheet):
        """{(row, col): Cell}, 0-based."""
        out = {}
        for c in self.xml(sheet).iter("{%s}c" % NS["m"]):
            kind = c.get("t", "n")
            v = c.find("m:v", NS)
            f = c.find("m:f", NS)
            if kind == "s" and v is not None:
                value = self.shared[int(v.text)]
            elif kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))
            else:
                value = (v.text or "") if v is not None else ""
            out[position(c.get("r"))] = Cell(value, (f.text or "") if f is not None else "", int(c.get("s", "0")), kind)
        return out

    def column_values(self, sheet, col, first_row=1):
        """The values of a column from `first_row` (0-based) down, to its last non-empty cell."""
        cells = self.cells(sheet)
        rows = sorted(r for (r, c) in cells if c == col and r >= first_row and cells[(r, c)].value != "")
        return [cells[(r, col)].value for r in range(first_row, rows[-1] + 1)] if rows else []

    def headers(self, sheet):
        cells = self.cells(sheet)
        width = max((c for (r, c) in cells if r == 0), default=-1) + 1
        return [cells[(0, c)].value if (0, c) in cells else "" for c in range(width)]

    def validations(self, sheet):
        root = self.xml(sheet)
        out = []
        for v in root.iter("{%s}dataValidation" % NS["m"]):
            f1, f2 = v.find("m:formula1", NS), v.find("m:formula2", NS)
            out.append(Validation(v.get("type", "none"), v.get("sqref", ""), _text(f1), _text(f2),
                                  v.get("prompt", ""), v.get("promptTitle", "")))
        # Excel 2010's form for lists on another sheet (<x14:dataValidation>).
        for v in root.iter("{%s}dataValidation" % NS["x14"]):
            f1 = v.find("x14:formula1/xm:f", NS)
            f2 = v.find("x14:formula2/xm:f", NS)
            out.append(Validation(v.get("type", "none"), _text(v.find("xm:sqref", NS)), _text(f1), _text(f2),
                                  v.get("prompt", ""), v.get("promptTitle", "")))
        return out

    def validation(self, sheet, col):
        return next((v for v in self.validations(sheet) if col in v.columns()), None)

    def list_values(self, v):
        """What a list validation offers: its inline words, or the cells of the range it names."""
        f = v.formula1.strip()
        if f.startswith('"'):
            return f[1:-1].split(",")
        m = re.fullmatch(r"'?(.+?)'?[!.](\$?[A-Z]+\$?\d+):(\$?[A-Z]+\$?\d+)", f.lstrip("$"))
        if not m:
            return None
        sheet = self.sheet(m.group(1).strip("'$"))
        if sheet is None:
            return None
        (r0, c0), (r1, _) = position(m.group(2)), position(m.group(3))
        cells = self.cells(sheet)
        return [cells[(r, c0)].value if (r, c0) in cells else "" for r in range(r0, r1 + 1)]

    def is_protected(self, sheet):
        p = self.xml(sheet).find("m:sheetProtection", NS)
        return p is not None and p.get("sheet") in ("1", "true")

    def frozen_rows(self, sheet):
        pane = self.xml(sheet).find("m:sheetViews/m:sheetView/m:pane", NS)
        if pane is None or pane.get("state") not in ("frozen", "frozenSplit"):
            return 0
        return int(float(pane.get("ySplit", "0")))

    def column_styles(self, sheet):
        """{col: style index} from <cols>."""
        out = {}
        for c in self.xml(sheet).findall("m:cols/m:col", NS):
            for i in range(int(c.get("min")) - 1, int(c.get("max"))):
                out[i] = int(c.get("style", "0"))
        return out


def _text(e):
    return (e.text or "") if e is not None else ""


def _inside_phonetic(si, t):
    return any(t in list(rph.iter()) for rph in si.findall("m:rPh", NS))


def _escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fill(path, rows, out):
    """A copy of the template at `path` with `rows` typed from row 2 down, as a clerk types them.

    Each row maps a header (without the required mark `*`) to what is typed: in a date column
    'YYYY-MM-DD' becomes a date, in a time column 'HH:MM' a time, in a number column a number;
    anything else is text. Cells take their column's format; the 姓名 formulas stay as they are
    (the spreadsheet program computes them)."""
    wb = Workbook(path)
    sheet = wb.sheets[0]
    headers = [h.lstrip("*") for h in wb.headers(sheet)]
    styles = wb.column_styles(sheet)
    types = {}
    for c in range(len(headers)):
        v = wb.validation(sheet, c)
        types[c] = v.type if v else ""
    text = wb.parts[sheet.part].decode("utf-8")
    for i, row in enumerate(rows):
        r = i + 2
        new = {}
        for header, value in row.items():
            c = headers.index(header)
            ref = column_name(c) + str(r)
            style = ' s="%d"' % styles[c] if styles.get(c) else ""
            number = _number(value, types[c])
            if number is not None:
                new[c] = '<c r="%s"%s><v>%s</v></c>' % (ref, style, number)
            else:
                new[c] = '<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, style, _escape(str(value)))
        text = _put_row(text, r, new)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = text.encode("utf-8") if info.filename == sheet.part else src.read(info.filename)
            dst.writestr(info, data)


def _number(value, kind):
    if isinstance(value, (int, float)):
        return repr(value)
    s = str(value)
    if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return str((datetime.date.fromisoformat(s) - EPOCH).days)
    if kind == "time" and re.fullmatch(r"\d{1,2}:\d{2}", s):
        h, m = map(int, s.split(":"))
        return repr((h * 60 + m) / 1440)
    if kind in ("whole", "decimal") and re.fullmatch(r"-?\d+(\.\d+)?", s):
        return s
    return None


def _put_row(text, r, new):
    """The sheet XML with the cells `new` ({col: xml}) in row r, beside the cells already there."""
    m = re.search(r'<row r="%d"[^>]*?(/>|>(.*?)</row>)' % r, text, re.S)
    if m:
        cells = {}
        for c in re.finditer(r'<c r="([A-Z]+)\d+".*?(?:/>|</c>)', m.group(2) or "", re.S):
            cells[position(c.group(1) + "1")[1]] = c.group(0)
        cells.update(new)
        open_tag = text[m.start():m.end()].split(">", 1)[0].rstrip("/") + ">"
        row = open_tag + "".join(cells[c] for c in sorted(cells)) + "</row>"
        return text[:m.start()] + row + text[m.end():]
    row = '<row r="%d">%s</row>' % (r, "".join(new[c] for c in sorted(new)))
    later = None
    for other in re.finditer(r'<row r="(\d+)"', text):
        if int(other.group(1)) > r:
            later = other.start()
            break
    if later is None:
        if "<sheetData/>" in text:
            return text.replace("<sheetData/>", "<sheetData>" + row + "</sheetData>")
        later = text.index("</sheetData>")
    return text[:later] + row + text[later:]
