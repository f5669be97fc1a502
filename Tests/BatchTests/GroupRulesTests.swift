@testable import Batch
import Diagnostics
import Exact
import Foundation
import Results
import RulesLanguage
import TestSupport
import Testing

/// Groups other than the community, roster columns a county adds and who takes part in
/// ranks and quotas (issue 12, items 6, 7 and 8), on `Fixtures/group-rules`: a 分组 考核组
/// (正职 for 书记、主任, else 其他组), a quota of 50% per community and 考核组, 排名不含
/// 一票否决者、本月入职, a pool per group of 在岗人数 × 1500 元 shared by score, and 公益性岗位
/// (a column the county adds) paying no contributions. Amounts are worked out by hand in
/// the fixture's .jifen-test file.
struct GroupRulesTests {
    static let folder = PackagePaths.path("Tests/BatchTests/Fixtures/group-rules")

    static func rules() throws -> (CheckedRules, RulesProject) {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: folder))
        #expect(project.diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(project.diagnostics))")
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        return (rules, project)
    }

    static let rosterHeader = "工号,姓名,社区,岗位,岗位等级,入职日期,岗位类别,身份证号,银行账号"
    static let roster: [(String, String, String, String, String)] = [
        ("FM001", "富民", "书记", "2019-03-01", "正式"), ("FM002", "富民", "主任", "2019-03-01", "正式"),
        ("FM003", "富民", "委员", "2019-03-01", "正式"), ("FM004", "富民", "网格员", "2019-03-01", "公益性岗位"),
        ("FM005", "富民", "网格员", "2019-03-01", "正式"), ("FM006", "富民", "委员", "2020-12-10", "正式"),
        ("WL001", "卧龙", "书记", "2019-03-01", "正式"), ("WL002", "卧龙", "委员", "2019-03-01", "正式"),
        ("WL003", "卧龙", "网格员", "2019-03-01", "公益性岗位"), ("WL004", "卧龙", "委员", "2019-03-01", "正式"),
    ]

    /// The test file's month as a folder of CSV files; `rosterLines` replaces the roster.
    static func monthFolder(_ name: String, rosterLines: [String]? = nil) throws -> String {
        let dir = PackagePaths.temporaryDirectory(name) + "/2020-12"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = rosterLines ?? ([rosterHeader] + roster.enumerated().map { i, r in
            "\(r.0),干部\(i + 1),\(r.1),\(r.2),3,\(r.3),\(r.4),\(RulesTestRunner.idNumber(i + 1)),62170000000000\(String(format: "%02d", i + 1))"
        })
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        var duty = ["工号,日期,班次,开始,结束,状态"]
        func night(_ id: String, _ days: ClosedRange<Int>) { for d in days { duty.append("\(id),2020-12-\(String(format: "%02d", d)),夜班,20:00,08:00,到岗") } }
        night("FM001", 1...6)
        night("FM002", 7...11)
        night("FM003", 1...1)
        duty += ["FM003,2020-12-02,白班,08:00,16:00,到岗", "FM003,2020-12-03,白班,08:00,16:00,到岗"]
        night("FM004", 1...2)
        duty += ["FM005,2020-12-04,白班,08:00,16:00,缺勤", "FM005,2020-12-05,白班,08:00,16:00,缺勤"]
        night("FM006", 11...16)
        duty.append("WL004,2020-12-02,白班,08:00,16:00,到岗")
        try (duty.joined(separator: "\n") + "\n").write(toFile: dir + "/duty.csv", atomically: true, encoding: .utf8)
        return dir
    }

    static func month() throws -> MonthResults {
        let (rules, _) = try rules()
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: try monthFolder("group-rules"))
        return try #require(outcome.results, "\(outcome.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
    }

    @Test func theTestCasesOfTheGroupRegulationPass() throws {
        let (rules, project) = try Self.rules()
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.count == 1)
        for c in report.cases {
            #expect(c.passed, "\(c.name): \(c.failures.map(\.message.zh))")
            #expect(c.checks >= 50)
        }
    }

    @Test func aQuotaByADerivedGroupWithinCommunities() throws {
        let results = try Self.month()
        func s(_ id: String) throws -> Standing { try #require(results.cadres.first { $0.cadreID == id }).standing }
        // 富民·正职: 2 take part, 50% → 1 place; FM002 reached 优秀's line but the place is FM001's.
        #expect(try s("FM001").tier == "优秀")
        #expect(try s("FM002").tier == "称职")
        #expect(try s("FM002").group == "富民·正职")
        #expect(try (s("FM002").rank, s("FM002").groupSize) == (2, 2))
        #expect(try s("FM002").reasons.contains(.quotaFull(tier: "优秀", share: Fixed("0.5")!, places: 1, rank: 2, to: "称职")))
        // 富民·其他组: FM003 and FM004 both 84; FM004 has more night shifts (a raw count), so
        // it ranks first and takes the one place, although 工号 alone would favour FM003.
        #expect(try s("FM004").tier == "优秀")
        #expect(try s("FM004").rank == 1)
        #expect(try s("FM003").tier == "称职")
        #expect(try s("FM003").reasons.first == .tieBreak(rule: "得分 从高到低、条数（值班 其中 班次 = 夜班 且 状态 = 到岗） 从高到低、工号 从低到高", with: ["FM004"]))
        let text = Explanation(language: .zh).render(try #require(results.cadres.first { $0.cadreID == "FM003" }), month: results.month)
        #expect(text.contains("""
            等次：称职（富民·其他组第 2 名，共 2 人）
              · 与 FM004 同分，按“得分 从高到低、条数（值班 其中 班次 = 夜班 且 状态 = 到岗） 从高到低、工号 从低到高”排序
              · 满足“得分 ≥ 84 分” → 优秀
              · 优秀名额 50%（1 个）已满，排第 2 名，顺延为称职
            """), "\(text)")
        // 卧龙·正职 has one cadre: 50% of 1 is no place (80 points do not reach 优秀 anyway).
        #expect(try s("WL001").group == "卧龙·正职")
        #expect(try s("WL001").rank == 1)
    }

    @Test func vetoedAndJoinedCadresTakeNoPartInRanksAndQuotas() throws {
        let results = try Self.month()
        func r(_ id: String) throws -> CadreResult { try #require(results.cadres.first { $0.cadreID == id }) }
        // FM005 was vetoed: not ranked, not counted in the group's base (2, not 4).
        let vetoed = try r("FM005").standing
        #expect(vetoed.tier == "不称职")
        #expect(vetoed.rank == 0)
        #expect(vetoed.groupSize == 2)
        #expect(vetoed.reasons.contains(.notRanked(why: "一票否决", tier: "不称职")))
        // FM006 joined on 2020-12-10 and scored 92: 优秀 has a quota, so 称职, unranked.
        let joined = try r("FM006").standing
        #expect(joined.tier == "称职")
        #expect(joined.rank == 0)
        #expect(joined.reasons == [.threshold(tier: "优秀", condition: "得分 ≥ 84 分"), .notRanked(why: "本月入职", tier: "称职")])
        let text = Explanation(language: .zh).render(try r("FM006"), month: results.month)
        #expect(text.contains("等次：称职（富民·其他组，不参加排名，共 2 人参加）"), "\(text)")
        #expect(text.contains("本月入职，按规定不参加排名和名额 → 称职"), "\(text)")
        // Without 排名 there is no first-place award.
        #expect(try r("FM006").pay.amount(of: "组内第一名奖")?.description == "0.00")
    }

    @Test func aPoolPerGroupSharedToTheFenWithATieAtTheRemainder() throws {
        let results = try Self.month()
        func pay(_ id: String) throws -> PaySlip { try #require(results.cadres.first { $0.cadreID == id }).pay }
        // 卧龙·其他组: 3 × 1500 = 4500.00 for 80, 80 and 81 points. Rounded down: 1493.77,
        // 1493.77, 1512.44 (2 分 short); remainders 196 (WL004), 143, 143: WL004 takes one 分,
        // WL002 and WL003 tie and the smaller 工号 takes the other.
        #expect(try pay("WL002").amount(of: "绩效奖励")?.description == "1493.78")
        #expect(try pay("WL003").amount(of: "绩效奖励")?.description == "1493.77")
        #expect(try pay("WL004").amount(of: "绩效奖励")?.description == "1512.45")
        // 富民·正职: 2 × 1500 for 92 and 90 points; 富民·其他组: 4 × 1500 (the headcount counts
        // everyone employed, vetoed and joined too) for 84, 84, 60 and 92.
        #expect(try pay("FM001").amount(of: "绩效奖励")?.description == "1516.48")
        #expect(try pay("FM002").amount(of: "绩效奖励")?.description == "1483.52")
        for (id, amount) in [("FM003", "1575.00"), ("FM004", "1575.00"), ("FM005", "1125.00"), ("FM006", "1725.00")] {
            #expect(try pay(id).amount(of: "绩效奖励")?.description == amount)
        }
        // The trace names the group's pool and how the remainder went.
        let line = try #require(try pay("WL002").lines.first { $0.name == "绩效奖励" })
        let text = line.trace.rendered(.zh)
        #expect(text.contains("奖金池 = 4,500.00"), "\(text)")
        #expect(text.contains("余数排第 2，补 0.01"), "\(text)")
        #expect(text.contains("在岗人数（社区、考核组）"), "\(text)")
    }

    @Test func aPostTypeColumnSwitchesContributionsOff() throws {
        let results = try Self.month()
        for id in ["FM004", "WL003"] {
            let slip = try #require(results.cadres.first { $0.cadreID == id }).pay
            for line in ["养老保险", "失业保险", "住房公积金"] { #expect(slip.amount(of: line)?.description == "0.00", "\(id) \(line)") }
        }
        let full = try #require(results.cadres.first { $0.cadreID == "WL002" }).pay
        #expect(full.deductions.description == "405.00")
    }

    /// The added column is checked like any other: a value outside its enumeration and a
    /// roster without the column are errors at their place.
    @Test func theAddedColumnIsValidated() throws {
        let (rules, _) = try Self.rules()
        var lines = [Self.rosterHeader] + Self.roster.enumerated().map { i, r in
            "\(r.0),干部\(i + 1),\(r.1),\(r.2),3,\(r.3),\(r.4),\(RulesTestRunner.idNumber(i + 1)),62170000000000\(String(format: "%02d", i + 1))"
        }
        lines[3] = lines[3].replacingOccurrences(of: ",正式,", with: ",临时工,")
        let bad = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: try Self.monthFolder("group-rules-bad", rosterLines: lines))
        let problem = try #require(bad.diagnostics.first { $0.isError })
        let rendered = DiagnosticRenderer(language: .zh).header(problem)
        #expect(rendered.contains("cadres.csv:4"), "\(rendered)")
        #expect(problem.code == "D0107" && rendered.contains("岗位类别"), "\(rendered)")
        let without = [Self.rosterHeader.replacingOccurrences(of: ",岗位类别", with: "")] + lines.dropFirst().map {
            $0.replacingOccurrences(of: ",正式,", with: ",").replacingOccurrences(of: ",公益性岗位,", with: ",").replacingOccurrences(of: ",临时工,", with: ",")
        }
        let missing = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: try Self.monthFolder("group-rules-missing", rosterLines: without))
        let header = try #require(missing.diagnostics.first { $0.isError })
        let text = DiagnosticRenderer(language: .zh).header(header)
        #expect(header.code == "D0024" && text.contains("cadres.csv:1") && text.contains("岗位类别"), "\(text)")
    }

    @Test func theRosterTemplateHasTheAddedColumnWithItsValues() throws {
        let (rules, _) = try Self.rules()
        let out = PackagePaths.temporaryDirectory("group-rules-templates")
        let outcome = TemplateMaker(rules: rules, month: YearMonth("2020-12")!, dataRoot: out + "/none").make(to: out + "/t")
        #expect(outcome.diagnostics.allSatisfy { !$0.isError })
        let file = try XlsxFile(path: out + "/t/花名册.xlsx")
        let sheet = try #require(file.sheets.first)
        let headers = sheet.rows[0].map(\.value)
        let column = try #require(headers.firstIndex { $0 == "岗位类别" || $0 == "*岗位类别" }, "\(headers)")
        #expect(sheet.validation(column: column)?.formula1 == "\"正式,公益性岗位\"")
    }

    /// `按 全县`: one quota over the whole county; 排名 follows the first quota's groups.
    @Test func aCountyWideQuota() throws {
        var text = try String(contentsOfFile: Self.folder + "/考核组办法.jifen", encoding: .utf8)
        text = text.replacingOccurrences(of: "名额 50% 按 社区、考核组", with: "名额 25% 按 全县")
        let project = RulesProject.parse([SourceFile(path: "全县.jifen", text: text)])
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: try Self.monthFolder("group-rules-county"))
        let results = try #require(outcome.results)
        func s(_ id: String) throws -> Standing { try #require(results.cadres.first { $0.cadreID == id }).standing }
        // 8 take part (FM005 vetoed and FM006 joined do not): 25% → 2 places, FM001 and FM002.
        #expect(try ["FM001", "FM002", "FM003", "FM004"].map { try s($0).tier } == ["优秀", "优秀", "称职", "称职"])
        #expect(try ["FM001", "FM002", "FM004", "FM003", "WL004", "WL001", "WL002", "WL003"].map { try s($0).rank } == Array(1...8))
        #expect(try s("WL001").group == "全县")
        #expect(try s("WL001").groupSize == 8)
        #expect(try s("FM003").reasons.contains(.quotaFull(tier: "优秀", share: Fixed("0.25")!, places: 2, rank: 4, to: "称职")))
    }

    /// A pool that differs within a group stops the batch (B0004) instead of silently using
    /// one member's amount.
    @Test func aPoolMustBeTheSameForEveryMemberOfItsGroup() throws {
        var text = try String(contentsOfFile: Self.folder + "/考核组办法.jifen", encoding: .utf8)
        text = text.replacingOccurrences(of: "按比例分配（在岗人数（社区、考核组） × 每人绩效额，", with: "按比例分配（若 岗位类别 = 公益性岗位 则 100 元 否则 200 元，")
        let project = RulesProject.parse([SourceFile(path: "不一致.jifen", text: text)])
        let (rules, _) = Checker.check(project.files)
        let outcome = MonthEvaluation(rules: rules, month: YearMonth("2020-12")!).run(folder: try Self.monthFolder("group-rules-pool"))
        #expect(outcome.results == nil)
        let d = try #require(outcome.diagnostics.first { $0.code == "B0004" })
        #expect(d.summary.zh.contains("富民·其他组") && d.summary.zh.contains("FM003") && d.summary.zh.contains("FM004"), "\(d.summary.zh)")
    }
}
