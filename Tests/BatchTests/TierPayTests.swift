@testable import Batch
import Diagnostics
import Exact
import Foundation
import Results
import RulesLanguage
import TestSupport
import Testing

/// Pay that depends on the final tier and rank (issue 12, item 1): a table of tier
/// coefficients, a fixed award for 优秀 and one for the first place, on a community where
/// the 优秀 quota sends a cadre with 90 points down to 称职.
struct TierPayTests {
    static let folder = PackagePaths.path("Tests/BatchTests/Fixtures/tier-rules")

    static func rules() throws -> (CheckedRules, RulesProject) {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: folder))
        #expect(project.diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(project.diagnostics))")
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        return (rules, project)
    }

    /// The test file's month as a folder: five cadres of 富民.
    static func month() throws -> MonthResults {
        let (rules, _) = try rules()
        let dir = PackagePaths.temporaryDirectory("tier-pay") + "/2020-12"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let roster = ["工号,姓名,社区,岗位,岗位等级,入职日期,身份证号,银行账号"]
            + (1...5).map { "FM00\($0),干部\($0),富民,委员,3,2019-03-01,\(RulesTestRunner.idNumber($0)),6217000000000000\($0)" }
        try (roster.joined(separator: "\n") + "\n").write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        var duty = ["工号,日期,班次,开始,结束,状态"]
        for d in 1...6 { duty.append("FM001,2020-12-0\(d),夜班,20:00,08:00,到岗") }
        for d in 7...11 { duty.append("FM002,2020-12-\(String(format: "%02d", d)),夜班,20:00,08:00,到岗") }
        duty += ["FM003,2020-12-12,白班,08:00,16:00,缺勤", "FM004,2020-12-13,白班,08:00,16:00,缺勤", "FM004,2020-12-14,白班,08:00,16:00,缺勤"]
        try (duty.joined(separator: "\n") + "\n").write(toFile: dir + "/duty.csv", atomically: true, encoding: .utf8)
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: dir)
        return try #require(outcome.results, "\(outcome.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
    }

    @Test func theTestCasesOfTheTierRegulationPass() throws {
        let (rules, project) = try Self.rules()
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.count == 1)
        for c in report.cases {
            #expect(c.passed, "\(c.name): \(c.failures.map(\.message.zh))")
            #expect(c.checks >= 20)
        }
    }

    @Test func payReadsTheTierAfterTheQuotaNotTheScore() throws {
        let results = try Self.month()
        func cadre(_ id: String) throws -> CadreResult { try #require(results.cadres.first { $0.cadreID == id }) }
        // 90 points meet 优秀's line, but the one place went to FM001: 称职, coefficient 1.0.
        let second = try cadre("FM002")
        #expect(second.score.total == Fixed(90))
        #expect(second.standing.tier == "称职")
        #expect(second.pay.amount(of: "绩效报酬")?.description == "900.00")
        #expect(second.pay.amount(of: "优秀奖")?.description == "0.00")
        let first = try cadre("FM001")
        #expect(first.pay.amount(of: "绩效报酬")?.description == "1104.00")
        #expect(first.pay.net.description == "1504.00")
        // The veto forces 不称职 whatever the score: coefficient 0.
        #expect(try cadre("FM004").pay.amount(of: "绩效报酬")?.description == "0.00")
    }

    @Test func theTraceSaysWhyTheTierIsWhatItIs() throws {
        let results = try Self.month()
        let r = try #require(results.cadres.first { $0.cadreID == "FM002" })
        let text = Explanation(language: .zh).render(r, month: results.month)
        #expect(text.contains("等次 称职（富民第 2 名，共 5 人）：得分 90 分；满足“得分 ≥ 90 分” → 优秀；优秀名额 20%（1 个）已满，排第 2 名，顺延为称职"), "\(text)")
        // The coefficient the table gave is an input of the line.
        #expect(text.contains("等次系数（等次）"), "\(text)")
        let en = Explanation(language: .en).render(r, month: results.month)
        #expect(en.contains("tier 称职 (rank 2 of 5 in 富民): score 90"), "\(en)")
        // A line that does not read the tier carries no such note.
        let line = try #require(r.pay.lines.first { $0.name == "实发工资" })
        #expect(!line.trace.steps.flatMap(\.notes).contains { if case .remark(let t) = $0 { t.zh.hasPrefix("等次") } else { false } })
    }
}

/// 总分范围 (issue 12, item 2): the total after adjustments is taken to its floor and
/// ceiling, and the explanation says by how much.
struct ScoreRangeTests {
    static let folder = PackagePaths.path("Tests/BatchTests/Fixtures/score-range")

    @Test func theTestCasesOfTheScoreRangeRegulationPass() throws {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: Self.folder))
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.count == 1)
        for c in report.cases { #expect(c.passed && c.checks >= 9, "\(c.name): \(c.failures.map(\.message.zh))") }
    }

    @Test func theExplanationSaysHowTheTotalWasBounded() throws {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: Self.folder))
        let (rules, _) = Checker.check(project.files)
        let dir = PackagePaths.temporaryDirectory("score-range") + "/2020-12"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let roster = ["工号,姓名,社区,岗位,岗位等级,入职日期,身份证号,银行账号"]
            + (1...2).map { "FM00\($0),干部\($0),富民,委员,3,2019-03-01,\(RulesTestRunner.idNumber($0)),6217000000000000\($0)" }
        try (roster.joined(separator: "\n") + "\n").write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        let duty = ["工号,日期,班次,开始,结束,状态", "FM001,2020-12-01,夜班,20:00,08:00,到岗", "FM001,2020-12-02,夜班,20:00,08:00,到岗"]
            + (3...6).map { "FM002,2020-12-0\($0),白班,08:00,16:00,缺勤" }
        try (duty.joined(separator: "\n") + "\n").write(toFile: dir + "/duty.csv", atomically: true, encoding: .utf8)
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: dir)
        let results = try #require(outcome.results)
        let high = try #require(results.cadres.first { $0.cadreID == "FM001" })
        let text = Explanation(language: .zh).render(high, month: results.month)
        #expect(high.score.total == Fixed(100))
        #expect(text.contains("按总分范围 −10 分") && text.contains("总分最高 100 分：减去 10 分"), "\(text)")
        let low = try #require(results.cadres.first { $0.cadreID == "FM002" })
        let lowText = Explanation(language: .zh).render(low, month: results.month)
        #expect(low.score.total == .zero)
        #expect(lowText.contains("总分最低 0 分：补足 20 分") && lowText.contains("依据 第四条第二款"), "\(lowText)")
    }
}

/// Issue 12's bugs in `explain`: an adjustment's 原因 was the whole row; a day-counted item
/// (入户走访, 计 天数（日期） × 0.5 分) listed every visit as "+0 分".
struct ExplainWordingTests {
    static func december() throws -> MonthResults {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: PackagePaths.path("rules")))
        let (rules, _) = Checker.check(project.files)
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: PackagePaths.path("samples/2020-12"))
        return try #require(outcome.results)
    }

    @Test func anAdjustmentsReasonIsItsReasonAndItsApproverIsNamed() throws {
        let results = try Self.december()
        let r = try #require(results.cadres.first { $0.cadreID == "FM-004" })
        let line = try #require(r.score.lines.first { $0.kind == .adjustment && $0.points != .zero })
        #expect(line.reason == "12月18日参加县级应急演练表现突出")
        #expect(line.approvedBy == "吴荣春")
        let text = Explanation(language: .zh).render(r, month: results.month)
        #expect(text.contains("    原因：12月18日参加县级应急演练表现突出（批准人：吴荣春）\n"), "\(text)")
    }

    @Test func aDayCountedItemShowsHowTheDaysWereCounted() throws {
        let results = try Self.december()
        var checked = 0
        for r in results.cadres {
            guard let line = r.score.lines.first(where: { $0.name == "入户走访" }), !line.records.isEmpty else { continue }
            let text = Explanation(language: .zh).render(r, month: results.month)
            let days = Set(line.records.compactMap(\.date)).count
            #expect(line.counting?.contains("天数（日期） = \(days)（同一天多条只算一天）") == true, "\(line.counting ?? "")")
            let listed = text.components(separatedBy: "\n").filter { $0.contains("入户走访") && $0.contains("service") }
            #expect(!listed.isEmpty && listed.allSatisfy { !$0.hasSuffix("+0 分") }, "\(text)")
            #expect(listed.filter { $0.hasSuffix("计 1 天") }.count == days, "\(text)")
            checked += 1
        }
        #expect(checked > 0)
    }
}

/// 合计上限 (issue 12, item 3): a cap over several items, clipped item by item in the
/// regulation's stated order, each clip explained.
struct GroupCapTests {
    static let folder = PackagePaths.path("Tests/BatchTests/Fixtures/group-cap")

    @Test func theTestCasesOfTheGroupCapRegulationPass() throws {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: Self.folder))
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.count == 1)
        for c in report.cases { #expect(c.passed && c.checks >= 8, "\(c.name): \(c.failures.map(\.message.zh))") }
    }

    @Test func eachClippedItemSaysHowMuchTheGroupCapTook() throws {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: Self.folder))
        let (rules, _) = Checker.check(project.files)
        let dir = PackagePaths.temporaryDirectory("group-cap") + "/2020-12"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "工号,姓名,社区,岗位,岗位等级,入职日期,身份证号,银行账号\nFM001,张三,富民,委员,3,2019-03-01,\(RulesTestRunner.idNumber(1)),62170000000000001\n"
            .write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        let duty = ["工号,日期,班次,开始,结束,状态"] + (1...3).map { "FM001,2020-12-0\($0),夜班,20:00,08:00,到岗" }
            + (4...5).map { "FM001,2020-12-0\($0),白班,08:00,16:00,到岗" } + (6...7).map { "FM001,2020-12-0\($0),晚班,14:00,22:00,到岗" }
        try (duty.joined(separator: "\n") + "\n").write(toFile: dir + "/duty.csv", atomically: true, encoding: .utf8)
        let results = try #require(MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: dir).results)
        let r = try #require(results.cadres.first)
        #expect(r.score.total == Fixed(70))
        let text = Explanation(language: .zh).render(r, month: results.month)
        #expect(text.contains("合计上限“值班加分” 10 分：按规定的顺序，前面的项目已用去额度，本项扣减 3 分"), "\(text)")
        #expect(text.contains("本项扣减 2 分"), "\(text)")
        let night = try #require(r.score.lines.first { $0.name == "夜间值班" })
        #expect(night.clips.isEmpty && night.points == Fixed(9))
    }
}

extension TierPayTests {
    /// `jifen test --coverage` counts a row of a table by 等次 as covered when a cadre of
    /// that tier was paid by it.
    @Test func theTierTablesRowsAreCoveredByTheTestCases() throws {
        let (rules, project) = try Self.rules()
        let report = RulesTestRunner(rules: rules, project: project).run()
        let uncovered = report.coverage.uncovered(rules).map(\.name)
        for tier in ["优秀", "称职", "不称职"] { #expect(!uncovered.contains("等次系数：\(tier)"), "\(uncovered)") }
        // No test case has a cadre of 基本称职.
        #expect(uncovered.contains("等次系数：基本称职"), "\(uncovered)")
    }
}
