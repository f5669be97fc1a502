import Batch
import Diagnostics
import Exact
import Foundation
import Results
import RulesLanguage
import Store
import TestSupport
import Testing

/// The 60,000-yuan rule (国家税务总局公告2020年第19号) from the stored previous year, against
/// hand calculations: `Fixtures/sixty-thousand` pays 4,000 a month in 2020 and 8,000 in 2021,
/// with no social insurance or special deductions.
///
/// Qualifying (in post all 2020, 2020 income ≤ 60,000): taxable = max(0, 8,000 × m − 60,000),
/// so no tax in January–July (56,000 ≤ 60,000); August: 64,000 − 60,000 = 4,000 × 3% = 120.00.
/// Not qualifying: taxable = 8,000 × m − 5,000 × m = 3,000 × m, so 90.00 every month.
struct PreviousYearTaxTests {
    static let rules = PackagePaths.path("Tests/BatchTests/Fixtures/sixty-thousand")

    /// A-001 in post all 2020 with 48,000 (qualifies); A-002 hired 2020-06-01 (7 months);
    /// A-003 earned 64,000 in 2020; A-004 exactly 60,000 (qualifies: 不超过); A-005 joins in
    /// 2021 (nothing stored); A-006 leaves on 2020-11-30 (the store keeps November's figures).
    static func month(_ root: String, _ month: String) throws -> String {
        let dir = root + "/" + month
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var roster = "工号,姓名,身份证号,社区,岗位,岗位等级,入职日期,离职日期,银行账号\n"
        roster += "A-001,甲一,522632198001011013,富民,委员,1,2015-01-01,,6217790000000000016\nA-002,甲二,52263219800101103X,富民,委员,1,2020-06-01,,6217790000000000024\n"
        roster += "A-003,甲三,522632198001011056,富民,委员,1,2015-01-01,,6217790000000000032\nA-004,甲四,522632198001011072,富民,委员,1,2015-01-01,,6217790000000000040\n"
        if month == "2020-11" { roster += "A-006,甲六,52263219800101111X,富民,委员,1,2015-01-01,2020-11-30,6217790000000000065\n" }
        if month.hasPrefix("2021") { roster += "A-005,甲五,522632198001011099,富民,委员,1,2021-01-01,,6217790000000000057\n" }
        try roster.write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        if month == "2020-11" {
            // January–October: 10 × 4,000; A-002 June–October 5 × 4,000.
            try "工号,累计收入\nA-001,40000\nA-002,20000\nA-003,56000\nA-004,52000\nA-006,40000\n"
                .write(toFile: dir + "/opening.csv", atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func theSixtyThousandRuleReadsThePreviousYearFromTheStore() throws {
        let root = PackagePaths.temporaryDirectory("sixty-thousand")
        let store = root + "/s.sqlite"
        var taxes: [String: [String: String]] = [:]
        var deductions: [String: [String: String]] = [:]
        let months = ["2020-11", "2020-12"] + (1...8).map { String(format: "2021-%02d", $0) }
        for m in months {
            var o = BatchTests.options(month: m, data: try Self.month(root + "/data", m), rules: Self.rules, store: store, out: root + "/out")
            o.reports = [.payroll]
            let outcome = BatchRunner(options: o).run()
            #expect(!outcome.stopped, "\(m): \(outcome.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
            for c in try #require(outcome.results).cadres {
                taxes[c.cadreID, default: [:]][m] = c.pay.amount(of: "个人所得税")?.description
                deductions[c.cadreID, default: [:]][m] = c.pay.amount(of: "累计减除费用")?.description
            }
        }

        // The previous year as the store ends it: each cadre's last stored month of 2020.
        let runs = try RunStore(path: store)
        let end2020 = try runs.yearEnd(of: 2020)
        #expect(end2020["A-001"]?.months == 12 && end2020["A-001"]?["收入"] == Money(yuan: 48_000))
        #expect(end2020["A-002"]?.months == 7 && end2020["A-002"]?["收入"] == Money(yuan: 28_000))
        #expect(end2020["A-003"]?["收入"] == Money(yuan: 64_000))
        #expect(end2020["A-004"]?.months == 12 && end2020["A-004"]?["收入"] == Money(yuan: 60_000))
        #expect(end2020["A-006"]?.months == 11 && end2020["A-006"]?["收入"] == Money(yuan: 44_000))
        #expect(end2020["A-005"] == nil)
        #expect(try runs.yearEnd(of: 2019).isEmpty)

        // 2020 itself has no stored 2019: 5,000 a month for everyone.
        #expect(deductions["A-001"]?["2020-12"] == "60000.00")  // 5,000 × 12
        #expect(deductions["A-002"]?["2020-12"] == "35000.00")  // 5,000 × 7
        // Qualifying: 60,000 from January; no tax while the year's income is at most 60,000.
        for id in ["A-001", "A-004"] {
            #expect(deductions[id]?["2021-01"] == "60000.00", "\(id)")
            for m in 1...7 { #expect(taxes[id]?[String(format: "2021-%02d", m)] == "0.00", "\(id) 2021-\(m)") }
            #expect(taxes[id]?["2021-08"] == "120.00", "\(id)")  // (64,000 − 60,000) × 3%
        }
        // Not qualifying: hired mid-2020, above 60,000 in 2020, or no 2020 with this payer.
        for id in ["A-002", "A-003", "A-005"] {
            #expect(deductions[id]?["2021-01"] == "5000.00", "\(id)")
            #expect(deductions[id]?["2021-08"] == "40000.00", "\(id)")
            for m in 1...8 { #expect(taxes[id]?[String(format: "2021-%02d", m)] == "90.00", "\(id) 2021-\(m)") }
        }
    }

    /// `记录 上年` in a `.jifen-test` case gives the previous year's figures; a bad cell is a
    /// located failure.
    @Test func aTestCaseGivesThePreviousYear() throws {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: Self.rules))
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty)
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.count == 1)
        for c in report.cases { #expect(c.passed && c.checks == 6, "\(c.name): \(c.failures.map(\.message.zh))") }

        let copy = PackagePaths.temporaryDirectory("sixty-thousand-bad")
        try FileManager.default.createDirectory(atPath: copy + "/tests", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.rules + "/六万元.jifen", toPath: copy + "/六万元.jifen")
        let test = try String(contentsOfFile: Self.rules + "/tests/六万元.jifen-test", encoding: .utf8)
            .replacingOccurrences(of: "A-002  7         28000", with: "A-002  13        2800x")
        try test.write(toFile: copy + "/tests/六万元.jifen-test", atomically: true, encoding: .utf8)
        let bad = try RulesProject.load(directory: URL(fileURLWithPath: copy))
        let failures = RulesTestRunner(rules: Checker.check(bad.files).0, project: bad).run().cases.flatMap(\.failures).map(\.message.zh)
        #expect(failures.contains("任职月数应为 0 至 12 的整数（“13”）"), "\(failures)")
        #expect(failures.contains("“收入”应为金额（“2800x”）"), "\(failures)")
    }

    /// The fixture's rule is the county's, word for word.
    @Test func theCountysRulesCarryTheSameRule() throws {
        let county = try String(contentsOfFile: PackagePaths.path("rules/榕江县积分管理考核办法.jifen"), encoding: .utf8)
        let fixture = try String(contentsOfFile: Self.rules + "/六万元.jifen", encoding: .utf8)
        let rule = "= 若 上年任职月数 = 12 且 上年累计（收入） ≤ 全年减除费用 则 全年减除费用 否则 每月减除费用 × 本年任职月数"
        #expect(county.contains("计算项 累计减除费用 （依据 国家税务总局公告2020年第19号，自 2021-01-01 起） " + rule))
        #expect(fixture.contains("计算项 累计减除费用 " + rule))
        #expect(county.contains("参数 全年减除费用 （依据 国家税务总局公告2020年第19号） = 60000 元"))
    }
}
