#!/usr/bin/env python3
"""Sample months of the 百分制 example county: python3 scripts/example-months-百分制.py rules/examples/百分制/samples (deterministic; rerun after changing it)."""
import random, os, sys, calendar, datetime
out = sys.argv[1]
R = random.Random(20210101)
W = [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
def idnum(area, birth, seq):
    body = f"{area}{birth}{seq:03d}"
    s = sum(int(c)*w for c, w in zip(body, W)) % 11
    return body + "10X98765432"[s]
surn = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = ["建国","秀英","志强","丽华","海燕","晓明","春梅","国庆","文静","德华","玉兰","光明","红霞","永军","金花","家乐","思远","小芳","明辉","雪梅"]
comms = [("安康", "AK"), ("幸福", "XF"), ("和谐", "HX")]
posts = [("书记", 9, "正式"), ("主任", 8, "正式"), ("副主任", 6, "正式"), ("委员", 4, "正式"), ("网格员", 2, "公益性岗位"), ("网格员", 2, "公益性岗位")]
banks = ["某县农村商业银行", "中国邮政储蓄银行某县支行"]
cadres = []
n = 0
for ci, (c, p) in enumerate(comms):
    for i, (post, lvl, kind) in enumerate(posts):
        n += 1
        y = 1970 + R.randrange(0, 30); m = R.randrange(1, 13); d = R.randrange(1, 28)
        cadres.append(dict(工号=f"{p}-{i+1:03d}", 姓名=surn[n % len(surn)] + given[n % len(given)],
            身份证号=idnum("522634", f"{y}{m:02d}{d:02d}", 100 + n), 社区=c, 岗位=post, 岗位类别=kind, 岗位等级=str(lvl),
            入职日期=f"20{17 + R.randrange(0, 4)}-0{R.randrange(1, 10)}-{R.randrange(1, 28):02d}", 离职日期="",
            银行账号="62179" + "".join(str(R.randrange(10)) for _ in range(14)), 开户行=banks[n % 2],
            手机="13" + "".join(str(R.randrange(10)) for _ in range(9)), 专项附加扣除=["", "", "1000.00", "2000.00"][n % 4]))
leaver = "XF-006"
joiner = dict(cadres[-1]); joiner.update(工号="HX-007", 姓名="钱思远", 身份证号=idnum("522634", "19990505", 199),
    入职日期="2021-02-08", 银行账号="6217900000000000077", 手机="13900000077", 专项附加扣除="")
cols = ["工号","姓名","身份证号","社区","岗位","岗位类别","岗位等级","入职日期","离职日期","银行账号","开户行","手机","专项附加扣除"]
def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows: f.write(",".join(r) + "\n")
for month in ["2021-01", "2021-02"]:
    y, m = map(int, month.split("-")); days = calendar.monthrange(y, m)[1]
    folder = os.path.join(out, month); os.makedirs(folder, exist_ok=True)
    roster = [dict(c) for c in cadres]
    for c in roster:
        if c["工号"] == leaver: c["离职日期"] = "2021-01-18"
    if month == "2021-02":
        roster = [c for c in roster if c["工号"] != leaver] + [joiner]
    write(os.path.join(folder, "cadres.csv"), cols, [[c[k] for k in cols] for c in roster])
    duty, service, study = [], [], []
    sn = 0
    for c in roster:
        first = max(1, int(c["入职日期"][8:]) if c["入职日期"].startswith(month) else 1)
        last = int(c["离职日期"][8:]) if c["离职日期"].startswith(month) else days
        workdays = [d for d in range(first, last + 1) if datetime.date(y, m, d).weekday() < 5]
        for d in R.sample(workdays, min(len(workdays), R.randrange(6, 10))):
            shift = R.choice(["白班", "白班", "晚班", "夜班"])
            start, end = {"白班": ("08:30", "17:00"), "晚班": ("14:00", "22:00"), "夜班": ("20:00", "08:00")}[shift]
            state = R.choices(["到岗", "缺勤", "请假"], [90, 5, 5])[0]
            if state == "到岗" and R.random() < 0.2:
                hh, mm = map(int, start.split(":")); late = R.choice([5, 20, 40, 95])
                mm += late; hh += mm // 60; mm %= 60; start = f"{hh:02d}:{mm:02d}"
            duty.append((f"{month}-{d:02d}", c["工号"], shift, start, end, state))
        for d in sorted(R.sample(range(first, last + 1), min(last - first + 1, R.randrange(2, 8)))):
            sn += 1
            kind = R.choice(["全程代办", "全程代办", "入户走访", "上门服务"])
            state = R.choices(["办结", "办理中"], [85, 15])[0]
            sat = R.choices(["满意", "基本满意", "不满意"], [75, 20, 5])[0] if state == "办结" else ""
            service.append((f"{month}-{d:02d}", f"{c['工号'][:2]}{month.replace('-', '')}{sn:04d}", c["工号"], kind, state, sat))
        for d in sorted(R.sample(range(first, last + 1), min(last - first + 1, R.randrange(0, 4)))):
            study.append((f"{month}-{d:02d}", c["工号"], R.choice(["政策学习", "业务培训", "安全培训"]), str(R.choice([1, 1.5, 2, 3])), R.choices(["合格", "不合格"], [85, 15])[0]))
    duty.sort(); service.sort(); study.sort()
    write(os.path.join(folder, "attendance.csv"), ["工号","日期","班次","开始","结束","状态"], [(r[1], r[0], r[2], r[3], r[4], r[5]) for r in duty])
    write(os.path.join(folder, "service.csv"), ["编号","工号","日期","类别","状态","满意度"], [(r[1], r[2], r[0], r[3], r[4], r[5]) for r in service])
    write(os.path.join(folder, "study.csv"), ["工号","日期","课程","学时","考核"], [(r[1], r[0], r[2], r[3], r[4]) for r in study])
