@testable import Batch
import Diagnostics
import Exact
import Foundation
import Results
import RulesLanguage
import TestSupport
import Testing

/// A 百分制 regulation of lateness against a table of shift starts, a monthly shortfall of
/// training hours (also for a cadre with no records at all), a capped deduction, proration of
/// a monthly wage by days in post for a joiner and a leaver, and headcounts per community and
/// county (issue 12, items 4 and 5). The expected amounts are worked out by hand in the test
/// file's comments and in docs/rules-language.md 3.13–3.14.
struct FieldsRulesTests {
    static let folder = PackagePaths.path("Tests/BatchTests/Fixtures/fields-rules")

    static func project(replacing old: String = "", with new: String = "") throws -> (CheckedRules, RulesProject) {
        let loaded = try RulesProject.load(directory: URL(fileURLWithPath: folder))
        var files: [SourceFile] = []
        for source in loaded.sources {
            let text = String(decoding: source.bytes, as: UTF8.self)
            files.append(SourceFile(path: source.path, text: old.isEmpty ? text : text.replacingOccurrences(of: old, with: new)))
        }
        let project = RulesProject.parse(files)
        #expect(project.diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(project.diagnostics))")
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        return (rules, project)
    }

    /// The test file's month as a folder of CSV files.
    static func month() throws -> MonthResults {
        let (rules, _) = try project()
        let dir = PackagePaths.temporaryDirectory("fields-rules") + "/2020-12"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let people = [("FM001", "富民", "2019-03-01", ""), ("FM002", "富民", "2020-12-10", ""), ("FM003", "富民", "2019-03-01", "2020-12-20"),
                      ("FM004", "富民", "2019-03-01", "2020-11-30"), ("CB001", "城北", "2019-03-01", "")]
        let roster = ["工号,姓名,社区,岗位,岗位等级,入职日期,离职日期,身份证号,银行账号"] + people.enumerated().map { k, p in
            "\(p.0),干部\(k + 1),\(p.1),委员,3,\(p.2),\(p.3),\(RulesTestRunner.idNumber(k + 1)),6217000000000000\(k + 1)"
        }
        try (roster.joined(separator: "\n") + "\n").write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        let duty = ["工号,日期,班次,开始,结束,状态",
                    "FM001,2020-12-01,白班,08:40,16:00,到岗", "FM001,2020-12-02,白班,09:10,16:00,到岗",
                    "FM001,2020-12-03,夜班,20:00,08:00,到岗", "FM001,2020-12-04,白班,08:30,16:00,到岗",
                    "FM002,2020-12-11,白班,10:05,16:00,到岗", "FM002,2020-12-12,白班,09:31,16:00,到岗",
                    "FM002,2020-12-13,白班,09:00,16:00,到岗", "FM002,2020-12-14,白班,08:45,16:00,到岗"]
        try (duty.joined(separator: "\n") + "\n").write(toFile: dir + "/duty.csv", atomically: true, encoding: .utf8)
        let training = ["工号,日期,课程,类型,学时,考核", "FM001,2020-12-05,政策学习,集中,2.5,合格", "FM001,2020-12-06,政策学习,集中,1.5,合格",
                        "FM003,2020-12-07,政策学习,集中,3,合格", "FM003,2020-12-08,政策学习,集中,2,不合格"]
        try (training.joined(separator: "\n") + "\n").write(toFile: dir + "/training.csv", atomically: true, encoding: .utf8)
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: dir)
        return try #require(outcome.results, "\(outcome.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
    }

    @Test func theTestCasesOfTheRegulationPass() throws {
        let (rules, project) = try Self.project()
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.count == 1)
        for c in report.cases { #expect(c.passed && c.checks == 28, "\(c.name) \(c.checks): \(c.failures.map(\.message.zh))") }
    }

    @Test func aBatchOfTheMonthPaysAsWorkedOutByHand() throws {
        let results = try Self.month()
        // FM004 left in November: not in post, not paid, not counted.
        #expect(results.cadres.map(\.cadreID).sorted() == ["CB001", "FM001", "FM002", "FM003"])
        func pay(_ id: String, _ line: String) throws -> String {
            let r = try #require(results.cadres.first { $0.cadreID == id })
            return try #require(r.pay.amount(of: line)).description
        }
        #expect(try pay("FM002", "基本报酬") == "1419.35")  // 2000 × 22 ÷ 31 = 1419.354…
        #expect(try pay("FM003", "基本报酬") == "1290.32")  // 2000 × 20 ÷ 31 = 1290.322…
        #expect(try pay("FM001", "社区奖励") == "333.33")   // 1000 ÷ 3, 舍去
        #expect(try pay("CB001", "社区奖励") == "1000.00")
        #expect(try pay("CB001", "全县奖励") == "250.00")   // 1000 ÷ 4
        let totals = results.cadres.sorted { $0.cadreID < $1.cadreID }.map { ($0.cadreID, $0.score.total, $0.pay.net.description) }
        #expect(totals.map(\.0) == ["CB001", "FM001", "FM002", "FM003"])
        #expect(totals.map(\.1) == [Fixed(98), Fixed(97), Fixed(90), Fixed(98)])
        #expect(totals.map(\.2) == ["4330.00", "3653.33", "3102.68", "2853.65"])
    }

    @Test func theExplanationShowsLatenessTheShortfallAndTheDaysInPost() throws {
        let results = try Self.month()
        let joiner = try #require(results.cadres.first { $0.cadreID == "FM002" })
        let text = Explanation(language: .zh).render(joiner, month: results.month)
        #expect(text.contains("迟到  −5 分（原始 −6 分）") && text.contains("每月上限 5 分：扣减 1 分"), "\(text)")
        #expect(text.contains("白班 10:05–16:00 到岗  −2 分"), "\(text)")
        // No training at all: the sum is 0, a shortfall.
        #expect(text.contains("计：若 合计（学时） < 4 则 2 分 否则 0 分，合计（学时） = 0 → 2 分"), "\(text)")
        #expect(text.contains("在岗天数 = 22") && text.contains("本月天数 = 31"), "\(text)")
        #expect(text.contains("在岗天数 22 天（2020-12-10 至 2020-12-31；入职日期 2020-12-10，未填离职日期）"), "\(text)")
        #expect(text.contains("本月入职：是（入职日期 2020-12-10）"), "\(text)")
        #expect(text.contains("在岗人数（社区） = 3") && text.contains("在岗人数（全县） = 4"), "\(text)")
        let leaver = try #require(results.cadres.first { $0.cadreID == "FM003" })
        let leaverText = Explanation(language: .zh).render(leaver, month: results.month)
        #expect(leaverText.contains("在岗天数 20 天（2020-12-01 至 2020-12-20；入职日期 2019-03-01，离职日期 2020-12-20）"), "\(leaverText)")
        #expect(leaverText.contains("本月离职：是（离职日期 2020-12-20）"), "\(leaverText)")
        let en = Explanation(language: .en).render(leaver, month: results.month)
        #expect(en.contains("days in post 20 (2020-12-01 to 2020-12-20; hired 2019-03-01, left 2020-12-20)"), "\(en)")
    }

    @Test func aFailingExpectationPointsAtItsLineAndShowsBothValues() throws {
        let (rules, project) = try Self.project(replacing: "    迟到 = 3 分\n", with: "    迟到 = 4 分\n")
        let report = RulesTestRunner(rules: rules, project: project).run()
        let failures = report.cases.flatMap(\.failures)
        #expect(failures.count == 1)
        let f = try #require(failures.first)
        #expect(f.message.zh == "FM001 的“迟到”：期望 4 分，实际 3 分")
        #expect(f.site.path.hasSuffix("考勤与折算.jifen-test"))
        let source = try #require(project.sources.first { $0.path == f.site.path })
        #expect(source.text(f.site.span) == "迟到 = 4 分")
    }

    @Test func aBadCellPointsAtItsLineAndShowsItsValue() throws {
        let (rules, project) = try Self.project(replacing: "2020-12-12  白班  09:31", with: "2020-12-12  白班  09:61")
        let report = RulesTestRunner(rules: rules, project: project).run()
        let f = try #require(report.cases.flatMap(\.failures).first)
        let source = try #require(project.sources.first { $0.path == f.site.path })
        #expect(source.text(f.site.span) == "09:61", "\(f)")
        #expect(f.message.zh.contains("09:61"), "\(f.message.zh)")
    }

    @Test func aBlankCellIsWrittenAsKongOrEmptyQuotes() throws {
        #expect(RulesTestRunner.blank("空") && RulesTestRunner.blank("“”") && RulesTestRunner.blank("\"\""))
        #expect(!RulesTestRunner.blank("空白") && !RulesTestRunner.blank("0"))
        // Written as text, 空 would be a date that does not exist: the test would fail on it.
        let (rules, project) = try Self.project(replacing: "2020-12-10  空", with: "2020-12-10  不详")
        let report = RulesTestRunner(rules: rules, project: project).run()
        let f = try #require(report.cases.flatMap(\.failures).first)
        #expect(f.message.zh.contains("不详"), "\(f.message.zh)")
    }
}
