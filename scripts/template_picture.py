"""The picture of a template in docs/clerk-guide.md (scripts/template-picture.sh).

    template_picture.py JIFEN MONTH COMMUNITY OUT.png

Makes the month's templates for COMMUNITY with JIFEN, types a few duty rows into 值班 as a
clerk would (one with a 工号 that is not on the roster, so 姓名（自动）shows 不在名单), has
LibreOffice headless recalculate and print it to PDF, with row numbers and column letters
printed so the picture shows cell names like C3, and crops the top of the first page to a PNG
(pdftoppm, then pngquant when present).
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xlsx_template import Workbook, fill  # noqa: E402

DPI = 96
# The crop, in inches from the page's top left: the header and the typed rows.
LEFT, TOP, WIDTH, HEIGHT = 0.3, 0.25, 11.1, 2.93


def main():
    jifen, month, community, out = sys.argv[1:5]
    work = tempfile.mkdtemp(prefix="jifen-picture-")
    try:
        subprocess.run([jifen, "template", "--month", month, "--community", community, "--out", work + "/t"],
                       check=True, stdout=subprocess.DEVNULL)
        template = f"{work}/t/值班-{community}.xlsx"
        wb = Workbook(template)
        ids = wb.column_values(wb.sheets[1], 0)
        first = datetime.date.fromisoformat(month + "-01")
        day = lambda n: (first + datetime.timedelta(days=n - 1)).isoformat()  # noqa: E731
        shifts = [
            (ids[0], 4, "白班", "08:00", "16:00", "", "到岗", ""),
            (ids[1], 4, "白班", "08:00", "16:00", "", "到岗", ""),
            (ids[2], 4, "晚班", "14:00", "22:00", "", "到岗", ""),
            (ids[3], 4, "夜班", "20:00", "08:00", "", "到岗", "跨午夜，次日下班"),
            (ids[4], 5, "白班", "08:00", "16:00", "", "请假", "病假"),
            (ids[5], 5, "白班", "08:00", "16:00", "", "替班", f"替 {ids[4]}"),
            (ids[0].replace("0", "O", 1), 5, "晚班", "14:00", "22:00", "", "到岗", "工号输错"),
        ]
        rows = []
        for cadre, d, shift, start, end, end_day, status, note in shifts:
            row = {"工号": cadre, "日期": day(d), "班次": shift, "开始": start, "结束": end, "状态": status}
            if end_day:
                row["结束日期"] = end_day
            if note:
                row["备注"] = note
            rows.append(row)
        filled = f"{work}/值班-{community}.xlsx"
        fill(template, rows, filled)
        print_headings(filled)

        profile = work + "/profile"
        subprocess.run(["bash", "-c", f'. "{os.path.dirname(os.path.abspath(__file__))}/libreoffice-env.sh"; lo_profile "{profile}"'],
                       check=True)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", work, filled], check=True, stdout=subprocess.DEVNULL)
        pdf = filled[:-5] + ".pdf"
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                        "-x", str(int(LEFT * DPI)), "-y", str(int(TOP * DPI)),
                        "-W", str(int(WIDTH * DPI)), "-H", str(int(HEIGHT * DPI)), pdf, work + "/page"], check=True)
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        if shutil.which("pngquant"):
            subprocess.run(["pngquant", "--force", "--strip", "--quality", "60-90", "--output", out, work + "/page.png"],
                           check=True)
        else:
            shutil.copy(work + "/page.png", out)
        print(f"{out}: {os.path.getsize(out) // 1024} KB, {template.split('/')[-1]} for {month} with {len(rows)} rows")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_headings(path):
    """Prints row numbers and column letters with the sheet (the picture names cells)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: (i, z.read(i.filename)) for i in z.infolist()}
    info, data = parts["xl/worksheets/sheet1.xml"]
    text = data.decode("utf-8")
    text = re.sub(r"<printOptions([^>]*)/>", lambda m: "<printOptions headings=\"1\"" + m.group(1) + "/>", text)
    parts["xl/worksheets/sheet1.xml"] = (info, text.encode("utf-8"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.values():
            z.writestr(info, data)


if __name__ == "__main__":
    main()
