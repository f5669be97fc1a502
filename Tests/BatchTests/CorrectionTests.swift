import Batch
import Diagnostics
import Exact
import Foundation
import Reports
import Results
import Store
import TestSupport
import Testing

/// The correction loop (`jifen batch correct`, docs/corrections.md) on a real store: a
/// closed January corrected with late duty records, carried into February as 补发/补扣 and
/// taxed there cumulatively.
///
/// 富民 has five cadres and one 优秀 place (20% of 5). In January C-001 has 6 nights (92
/// points, 优秀), C-002 5 nights (90, 称职 for want of a place). Two late nights take C-002
/// to 94: C-002 becomes 优秀 and C-001 is displaced to 称职 with the same points. C-005, who
/// leaves at the end of January, has one late night.
@Suite(.serialized) struct CorrectionTests {
    static let rules = PackagePaths.path("Tests/BatchTests/Fixtures/correction-rules")
    static let header = "工号,姓名,身份证号,社区,岗位,岗位等级,入职日期,银行账号\n"
    static let people = [
        "C-001,甲,110105194912310038,富民,主任,10,2015-01-01,6217000012345678901",
        "C-002,乙,110105194912310054,富民,委员,8,2015-01-01,6217000012345678902",
        "C-003,丙,110105194912310070,富民,委员,8,2015-01-01,6217000012345678903",
        "C-004,丁,110105194912310097,富民,委员,8,2015-01-01,6217000012345678904",
        "C-005,戊,110105194912310118,富民,网格员,3,2015-01-01,6217000012345678905",
    ]

    static func nights(_ id: String, _ month: String, _ days: [Int]) -> String {
        days.map { "\(id),\(month)-\(String(format: "%02d", $0)),夜班,20:00,08:00,到岗\n" }.joined()
    }

    /// A month folder: the roster (without `leavers`) and the duty rows.
    static func month(_ root: String, _ month: String, duty: String, leavers: Set<String> = []) throws -> String {
        let dir = root + "/data/" + month
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let roster = people.filter { !leavers.contains(String($0.prefix(5))) }
        try (header + roster.joined(separator: "\n") + "\n").write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        try ("工号,日期,班次,开始,结束,状态\n" + duty).write(toFile: dir + "/duty.csv", atomically: true, encoding: .utf8)
        return dir
    }

    struct Fixture {
        var root: String
        var store: String { root + "/store.sqlite" }
        var out: String { root + "/out" }
        /// A fixture's first month may be any month of the year: it states that there was no
        /// earlier income (S0007 otherwise).
        func options(_ month: String, data: String) -> BatchOptions {
            var o = BatchOptions(month: YearMonth(month)!, dataFolder: data, rulesFolder: CorrectionTests.rules, storePath: store, outFolder: out,
                                 actor: "测试", now: "2021-02-05T09:00:00Z")
            o.noEarlierIncome = true
            return o
        }
    }

    /// January run and closed, then corrected with the late nights.
    static func corrected(_ name: String, before: (Fixture) throws -> Void = { _ in }) throws -> (Fixture, BatchCorrection.Outcome) {
        let f = Fixture(root: PackagePaths.temporaryDirectory(name))
        let jan = try month(f.root, "2021-01", duty: nights("C-001", "2021-01", [4, 6, 8, 11, 13, 15]) + nights("C-002", "2021-01", [5, 7, 12, 14, 18]))
        let run = BatchRunner(options: f.options("2021-01", data: jan)).run()
        #expect(!run.stopped, "\(run.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let store = try RunStore(path: f.store)
        try store.close(month: YearMonth("2021-01")!, actor: "测试", at: "2021-02-01T09:00:00Z")
        try before(f)
        let late = f.root + "/late"
        try FileManager.default.createDirectory(atPath: late, withIntermediateDirectories: true)
        try ("工号,日期,班次,开始,结束,状态\n" + nights("C-002", "2021-01", [20, 22]) + nights("C-005", "2021-01", [21]))
            .write(toFile: late + "/duty-补报.csv", atomically: true, encoding: .utf8)
        let outcome = BatchCorrection(options: f.options("2021-01", data: late), reason: "夜班记录关账后补报").run()
        #expect(outcome.runID != nil, "\(outcome.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        return (f, outcome)
    }

    static func line(_ o: BatchCorrection.Outcome, _ cadre: String, _ name: String) -> String? {
        o.lines.first { $0.cadreID == cadre && $0.line == name }?.amount.description
    }

    @Test func aCorrectionAcrossTheQuotaCorrectsTheDisplacedCadreToo() throws {
        let (f, o) = try Self.corrected("correction-quota")
        let c = try #require(o.comparison)
        let b = try #require(c.changes.first { $0.cadreID == "C-002" })
        #expect(b.pointsBefore == Fixed("90") && b.pointsAfter == Fixed("94") && b.tierBefore == "称职" && b.tierAfter == "优秀")
        let a = try #require(c.changes.first { $0.cadreID == "C-001" })
        #expect(a.pointsBefore == a.pointsAfter && a.tierBefore == "优秀" && a.tierAfter == "称职")
        // 94 × 100 × 1.5 − 90 × 100 × 1.0; 92 × 100 × (1.0 − 1.5); 养老保险 8% of 应发合计's change.
        #expect(Self.line(o, "C-002", "绩效报酬") == "5100.00")
        #expect(Self.line(o, "C-002", "夜班补贴") == "100.00")
        #expect(Self.line(o, "C-002", "养老保险") == "416.00")
        #expect(Self.line(o, "C-001", "绩效报酬") == "-4600.00")
        #expect(Self.line(o, "C-001", "养老保险") == "-368.00")
        #expect(Self.line(o, "C-001", "夜班补贴") == nil)
        // The income tax is not carried: the paying month withholds it cumulatively.
        #expect(!o.lines.contains { $0.line == "个人所得税" })
        // The closed run is untouched and still the month's run.
        let store = try RunStore(path: f.store)
        let current = try #require(try store.currentRun(month: YearMonth("2021-01")!))
        #expect(current.state == .closed && current.id == o.closedRunID)
        #expect(try store.run(id: o.runID!).state == .correction)
        // Who corrected what and why.
        let audit = try store.auditLog(month: YearMonth("2021-01")!)
        #expect(audit.contains { $0.action == "correct" && $0.reason == "夜班记录关账后补报" && $0.actor == "测试" && $0.runID == o.runID })
        let text = BatchCorrection.text(o, month: YearMonth("2021-01")!)
        #expect(text.contains("C-001 甲：等次 优秀 → 称职（积分未变，名额顺延）；补扣 2021年1月 绩效报酬 -4,600.00"))
    }

    @Test func anIDNumberOrAccountTypedInTheReasonIsMasked() {
        // The reason goes onto other cadres' slips, 积分明细 and the audit log.
        let f = Fixture(root: PackagePaths.temporaryDirectory("reason-mask"))
        let c = BatchCorrection(options: f.options("2021-01", data: f.root), reason: "补报：身份证522632197603221590，卡号6217993614931923172")
        #expect(c.reason.hasPrefix("补报：身份证"))
        #expect(!c.reason.contains("522632197603221590") && !c.reason.contains("6217993614931923172"), "\(c.reason)")
    }

    @Test func anOpenMonthIsRefused() throws {
        let f = Fixture(root: PackagePaths.temporaryDirectory("correction-open"))
        let jan = try Self.month(f.root, "2021-01", duty: "")
        #expect(!BatchRunner(options: f.options("2021-01", data: jan)).run().stopped)
        let o = BatchCorrection(options: f.options("2021-01", data: jan), reason: "试").run()
        #expect(o.runID == nil)
        #expect(o.diagnostics.map(\.code) == ["S0011"])
        #expect(DiagnosticRenderer(language: .zh).render(o.diagnostics[0]).contains("jifen batch run --month 2021-01"))
    }

    /// February pays the correction: 补发补扣 is income of February, 社保补扣 a deduction of
    /// February, and the tax is the cumulative method's over January as paid plus February.
    @Test func theCorrectionIsTaxedCumulativelyInTheMonthPaid() throws {
        let (f, _) = try Self.corrected("correction-tax")
        let feb = try Self.month(f.root, "2021-02", duty: "", leavers: ["C-005"])
        let run = BatchRunner(options: f.options("2021-02", data: feb)).run()
        #expect(!run.stopped, "\(run.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let results = try #require(run.results)
        let b = try #require(results.cadres.first { $0.cadreID == "C-002" })
        #expect(b.pay.amount(of: "补发补扣")?.description == "5200.00")
        #expect(b.pay.amount(of: "社保补扣")?.description == "416.00")
        // By hand. January as paid: income 12000 + 9000 + 250 = 21250, 养老 1700,
        // taxable 21250 − 5000 − 1700 = 14550, tax 3% = 436.50. February: income 20000 +
        // 5200, 养老 1600 + 416; cumulative taxable 46450 − 10000 − 3716 = 32734, tax
        // 982.02 − 436.50 = 545.52.
        #expect(b.pay.amount(of: "个人所得税")?.description == "545.52")
        #expect(b.pay.net.description == "22638.48")
        // C-001 overpaid: 补扣 4600, 社保 368 back; taxable 41500 − 10000 − 3320 = 28180,
        // 845.40 − (26100 − 5000 − 2088) × 3% = 845.40 − 570.36 = 275.04.
        let a = try #require(results.cadres.first { $0.cadreID == "C-001" })
        #expect(a.pay.amount(of: "补发补扣")?.description == "-4600.00")
        #expect(a.pay.amount(of: "个人所得税")?.description == "275.04")
        #expect(results.reconciles)
        // The year to date of February includes the correction.
        #expect(b.yearToDate?["收入"].description == "46450.00")
    }

    /// Σ corrections paid in February = Σ differences of the correction run it carries
    /// (less the income tax, which the paying month computes afresh), leavers included.
    @Test func theReconciliationCoversCorrections() throws {
        let (f, o) = try Self.corrected("correction-reconcile")
        let feb = try Self.month(f.root, "2021-02", duty: "", leavers: ["C-005"])
        let run = BatchRunner(options: f.options("2021-02", data: feb)).run()
        let carried = try #require(run.carried)
        let results = try #require(run.results)
        let paid = results.cadres.reduce(Money.zero) { $0 + ($1.pay.amount(of: "补发补扣") ?? .zero) - ($1.pay.amount(of: "社保补扣") ?? .zero) }
        let leavers = carried.leavers.reduce(Money.zero) { $0 + $1.line.netEffect }
        let store = try RunStore(path: f.store)
        let closed = try store.results(runID: o.closedRunID!, detail: .lines), fixed = try store.results(runID: o.runID!, detail: .lines)
        var differences = Money.zero
        for c in fixed.cadres {
            let was = try #require(closed.cadres.first { $0.cadreID == c.cadreID })
            differences = differences + (c.pay.net - was.pay.net) + ((c.pay.amount(of: "个人所得税") ?? .zero) - (was.pay.amount(of: "个人所得税") ?? .zero))
        }
        #expect(paid + leavers == differences)
        #expect(leavers.description == "230.00")
        #expect(run.summary?.corrections?.carried == paid && run.summary?.corrections?.leavers == leavers)
    }

    @Test func aCorrectionIsIncludedExactlyOnce() throws {
        let (f, o) = try Self.corrected("correction-once")
        let store = try RunStore(path: f.store)
        let feb = try Self.month(f.root, "2021-02", duty: "", leavers: ["C-005"])
        let first = BatchRunner(options: f.options("2021-02", data: feb)).run()
        #expect(first.carried?.corrections.map(\.id) == [o.correctionID!])
        // A re-run of the paying month carries it again, in place of the run it supersedes.
        let again = BatchRunner(options: f.options("2021-02", data: feb)).run()
        #expect(again.carried?.corrections.map(\.id) == [o.correctionID!])
        #expect(try store.corrections(month: YearMonth("2021-01")!).map(\.carriedBy) == [again.runID])
        try store.close(month: YearMonth("2021-02")!, actor: "测试", at: "2021-03-01T09:00:00Z")
        // March carries nothing more.
        #expect(try store.pendingCorrections(payingMonth: YearMonth("2021-03")!).isEmpty)
        let mar = try Self.month(f.root, "2021-03", duty: "", leavers: ["C-005"])
        let march = BatchRunner(options: f.options("2021-03", data: mar)).run()
        #expect(march.carried == nil)
        #expect(march.results?.cadres.allSatisfy { $0.pay.amount(of: "补发补扣") == .zero } == true)
        #expect(try store.corrections(carriedBy: march.runID!).isEmpty)
    }

    @Test func aCadreWhoLeftIsOnThe补发名单() throws {
        let (f, _) = try Self.corrected("correction-leaver")
        let feb = try Self.month(f.root, "2021-02", duty: "", leavers: ["C-005"])
        let run = BatchRunner(options: f.options("2021-02", data: feb)).run()
        #expect(run.carried?.leavers.map(\.line.cadreID) == ["C-005", "C-005", "C-005"])
        // Not on February's slips or bank file: a list of its own.
        #expect(run.results?.cadres.contains { $0.cadreID == "C-005" } == false)
        let book = try XlsxFile(path: f.out + "/2021-02/" + CorrectionReport.leaversFileName)
        let owed = try #require(book.sheet("补发名单"))
        #expect(owed.cell("B4")?.value == "C-005")
        // Finance pays the leaver outside the bank file: the account is the corrected
        // month's roster's, as text (19 digits would lose precision as a number).
        #expect(owed.cell("E3")?.value == "银行账号")
        #expect(owed.cell("E4")?.value == "6217000012345678905")
        #expect(owed.cell("E4")?.type == "s")
        #expect(owed.cell("F4")?.value == "2021-01")
        #expect(owed.cell("G4")?.value == "230")
        #expect(owed.cell("H4")?.value.contains("补发 2021年1月 绩效报酬 +200.00") == true)
        #expect(owed.cell("I4")?.value == "夜班记录关账后补报")
        #expect(book.sheet("追回名单")?.cell("B4") == nil)
        // The pay slip names source month and reason.
        let slips = try XlsxFile(path: f.out + "/2021-02/工资条.xlsx")
        let texts = slips.sheets.flatMap(\.cells).map(\.value)
        #expect(texts.contains { $0.hasPrefix("补发补扣明细：补发 2021年1月 绩效报酬 +5,100.00（夜班记录关账后补报）") })
        // So does the score breakdown, under the cadre's 合计 row.
        let breakdown = try XlsxFile(path: f.out + "/2021-02/积分明细.xlsx")
        #expect(breakdown.sheets.flatMap(\.cells).map(\.value).contains { $0.hasPrefix("补发 2021年1月 绩效报酬 +5,100.00（夜班记录关账后补报）") })
        // And the 核对 workbook reconciles the corrections.
        let check = try XlsxFile(path: f.out + "/2021-02/核对.xlsx")
        let cells = try #require(check.sheet("金额核对")).cells
        #expect(cells.contains { $0.value == "差额：更正差额 − 补发补扣 − 补发名单" })
        // Five money checks, the head count (the cadre who left is on no roster: not left
        // out) and the two corrections checks.
        #expect(cells.filter { $0.value == "一致" }.count == 8)
        #expect(!cells.contains { $0.value == "不一致" })
    }

    /// February was run before January was corrected: its run does not carry the
    /// correction, and closing it says so (B0052) and leaves it to March.
    @Test func closingWithAPendingCorrectionWarns() throws {
        let (f, o) = try Self.corrected("correction-close", before: { f in
            let feb = try Self.month(f.root, "2021-02", duty: "", leavers: ["C-005"])
            #expect(!BatchRunner(options: f.options("2021-02", data: feb)).run().stopped)
        })
        let r = try CLI.run(["batch", "close", "--month", "2021-02", "--store", f.store, "--out", f.out, "--actor", "测试"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("警告 B0052：1 条已关账月份的更正未计入本月运行：更正 #\(o.correctionID!)（2021年1月，夜班记录关账后补报）"))
        let store = try RunStore(path: f.store)
        #expect(try store.pendingCorrections(payingMonth: YearMonth("2021-03")!).map(\.id) == [o.correctionID!])
    }
}
