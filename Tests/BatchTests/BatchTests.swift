import Batch
import Diagnostics
import Exact
import Foundation
import Reports
import Results
import Store
import TestSupport
import Testing

/// The batch on real folders, a real SQLite store and real xlsx files.
struct BatchTests {
    /// The tests run a sample month such as 2020-12 alone in a new store: they state that
    /// there was no income earlier in the year (`noEarlierIncome`), which the year's first run
    /// after January otherwise needs an opening file for (S0007, `YearToDateTests`).
    static func options(month: String, data: String, rules: String = PackagePaths.path("rules"), store: String, out: String) -> BatchOptions {
        var o = BatchOptions(month: YearMonth(month)!, dataFolder: data, rulesFolder: rules, storePath: store, outFolder: out,
                             actor: "测试", now: "2021-01-05T09:00:00Z")
        o.noEarlierIncome = true
        return o
    }

    /// A one-person roster month folder for the tax rules.
    static func taxMonth(_ root: String, _ month: String) throws -> String {
        let dir = root + "/" + month
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "工号,姓名,身份证号,社区,岗位,岗位等级,入职日期,银行账号\nT-001,王五,11010519491231002X,富民,主任,10,2015-01-01,6217000012345678901\n"
            .write(toFile: dir + "/cadres.csv", atomically: true, encoding: .utf8)
        return dir
    }

    struct TaxCase: Sendable, CustomTestStringConvertible {
        var income: String
        var insurance: String
        var additional: String
        var expected: [String]
        var testDescription: String { "income \(income), insurance \(insurance), deductions \(additional) → \(expected)" }
    }

    /// The tax office's published examples of cumulative withholding (累计预扣法), run month
    /// after month through the store's year-to-date figures.
    @Test(arguments: [
        TaxCase(income: "10000", insurance: "1500", additional: "1000", expected: ["75.00", "75.00", "75.00"]),
        TaxCase(income: "30000", insurance: "4500", additional: "2000", expected: ["555.00", "625.00", "1850.00"]),
    ])
    func taxOfficeExamples(_ c: TaxCase) throws {
        let root = PackagePaths.temporaryDirectory("tax")
        let rules = root + "/rules"
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        var text = try String(contentsOfFile: PackagePaths.path("Tests/BatchTests/Fixtures/tax-rules/tax.jifen"), encoding: .utf8)
        text = text.replacingOccurrences(of: "参数 月收入 = 10000 元", with: "参数 月收入 = \(c.income) 元")
            .replacingOccurrences(of: "参数 月社保 = 1500 元", with: "参数 月社保 = \(c.insurance) 元")
            .replacingOccurrences(of: "参数 月专项附加 = 1000 元", with: "参数 月专项附加 = \(c.additional) 元")
        try text.write(toFile: rules + "/tax.jifen", atomically: true, encoding: .utf8)
        for (i, month) in ["2021-01", "2021-02", "2021-03"].enumerated() {
            let data = try Self.taxMonth(root + "/data", month)
            var o = Self.options(month: month, data: data, rules: rules, store: root + "/store.sqlite", out: root + "/out")
            o.reports = [.payroll]
            let outcome = BatchRunner(options: o).run()
            #expect(!outcome.stopped, "\(outcome.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
            let tax = outcome.results?.cadres.first?.pay.amount(of: "个人所得税")
            #expect(tax?.description == c.expected[i], "\(month)")
        }
    }

    @Test func sampleMonthsRunInOrderAndReconcile() throws {
        let root = PackagePaths.temporaryDirectory("demo")
        for month in ["2020-10", "2020-11", "2020-12"] {
            let outcome = BatchRunner(options: Self.options(month: month, data: PackagePaths.path("samples/\(month)"), store: root + "/s.sqlite", out: root + "/out")).run()
            #expect(!outcome.stopped, "\(outcome.diagnostics.prefix(3))")
            let r = try #require(outcome.results)
            #expect(r.reconciles)
            for c in r.cadres { #expect(c.pay.net + c.pay.deductions == c.pay.gross) }
            #expect(outcome.reports.count == 8)
            #expect(outcome.summary.map { $0.files.allSatisfy { $0.read == $0.accepted + $0.rejected + $0.ignored } } == true)
        }
        let store = try RunStore(path: root + "/s.sqlite")
        #expect(try store.runs().count == 3)
        // December's income tax starts from November's year-to-date figures.
        let dec = try store.results(runID: 3)
        let nov = try store.results(runID: 2)
        for c in dec.cadres {
            guard let before = nov.cadres.first(where: { $0.cadreID == c.cadreID })?.yearToDate, let after = c.yearToDate else { continue }
            #expect(after["应发合计"] == before["应发合计"] + (c.pay.amount(of: "应发合计") ?? .zero))
        }
    }

    @Test func sameInputsGiveSameResultsAndSameReportBytes() throws {
        var dumps: [[String: Data]] = []
        var results: [MonthResults] = []
        for _ in 0..<2 {
            let root = PackagePaths.temporaryDirectory("determinism")
            let outcome = BatchRunner(options: Self.options(month: "2020-10", data: PackagePaths.path("samples/2020-10"), store: root + "/s.sqlite", out: root + "/out")).run()
            let r = try #require(outcome.results)
            results.append(try RunStore(path: root + "/s.sqlite").results(runID: 1))
            #expect(r == results.last!)
            var files: [String: Data] = [:]
            for (kind, path) in outcome.reports { files[kind.rawValue] = FileManager.default.contents(atPath: path) }
            dumps.append(files)
        }
        #expect(results[0] == results[1])
        #expect(dumps[0].count == 8)
        for (name, data) in dumps[0] { #expect(dumps[1][name] == data, "\(name) differs") }
    }

    @Test func aClosedMonthIsRefusedUntilReopened() throws {
        let root = PackagePaths.temporaryDirectory("closed")
        let o = Self.options(month: "2020-10", data: PackagePaths.path("samples/2020-10"), store: root + "/s.sqlite", out: root + "/out")
        #expect(!BatchRunner(options: o).run().stopped)
        let store = try RunStore(path: o.storePath)
        try store.publish(month: o.month, actor: "张科长", at: "2020-11-02", objectionsUntil: "2020-11-09")
        try store.close(month: o.month, actor: "张科长", at: "2020-11-10")
        let refused = BatchRunner(options: o).run()
        #expect(refused.stopped)
        #expect(refused.diagnostics.map(\.code) == ["S0003"])
        #expect(try store.runs().count == 1)
        try store.reopen(month: o.month, actor: "李局长", at: "2020-11-11", reason: "补录一条调解记录")
        #expect(!BatchRunner(options: o).run().stopped)
        let log = try store.auditLog(month: o.month).map(\.action)
        #expect(log == ["run", "publish", "close", "reopen", "run"])
    }

    @Test func skipInvalidRunsOnValidRowsAndKeepsEveryRejection() throws {
        let root = PackagePaths.temporaryDirectory("skip")
        // A copy of a sample month with three broken duty rows.
        let data = root + "/2020-12"
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12"), toPath: data)
        var duty = try String(contentsOfFile: data + "/duty.csv", encoding: .utf8)
        duty += "FM-001,2020-13-01,夜班,20:00,08:00,到岗,\nFM-999,2020-12-02,夜班,20:00,08:00,到岗,\nFM-001,2020-12-03,夜班,25:00,08:00,到岗,\n"
        try duty.write(toFile: data + "/duty.csv", atomically: true, encoding: .utf8)
        var o = Self.options(month: "2020-12", data: data, store: root + "/s.sqlite", out: root + "/out")
        let strict = BatchRunner(options: o).run()
        #expect(strict.stopped)
        #expect(Set(strict.diagnostics.filter(\.isError).map(\.code)) == ["D0104", "D0202", "D0105"])
        o.skipInvalid = true
        let lenient = BatchRunner(options: o).run()
        let runID = try #require(lenient.runID)
        let summary = try #require(lenient.summary)
        #expect(summary.rowsRejected == 3)
        let rejected = try RunStore(path: o.storePath).rejectedRows(runID: runID)
        #expect(rejected.count == 3)
        #expect(Set(rejected.flatMap(\.codes)) == ["D0104", "D0202", "D0105"])
        #expect(summary.files.allSatisfy { $0.read == $0.accepted + $0.rejected + $0.ignored })
    }
}

/// Golden explanations: what a cadre reads about their month, in both languages, after the
/// three sample months ran in order (so income tax uses the real year to date).
struct ExplanationTests {
    @Test(arguments: ["FM-005", "FM-006", "YG-012"])
    func explanationMatchesItsGoldenFile(_ cadre: String) throws {
        let root = PackagePaths.temporaryDirectory("explain")
        var last: MonthResults?
        for month in ["2020-10", "2020-11", "2020-12"] {
            let o = BatchTests.options(month: month, data: PackagePaths.path("samples/\(month)"), store: root + "/s.sqlite", out: root + "/out")
            var options = o
            options.reports = [.payroll]
            last = BatchRunner(options: options).run().results
        }
        let results = try #require(last)
        let r = try #require(results.cadres.first { $0.cadreID == cadre })
        let text = Explanation(language: .zh).render(r, month: results.month) + "\n" + Explanation(language: .en, showRecords: false).render(r, month: results.month)
        Snapshot.assertMatches(text, named: "explain-\(cadre)-2020-12.txt")
    }

    @Test func someSampleCadreHasAClippedCapAVetoOrAQuotaToExplain() throws {
        let root = PackagePaths.temporaryDirectory("explain-kinds")
        var options = BatchTests.options(month: "2020-12", data: PackagePaths.path("samples/2020-12"), store: root + "/s.sqlite", out: root + "/out")
        options.reports = [.payroll]
        let results = try #require(BatchRunner(options: options).run().results)
        #expect(results.cadres.contains { $0.score.lines.contains { !$0.clips.isEmpty } }, "no cap clipped anything")
        #expect(results.cadres.contains { $0.standing.reasons.contains { if case .withinQuota = $0 { true } else { false } } })
    }
}

/// Every sample cadre's result comes back from the store as the batch computed it: whole
/// with its records and traces, and without them (but with their counts) for the reports.
struct StoredResultTests {
    @Test func everySampleResultComesBackFromTheStore() throws {
        let root = PackagePaths.temporaryDirectory("stored-results")
        var count = 0
        for month in ["2020-10", "2020-11", "2020-12"] {
            var options = BatchTests.options(month: month, data: PackagePaths.path("samples/\(month)"), store: root + "/s.sqlite", out: root + "/out")
            options.reports = [.payroll]
            let outcome = BatchRunner(options: options).run()
            let results = try #require(outcome.results), id = try #require(outcome.runID)
            let store = try RunStore(path: options.storePath)
            #expect(try store.results(runID: id, detail: .full) == results, "\(month)")
            let lines = try store.results(runID: id, detail: .lines)
            for (stored, computed) in zip(lines.cadres, results.cadres) {
                #expect(stored.score.lines.map(\.recordCount) == computed.score.lines.map(\.records.count))
                #expect(stored.pay.lines.map(\.amount) == computed.pay.lines.map(\.amount))
                #expect(stored.standing == computed.standing && stored.yearToDate == computed.yearToDate, "\(computed.cadreID)")
            }
            for c in results.cadres.prefix(3) { #expect(try store.result(runID: id, cadreID: c.cadreID) == c) }
            count += results.cadres.count
        }
        #expect(count == 144)
    }
}

struct DiffAndPreviewTests {
    @Test func aRerunWithTheSameInputsChangesNothingAndARulesChangeIsPreviewedWithoutStoring() throws {
        let root = PackagePaths.temporaryDirectory("diff")
        var options = BatchTests.options(month: "2020-10", data: PackagePaths.path("samples/2020-10"), store: root + "/s.sqlite", out: root + "/out")
        options.reports = [.payroll]
        let first = try #require(BatchRunner(options: options).run().runID)
        let second = try #require(BatchRunner(options: options).run().runID)
        let store = try RunStore(path: options.storePath)
        let same = RunComparison(before: try store.results(runID: first), after: try store.results(runID: second),
                                 rulesChanged: false, dataChanged: RunComparison.dataDifferences(try store.run(id: first), try store.run(id: second)))
        #expect(same.changes.isEmpty)
        #expect(same.unchanged == 48)
        #expect(same.dataChanged.isEmpty)

        // Raise the point value from 15 to 16 元 and preview October under it.
        let rules = root + "/rules"
        try FileManager.default.copyItem(atPath: PackagePaths.path("rules"), toPath: rules)
        for name in try FileManager.default.contentsOfDirectory(atPath: rules) where name.hasSuffix(".jifen") {
            let path = rules + "/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "自 2020-10-01 起 15 元", with: "自 2020-10-01 起 16 元")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let preview = BatchPreview.run(store: store, month: YearMonth("2020-10")!, rulesFolder: rules)
        let c = try #require(preview.comparison)
        #expect(c.rulesChanged)
        #expect(c.changes.count == 48)
        #expect(c.changes.allSatisfy { ($0.netAfter ?? .zero) > ($0.netBefore ?? .zero) })
        #expect(try store.runs().count == 2)
    }
}
