import Batch
import Diagnostics
import Exact
import Foundation
import Pay
import Records
import Results
import RulesLanguage
import Store
import TestSupport
import Testing

/// `jifen year run` (`YearRunner`) on a real store of months run by the real batch
/// (Tests/BatchTests/Fixtures/correction-rules: five cadres of 富民, 夜间值班 2 points a night).
/// The annual article is not in the rules language yet: the tests pass their own assessment,
/// a plain one (mean of the months to 2 places, 优秀 ≥ 90 else 称职, fewer than 2 months
/// 不定等次, bonus 1,200 元 × months ÷ 12, tax 3%).
@Suite(.serialized) struct YearRunnerTests {
    typealias Fixture = CorrectionTests.Fixture

    /// What the test's assessment was given, to look at.
    final class Seen: @unchecked Sendable {
        var input: YearInput?
    }

    static func assessor(_ seen: Seen = Seen(), netFen: Int64? = nil) -> YearAssessor {
        YearAssessor(declared: { _ in true }, needs: { _, _ in (["夜间值班"], ["绩效报酬", "个人所得税"]) }, assess: { _, input in
            seen.input = input
            return .success(assess(input, netFen: netFen))
        })
    }

    static func assess(_ input: YearInput, netFen: Int64?) -> YearResults {
        var cadres: [CadreYearResult] = []
        for (i, c) in input.roster.cadres.enumerated() {
            let months = input.cadres[i].months
            let sum = months.map(\.score).reduce(Fixed(0), +)
            let mean = sum.dividing(by: Fixed(months.count), scale: 2, .halfUp)!
            let tier = months.count < 2 ? "不定等次" : mean >= Fixed(90) ? "优秀" : "称职"
            let bonus = Money(fen: 120_000 * Int64(months.count) / 12)
            let tax = Money(fen: bonus.fen * 3 / 100)
            var lines = [PayLineResult(name: "年终绩效奖", kind: .earning, amount: bonus), PayLineResult(name: "年终奖个税", kind: .deduction, amount: tax)]
            if let netFen { lines.append(PayLineResult(name: "扣回", kind: .deduction, amount: Money(fen: bonus.fen - tax.fen - netFen))) }
            cadres.append(CadreYearResult(
                cadreID: c.id, name: c.name, community: c.community, grid: c.grid, post: c.post, level: c.level,
                months: months.map { MonthOfYear(month: $0.month, score: $0.score, tier: $0.tier, rank: $0.rank, vetoes: $0.vetoes, pay: $0.pay) },
                monthsInPost: months.count, score: mean, scoreText: nil,
                standing: Standing(group: "全县", rank: 0, groupSize: input.roster.count, tier: tier,
                                   reasons: months.count < 2 ? [.tooFewMonths(months: months.count, minimum: 2, tier: tier)] : [.threshold(tier: tier, condition: "年度得分 ≥ 90")]),
                pay: PaySlip(lines: lines),
                bonusTax: [BonusTaxChoice(line: "年终绩效奖", bonus: bonus, separate: tax, separateTrace: nil, merged: nil, mergedTrace: nil, chosen: .separate, why: "规则规定单独计税")]))
        }
        return YearResults(year: input.year, months: input.months, tierOrder: ["优秀", "称职", "不定等次"], monthPayLines: input.payLines, cadres: cadres)
    }

    static func options(_ f: Fixture, draft: Bool = false) -> YearOptions {
        var o = YearOptions(year: 2021, rulesFolder: CorrectionTests.rules, storePath: f.store, outFolder: f.out, actor: "测试", now: "2022-01-05T09:00:00Z")
        o.draft = draft
        return o
    }

    /// October (C-005 still in post), November and December (C-005 gone) run (those through
    /// `last`); `close` closes them.
    static func quarter(_ name: String, close: Bool, through last: String = "2021-12") throws -> Fixture {
        let f = Fixture(root: PackagePaths.temporaryDirectory(name))
        let nights = CorrectionTests.nights
        let months: [(String, String, Set<String>)] = [
            ("2021-10", nights("C-001", "2021-10", [4, 6, 8, 11, 13, 15]) + nights("C-005", "2021-10", [5]), []),
            ("2021-11", nights("C-001", "2021-11", [2, 3]) + nights("C-002", "2021-11", [5, 7, 9]), ["C-005"]),
            ("2021-12", nights("C-002", "2021-12", [1]), ["C-005"]),
        ]
        let store = try RunStore(path: f.store)
        for (month, duty, leavers) in months where month <= last {
            let folder = try CorrectionTests.month(f.root, month, duty: duty, leavers: leavers)
            let run = BatchRunner(options: f.options(month, data: folder)).run()
            #expect(!run.stopped, "\(run.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
            if close { try store.close(month: YearMonth(month)!, actor: "测试", at: "\(month)-28T09:00:00Z") }
        }
        return f
    }

    @Test func rulesWithoutAnAnnualArticleAreRefused() throws {
        let f = Fixture(root: PackagePaths.temporaryDirectory("year-no-article"))
        _ = try RunStore(path: f.store)  // a store exists (a missing one is S0017, checked first)
        let out = YearRunner(options: Self.options(f)).run()
        #expect(out.stopped)
        #expect(out.diagnostics.map(\.code) == ["B0060"])
        #expect(DiagnosticRenderer(language: .zh).render(out.diagnostics[0]).contains("年度考核"))
    }

    @Test func openAndMissingMonthsAreNamedUnlessADraftIsAskedFor() throws {
        let f = try Self.quarter("year-open", close: false)
        let store = try RunStore(path: f.store)
        try store.close(month: YearMonth("2021-10")!, actor: "测试", at: "2021-10-28")
        // December missing: only October and November stored
        var runner = YearRunner(options: Self.options(f))
        runner.assessor = Self.assessor()
        let refused = runner.run()
        #expect(refused.stopped)
        #expect(refused.diagnostics.map(\.code) == ["B0061"])
        let text = DiagnosticRenderer(language: .zh).render(refused.diagnostics[0])
        #expect(text.contains("2021-11（草稿）") && text.contains("2021-12（草稿）") && !text.contains("2021-10（"))
        #expect(try store.yearRuns().isEmpty)
        // With --draft the year is assessed over what is stored, and can be neither published nor closed
        runner.options.draft = true
        let draft = runner.run()
        #expect(!draft.stopped, "\(draft.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let record = try #require(try store.currentYearRun(year: 2021))
        #expect(record.state == .draft && record.months.map(\.closed) == [true, false, false])
        #expect(throws: StoreError.self) { try store.publishYear(year: 2021, actor: "测试", at: "x", objectionsUntil: "y") }
        #expect(YearText.summary(record, language: .zh).contains("这是草稿"))
    }

    @Test func theYearIsAssessedFromTheStoredMonthsStoredAndReported() throws {
        let f = try Self.quarter("year-run", close: true)
        let seen = Seen()
        var runner = YearRunner(options: Self.options(f))
        runner.assessor = Self.assessor(seen)
        let out = runner.run()
        #expect(!out.stopped, "\(out.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        // The input: every cadre once, by 工号, with the months they have a result in
        let input = try #require(seen.input)
        #expect(input.roster.cadres.map(\.id) == ["C-001", "C-002", "C-003", "C-004", "C-005"])
        #expect(input.months.map(\.month.description) == ["2021-10", "2021-11", "2021-12"])
        #expect(input.months.allSatisfy { $0.closed })
        #expect(input.itemNames == ["夜间值班"])
        #expect(input.payLines.map(\.name) == ["绩效报酬", "个人所得税"])
        let a = input.cadres[0], e = input.cadres[4]
        #expect(a.months.map(\.items) == [[Fixed(12)], [Fixed(4)], [Fixed(0)]])
        #expect(a.months.map(\.score) == [Fixed(92), Fixed(84), Fixed(80)])
        #expect(a.months[0].tier == "优秀")
        // 92 × 100 × 1.5 in October
        #expect(a.months[0].pay[0] == Money(yuan: 13_800))
        // Months employed this year as the payroll counts them (hired in 2015): through December
        #expect(a.yearEnd?.months == 12)
        // C-005 left after October: one month, roster row from October
        #expect(e.months.map(\.month.description) == ["2021-10"])
        #expect(input.roster.cadres[4].origin.path.hasSuffix("2021-10/cadres.csv"))
        #expect(e.yearEnd?.months == 10)
        // Stored as the year's draft, with the reports' folder replaced whole
        let store = try RunStore(path: f.store)
        let record = try #require(try store.currentYearRun(year: 2021))
        #expect(record.id == out.yearRunID && record.state == .draft && !record.stale)
        #expect(try store.yearResults(yearRunID: record.id) == out.results)
        #expect(record.summary.tiers.map { "\($0.tier) \($0.cadres)" } == ["优秀 0", "称职 4", "不定等次 1"])
        #expect(out.reportFolder == f.out + "/2021-年度")
        // The summary and the annual workbooks (Reports' YearReportWriting), all in the folder.
        #expect(out.reports == ["全年一次性奖金收入.xlsx", "年度个税明细.xlsx", "年度公示表.xlsx", "年度等次统计.xlsx", "年度考核摘要.txt",
                                "年度考核表.xlsx", "年终奖发放表.xlsx", "年终奖银行代发.xlsx"])
        for name in out.reports { #expect(FileManager.default.fileExists(atPath: f.out + "/2021-年度/" + name), "\(name)") }
        #expect(YearRunner.yearRunID(in: f.out + "/2021-年度") == record.id)
        let summary = try String(contentsOfFile: f.out + "/2021-年度/年度考核摘要.txt", encoding: .utf8)
        #expect(summary.contains("干部 5 人；等次 优秀 0、称职 4、不定等次 1"))
        #expect(try store.yearAuditLog(year: 2021).map(\.action) == ["year-run"])
        // Run again: the draft is superseded and the folder holds the new run's reports
        let again = runner.run()
        #expect(YearRunner.yearRunID(in: f.out + "/2021-年度") == again.yearRunID)
        #expect(try store.yearRun(id: record.id).state == .superseded)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.out).filter { $0.hasPrefix(".staging") }.isEmpty)
    }

    @Test func aCorrectionOfAMonthMakesTheYearStaleAndTheRunAgainClearsIt() throws {
        let f = try Self.quarter("year-stale", close: true)
        var runner = YearRunner(options: Self.options(f))
        runner.assessor = Self.assessor()
        #expect(!runner.run().stopped)
        let store = try RunStore(path: f.store)
        try store.publishYear(year: 2021, actor: "测试", at: "2022-01-06", objectionsUntil: "2022-01-13")
        // November corrected with a late night
        let late = f.root + "/late"
        try FileManager.default.createDirectory(atPath: late, withIntermediateDirectories: true)
        try ("工号,日期,班次,开始,结束,状态\n" + CorrectionTests.nights("C-003", "2021-11", [20])).write(toFile: late + "/duty-补报.csv", atomically: true, encoding: .utf8)
        let corrected = BatchCorrection(options: f.options("2021-11", data: late), reason: "夜班补报").run()
        #expect(corrected.runID != nil, "\(corrected.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let stale = try #require(try store.currentYearRun(year: 2021))
        #expect(stale.stale && stale.state == .published)
        #expect(stale.staleReason == "2021年11月在年度运行之后更正（更正运行 #\(corrected.runID!)）：夜班补报")
        #expect(YearText.summary(stale, language: .zh).contains("请重新运行 jifen year run --year 2021"))
        #expect(throws: StoreError.self) { try store.closeYear(year: 2021, actor: "测试", at: "2022-01-20") }
        // Run again: fresh, and it can be published and closed; a closed year is not run again
        let again = runner.run()
        #expect(!again.stopped)
        #expect(try store.currentYearRun(year: 2021)?.stale == false)
        try store.publishYear(year: 2021, actor: "测试", at: "2022-01-21", objectionsUntil: "2022-01-28")
        try store.closeYear(year: 2021, actor: "测试", at: "2022-02-01")
        let closed = runner.run()
        #expect(closed.diagnostics.map(\.code) == ["S0013"])
    }

    /// `jifen batch correct` of `month` with `files` (name → text) in a folder of their own.
    static func correct(_ f: Fixture, _ month: String, _ files: [String: String], reason: String) throws -> Int64 {
        let folder = f.root + "/corr/" + month
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let corrected = BatchCorrection(options: f.options(month, data: folder), reason: reason).run()
        #expect(corrected.runID != nil, "\(corrected.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        return try #require(corrected.runID)
    }

    @Test func theYearReadsEachMonthsScoringAsCorrectedAndItsPayAsPaid() throws {
        let f = try Self.quarter("year-corrected", close: true)
        let seen = Seen()
        var runner = YearRunner(options: Self.options(f))
        runner.assessor = Self.assessor(seen)
        let before = runner.run()
        #expect(!before.stopped, "\(before.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let original = try #require(seen.input)
        #expect(original.months.allSatisfy { $0.correctionRunID == nil })
        let b0 = original.cadres[1]
        #expect(b0.months[0].score == Fixed(80) && b0.months[0].tier == "称职")
        #expect(before.results?.cadres[1].score == Fixed("82.67"))
        // October: C-002's nights were reported late (80 → 94, 称职 → 优秀; C-001 loses the one 优秀 place).
        let nights = CorrectionTests.nights, header = "工号,日期,班次,开始,结束,状态\n", roster = CorrectionTests.header
        let oct = try Self.correct(f, "2021-10", ["duty-补报.csv": header + nights("C-002", "2021-10", [1, 2, 3, 5, 7, 9, 10])], reason: "夜班补报")
        // November: C-005 was still in post (the roster corrected: a cadre the correction adds).
        let nov = try Self.correct(f, "2021-11", ["cadres.csv": roster + CorrectionTests.people.joined(separator: "\n") + "\n"], reason: "花名册漏填")
        // December: C-004 had left (a cadre the correction takes out).
        let dec = try Self.correct(f, "2021-12", ["cadres.csv": roster + CorrectionTests.people.filter { !$0.hasPrefix("C-004") && !$0.hasPrefix("C-005") }
            .joined(separator: "\n") + "\n"], reason: "12月已离职")
        let store = try RunStore(path: f.store)
        #expect(try store.currentYearRun(year: 2021)?.stale == true)

        let after = runner.run()
        #expect(!after.stopped, "\(after.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let input = try #require(seen.input)
        // Each month: its current run (what was paid), and its latest correction (how it is scored)
        #expect(input.months.map(\.runID) == original.months.map(\.runID))
        #expect(input.months.map(\.correctionRunID) == [oct, nov, dec])
        let a = input.cadres[0], b = input.cadres[1], d = input.cadres[3], e = input.cadres[4]
        #expect(b.months.map(\.score) == [Fixed(94), Fixed(86), Fixed(82)])
        #expect(b.months[0].tier == "优秀" && b.months[0].items == [Fixed(14)])
        #expect(a.months[0].score == Fixed(92) && a.months[0].tier == "称职")
        // October's pay lines are what October paid: the difference is paid later, as 补发补扣
        #expect(b.months[0].pay == b0.months[0].pay)
        #expect(a.months[0].pay == original.cadres[0].months[0].pay)
        // C-005 is in post in November as corrected, paid nothing there; the year to date is still October's
        #expect(e.months.map(\.month.description) == ["2021-10", "2021-11"])
        #expect(e.months[1].pay == [.zero, .zero])
        #expect(e.yearEnd == original.cadres[4].yearEnd && e.yearEnd?.months == 10)
        // C-004 is not in post in December as corrected; December still paid them (their year to date)
        #expect(d.months.map(\.month.description) == ["2021-10", "2021-11"])
        #expect(d.yearEnd == original.cadres[3].yearEnd && d.yearEnd?.months == 12)
        // The annual result follows the corrected months
        let results = try #require(after.results)
        #expect(results.cadres[1].score == Fixed("87.33"))
        #expect(results.cadres[4].standing.tier == "称职" && results.cadres[3].monthsInPost == 2)
        // Stored, fresh, and shown with the run each month was read from
        let record = try #require(try store.currentYearRun(year: 2021))
        #expect(record.id == after.yearRunID && !record.stale)
        #expect(record.months.map(\.correctionRunID) == [oct, nov, dec])
        #expect(try store.yearResults(yearRunID: record.id) == results)
        let m = input.months.map(\.runID)
        let summary = YearText.summary(record, language: .zh)
        #expect(summary.contains("读取月份（运行）：10月#\(m[0])（更正运行 #\(oct)）、11月#\(m[1])（更正运行 #\(nov)）、12月#\(m[2])（更正运行 #\(dec)）"), "\(summary)")
        try store.publishYear(year: 2021, actor: "测试", at: "2022-01-06", objectionsUntil: "2022-01-13")
        try store.closeYear(year: 2021, actor: "测试", at: "2022-01-20")
    }

    @Test func aCorrectionOfARunSinceReopenedAndReplacedNoLongerApplies() throws {
        let f = try Self.quarter("year-corrected-reopened", close: true)
        let header = "工号,日期,班次,开始,结束,状态\n"
        let oct = try Self.correct(f, "2021-10", ["duty-补报.csv": header + CorrectionTests.nights("C-002", "2021-10", [1, 2, 3, 5, 7, 9, 10])], reason: "夜班补报")
        // October reopened and run again from its own folder (without the late nights), then closed
        let store = try RunStore(path: f.store)
        try store.reopen(month: YearMonth("2021-10")!, actor: "测试", at: "2022-01-02", reason: "重新核对")
        #expect(!BatchRunner(options: f.options("2021-10", data: f.root + "/data/2021-10")).run().stopped)
        try store.close(month: YearMonth("2021-10")!, actor: "测试", at: "2022-01-03")
        let seen = Seen()
        var runner = YearRunner(options: Self.options(f))
        runner.assessor = Self.assessor(seen)
        #expect(!runner.run().stopped)
        let input = try #require(seen.input)
        #expect(input.months[0].correctionRunID == nil && input.months[0].runID != oct)
        #expect(input.cadres[1].months[0].score == Fixed(80))
    }

    @Test func aDraftThatLackedAMonthCanBeNeitherPublishedNorClosed() throws {
        // October and November run and closed; December never run
        let f = try Self.quarter("year-draft-lacking", close: true, through: "2021-11")
        var runner = YearRunner(options: Self.options(f, draft: true))
        runner.assessor = Self.assessor()
        let draft = runner.run()
        #expect(!draft.stopped, "\(draft.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let store = try RunStore(path: f.store)
        let record = try #require(try store.currentYearRun(year: 2021))
        #expect(record.months.map(\.closed) == [true, true])
        let lacking = StoreError.yearDraftIncomplete(year: 2021, open: [], missing: [YearMonth("2021-12")!])
        #expect(throws: lacking) { try store.publishYear(year: 2021, actor: "测试", at: "2022-01-06", objectionsUntil: "2022-01-13") }
        #expect(throws: lacking) { try store.closeYear(year: 2021, actor: "测试", at: "2022-01-06") }
        #expect(lacking.diagnostic.code == "S0016" && DiagnosticRenderer(language: .zh).render(lacking.diagnostic).contains("缺少月份：2021-12"))
        #expect(try store.currentYearRun(year: 2021)?.state == .draft)
        #expect(YearText.summary(record, language: .zh).contains("这是草稿（--draft），缺少月份（12月），不能发布或关账"))
        // Once December is run and closed, the year is run again and can be published and closed
        let december = try CorrectionTests.month(f.root, "2021-12", duty: CorrectionTests.nights("C-002", "2021-12", [1]), leavers: ["C-005"])
        #expect(!BatchRunner(options: f.options("2021-12", data: december)).run().stopped)
        try store.close(month: YearMonth("2021-12")!, actor: "测试", at: "2021-12-28T09:00:00Z")
        runner.options.draft = false
        #expect(!runner.run().stopped)
        try store.publishYear(year: 2021, actor: "测试", at: "2022-01-06", objectionsUntil: "2022-01-13")
        try store.closeYear(year: 2021, actor: "测试", at: "2022-01-20")
    }

    @Test func aNegativeAnnualNetStopsTheYearBeforeItIsStored() throws {
        let f = try Self.quarter("year-negative", close: true)
        var runner = YearRunner(options: Self.options(f))
        runner.assessor = Self.assessor(netFen: -100)
        let out = runner.run()
        #expect(out.stopped)
        #expect(out.diagnostics.map(\.code) == Array(repeating: "B0020", count: 5))
        #expect(DiagnosticRenderer(language: .zh).render(out.diagnostics[0]).contains("C-001 的年度实发 -1.00 元低于 0 元"))
        #expect(try RunStore(path: f.store).yearRuns().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: f.out + "/2021-年度"))
    }
}
