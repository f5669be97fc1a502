#!/usr/bin/env python3
"""The county's sample rules (rules/榕江县积分管理考核办法.jifen) done the way a capable pandas
user would: read_csv, groupby, vectorised arithmetic, integer 分 (and integer millionths of a
point) wherever rounding matters, XlsxWriter for the payroll workbook.

It is the other runner in `make bench-compare` (issue 15: "a race in the repo"), and a check
that the race is fair: `--check` runs `jifen batch run` on the same months into a temporary
store and compares every cadre's score, tier and net pay and the month's Σ gross and Σ net.

    python3 bench/pandas_reference.py --data samples --months 2020-10 2020-11 2020-12 --check
    python3 bench/pandas_reference.py --data bench-data/50000 --months 2020-12 --out /tmp/ref

The months are scored in order; the year to date (收入, 社保, 专项附加, 已预扣税额, months
employed) comes from the first month's opening.csv and is chained from month to month, as
jifen's store does. What it does not do: jifen's row validation (dates outside the month,
unknown cadres, duplicates, overlapping shifts, ...): the sample and generated months have no
such rows, and the check below fails if jifen rejected any (its counts differ).
"""
import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

P = 1_000_000  # points are held as integer millionths of a point: 0.5 分 × 学时 stays exact
FEN = 100

# ----- the regulation, transcribed (第四条 … 第十四条) -----
BASE_POINTS = 60 * P
NIGHT_PER, NIGHT_CAP = 2 * P, 20 * P
HALL_PER, HALL_DAY_CAP, HALL_CAP = P // 2, 1 * P, 10 * P
HOLIDAY_PER = 3 * P
PROXY_PER, PROXY_DAY_CAP, PROXY_CAP = 1 * P, 3 * P, 15 * P
VISITSVC_PER, VISITSVC_CAP = P // 2, 10 * P
HOME_PER_DAY, HOME_CAP = P // 2, 8 * P
MEDIATE_CAP = 10 * P
CLASS_PER, CLASS_CAP = P // 2, 5 * P
ABSENT_PER = 5 * P
COMPLAINT_PER, COMPLAINT_CAP = 3 * P, 15 * P
UNHAPPY_PER, UNHAPPY_FLOOR = 1 * P, 40 * P
TIERS = ["优秀", "称职", "基本称职", "不称职"]
EXCELLENT_SHARE = (20, 100)  # 名额 20% 按 社区, rounded down

BASE_PAY_YUAN = {g: 1700 + 100 * g for g in range(1, 19)}  # 岗位工资标准: 1 → 1800 … 18 → 3500
NIGHT_ALLOWANCE_FEN = 50 * FEN
PAY_DAYS_HUNDREDTHS = 2175  # 月计薪天数 21.75
HOLIDAY_MULTIPLIER = 3  # 300%
PENSION, MEDICAL, UNEMPLOYMENT = (8, 100), (2, 100), (5, 1000)
BASIC_DEDUCTION_FEN = 5000 * FEN
POOL_FEN = 2000 * FEN
TAX_BRACKETS = [  # (upper bound in 元 or None, rate %, quick deduction in 元)
    (36000, 3, 0), (144000, 10, 2520), (300000, 20, 16920), (420000, 25, 31920),
    (660000, 30, 52920), (960000, 35, 85920), (None, 45, 181920)]


def point_value_fen(month):  # 分值
    return 18 * FEN if month >= "2021-01" else 15 * FEN


def insurance_bounds_fen(month):  # 缴费基数下限、上限
    return (2640 * FEN, 13200 * FEN) if month >= "2021-01" else (2496 * FEN, 12480 * FEN)


def training(month):  # 培训学时: 0.5 分/学时 capped at 5 to 2020-12-31, then 1 分 capped at 8
    return (P // 2, 5 * P) if month <= "2020-12" else (P, 8 * P)


def round_half_up(numerator, denominator):
    """四舍五入 of numerator/denominator (integer arrays), halves away from zero."""
    n = np.asarray(numerator, dtype=np.int64)
    q = (np.abs(n) * 2 + denominator) // (2 * denominator)
    return np.where(n < 0, -q, q)


def money_fen(series):
    """'1234.5' → 123450 exactly (金额 columns), blanks → 0."""
    s = series.fillna("").astype(str).str.strip()
    s = s.where(s != "", "0")
    parts = s.str.split(".", n=1, expand=True)
    whole = parts[0].astype(np.int64)
    frac = parts[1].fillna("") if parts.shape[1] > 1 else pd.Series("", index=s.index)
    frac = frac.str.ljust(2, "0").str[:2].astype(np.int64)
    sign = np.where(s.str.startswith("-"), -1, 1)
    return (whole.abs() * FEN + frac) * sign


def decimal_units(series, unit):
    """A decimal column in integer units of 1/unit (exact for up to log10(unit) decimals)."""
    return np.rint(pd.to_numeric(series, errors="coerce").fillna(0).to_numpy() * unit).astype(np.int64)


def read(folder, stem, columns, dtypes=None):
    path = os.path.join(folder, stem + ".csv")
    if not os.path.exists(path):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.read_csv(path, usecols=columns, dtype=dtypes or str, keep_default_na=False, encoding="utf-8")


def per_cadre(frame, values, index, how="sum"):
    """values grouped by 工号, aligned to the roster index (0 where a cadre has no rows)."""
    if len(frame) == 0:
        return pd.Series(0, index=index, dtype=np.int64)
    g = pd.Series(np.asarray(values), index=frame["工号"].to_numpy()).groupby(level=0, sort=False)
    out = g.sum() if how == "sum" else g.max()
    return out.reindex(index, fill_value=0).astype(np.int64)


def score_month(folder, month, prior):
    first, last = month + "-01", pd.Period(month).end_time.strftime("%Y-%m-%d")
    roster = read(folder, "cadres", ["工号", "姓名", "社区", "岗位", "岗位等级", "入职日期", "离职日期", "专项附加扣除"])
    employed = (roster["入职日期"] <= last) & ((roster["离职日期"] == "") | (roster["离职日期"] >= first))
    roster = roster[employed].reset_index(drop=True)
    ids = pd.Index(roster["工号"])
    r = pd.DataFrame(index=ids)

    duty = read(folder, "duty", ["工号", "日期", "班次", "状态"],
                {"工号": str, "日期": str, "班次": "category", "状态": "category"})
    service = read(folder, "service", ["工号", "日期", "类别", "状态", "满意度", "投诉"],
                   {"工号": str, "日期": str, "类别": "category", "状态": "category", "满意度": "category", "投诉": "category"})
    train = read(folder, "training", ["工号", "学时", "考核"])
    adjust = read(folder, "adjustments", ["工号", "分值", "原因", "批准人"])

    # 第五条 值班
    present = duty["状态"].isin(["到岗", "替班"])
    night = duty[(duty["班次"] == "夜班") & present]
    night_count = per_cadre(night, np.ones(len(night), np.int64), ids)
    r["夜间值班"] = np.minimum(night_count * NIGHT_PER, NIGHT_CAP)
    hall = duty[duty["班次"].isin(["白班", "晚班"]) & (duty["状态"] == "到岗")]
    hall_days = hall.groupby(["工号", "日期"], sort=False, observed=True).size().mul(HALL_PER).clip(upper=HALL_DAY_CAP)
    r["大厅值守"] = hall_days.groupby(level=0, sort=False).sum().reindex(ids, fill_value=0).clip(upper=HALL_CAP)
    holiday = duty[(duty["班次"] == "节假日") & present]
    holiday_count = per_cadre(holiday, np.ones(len(holiday), np.int64), ids)
    r["节假日值班"] = holiday_count * HOLIDAY_PER

    # 第六条 服务
    done = service["状态"] == "办结"
    kind = service["类别"]
    proxy = service[(kind == "全程代办") & done]
    proxy_days = proxy.groupby(["工号", "日期"], sort=False, observed=True).size().mul(PROXY_PER).clip(upper=PROXY_DAY_CAP)
    r["全程代办"] = proxy_days.groupby(level=0, sort=False).sum().reindex(ids, fill_value=0).clip(upper=PROXY_CAP)
    visit = service[kind.isin(["预约服务", "上门服务"]) & done]
    r["预约上门服务"] = np.minimum(per_cadre(visit, np.ones(len(visit), np.int64), ids) * VISITSVC_PER, VISITSVC_CAP)
    home = service[kind == "入户走访"]
    home_days = home.groupby("工号", sort=False)["日期"].nunique().reindex(ids, fill_value=0)
    r["入户走访"] = np.minimum(home_days * HOME_PER_DAY, HOME_CAP)
    mediate = service[(kind == "矛盾调解") & done]
    r["矛盾调解"] = np.minimum(per_cadre(mediate, np.where(mediate["满意度"] == "满意", 2 * P, 1 * P), ids), MEDIATE_CAP)
    classes = service[kind == "四点半课堂"]
    r["四点半课堂"] = np.minimum(per_cadre(classes, np.ones(len(classes), np.int64), ids) * CLASS_PER, CLASS_CAP)

    # 第七条 培训
    passed = train[train["考核"] == "合格"]
    hours = decimal_units(passed["学时"], 10_000)  # 学时 in 1/10000 h
    per_hour, cap = training(month)
    r["培训学时"] = np.minimum(per_cadre(passed, hours * per_hour // 10_000, ids), cap)
    r["集中培训"] = np.where(per_cadre(passed, hours, ids, how="max") >= 8 * 10_000, P, 0)

    positives = ["夜间值班", "大厅值守", "节假日值班", "全程代办", "预约上门服务", "入户走访", "矛盾调解", "四点半课堂", "培训学时", "集中培训"]
    running = BASE_POINTS + r[positives].sum(axis=1).to_numpy(np.int64)

    # 第八条 扣分: in the order written, each drawing on the running score down to its floor
    absent = duty[duty["状态"] == "缺勤"]
    complaints = service[service["投诉"] == "是"]
    unhappy = service[service["满意度"] == "不满意"]
    for amount, floor in [
            (per_cadre(absent, np.ones(len(absent), np.int64), ids) * ABSENT_PER, 0),
            (np.minimum(per_cadre(complaints, np.ones(len(complaints), np.int64), ids) * COMPLAINT_PER, COMPLAINT_CAP), 0),
            (per_cadre(unhappy, np.ones(len(unhappy), np.int64), ids) * UNHAPPY_PER, UNHAPPY_FLOOR)]:
        applied = np.minimum(np.asarray(amount), np.maximum(0, running - floor))
        running = running - applied

    # 第九条 人工调整 (须注明 原因、批准人)
    adj = adjust[(adjust["分值"] != "") & (adjust["原因"] != "") & (adjust["批准人"] != "")]
    running = running + per_cadre(adj, decimal_units(adj["分值"], P), ids).to_numpy()
    r["得分"] = running

    # 第十条 一票否决
    major = service[(service["投诉"] == "是") & (service["满意度"] == "不满意")]
    absent_days = absent.groupby("工号", sort=False)["日期"].nunique().reindex(ids, fill_value=0)
    vetoed = (per_cadre(major, np.ones(len(major), np.int64), ids) >= 3) | (absent_days >= 3)

    # 第十一条 等次: thresholds, 20% 优秀 per 社区 (rounded down) in the stated order
    r["社区"] = roster["社区"].to_numpy()
    r["入职日期"] = roster["入职日期"].to_numpy()
    score = r["得分"]
    reached = np.select([score >= 90 * P, score >= 70 * P, score >= 60 * P], [0, 1, 2], 3)
    order = r.reset_index(names="工号").sort_values(["得分", "夜间值班", "入职日期", "工号"], ascending=[False, False, True, True], kind="stable")
    order["reached"] = reached[order.index]
    order["vetoed"] = vetoed.to_numpy()[order.index]
    size = order.groupby("社区")["工号"].transform("size")
    quota = size * EXCELLENT_SHARE[0] // EXCELLENT_SHARE[1]
    candidate = (order["reached"] == 0) & ~order["vetoed"]
    place = candidate.astype(np.int64).groupby(order["社区"]).cumsum()
    tier_index = np.where(order["vetoed"], 3, np.where(candidate & (place > quota), 1, order["reached"]))
    tiers = pd.Series(np.asarray(TIERS)[tier_index], index=order["工号"].to_numpy()).reindex(ids)
    r["等次"] = tiers.to_numpy()

    # 第十二条 … 第十四条 pay, in 分
    pay = pd.DataFrame(index=ids)
    grade = roster["岗位等级"].astype(np.int64).to_numpy()
    pay["基本工资"] = pd.Series(grade).map(BASE_PAY_YUAN).to_numpy(np.int64) * FEN
    pay["绩效工资"] = round_half_up(score.to_numpy() * point_value_fen(month), P * FEN) * FEN
    weights = r["四点半课堂"].to_numpy()
    total = weights.sum()
    if total > 0:  # largest remainder: floor to the 分, then 1 分 each by remainder, ties by 工号
        exact = weights.astype(object) * POOL_FEN  # Python ints: Σ can exceed 2^63 at scale
        share = np.array([int(x // total) for x in exact], dtype=np.int64)
        remainder = np.array([int(x % total) for x in exact], dtype=object)
        left = POOL_FEN - int(share.sum())
        ranked = pd.DataFrame({"rem": remainder, "id": ids}).sort_values(["rem", "id"], ascending=[False, True], kind="stable")
        share[ranked.index[:left]] += 1
        pay["四点半课堂奖励"] = share
    else:
        pay["四点半课堂奖励"] = 0
    pay["夜班补贴"] = night_count.to_numpy() * NIGHT_ALLOWANCE_FEN
    daily = round_half_up(pay["基本工资"].to_numpy() * 100, PAY_DAYS_HUNDREDTHS)
    pay["节假日值班工资"] = daily * HOLIDAY_MULTIPLIER * holiday_count.to_numpy()
    pay["应发合计"] = pay[["基本工资", "绩效工资", "四点半课堂奖励", "夜班补贴", "节假日值班工资"]].sum(axis=1)
    low, high = insurance_bounds_fen(month)
    base = pay["应发合计"].clip(lower=low, upper=high).to_numpy()
    exempt = (roster["岗位"] == "网格员").to_numpy()
    for name, (num, den) in [("养老保险", PENSION), ("医疗保险", MEDICAL), ("失业保险", UNEMPLOYMENT)]:
        pay[name] = np.where(exempt, 0, round_half_up(base * num, den))
    pay["社保"] = pay["养老保险"] + pay["医疗保险"] + pay["失业保险"]

    # cumulative withholding (累计预扣法) on the year to date
    special = money_fen(roster["专项附加扣除"]).to_numpy()
    p = prior.reindex(ids).fillna(0).astype(np.int64)
    hired = roster["入职日期"].str[:7]
    start_month = np.where(hired.str[:4] == month[:4], hired.str[5:7].astype(int), 1)
    months = np.where(p["months"] > 0, p["months"] + 1, np.maximum(1, int(month[5:7]) - start_month + 1))
    ytd_income = p["收入"].to_numpy() + pay["应发合计"].to_numpy()
    ytd_insurance = p["社保"].to_numpy() + pay["社保"].to_numpy()
    ytd_special = p["专项附加"].to_numpy() + special
    taxable = np.maximum(0, ytd_income - BASIC_DEDUCTION_FEN * months - ytd_insurance - ytd_special)
    limits = [b[0] * FEN for b in TAX_BRACKETS[:-1]]
    band = np.searchsorted(np.asarray(limits), taxable, side="left")
    rate = np.asarray([b[1] for b in TAX_BRACKETS])[band]
    quick = np.asarray([b[2] for b in TAX_BRACKETS])[band] * FEN
    tax = round_half_up(taxable * rate - quick * 100 - p["已预扣税额"].to_numpy() * 100, 100)  # in 1/100 分
    pay["个人所得税"] = np.maximum(0, tax)
    pay["扣款合计"] = pay["社保"] + pay["个人所得税"]
    pay["实发工资"] = pay["应发合计"] - pay["扣款合计"]

    ytd = pd.DataFrame({"收入": ytd_income, "社保": ytd_insurance, "专项附加": ytd_special,
                        "已预扣税额": p["已预扣税额"].to_numpy() + pay["个人所得税"].to_numpy(), "months": months}, index=ids)
    # cadres not employed this month keep their year to date
    ytd = pd.concat([prior[~prior.index.isin(ids)], ytd])
    return roster, r, pay, ytd


def opening(folder):
    o = read(folder, "opening", ["工号", "累计收入", "累计社保", "累计专项附加扣除", "累计已预扣税额", "累计月数"])
    out = pd.DataFrame({"收入": money_fen(o["累计收入"]).to_numpy(), "社保": money_fen(o["累计社保"]).to_numpy(),
                        # the opening's 累计专项附加扣除 is the year to date of the rules' 专项附加
                        "专项附加": money_fen(o["累计专项附加扣除"]).to_numpy(),
                        "已预扣税额": money_fen(o["累计已预扣税额"]).to_numpy(),
                        "months": pd.to_numeric(o["累计月数"], errors="coerce").fillna(0).astype(np.int64).to_numpy()},
                       index=o["工号"].to_numpy())
    return out.astype(np.int64)


def write_payroll(path, month, roster, r, pay):
    yuan = pay.drop(columns=["社保", "扣款合计"]).astype("float64") / FEN
    table = pd.concat([roster[["工号", "姓名", "社区", "岗位", "岗位等级"]].reset_index(drop=True),
                       pd.DataFrame({"得分": r["得分"].to_numpy() / P, "等次": r["等次"].to_numpy()}),
                       yuan.reset_index(drop=True)], axis=1)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        table.to_excel(writer, sheet_name="工资表", index=False, startrow=1)
        book, sheet = writer.book, writer.sheets["工资表"]
        sheet.write(0, 0, f"{month} 社区干部报酬发放表", book.add_format({"bold": True}))
        money = book.add_format({"num_format": "0.00"})
        first = list(table.columns).index("基本工资")
        sheet.set_column(first, len(table.columns) - 1, 12, money)
        n = len(table) + 2
        sheet.write(n, 0, "合计")
        for c in range(first, len(table.columns)):
            total = int(pay[table.columns[c]].sum()) / FEN
            col = xl_col(c)
            sheet.write_formula(n, c, f"=SUM({col}3:{col}{n})", money, total)


def xl_col(c):
    s = ""
    c += 1
    while c:
        c, k = divmod(c - 1, 26)
        s = chr(65 + k) + s
    return s


def run(data, months, out, without_opening_special=False):
    prior = pd.DataFrame(columns=["收入", "社保", "专项附加", "已预扣税额", "months"], dtype=np.int64)
    results = {}
    for month in months:
        folder = os.path.join(data, month)
        if os.path.exists(os.path.join(folder, "opening.csv")):
            prior = opening(folder)
            if without_opening_special:
                prior["专项附加"] = prior["专项附加"] * 0
        roster, r, pay, prior = score_month(folder, month, prior)
        if out:
            os.makedirs(os.path.join(out, month), exist_ok=True)
            write_payroll(os.path.join(out, month, "工资表.xlsx"), month, roster, r, pay)
        results[month] = (r, pay)
    return results


# ----- --check: the same months through jifen, compared -----

def jifen_results(jifen, data, months, rules):
    store = tempfile.mkdtemp(prefix="jifen-check-")
    db = os.path.join(store, "jifen.sqlite")
    for month in months:
        # The months alone in a new store, as the reference computes them: no income earlier
        # in the year (S0007 otherwise asks for an opening file).
        cmd = [jifen, "batch", "run", "--no-earlier-income", "--month", month, "--data", data, "--store", db, "--out", os.path.join(store, "out"),
               "--quiet", "--reports", "payroll"] + (["--rules", rules] if rules else [])
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    con = sqlite3.connect(db)
    out = {}
    for month in months:
        run_id, rejected, gross, net = con.execute(
            "SELECT id, rowsRejected, grossFen, netFen FROM run WHERE month = ? AND supersededBy IS NULL AND state != 'correction' "
            "ORDER BY id DESC LIMIT 1", (month,)).fetchone()
        cadres = pd.read_sql_query("SELECT cadreID, points, tier, grossFen, netFen FROM cadreResult WHERE runID = ?", con,
                                   params=(run_id,)).set_index("cadreID")
        out[month] = (rejected, gross, net, cadres)
    return out


def points_text(units):
    units = int(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), P)
    return sign + (str(whole) + ("." + f"{frac:06d}".rstrip("0") if frac else ""))


def check(results, theirs):
    problems = 0
    for month, (r, pay) in results.items():
        rejected, gross, net, cadres = theirs[month]
        mine = pd.DataFrame({"points": [points_text(x) for x in r["得分"]], "tier": r["等次"].to_numpy(),
                             "grossFen": pay["应发合计"].to_numpy(), "netFen": pay["实发工资"].to_numpy()}, index=r.index)
        if rejected:
            print(f"{month}: jifen rejected {rejected} rows; this reference does not validate rows", file=sys.stderr)
            problems += 1
        if set(mine.index) != set(cadres.index):
            print(f"{month}: cadres differ: only here {sorted(set(mine.index) - set(cadres.index))[:5]}, "
                  f"only in jifen {sorted(set(cadres.index) - set(mine.index))[:5]}", file=sys.stderr)
            problems += 1
            continue
        theirs_aligned = cadres.loc[mine.index]
        theirs_aligned = theirs_aligned.assign(points=[points_text(decimal_points(str(x))) for x in theirs_aligned["points"]])
        for col in ["points", "tier", "netFen", "grossFen"]:
            diff = mine[col] != theirs_aligned[col]
            for cid in list(mine.index[diff])[:10]:
                print(f"{month} {cid} {col}: reference {mine.at[cid, col]}, jifen {theirs_aligned.at[cid, col]}", file=sys.stderr)
            problems += int(diff.sum())
        sums = (int(pay["应发合计"].sum()), int(pay["实发工资"].sum()))
        ok = sums == (gross, net)
        print(f"{month}: {len(mine)} cadres, Σ gross {sums[0] / FEN:.2f} (jifen {gross / FEN:.2f}), "
              f"Σ net {sums[1] / FEN:.2f} (jifen {net / FEN:.2f}) {'same' if ok else 'DIFFERENT'}")
        problems += 0 if ok else 1
    return problems


def decimal_points(text):
    sign = -1 if text.startswith("-") else 1
    whole, _, frac = text.lstrip("-").partition(".")
    return sign * (int(whole or 0) * P + int((frac + "000000")[:6]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder of month folders (samples, bench-data/50000)")
    ap.add_argument("--months", nargs="+", required=True, help="months in order, e.g. 2020-10 2020-11 2020-12")
    ap.add_argument("--out", help="write each month's 工资表.xlsx under OUT/<month>/")
    ap.add_argument("--check", action="store_true", help="run jifen on the same months and compare (exit 1 on a difference)")
    ap.add_argument("--jifen", default=".build/release/jifen")
    ap.add_argument("--rules", help="rules folder for jifen (default: jifen.json's)")
    ap.add_argument("--without-opening-special", action="store_true",
                    help="leave the opening balance's 累计专项附加扣除 out of 本年累计（专项附加）, as jifen did before R0320")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    t0 = time.monotonic()
    results = run(a.data, a.months, a.out, a.without_opening_special)
    seconds = time.monotonic() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not a.quiet:
        for month, (r, pay) in results.items():
            print(f"{month}: {len(r)} cadres, Σ points {points_text(r['得分'].sum())}, Σ gross {pay['应发合计'].sum() / FEN:.2f}, "
                  f"Σ net {pay['实发工资'].sum() / FEN:.2f}")
    print(f"pandas reference: {seconds:.2f} s, peak RSS {rss_mb:.0f} MB")
    if a.check:
        problems = check(results, jifen_results(a.jifen, a.data, a.months, a.rules))
        if problems:
            print(f"check: {problems} differences from jifen", file=sys.stderr)
            sys.exit(1)
        print("check: same scores, tiers, net pay and totals as jifen")


if __name__ == "__main__":
    main()
