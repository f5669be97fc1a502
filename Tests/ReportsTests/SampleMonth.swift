import Exact
import Pay
import Reports
import Results

/// A realistic month built in code: 12 cadres in 4 communities, every pay line kind, day
/// and month caps, a deduction stopped at its floor, an adjustment with its reason and a
/// one-vote veto.
struct SampleMonth {
    var results: MonthResults
    var summary: RunSummary
    var run: ReportRun
    var rejected: [StoredRejectedRow]
    var payees: [Payee]

    static let month = YearMonth(year: 2020, month: 12)!

    private struct Person {
        var id: String, name: String, community: String, post: String, level: Int
        var duty: String, service: String, training: String?, absence: String?
        var dayClips: Int = 0, monthClip: Bool = false, floorClip: Bool = false
        var adjustment: (String, String)? = nil, veto: Bool = false
        var birth: String
    }

    private static let people: [Person] = [
        Person(id: "RJ-001", name: "张丽", community: "古州社区", post: "社区书记", level: 3, duty: "18.5", service: "20", training: "2", absence: nil, dayClips: 2, monthClip: true, birth: "19850312"),
        Person(id: "RJ-002", name: "吴国平", community: "古州社区", post: "网格员", level: 1, duty: "12", service: "9.5", training: nil, absence: "-2", birth: "19901105"),
        Person(id: "RJ-003", name: "杨秀英", community: "古州社区", post: "网格员", level: 1, duty: "15", service: "14", training: "1", absence: nil, dayClips: 1, birth: "19920728"),
        Person(id: "RJ-004", name: "潘文", community: "古州社区", post: "社区主任", level: 2, duty: "10", service: "12.5", training: "2", absence: nil, veto: true, birth: "19780101"),
        Person(id: "RJ-005", name: "石海燕", community: "城北社区", post: "社区书记", level: 3, duty: "16", service: "18", training: "2", absence: nil, adjustment: ("抗洪抢险表现突出", "县民政局 王明"), birth: "19830920"),
        Person(id: "RJ-006", name: "龙建华", community: "城北社区", post: "网格员", level: 1, duty: "8", service: "7", training: nil, absence: "-12", floorClip: true, birth: "19951230"),
        Person(id: "RJ-007", name: "王芳", community: "城北社区", post: "网格员", level: 1, duty: "13", service: "11", training: "1", absence: nil, birth: "19880415"),
        Person(id: "RJ-008", name: "杨光", community: "车江社区", post: "社区主任", level: 2, duty: "14", service: "16", training: "2", absence: nil, monthClip: true, birth: "19800608"),
        Person(id: "RJ-009", name: "吴晓梅", community: "车江社区", post: "网格员", level: 1, duty: "11", service: "10", training: nil, absence: "-1", birth: "19930217"),
        Person(id: "RJ-010", name: "张丽", community: "车江社区", post: "网格员", level: 1, duty: "9.5", service: "8", training: "1", absence: nil, adjustment: ("台账补录核减", "县民政局 王明"), birth: "19960823"),
        Person(id: "RJ-011", name: "欧阳明", community: "忠诚社区", post: "社区书记", level: 3, duty: "17", service: "15", training: "2", absence: nil, dayClips: 3, birth: "19820511"),
        Person(id: "RJ-012", name: "陆小红", community: "忠诚社区", post: "网格员", level: 1, duty: "10", service: "9", training: nil, absence: "-3", birth: "19940302"),
    ]

    /// GB 11643 check character.
    static func idNumber(_ seventeen: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(seventeen, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return seventeen + String(Array("10X98765432")[sum % 11])
    }

    static func make() -> SampleMonth {
        let f = { (s: String) in Fixed(s)! }
        var cadres: [CadreResult] = []
        var payees: [Payee] = []
        for (n, p) in people.enumerated() {
            var lines: [ScoreLine] = [ScoreLine(kind: .base, name: "基础分", citation: "第四条", raw: f("60"), points: f("60"))]
            let dutyRaw = f(p.duty) + Fixed(p.dayClips * 2)
            let dutyClips = (0..<p.dayClips).map { d in Clip(scope: .day(CivilDate(year: 2020, month: 12, day: 5 + d)!), limit: f("4"), removed: f("2")) }
            lines.append(ScoreLine(
                kind: .item, name: "值班", citation: "第五条第一款", raw: dutyRaw, points: f(p.duty), clips: dutyClips,
                records: (0..<3).map { RecordRef(file: "duty.csv", line: 2 + n * 3 + $0, date: CivilDate(year: 2020, month: 12, day: 5 + $0)!, summary: "夜班 20:00–08:00", points: f("2")) }))
            let serviceRaw = p.monthClip ? f(p.service) + f("5.5") : f(p.service)
            lines.append(ScoreLine(
                kind: .item, name: "服务群众", citation: "第五条第二款", raw: serviceRaw, points: f(p.service),
                clips: p.monthClip ? [Clip(scope: .month, limit: f(p.service), removed: f("5.5"))] : [],
                records: [RecordRef(file: "service.xlsx", line: 3 + n, date: CivilDate(year: 2020, month: 12, day: 10)!, summary: "全程代办 低保申请", points: serviceRaw)]))
            if let t = p.training {
                lines.append(ScoreLine(kind: .item, name: "参加培训", citation: "第五条第三款", raw: f(t), points: f(t)))
            }
            if let a = p.absence {
                let raw = f(a)
                let points = p.floorClip ? f("-10") : raw
                lines.append(ScoreLine(
                    kind: .deduction, name: "缺勤", citation: "第七条", raw: raw, points: points,
                    clips: p.floorClip ? [Clip(scope: .floor, limit: f("-10"), removed: f("2"))] : []))
            }
            if let (reason, by) = p.adjustment {
                let pts = reason.contains("核减") ? f("-1.5") : f("3")
                lines.append(ScoreLine(kind: .adjustment, name: "人工调整", raw: pts, points: pts, reason: reason, approvedBy: by))
            }
            let total = lines.map(\.points).reduce(Fixed.zero, +)
            cadres.append(CadreResult(
                cadreID: p.id, name: p.name, community: p.community, grid: p.post == "网格员" ? "第\(n % 3 + 1)网格" : nil, post: p.post,
                level: p.level, score: ScoreCard(lines: lines, total: total),
                standing: Standing(group: p.community, rank: 0, groupSize: 0, tier: "", reasons: []),
                pay: PaySlip(lines: [])))
            let id = idNumber("522632" + p.birth + String(format3(n * 37 + 101)))
            payees.append(Payee(
                cadreID: p.id, idNumber: id, bankAccount: "62170028700" + String(format8(10_000_000 + n * 7_654_321)),
                phone: "138" + String(format8(20_000_000 + n * 1_234_567))))
        }
        // Standing: rank in community by total, then tiers by threshold and quota, veto last.
        let communities = Dictionary(grouping: cadres.indices, by: { cadres[$0].community })
        for (_, members) in communities {
            let ordered = members.sorted { cadres[$0].score.total != cadres[$1].score.total ? cadres[$0].score.total > cadres[$1].score.total : $0 < $1 }
            for (r, i) in ordered.enumerated() {
                let p = people[i], total = cadres[i].score.total
                var reasons: [TierReason] = []
                var tier: String
                if total >= f("90") && r == 0 {
                    tier = "优秀"
                    reasons = [.threshold(tier: "优秀", condition: "总分 ≥ 90"), .withinQuota(tier: "优秀", share: f("0.20"), places: 1, rank: 1)]
                } else if total >= f("90") {
                    tier = "称职"
                    reasons = [.threshold(tier: "优秀", condition: "总分 ≥ 90"), .quotaFull(tier: "优秀", share: f("0.20"), places: 1, rank: r + 1, to: "称职")]
                } else if total >= f("80") {
                    tier = "称职"; reasons = [.threshold(tier: "称职", condition: "总分 ≥ 80")]
                } else if total >= f("70") {
                    tier = "基本称职"; reasons = [.threshold(tier: "基本称职", condition: "总分 ≥ 70")]
                } else {
                    tier = "不称职"; reasons = [.threshold(tier: "不称职", condition: "总分 < 70")]
                }
                if p.veto {
                    tier = "不称职"
                    reasons.append(.veto(name: "发生安全责任事故", citation: "第十二条", tier: "不称职", record: RecordRef(file: "events.csv", line: 4, date: CivilDate(year: 2020, month: 12, day: 18)!, summary: "安全责任事故", points: .zero)))
                }
                cadres[i].standing = Standing(group: p.community, rank: r + 1, groupSize: members.count, tier: tier, reasons: reasons)
            }
        }
        // Pay: base by level, performance by tier, allowances; contributions and tax.
        for i in cadres.indices {
            let c = cadres[i]
            let base = Money(yuan: 2000 + Int64(c.level) * 300)
            let perf: Money = ["优秀": Money(fen: 95_050), "称职": Money(fen: 70_033), "基本称职": Money(fen: 35_017)][c.standing.tier] ?? .zero
            var lines = [
                PayLineResult(name: "基本报酬", kind: .earning, amount: base, citation: "第九条"),
                PayLineResult(name: "绩效报酬", kind: .earning, amount: perf, citation: "第十条"),
                PayLineResult(name: "交通补贴", kind: .earning, amount: Money(yuan: 150)),
            ]
            if c.post == "网格员" { lines.append(PayLineResult(name: "通讯补贴", kind: .earning, amount: Money(yuan: 80))) }
            let wage = base + perf
            let rates: [(String, String)] = [("养老保险", "0.08"), ("医疗保险", "0.02"), ("失业保险", "0.005")]
            var insurance = Money.zero
            for (name, rate) in rates {
                let a = wage.multiplied(by: f(rate), .halfUp)!
                insurance = insurance + a
                lines.append(PayLineResult(name: name, kind: .deduction, amount: a, trace: PayTrace(steps: [
                    PayStep(label: PayText(zh: name, en: name), formula: PayText(zh: "缴费基数 × 比例", en: "base × rate"),
                            inputs: [PayInput(PayText(zh: "缴费基数", en: "base"), .money(wage)), PayInput(PayText(zh: "比例", en: "rate"), .rate(f(rate)))],
                            result: .money(a)),
                ])))
            }
            let gross = lines.filter { $0.kind == .earning }.map(\.amount).sum()
            let taxable = gross - insurance - Money(yuan: 3000)
            let tax = taxable > .zero ? taxable.multiplied(by: f("0.03"), .halfUp)! : .zero
            lines.append(PayLineResult(name: "个人所得税", kind: .deduction, amount: tax, citation: "个人所得税法"))
            lines.append(PayLineResult(name: "积分分值", kind: .info, amount: Money(fen: 1_137)))
            cadres[i].pay = PaySlip(lines: lines)
            cadres[i].yearToDate = YearToDate(totals: ["应发合计": Money(fen: gross.fen * 12), "个人所得税": Money(fen: tax.fen * 12)], months: 12)
        }
        let results = MonthResults(month: month, cadres: cadres)
        var tiers: [String: Int] = [:]
        for c in cadres { tiers[c.standing.tier, default: 0] += 1 }
        let files = [
            RunSummary.FileLine(name: "roster.csv", source: "花名册", format: "csv", read: 13, accepted: 12, rejected: 1, ignored: 0),
            RunSummary.FileLine(name: "duty.csv", source: "值班记录", format: "csv", read: 40, accepted: 36, rejected: 2, ignored: 2),
            RunSummary.FileLine(name: "service.xlsx", source: "服务台账", format: "xlsx", read: 25, accepted: 24, rejected: 0, ignored: 1),
            RunSummary.FileLine(name: "events.csv", source: "事件记录", format: "csv", read: 3, accepted: 3, rejected: 0, ignored: 0),
        ]
        var summary = RunSummary(
            cadres: cadres.count, rowsUsed: 75, rowsIgnored: 3, rowsRejected: 3,
            pointsTotal: cadres.map(\.score.total).reduce(Fixed.zero, +), gross: results.gross, deductions: results.deductions,
            net: results.net, tiers: tiers, files: files)
        // The tax file's contributions; 本期收入 is left to its default, 应发合计.
        summary.taxFiling = [
            TaxFilingLine(line: "养老保险", column: .pension), TaxFilingLine(line: "医疗保险", column: .medical),
            TaxFilingLine(line: "失业保险", column: .unemployment),
        ]
        let rejected = [
            StoredRejectedRow(file: "duty.csv", line: 17, codes: ["D0104"], reasons: ["日期 2020-13-01 无效"], cells: ["RJ-003", "2020-13-01", "20:00", "08:00"]),
            StoredRejectedRow(file: "roster.csv", line: 9, codes: ["D0201"], reasons: ["身份证号校验位错误：522632********1235"], cells: ["RJ-099", "李某", "522632********1235"]),
            StoredRejectedRow(file: "duty.csv", line: 29, codes: ["D0110", "D0104"], reasons: ["工号 'RJ-099' 不在花名册中", "日期无效"], cells: ["RJ-099", "2020-12-32"]),
        ]
        let run = ReportRun(
            id: 7, month: month, rulesVersion: "2020.12", rulesHash: "3f2a9c1d5e7b8a0c4d6e2f1a9b3c5d7e8f0a1b2c3d4e5f60718293a4b5c6d7e8",
            engineVersion: "0.1.0", createdAt: "2021-01-04T09:30:00+08:00",
            inputs: [
                .init(name: "rongjiang.jifen", role: "rules", sha256: "3f2a9c1d5e7b8a0c4d6e2f1a9b3c5d7e8f0a1b2c3d4e5f60718293a4b5c6d7e8", byteCount: 4_210),
                .init(name: "roster.csv", role: "data", sha256: "a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef0", byteCount: 2_048),
                .init(name: "duty.csv", role: "data", sha256: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", byteCount: 1_536),
            ])
        return SampleMonth(results: results, summary: summary, run: run, rejected: rejected, payees: payees)
    }

    private static func format3(_ n: Int) -> String { let s = String(n % 1000); return String(repeating: "0", count: 3 - s.count) + s }
    private static func format8(_ n: Int) -> String { let s = String(n % 100_000_000); return String(repeating: "0", count: 8 - s.count) + s }
}

