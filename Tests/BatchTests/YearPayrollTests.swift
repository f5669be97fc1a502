import Batch
import Diagnostics
import Exact
import Foundation
import Results
import RulesLanguage
import Store
import TestSupport
import Testing

/// The year-end bonus paid through the next January's payroll (`发放 随 次年1月工资`,
/// `上年年度（…）`), against hand calculations. `Fixtures/year-payroll`: 8,000 a month, base
/// score 80 (everyone 称职), bonus = 240,000 × months in post ÷ 12, wages withheld
/// cumulatively (5,000 a month), no social insurance or special deductions.
///
/// Y-001 in post November and December 2020 (2 months): bonus 40,000.00; separately taxed
/// 40,000 ÷ 12 = 3,333.33 > 3,000 → 10% − 210 = 3,790.00. Y-002 hired 2020-12-01 (1 month):
/// 20,000.00; 1,666.67 ≤ 3,000 → 3% = 600.00. Y-003 hired 2021-01-01: no bonus.
/// January 2021's wages: (8,000 − 5,000) × 3% = 90.00 each.
@Suite(.serialized) struct YearPayrollTests {
    static let rules = PackagePaths.path("Tests/BatchTests/Fixtures/year-payroll")

    static func month(_ root: String, _ month: String) throws -> String {
        let dir = root + "/" + month
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var roster = "工号,姓名,身份证号,社区,岗位,岗位等级,入职日期,离职日期,银行账号\n"
        roster += "Y-001,乙一,522632198001011013,富民,委员,1,2015-01-01,,6217790000000000016\n"
        if month != "2020-11" { roster += "Y-002,乙二,52263219800101103X,富民,委员,1,2020-12-01,,6217790000000000024\n" }
        if month.hasPrefix("2021") { roster += "Y-003,乙三,522632198001011056,富民,委员,1,2021-01-01,,6217790000000000032\n" }
        try roster.write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        return dir
    }

    /// The rules folder: the fixture as it stands, or with its text changed (a copy).
    static func rulesFolder(_ root: String, _ change: ((String) -> String)? = nil) throws -> String {
        guard let change else { return rules }
        let folder = root + "/rules"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: rules + "/年终奖随工资.jifen", encoding: .utf8)
        try change(text).write(toFile: folder + "/年终奖随工资.jifen", atomically: true, encoding: .utf8)
        return folder
    }

    static func run(_ root: String, _ month: String, rules: String) throws -> BatchOutcome {
        var o = BatchTests.options(month: month, data: try Self.month(root + "/data", month), rules: rules, store: root + "/s.sqlite", out: root + "/out")
        o.reports = [.payroll, .bankTransfer]
        return BatchRunner(options: o).run()
    }

    /// November and December 2020 run and closed, then the year 2020 run (its reports
    /// written), and, when `close`, published and closed.
    static func year2020(_ root: String, rules: String, close: Bool) throws -> YearOutcome {
        let store = try RunStore(path: root + "/s.sqlite")
        for m in ["2020-11", "2020-12"] {
            let out = try run(root, m, rules: rules)
            #expect(!out.stopped, "\(m): \(out.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
            try store.close(month: YearMonth(m)!, actor: "测试", at: "\(m)-28T09:00:00Z")
        }
        let year = YearRunner(options: YearOptions(year: 2020, rulesFolder: rules, storePath: root + "/s.sqlite", outFolder: root + "/out",
                                                   actor: "测试", now: "2021-01-05T09:00:00Z")).run()
        #expect(!year.stopped, "\(year.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        if close {
            try store.publishYear(year: 2020, actor: "测试", at: "2021-01-06", objectionsUntil: "2021-01-13")
            try store.closeYear(year: 2020, actor: "测试", at: "2021-01-14")
        }
        return year
    }

    static func amounts(_ out: BatchOutcome, _ line: String) -> [String: String] {
        var d: [String: String] = [:]
        for c in out.results?.cadres ?? [] { d[c.cadreID] = c.pay.amount(of: line)?.description }
        return d
    }

    @Test func aClosedYearsBonusAndItsSeparateTaxArePaidWithJanuary() throws {
        let root = PackagePaths.temporaryDirectory("year-payroll-separate")
        let year = try Self.year2020(root, rules: Self.rules, close: true)
        // The year's own figures, and its reports: paid with January's wages, no bank file of its own.
        let results = try #require(year.results)
        #expect(results.paidWithPayroll == YearMonth("2021-01"))
        #expect(results.cadres.map { "\($0.cadreID) \($0.pay.amount(of: "年终绩效奖")!) \($0.pay.amount(of: "年终奖个税")!)" }
            == ["Y-001 40000.00 3790.00", "Y-002 20000.00 600.00"])
        #expect(year.reports.contains("年终奖发放表.xlsx") && !year.reports.contains { $0.hasPrefix("年终奖银行代发") })
        let payroll = try #require(try XlsxFile(path: root + "/out/2020-年度/年终奖发放表.xlsx").sheets.first)
        #expect(payroll.cell("A2")?.value.contains("随 2021年1月工资发放") == true)
        #expect(try RunStore(path: root + "/s.sqlite").closedYearPay(of: 2020)?.byCadre["Y-001"]?["年终奖实发"] == Money(fen: 3_621_000))

        let jan = try Self.run(root, "2021-01", rules: Self.rules)
        #expect(!jan.stopped && !jan.diagnostics.contains { $0.code == "B0070" }, "\(jan.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        #expect(Self.amounts(jan, "年终绩效奖") == ["Y-001": "40000.00", "Y-002": "20000.00", "Y-003": "0.00"])
        #expect(Self.amounts(jan, "年终奖个税") == ["Y-001": "3790.00", "Y-002": "600.00", "Y-003": "0.00"])
        #expect(Self.amounts(jan, "个人所得税") == ["Y-001": "90.00", "Y-002": "90.00", "Y-003": "90.00"])
        // net = wages + bonus − wages' tax − bonus tax
        #expect(Self.amounts(jan, "实发工资") == ["Y-001": "44120.00", "Y-002": "27310.00", "Y-003": "7910.00"])
        // The month's bank file pays it.
        let bank = try #require(try XlsxFile(path: root + "/out/2021-01/银行代发.xlsx").sheets.first)
        let paid = bank.rows.dropFirst().compactMap { row in row.count > 2 ? row[2].value : nil }
        #expect(Array(paid.prefix(3)) == ["44120", "27310", "7910"], "\(bank.rows.map { $0.map(\.value) })")
        // The explanation names where the bonus comes from.
        let y1 = try #require(jan.results?.cadres.first { $0.cadreID == "Y-001" })
        let steps = try #require(y1.pay.lines.first { $0.name == "年终绩效奖" }).trace.steps
        #expect(steps.contains { step in step.formula.zh.contains("上年年度（年终绩效奖）") }, "\(steps.map(\.formula.zh))")

        // February pays no bonus: 上年年度（…） is read in the month the article names.
        let feb = try Self.run(root, "2021-02", rules: Self.rules)
        #expect(Self.amounts(feb, "年终绩效奖") == ["Y-001": "0.00", "Y-002": "0.00", "Y-003": "0.00"])
        #expect(!feb.diagnostics.contains { $0.code == "B0070" })
    }

    @Test func mergedTheBonusIsInJanuarysCumulativeWithholding() throws {
        let root = PackagePaths.temporaryDirectory("year-payroll-merged")
        // Merged: the year computes no tax; January adds the bonus to the income withheld on.
        let rules = try Self.rulesFolder(root) { text in
            text.replacingOccurrences(of: "计算项 累计应纳税所得额 = 本年累计（收入） - ", with: "计算项 累计应纳税所得额 = 本年累计（收入） + 本年累计（年终绩效奖） - ")
                .replacingOccurrences(of: "扣款项 年终奖个税 = 上年年度（年终奖个税）\n\n", with: "")
                .replacingOccurrences(of: " - 个人所得税 - 年终奖个税\n", with: " - 个人所得税\n")
                .replacingOccurrences(of: """
                  奖金计税 年终绩效奖 {
                    方式 单独计税
                    单独计税 按 全年一次性奖金月度税率表
                  }
                  扣款项 年终奖个税 = 奖金个税（年终绩效奖）
                  实发项 年终奖实发 = 年终绩效奖 - 年终奖个税
                """, with: "  实发项 年终奖实发 = 年终绩效奖\n")
                .replacingOccurrences(of: "累进表 全年一次性奖金月度税率表", with: "# 不用\n累进表 全年一次性奖金月度税率表")
        }
        let year = try Self.year2020(root, rules: rules, close: true)
        #expect(year.results?.cadres.map { $0.pay.deductions } == [.zero, .zero])
        let jan = try Self.run(root, "2021-01", rules: rules)
        #expect(!jan.stopped, "\(jan.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        #expect(Self.amounts(jan, "年终绩效奖") == ["Y-001": "40000.00", "Y-002": "20000.00", "Y-003": "0.00"])
        // Y-001: (8,000 + 40,000 − 5,000) = 43,000 × 10% − 2,520 = 1,780.00;
        // Y-002: (8,000 + 20,000 − 5,000) = 23,000 × 3% = 690.00; Y-003: 3,000 × 3% = 90.00.
        #expect(Self.amounts(jan, "个人所得税") == ["Y-001": "1780.00", "Y-002": "690.00", "Y-003": "90.00"])
        #expect(Self.amounts(jan, "实发工资") == ["Y-001": "46220.00", "Y-002": "27310.00", "Y-003": "7910.00"])
    }

    @Test func aJanuaryBeforeTheYearIsClosedWarnsAndPaysNoBonus() throws {
        let root = PackagePaths.temporaryDirectory("year-payroll-open")
        _ = try Self.year2020(root, rules: Self.rules, close: false)
        #expect(try RunStore(path: root + "/s.sqlite").closedYearPay(of: 2020) == nil)
        let jan = try Self.run(root, "2021-01", rules: Self.rules)
        #expect(!jan.stopped)
        #expect(jan.diagnostics.map(\.code) == ["B0070"])
        let text = DiagnosticRenderer(language: .zh).render(jan.diagnostics[0])
        #expect(text.contains("2020 年度考核尚未关账，本月不发年终奖") && text.contains("jifen year run/publish/close --year 2020"))
        #expect(Self.amounts(jan, "年终绩效奖") == ["Y-001": "0.00", "Y-002": "0.00", "Y-003": "0.00"])
        #expect(Self.amounts(jan, "实发工资") == ["Y-001": "7910.00", "Y-002": "7910.00", "Y-003": "7910.00"])
        // Closed now: January run again pays it.
        let store = try RunStore(path: root + "/s.sqlite")
        try store.publishYear(year: 2020, actor: "测试", at: "2021-01-06", objectionsUntil: "2021-01-13")
        try store.closeYear(year: 2020, actor: "测试", at: "2021-01-14")
        let again = try Self.run(root, "2021-01", rules: Self.rules)
        #expect(again.diagnostics.isEmpty)
        #expect(Self.amounts(again, "实发工资") == ["Y-001": "44120.00", "Y-002": "27310.00", "Y-003": "7910.00"])
    }

    /// `记录 上年年度考核` in a `.jifen-test` case gives the previous year's closed annual pay lines.
    @Test func aTestCaseGivesThePreviousYearsAnnualPayLines() throws {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: Self.rules))
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty)
        let report = RulesTestRunner(rules: rules, project: project).run()
        #expect(report.cases.map(\.name) == ["年终奖随一月工资发放", "二月不发年终奖"])
        #expect(report.cases.map(\.checks) == [6, 2])
        for c in report.cases { #expect(c.passed, "\(c.name): \(c.failures.map(\.message.zh))") }
    }

    @Test func theCheckerWantsAnAnnualPayLineAndPaymentWithThePayroll() throws {
        func codes(_ text: String) -> [String] {
            let project = RulesProject.parse([SourceFile(path: "rules/年终奖.jifen", text: text)])
            #expect(project.diagnostics.isEmpty)
            return Checker.check(project.files).1.map { "\($0.code) \(DiagnosticRenderer(language: .zh).header($0))" }
        }
        let text = try String(contentsOfFile: Self.rules + "/年终奖随工资.jifen", encoding: .utf8)
        #expect(codes(text).isEmpty)
        let unknown = codes(text.replacingOccurrences(of: "上年年度（年终奖个税）", with: "上年年度（年终奖税）"))
        #expect(unknown.count == 1 && unknown[0].hasPrefix("R0345") && unknown[0].contains("“年终奖税”不是年度考核的工资项目"), "\(unknown)")
        let separate = codes(text.replacingOccurrences(of: "发放 随 次年1月工资", with: "发放 单独发放"))
        #expect(separate.count == 1 && separate[0].hasPrefix("R0345") && separate[0].contains("年度考核规定年终奖单独发放"), "\(separate)")
        // No 发放 clause: separate by default.
        #expect(codes(text.replacingOccurrences(of: "  发放 随 次年1月工资\n", with: "")).map { String($0.prefix(5)) } == ["R0345"])
        #expect(codes(text.replacingOccurrences(of: "发放 随 次年1月工资", with: "发放 随 次年 13 月 工资")).map { String($0.prefix(5)) } == ["R0312"])
    }
}
