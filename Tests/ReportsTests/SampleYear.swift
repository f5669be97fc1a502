import Exact
import Pay
import Reports
import Results

/// A realistic year built by hand: 8 cadres in 3 communities, a joiner in post 4 months
/// (不定等次, paid 0.00), a leaver in post 8 months, a cadre whose March veto makes the year
/// 不称职, bonuses taxed separately and merged (取低者, one tie going to 单独计税), and the
/// months' pay lines for 年度个税明细. Every figure is worked out below from the issue's
/// regulation: 年终绩效奖 = 6,000 × coefficient × months ÷ 12.
struct SampleYear {
    var results: YearResults
    var run: YearReportRun
    var payees: [Payee]

    static let year = 2021
    static let tierOrder = ["优秀", "称职", "基本称职", "不称职", "不定等次"]
    static let monthPayLines = [
        MonthPayLineName(name: "基本报酬", kind: .earning),
        MonthPayLineName(name: "绩效报酬", kind: .earning),
        MonthPayLineName(name: "养老保险", kind: .deduction, taxColumn: .pension),
        MonthPayLineName(name: "医疗保险", kind: .deduction, taxColumn: .medical),
        MonthPayLineName(name: "个人所得税", kind: .deduction),
    ]

    private struct Person {
        var id: String, name: String, community: String, post: String, level: Int
        var months: ClosedRange<Int>, score: String, tier: String, rank: Int
        var bonus: Int64, separate: Int64?, merged: Int64?, chosen: BonusTaxChoice.Method, birth: String
        var vetoMonth: Int? = nil
    }

    /// Bonus and tax in 分. 单独计税: bonus ÷ 12 ≤ 3,000 → 3%. 并入: the annual table on the
    /// year's taxable income with and without the bonus (figures as the rules' trace gives them).
    private static let people: [Person] = [
        Person(id: "RJ-001", name: "张丽", community: "古州社区", post: "社区书记", level: 3, months: 1...12, score: "92.50", tier: "优秀", rank: 1,
               bonus: 900_000, separate: 27_000, merged: 90_000, chosen: .separate, birth: "19850312"),
        Person(id: "RJ-002", name: "吴国平", community: "古州社区", post: "网格员", level: 1, months: 1...12, score: "78.00", tier: "称职", rank: 5,
               bonus: 600_000, separate: 18_000, merged: 3_000, chosen: .merged, birth: "19901105"),
        Person(id: "RJ-003", name: "杨秀英", community: "古州社区", post: "网格员", level: 1, months: 9...12, score: "85.00", tier: "不定等次", rank: 0,
               bonus: 0, separate: 0, merged: 0, chosen: .separate, birth: "19920728"),
        Person(id: "RJ-004", name: "潘文", community: "古州社区", post: "社区主任", level: 2, months: 1...12, score: "80.00", tier: "不称职", rank: 0,
               bonus: 0, separate: 0, merged: 0, chosen: .separate, birth: "19780101", vetoMonth: 3),
        Person(id: "RJ-005", name: "石海燕", community: "城北社区", post: "社区书记", level: 3, months: 1...12, score: "91.00", tier: "优秀", rank: 2,
               bonus: 900_000, separate: 27_000, merged: 100_000, chosen: .separate, birth: "19830920"),
        Person(id: "RJ-006", name: "龙建华", community: "城北社区", post: "网格员", level: 1, months: 1...8, score: "65.25", tier: "基本称职", rank: 6,
               bonus: 200_000, separate: 6_000, merged: 0, chosen: .merged, birth: "19951230"),
        Person(id: "RJ-007", name: "王芳", community: "车江社区", post: "网格员", level: 1, months: 1...12, score: "84.10", tier: "称职", rank: 4,
               bonus: 600_000, separate: 18_000, merged: 60_000, chosen: .separate, birth: "19880415"),
        Person(id: "RJ-008", name: "杨光", community: "车江社区", post: "社区主任", level: 2, months: 1...12, score: "88.88", tier: "称职", rank: 3,
               bonus: 600_000, separate: 18_000, merged: 18_000, chosen: .separate, birth: "19800608"),
    ]

    static func monthTier(_ s: Fixed) -> String {
        s >= Fixed(90) ? "优秀" : s >= Fixed(75) ? "称职" : s >= Fixed(60) ? "基本称职" : "不称职"
    }

    static func make() -> SampleYear {
        let f = { (s: String) in Fixed(s)! }
        var cadres: [CadreYearResult] = []
        var payees: [Payee] = []
        for (n, p) in people.enumerated() {
            let annual = f(p.score)
            // Monthly scores alternate +1, −1 around the annual score, so the mean is exact.
            var months: [MonthOfYear] = []
            for (k, m) in p.months.enumerated() {
                let score = annual + (k % 2 == 0 ? Fixed(1) : Fixed(-1))
                let veto = p.vetoMonth == m
                let whole = score.rounded(scale: 0, .halfUp).wholeValue ?? 0
                let performance = Money(fen: Int64(n + 1) * 1_000 + whole * 1_000)
                let tax = Money(fen: p.level >= 2 ? Int64(1_234 + m) : 0)
                months.append(MonthOfYear(
                    month: YearMonth(year: year, month: m)!, score: score, tier: veto ? "不称职" : monthTier(score),
                    rank: veto ? 0 : p.rank, vetoes: veto ? ["酒后驾驶"] : [],
                    pay: [Money(yuan: 1_800 + Int64(p.level) * 200), performance, Money(fen: 16_000 + Int64(p.level) * 1_000), Money(fen: 4_000), tax]))
            }
            let count = p.months.count
            let parts = months.map { $0.score.shortDescription }.joined(separator: " + ")
            let scoreText = "平均（得分）=（\(parts)）÷ \(count) = \(annual.shortDescription) → \(p.score)"
            var reasons: [TierReason]
            switch p.tier {
            case "不定等次": reasons = [.tooFewMonths(months: count, minimum: 6, tier: "不定等次")]
            case "不称职": reasons = [.monthVeto(name: "一票否决", citation: "第十二条", months: [YearMonth(year: year, month: p.vetoMonth ?? 1)!], tier: "不称职")]
            case "优秀": reasons = [.threshold(tier: "优秀", condition: "年度得分 ≥ 90"), .withinQuota(tier: "优秀", share: f("0.20"), places: 2, rank: p.rank)]
            case "称职": reasons = [.threshold(tier: "称职", condition: "年度得分 ≥ 75")]
            default: reasons = [.threshold(tier: "基本称职", condition: "年度得分 ≥ 60")]
            }
            let bonus = Money(fen: p.bonus)
            let choice = BonusTaxChoice(
                line: "年终绩效奖", bonus: bonus, separate: p.separate.map { Money(fen: $0) }, separateTrace: PayTrace(),
                merged: p.merged.map { Money(fen: $0) }, mergedTrace: PayTrace(), chosen: p.chosen,
                why: why(separate: p.separate.map { Money(fen: $0) }, merged: p.merged.map { Money(fen: $0) }, chosen: p.chosen))
            let pay = PaySlip(lines: [
                PayLineResult(name: "年终绩效奖", kind: .earning, amount: bonus, citation: "第二十条"),
                PayLineResult(name: "年终奖个税", kind: .deduction, amount: choice.tax),
            ])
            cadres.append(CadreYearResult(
                cadreID: p.id, name: p.name, community: p.community, grid: nil, post: p.post, level: p.level, months: months,
                monthsInPost: count, score: annual, scoreText: scoreText,
                standing: Standing(group: "全县", rank: p.rank, groupSize: 6, tier: p.tier, reasons: reasons), pay: pay, bonusTax: [choice]))
            let id = SampleMonth.idNumber("522632" + p.birth + String(101 + n * 37))
            payees.append(Payee(
                cadreID: p.id, idNumber: id, bankAccount: "6217002870" + String(100_000_000 + n * 7_654_321),
                bank: n % 3 == 0 ? "中国邮政储蓄银行榕江县支行" : "贵州榕江农村商业银行股份有限公司",
                phone: "138" + String(20_000_000 + n * 1_234_567)))
        }
        let months = (1...12).map { YearMonthRun(month: YearMonth(year: year, month: $0)!, runID: Int64(100 + $0), closed: true) }
        let results = YearResults(year: year, months: months, tierOrder: tierOrder, monthPayLines: monthPayLines, cadres: cadres)
        let run = YearReportRun(id: 7, year: year, state: .draft, rulesVersion: "自 2021-01-01", rulesHash: "3f2a9c1d5e6b7a8c", engineVersion: "0.9.0",
                                createdAt: "2022-01-10T09:30:00+08:00")
        return SampleYear(results: results, run: run, payees: payees)
    }

    static func why(separate: Money?, merged: Money?, chosen: BonusTaxChoice.Method) -> String {
        guard let s = separate, let m = merged else { return "仅可\(chosen == .separate ? "单独计税" : "并入综合所得")" }
        if s == m { return "取低者：单独计税 \(s) 元 = 并入综合所得 \(m) 元，相等时单独计税" }
        return s < m ? "取低者：单独计税 \(s) 元 < 并入综合所得 \(m) 元" : "取低者：并入综合所得 \(m) 元 < 单独计税 \(s) 元"
    }
}
