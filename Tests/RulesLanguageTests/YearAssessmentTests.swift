import Diagnostics
import Exact
import Foundation
import Pay
import Records
import Results
import Testing

@testable import RulesLanguage

/// The annual article of the issue, on the small regulation of the checker tests (monthly
/// tiers 优秀、称职、不称职; a monthly pay line 绩效工资).
let yearArticle = """
    对照表 年度系数 按 年度等次 {
      优秀：1.5
      称职：1.0
      基本称职：0.5
      其余：0
    }

    累进表 全年一次性奖金月度税率表（至 2027-12-31） {
      不超过 3000 元：3%，速算扣除 0 元
      不超过 12000 元：10%，速算扣除 210 元
      不超过 25000 元：20%，速算扣除 1410 元
      不超过 35000 元：25%，速算扣除 2660 元
      不超过 55000 元：30%，速算扣除 4410 元
      不超过 80000 元：35%，速算扣除 7160 元
      超过：45%，速算扣除 15160 元
    }

    累进表 综合所得税率表 {
      不超过 36000 元：3%，速算扣除 0 元
      不超过 144000 元：10%，速算扣除 2520 元
      不超过 300000 元：20%，速算扣除 16920 元
      不超过 420000 元：25%，速算扣除 31920 元
      不超过 660000 元：30%，速算扣除 52920 元
      不超过 960000 元：35%，速算扣除 85920 元
      超过：45%，速算扣除 181920 元
    }

    年度考核（依据 第二十条） {
      年度得分 = 平均（得分），舍入 四舍五入 到 0.01 分
      在岗不足 6 个月 定为 不定等次
      一票否决 月度不称职：月数（等次 = 不称职） ≥ 1，定为 不称职
      一票否决 月度一票否决：月数（一票否决） ≥ 1，定为 不称职
      等次评定 {
        优秀：得分 ≥ 90 分，名额 20% 按 全县
        称职：75 分 ≤ 得分 < 90 分
        基本称职：60 分 ≤ 得分 < 75 分
        不称职：其余
        排序 得分 从高到低、月数（等次 = 优秀） 从高到低、工号 从低到高
      }
      应发项 年终绩效奖 = 6000 元 × 年度系数（等次） × 在岗月数 ÷ 12 {
        舍入 四舍五入 到分
      }
      奖金计税 年终绩效奖 {
        方式 取低者
        单独计税 按 全年一次性奖金月度税率表
        并入综合所得 按 综合所得税率表
        应纳税所得额 = 合计（绩效工资） - 5000 元 × 在岗月数
      }
      扣款项 年终奖个税 = 奖金个税（年终绩效奖）
      实发项 年终奖实发 = 年终绩效奖 - 年终奖个税
    }
    """

func checkedYearRules(_ article: String = yearArticle) -> (CheckedRules, String, [Diagnostic]) {
    let text = regulation { $0.extra = article }
    let project = RulesProject.parse([SourceFile(path: "rules/示例.jifen", text: text)])
    let (rules, diagnostics) = Checker.check(project.files)
    let all = project.diagnostics + diagnostics
    return (rules, DiagnosticRenderer(language: .zh, sources: project.sources).render(all), all)
}

/// A cadre of the year: `scores` month by month from January (tier 优秀 for the first
/// `excellent` months, else 称职, or as `tiers` says), 绩效工资 `pay` yuan each month.
struct YearCadre {
    var id: String
    var scores: [String]
    var excellent = 0
    var tiers: [String]? = nil
    var vetoMonth: Int? = nil
    var pay = "1000"
}

func yearInput(_ rules: CheckedRules, _ cadres: [YearCadre], year: Int = 2021) -> YearInput {
    let needs = rules.yearInputNeeds(year: year)
    let lines = needs.payLines.map { MonthPayLineName(name: $0, kind: .earning) }
    let roster = Roster(cadres.enumerated().map { i, c in
        Cadre(id: c.id, name: "干部\(i + 1)", idNumber: "", community: i % 2 == 0 ? "富民" : "城关", post: "网格员", level: 1,
              hiredOn: CivilDate(year: 2015, month: 1, day: 1)!, bankAccount: "", origin: RowOrigin(path: "roster.csv", line: i + 2))
    })
    let years = cadres.map { c in
        CadreYear(months: c.scores.enumerated().map { m, s in
            let tier = c.tiers?[m] ?? (m < c.excellent ? "优秀" : "称职")
            return MonthOfCadre(month: YearMonth(year: year, month: m + 1)!, score: Fixed(s)!, tier: tier, rank: 1,
                                vetoes: c.vetoMonth == m + 1 ? ["脱岗"] : [], items: needs.items.map { _ in .zero },
                                pay: lines.map { $0.name == "绩效工资" ? Money(c.pay)! : .zero })
        }, yearEnd: nil)
    }
    let months = (1...12).map { YearMonthRun(month: YearMonth(year: year, month: $0)!, runID: Int64($0), closed: true) }
    return YearInput(year: year, months: months, roster: roster, itemNames: needs.items, payLines: lines, cadres: years)
}

@Suite("年度考核")
struct YearAssessmentTests {
    @Test("the issue's article checks clean")
    func checksClean() {
        let (rules, text, diagnostics) = checkedYearRules()
        #expect(!diagnostics.hasErrors, "\(text)")
        #expect(rules.hasYearAssessment)
        #expect(rules.year?.tierOrder == ["优秀", "称职", "基本称职", "不称职", "不定等次"])
        #expect(rules.yearInputNeeds(year: 2021).payLines == ["绩效工资", "实发工资"])
    }

    /// Twelve cadres, worked by hand:
    /// - FM-001, FM-002, FM-003: 95 every month → 95.00; 优秀 months 12, 10, 10.
    ///   Participants: 11 (FM-012 has 5 months: 不定等次, out of ranks and quotas; FM-011 is
    ///   vetoed but, without 排名不含, still counted) → 优秀 places ⌊20% × 11⌋ = ⌊2.2⌋ = 2.
    ///   Order: FM-001 (12 优秀 months), then FM-002 and FM-003 tie on 10 → 工号: FM-002.
    ///   FM-003 finds the quota full → 称职.
    /// - FM-004: 78, 82, 80, 78, 82, 81 → 481 ÷ 6 = 80.1666… → 80.17 → 称职.
    /// - FM-005 … FM-010: 70 → 基本称职.
    /// - FM-011: 92 every month but March 不称职 → 不称职 (veto, month 2021-03).
    /// - FM-012: 5 months → 不定等次.
    /// Bonus = 6000 × coefficient × months ÷ 12:
    /// - FM-001: 6000 × 1.5 × 12 ÷ 12 = 9,000.00. Pay 8,000 a month: taxable 96,000 − 60,000 =
    ///   36,000. Separate: 9,000 ÷ 12 = 750 → 3% → 270.00. Merged: tax(45,000) = 4,500 − 2,520 =
    ///   1,980; tax(36,000) = 1,080; 900.00. Lower: 270.00 (separate). Net 8,730.00.
    /// - FM-003: 6000 × 1.0 = 6,000.00; taxable 12,000 − 60,000 = −48,000 (deduction unused);
    ///   separate 6,000 × 3% = 180.00; merged tax(−48,000 + 6,000 → 0) − tax(0) = 0.00: the bonus
    ///   stays within the unused deduction → merged, 0.00.
    /// - FM-004: 6000 × 1.0 × 6 ÷ 12 = 3,000.00; taxable 6,000 − 30,000 = −24,000; separate 90.00,
    ///   merged 0.00 → 0.00.
    /// - FM-005: 6000 × 0.5 × 12 ÷ 12 = 3,000.00. FM-011: 0. FM-012: coefficient 0 (其余) → 0.
    @Test("annual mean, a tie at the quota's boundary, too few months, a vetoed month, the bonus and its tax")
    func wholeYear() throws {
        let (rules, text, diagnostics) = checkedYearRules()
        #expect(!diagnostics.hasErrors, "\(text)")
        var cadres = [
            YearCadre(id: "FM-001", scores: Array(repeating: "95", count: 12), excellent: 12, pay: "8000"),
            YearCadre(id: "FM-002", scores: Array(repeating: "95", count: 12), excellent: 10),
            YearCadre(id: "FM-003", scores: Array(repeating: "95", count: 12), excellent: 10),
            YearCadre(id: "FM-004", scores: ["78", "82", "80", "78", "82", "81"]),
        ]
        for i in 5...10 { cadres.append(YearCadre(id: String(format: "FM-%03d", i), scores: Array(repeating: "70", count: 12))) }
        cadres.append(YearCadre(id: "FM-011", scores: Array(repeating: "92", count: 12),
                                tiers: (1...12).map { $0 == 3 ? "不称职" : "优秀" }))
        cadres.append(YearCadre(id: "FM-012", scores: Array(repeating: "99", count: 5)))
        let result = rules.assessYear(yearInput(rules, cadres))
        guard case .success(let year) = result else {
            if case .failure(let f) = result { Issue.record("\(f.diagnostics.map(\.summary.zh))") }
            return
        }
        func c(_ id: String) -> CadreYearResult { year.cadres.first { $0.cadreID == id }! }
        #expect(c("FM-001").score == Fixed("95.00"))
        #expect(c("FM-001").standing.tier == "优秀")
        #expect(c("FM-001").standing.rank == 1)
        #expect(c("FM-002").standing.tier == "优秀")
        #expect(c("FM-002").standing.rank == 2)
        #expect(c("FM-003").standing.tier == "称职")
        #expect(c("FM-003").standing.reasons.contains(.quotaFull(tier: "优秀", share: Fixed("0.2")!, places: 2, rank: 3, to: "称职")))
        #expect(c("FM-004").score == Fixed("80.17"))
        #expect(c("FM-004").scoreText == "平均（得分）=（78 + 82 + 80 + 78 + 82 + 81）÷ 6 = 80.1666666667 → 80.17")
        #expect(c("FM-004").standing.tier == "称职")
        #expect(c("FM-005").standing.tier == "基本称职")
        #expect(c("FM-011").standing.tier == "不称职")
        #expect(c("FM-011").standing.reasons.first == .monthVeto(name: "月度不称职", citation: "第二十条", months: [YearMonth(year: 2021, month: 3)!], tier: "不称职"))
        #expect(c("FM-012").standing.tier == "不定等次")
        #expect(c("FM-012").standing.rank == 0)
        #expect(c("FM-012").standing.reasons == [.tooFewMonths(months: 5, minimum: 6, tier: "不定等次")])
        #expect(c("FM-001").pay.amount(of: "年终绩效奖") == Money("9000.00"))
        #expect(c("FM-001").pay.amount(of: "年终奖个税") == Money("270.00"))
        #expect(c("FM-001").pay.net == Money("8730.00"))
        let choice = try #require(c("FM-001").bonusTax.first)
        #expect(choice.separate == Money("270.00") && choice.merged == Money("900.00") && choice.chosen == .separate)
        #expect(choice.why == "取低者：单独计税 270.00 元 < 并入综合所得 900.00 元")
        #expect(c("FM-003").pay.amount(of: "年终绩效奖") == Money("6000.00"))
        #expect(c("FM-003").bonusTax.first?.why == "取低者：并入综合所得 0.00 元 < 单独计税 180.00 元")
        #expect(c("FM-003").pay.amount(of: "年终奖个税") == Money("0.00"))
        #expect(c("FM-004").pay.amount(of: "年终绩效奖") == Money("3000.00"))
        #expect(c("FM-004").bonusTax.first?.separate == Money("90.00"))
        #expect(c("FM-004").pay.amount(of: "年终奖个税") == Money("0.00"))
        #expect(c("FM-005").pay.amount(of: "年终绩效奖") == Money("3000.00"))
        #expect(c("FM-011").pay.amount(of: "年终绩效奖") == Money("0.00"))
        #expect(c("FM-012").pay.amount(of: "年终绩效奖") == Money("0.00"))
        #expect(year.reconciles)
        #expect(year.tierOrder.last == "不定等次")
        // The tax line's trace starts with the bonus tax's steps.
        let trace = try #require(c("FM-001").pay.lines.first { $0.name == "年终奖个税" }?.trace)
        #expect(trace.steps.first?.label.zh == "月均奖金")
        // Deterministic.
        guard case .success(let again) = rules.assessYear(yearInput(rules, cadres)) else { return }
        #expect(again == year)
    }

    /// The per-cadre work (annual scores, each cadre's result, the annual pay) split into
    /// chunks of a few cadres on every core gives the results of one thread, in the same order.
    @Test("the year on every core is the year on one thread")
    func sameOnEveryCore() throws {
        let (rules, text, diagnostics) = checkedYearRules()
        #expect(!diagnostics.hasErrors, "\(text)")
        var cadres: [YearCadre] = []
        for i in 1...300 {
            var scores: [String] = []
            for m in 0..<(3 + i % 10) { scores.append(String(60 + (i * 7 + m * 3) % 40)) }
            cadres.append(YearCadre(id: String(format: "FM-%03d", i), scores: scores, excellent: i % 13, pay: String(5_000 + i * 37)))
        }
        let input = yearInput(rules, cadres)
        guard case .success(let one) = rules.assessYear(input, chunks: CadreChunks(minimumChunk: 1_000_000)),
              case .success(let many) = rules.assessYear(input, chunks: CadreChunks(minimumChunk: 7)) else {
            Issue.record("the year did not assess")
            return
        }
        #expect(many == one)
        let tiers = Set(one.cadres.map { (c: CadreYearResult) in c.standing.tier })
        #expect(tiers.count >= 3, "\(tiers)")
    }

    /// Thirty cadres on 80 every month tie on 80.00; the order is by 工号 (none has an 优秀 month).
    /// Each cadre's tie-break reason names the ten nearest in that order and says 29 others
    /// tied: FM-001 the next ten (FM-002…FM-011), FM-015 five before and five after
    /// (FM-010…FM-014, FM-016…FM-020), FM-030 the ten before (FM-020…FM-029). A tie of three
    /// names both others. Naming everyone to everyone grew with the square of the tie (a
    /// county-wide ranking of 50,000 cadres ties hundreds at a score).
    @Test("a large tie names the ten nearest in the order and the count; a small one names all")
    func largeTieNamesNeighbours() throws {
        let (rules, text, diagnostics) = checkedYearRules()
        #expect(!diagnostics.hasErrors, "\(text)")
        let cadres = (1...30).map { YearCadre(id: String(format: "FM-%03d", $0), scores: Array(repeating: "80", count: 12)) }
            + (31...33).map { YearCadre(id: String(format: "FM-%03d", $0), scores: Array(repeating: "70", count: 12)) }
        guard case .success(let year) = rules.assessYear(yearInput(rules, cadres)) else {
            Issue.record("the year did not assess")
            return
        }
        func tie(_ id: String) -> [TierReason] {
            year.cadres.first { $0.cadreID == id }!.standing.reasons.filter {
                switch $0 {
                case .tieBreak, .tieBreakAmong: true
                default: false
                }
            }
        }
        func ids(_ r: ClosedRange<Int>) -> [String] { r.map { String(format: "FM-%03d", $0) } }
        let rule = "得分 从高到低、月数（等次 = 优秀） 从高到低、工号 从低到高"
        #expect(tie("FM-001") == [.tieBreakAmong(rule: rule, nearest: ids(2...11), tied: 29)])
        #expect(tie("FM-015") == [.tieBreakAmong(rule: rule, nearest: ids(10...14) + ids(16...20), tied: 29)])
        #expect(tie("FM-030") == [.tieBreakAmong(rule: rule, nearest: ids(20...29), tied: 29)])
        #expect(tie("FM-032") == [.tieBreak(rule: rule, with: ["FM-031", "FM-033"])])
        #expect(Explanation(language: .zh).reasonText(tie("FM-001")[0])
            == "与 FM-002、FM-003、FM-004、FM-005、FM-006、FM-007、FM-008、FM-009、FM-010、FM-011 等 29 人同分，按“\(rule)”排序")
    }

    @Test("the separate method is unavailable after its table's end: merged only, said in the trace")
    func separateOutOfForce() throws {
        let (rules, _, _) = checkedYearRules()
        let cadres = [YearCadre(id: "FM-001", scores: Array(repeating: "95", count: 12), excellent: 12, pay: "8000")]
        guard case .success(let year) = rules.assessYear(yearInput(rules, cadres, year: 2028)) else {
            Issue.record("failed")
            return
        }
        let choice = try #require(year.cadres[0].bonusTax.first)
        #expect(choice.separate == nil)
        #expect(choice.chosen == .merged)
        // One cadre: 优秀 places ⌊20% × 1⌋ = 0 → 称职, bonus 6,000.00; taxable 36,000:
        // tax(42,000) − tax(36,000) = (4,200 − 2,520) − 1,080 = 600.00.
        #expect(choice.merged == Money("600.00"))
        #expect(choice.why.contains("2027-12-31"))
    }

    /// A score that cannot be computed (here a division by zero) stops the year with B0069,
    /// located at the article in the rules file, so the clerk sees which clause to fix.
    @Test("an annual score that cannot be computed is located at the article")
    func uncomputableScoreIsLocated() throws {
        let article = yearArticle.replacingOccurrences(of: "年度得分 = 平均（得分），", with: "年度得分 = 合计（得分） ÷ （在岗月数 - 在岗月数），")
        let (rules, text, diagnostics) = checkedYearRules(article)
        #expect(!diagnostics.hasErrors, "\(text)")
        let cadres = [YearCadre(id: "FM-001", scores: Array(repeating: "95", count: 12), excellent: 12)]
        guard case .failure(let failure) = rules.assessYear(yearInput(rules, cadres)) else {
            Issue.record("a division by zero was assessed")
            return
        }
        let d = try #require(failure.diagnostics.first)
        #expect(d.code == "B0069")
        guard case .source(let path, _) = d.location else {
            Issue.record("B0069 is not located in the rules: \(d.location)")
            return
        }
        #expect(path == "rules/示例.jifen")
    }

    @Test("errors of the annual article", arguments: [
        ("年度得分 = 得分", "R0340"),
        ("年度得分 = 平均（在岗月数）", "R0341"),
        ("年度得分 = 平均（得分），舍入 四舍五入 到 0.05 分", "R0344"),
        ("年度得分 = 合计（夜间值班）÷ 在岗月数，舍入 四舍五入 到 0.01 分\n  奖金计税 年终绩效奖 {\n    方式 取高者\n    单独计税 按 全年一次性奖金月度税率表\n  }", "R0343"),
    ])
    func errors(_ clause: String, _ code: String) {
        let article = """
            年度考核 {
              \(clause)
              等次评定 {
                优秀：得分 ≥ 90 分
                称职：其余
              }
            }
            """
        let (_, text, diagnostics) = checkedYearRules(article)
        #expect(diagnostics.filter(\.isError).map(\.code).contains(code), "\(text)")
    }

    @Test("a 年度考核 without 等次评定 is incomplete (R0342)")
    func incomplete() {
        let (_, text, diagnostics) = checkedYearRules("年度考核 {\n  年度得分 = 平均（得分）\n}")
        #expect(diagnostics.map(\.code) == ["R0342"], "\(text)")
    }
}
