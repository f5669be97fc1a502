import Exact
import Foundation
import Pay
import Results
import Store
import TestSupport
import Testing

/// Year runs in the store (migration v8-year): written and read back whole, the read of a
/// year's stored months, states, staleness.
struct YearStoreTests {
    let dir = PackagePaths.temporaryDirectory("year-store")
    var storePath: String { dir + "/jifen.sqlite" }

    static func m(_ text: String) -> YearMonth { YearMonth(text)! }

    /// A month's result as the monthly batch stores it: base, 值班 and a deduction; pay lines
    /// with their year to date; a veto reason when `veto` is given.
    static func monthCadre(_ id: String, _ month: String, score: String, tier: String, duty: String, grossFen: Int64, taxFen: Int64,
                           months: Int, veto: String? = nil) -> CadreResult {
        var reasons: [TierReason] = [.threshold(tier: tier, condition: "总分 ≥ 60")]
        if let veto { reasons = [.veto(name: veto, citation: "第十条", tier: "不称职", record: nil)] }
        let ytd = YearToDate(totals: ["应发合计": Money(fen: grossFen * Int64(months)), "个人所得税": Money(fen: taxFen * Int64(months)),
                                      "专项扣除": Money(fen: 10_000 * Int64(months))], months: months)
        return CadreResult(
            cadreID: id, name: id == "FM-001" ? "张三" : "李四", community: "富民", grid: "一网格", post: "网格员", level: 3,
            score: ScoreCard(lines: [
                ScoreLine(kind: .base, name: "基础分", raw: Fixed(60), points: Fixed(60)),
                ScoreLine(kind: .item, name: "值班", raw: Fixed(duty)!, points: Fixed(duty)!),
                ScoreLine(kind: .deduction, name: "缺勤", raw: Fixed(-2), points: Fixed(-2)),
            ], total: Fixed(score)!),
            standing: Standing(group: "富民", rank: 1, groupSize: 2, tier: tier, reasons: reasons),
            pay: PaySlip(lines: [
                PayLineResult(name: "应发合计", kind: .info, amount: Money(fen: grossFen)),
                PayLineResult(name: "基本报酬", kind: .earning, amount: Money(fen: grossFen)),
                PayLineResult(name: "个人所得税", kind: .deduction, amount: Money(fen: taxFen)),
            ]), yearToDate: ytd)
    }

    static func monthRun(_ month: String, _ cadres: [CadreResult]) -> NewRun {
        let results = MonthResults(month: m(month), cadres: cadres)
        return NewRun(
            month: m(month), rulesHash: "abc", rulesVersion: "2021", engineVersion: "test", actor: "张科长", at: "\(month)-28T10:00:00Z",
            inputs: [], results: results, rejected: [],
            summary: RunSummary(cadres: cadres.count, rowsUsed: 1, rowsIgnored: 0, rowsRejected: 0, pointsTotal: Fixed(0),
                                gross: results.gross, deductions: results.deductions, net: results.net, tiers: [:], files: []))
    }

    /// Three months: 张三 in all three (a veto in February), 李四 in January and February.
    func threeMonths(_ store: any RunStoring) throws -> [Int64] {
        [
            try store.record(Self.monthRun("2021-01", [
                Self.monthCadre("FM-001", "2021-01", score: "88.5", tier: "好", duty: "30.5", grossFen: 300_000, taxFen: 1_000, months: 1),
                Self.monthCadre("FM-002", "2021-01", score: "70", tier: "较好", duty: "12", grossFen: 250_000, taxFen: 0, months: 1),
            ])),
            try store.record(Self.monthRun("2021-02", [
                Self.monthCadre("FM-001", "2021-02", score: "40", tier: "不称职", duty: "0", grossFen: 300_000, taxFen: 1_000, months: 2, veto: "安全事故"),
                Self.monthCadre("FM-002", "2021-02", score: "75.25", tier: "较好", duty: "17.25", grossFen: 260_000, taxFen: 200, months: 2),
            ])),
            try store.record(Self.monthRun("2021-03", [
                Self.monthCadre("FM-001", "2021-03", score: "92", tier: "好", duty: "34", grossFen: 310_000, taxFen: 1_300, months: 3),
            ])),
        ]
    }

    /// A year's results as the annual article would give them: a bonus with its tax both ways.
    static func yearResults(months: [YearMonthRun]) -> YearResults {
        let step = PayStep(label: PayText(zh: "年终绩效奖", en: "year-end bonus"), formula: PayText(zh: "6,000 × 系数 × 在岗月数 ÷ 12", en: "6,000 × coefficient × months ÷ 12"),
                           inputs: [PayInput(PayText(zh: "系数", en: "coefficient"), .number(Fixed("1.5")!))], result: .money(Money(fen: 225_000)),
                           rounding: AppliedRounding(spec: RoundingSpec(.halfUp, scale: 2), exact: Fixed("2250")!, rounded: Fixed("2250.00")!))
        let taxStep = PayStep(label: PayText(zh: "单独计税", en: "separate"), formula: PayText(zh: "奖金 × 税率 − 速算扣除数", en: "bonus × rate − quick deduction"),
                              inputs: [], result: .money(Money(fen: 6_750)))
        let a = CadreYearResult(
            cadreID: "FM-001", name: "张三", community: "富民", grid: "一网格", post: "网格员", level: 3,
            months: [
                MonthOfYear(month: m("2021-01"), score: Fixed("88.5")!, tier: "好", rank: 1, vetoes: [], pay: [Money(fen: 300_000), Money(fen: 1_000)]),
                MonthOfYear(month: m("2021-02"), score: Fixed(40), tier: "不称职", rank: 0, vetoes: ["安全事故"], pay: [Money(fen: 300_000), Money(fen: 1_000)]),
                MonthOfYear(month: m("2021-03"), score: Fixed(92), tier: "好", rank: 1, vetoes: [], pay: [Money(fen: 310_000), Money(fen: 1_300)]),
            ],
            monthsInPost: 3, score: Fixed("73.50")!, scoreText: "平均（得分）=（88.5 + 40 + 92）÷ 3 = 73.5 → 73.50",
            standing: Standing(group: "全县", rank: 0, groupSize: 2, tier: "不称职", reasons: [
                .monthVeto(name: "一票否决", citation: "第二十条", months: [m("2021-02")], tier: "不称职"),
                .notRanked(why: "一票否决者", tier: "不称职"),
            ]),
            pay: PaySlip(lines: [
                PayLineResult(name: "年终绩效奖", kind: .earning, amount: Money(fen: 225_000), citation: "第二十一条", trace: PayTrace(steps: [step])),
                PayLineResult(name: "年终奖个税", kind: .deduction, amount: Money(fen: 6_750), trace: PayTrace(steps: [taxStep])),
                PayLineResult(name: "年终奖实发", kind: .info, amount: Money(fen: 218_250)),
            ]),
            bonusTax: [BonusTaxChoice(line: "年终绩效奖", bonus: Money(fen: 225_000), separate: Money(fen: 6_750), separateTrace: PayTrace(steps: [taxStep]),
                                      merged: Money(fen: 9_000), mergedTrace: PayTrace(), chosen: .separate,
                                      why: "取低者：单独计税 67.50 元 < 并入综合所得 90.00 元")])
        let b = CadreYearResult(
            cadreID: "FM-002", name: "李四", community: "富民", grid: nil, post: "网格员", level: 2,
            months: [
                MonthOfYear(month: m("2021-01"), score: Fixed(70), tier: "较好", rank: 2, vetoes: [], pay: [Money(fen: 250_000), .zero]),
                MonthOfYear(month: m("2021-02"), score: Fixed("75.25")!, tier: "较好", rank: 1, vetoes: [], pay: [Money(fen: 260_000), Money(fen: 200)]),
            ],
            monthsInPost: 2, score: Fixed("72.63")!, scoreText: nil,
            standing: Standing(group: "全县", rank: 0, groupSize: 2, tier: "不定等次", reasons: [.tooFewMonths(months: 2, minimum: 6, tier: "不定等次")]),
            pay: PaySlip(lines: [PayLineResult(name: "年终绩效奖", kind: .earning, amount: .zero)]),
            bonusTax: [BonusTaxChoice(line: "年终绩效奖", bonus: .zero, separate: .zero, separateTrace: nil, merged: nil, mergedTrace: nil,
                                      chosen: .separate, why: "奖金为零")])
        return YearResults(year: 2021, months: months, tierOrder: ["优秀", "称职", "基本称职", "不称职", "不定等次"],
                           monthPayLines: [MonthPayLineName(name: "基本报酬", kind: .earning), MonthPayLineName(name: "个人所得税", kind: .deduction, taxColumn: .taxRelief)],
                           cadres: [a, b])
    }

    static func newYear(_ results: YearResults, at: String = "2022-01-05T09:00:00Z") -> NewYearRun {
        NewYearRun(year: 2021, rulesHash: "abc", rulesVersion: "2021", engineVersion: "test", actor: "张科长", at: at, results: results)
    }

    /// More cadres than a stored chunk holds (`YearChunk.size`), each different (months in
    /// post, scores, vetoes, pay, traces or none), read back whole and one by one either side
    /// of every chunk boundary.
    @Test(arguments: StoreEngine.allCases) func aYearOfManyCadresReadsBackAcrossItsChunks(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        let months = zip(["2021-01", "2021-02", "2021-03"], runs).map { YearMonthRun(month: Self.m($0), runID: $1, closed: true) }
        var results = Self.yearResults(months: months)
        let templates = results.cadres
        results.cadres = (0..<601).map { i in
            var c = templates[i % 2]
            c.cadreID = String(format: "SQ%04d", i)
            c.months = Array(c.months.prefix(1 + i % c.months.count))
            for k in c.months.indices {
                c.months[k].score = Fixed(units: Int64(i * 37 + k) - 5_000, scale: 2)
                c.months[k].rank = i % 7
                c.months[k].pay[0] = Money(fen: Int64(i) * 1_001 - 30_000)
                if i % 5 == 0 { c.months[k].vetoes = ["安全事故", "违纪 \(i)"] }
            }
            if i % 3 == 0, !c.pay.lines.isEmpty { c.pay.lines[0].trace = PayTrace() }
            return c
        }
        let id = try store.recordYear(Self.newYear(results))
        #expect(try store.yearResults(yearRunID: id) == results)
        for i in [0, 255, 256, 257, 511, 512, 600] {
            #expect(try store.yearResult(yearRunID: id, cadreID: results.cadres[i].cadreID) == results.cadres[i])
        }
    }

    @Test(arguments: StoreEngine.allCases) func aYearRunReadsBackAsItWasWritten(engine: StoreEngine) throws {
        // Given three stored months and a year assessed from them
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        let months = zip(["2021-01", "2021-02", "2021-03"], runs).map { YearMonthRun(month: Self.m($0), runID: $1, closed: false) }
        let results = Self.yearResults(months: months)
        // When it is recorded and read back
        let id = try store.recordYear(Self.newYear(results))
        // Then every figure, reason, pay line, tax and trace is as written
        #expect(try store.yearResults(yearRunID: id) == results)
        #expect(try store.yearResult(yearRunID: id, cadreID: "FM-002") == results.cadres[1])
        #expect(try store.yearResult(yearRunID: id, cadreID: "FM-999") == nil)
        let record = try #require(try store.currentYearRun(year: 2021))
        #expect(record.id == id && record.state == .draft && !record.stale && record.months == months && record.key == "2021-年度")
        #expect(record.summary.tiers.map(\.cadres) == [0, 0, 0, 1, 1])
        #expect(record.summary.separate.cadres == 2 && record.summary.separate.tax == Money(fen: 6_750))
        #expect(record.summary.gross == Money(fen: 225_000) && record.summary.net == Money(fen: 218_250))
        // And a second run supersedes the draft, keeping it as history
        let again = try store.recordYear(Self.newYear(results))
        #expect(try store.yearRun(id: id).state == .superseded)
        #expect(try store.yearRun(id: id).supersededBy == again)
        #expect(try store.yearRuns().map(\.id) == [again, id])
        #expect(try store.yearAuditLog(year: 2021).map(\.action) == ["year-run", "year-run"])
    }

    @Test(arguments: StoreEngine.allCases) func theRunsNumberIsHandedOverAndItsRecordIsKnownInAdvance(engine: StoreEngine) throws {
        // `jifen year run` starts the reports when the store numbers the run, from the
        // record it will read back: the two must agree.
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        let months = zip(["2021-01", "2021-02", "2021-03"], runs).map { YearMonthRun(month: Self.m($0), runID: $1, closed: false) }
        let run = Self.newYear(Self.yearResults(months: months))
        let numbered = NumberSeen()
        let id = try store.recordYear(run) { numbered.set($0) }
        #expect(numbered.get() == id)
        #expect(try store.yearRun(id: id) == run.record(id: id))
        // Superseding changes the earlier run, not what the new one is recorded as
        let again = try store.recordYear(run) { numbered.set($0) }
        #expect(numbered.get() == again && again != id)
        #expect(try store.yearRun(id: again) == run.record(id: again))
    }

    @Test(arguments: StoreEngine.allCases) func theYearsMonthsAreReadWithOnlyTheNamedLinesAndEachCadresYearEnd(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        try store.publish(month: Self.m("2021-01"), actor: "张科长", at: "2021-02-01", objectionsUntil: "2021-02-08")
        try store.close(month: Self.m("2021-01"), actor: "张科长", at: "2021-02-10")
        // When the year's months are read for 值班 and 个人所得税 (and a line no month has)
        let year = try store.yearMonths(year: 2021, items: ["值班"], payLines: ["个人所得税", "无此项"])
        // Then every month with a run is listed with its state
        #expect(year.months.map(\.runID) == runs)
        #expect(year.months.map(\.closed) == [true, false, false])
        #expect(year.states == [.closed, .draft, .draft])
        #expect(year.payLines.map(\.name) == ["个人所得税", "无此项"])
        #expect(year.payLines[0].kind == .deduction)
        #expect(year.cadres.map(\.cadreID) == ["FM-001", "FM-002"])
        let a = year.cadres[0], b = year.cadres[1]
        #expect(a.months.map(\.month.description) == ["2021-01", "2021-02", "2021-03"])
        #expect(a.months.map(\.score) == [Fixed("88.5")!, Fixed(40), Fixed(92)])
        #expect(a.months.map(\.tier) == ["好", "不称职", "好"])
        #expect(a.months.map(\.vetoes) == [[], ["安全事故"], []])
        #expect(a.months.map { $0.items } == [[Fixed("30.5")!], [Fixed(0)], [Fixed(34)]])
        #expect(a.months.map { $0.pay } == [[Money(fen: 1_000), .zero], [Money(fen: 1_000), .zero], [Money(fen: 1_300), .zero]])
        #expect(a.lastMonth == 2)
        // And each cadre's year end is their last month's year to date
        #expect(a.yearEnd == YearToDate(totals: ["应发合计": Money(fen: 930_000), "个人所得税": Money(fen: 3_900), "专项扣除": Money(fen: 30_000)], months: 3))
        #expect(b.lastMonth == 1)
        #expect(b.months.map(\.items) == [[Fixed(12)], [Fixed("17.25")!]])
        #expect(b.yearEnd == YearToDate(totals: ["应发合计": Money(fen: 520_000), "个人所得税": Money(fen: 400), "专项扣除": Money(fen: 20_000)], months: 2))
        // A year with no stored month reads as empty
        #expect(try store.yearMonths(year: 2020, items: [], payLines: []).cadres.isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func aDraftOverOpenMonthsCannotBePublishedOrClosed(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        let months = zip(["2021-01", "2021-02", "2021-03"], runs).map { YearMonthRun(month: Self.m($0), runID: $1, closed: $0 == "2021-01") }
        try store.recordYear(Self.newYear(Self.yearResults(months: months)))
        // (Nor did it read April to December.)
        let afterMarch = (4...12).map { Self.m(String(format: "2021-%02d", $0)) }
        #expect(throws: StoreError.yearDraftIncomplete(year: 2021, open: [Self.m("2021-02"), Self.m("2021-03")], missing: afterMarch)) {
            try store.publishYear(year: 2021, actor: "张科长", at: "2022-01-06", objectionsUntil: "2022-01-13")
        }
        #expect(throws: StoreError.yearDraftIncomplete(year: 2021, open: [Self.m("2021-02"), Self.m("2021-03")], missing: afterMarch)) {
            try store.closeYear(year: 2021, actor: "张科长", at: "2022-01-06")
        }
        #expect(try store.currentYearRun(year: 2021)?.state == .draft)
        // A draft that lacked months (February, and April to December) though it read only closed ones
        let lacking = [months[0], months[2]].map { YearMonthRun(month: $0.month, runID: $0.runID, closed: true) }
        try store.recordYear(Self.newYear(Self.yearResults(months: lacking)))
        let missing = ["2021-02"] + (4...12).map { String(format: "2021-%02d", $0) }
        #expect(throws: StoreError.yearDraftIncomplete(year: 2021, open: [], missing: missing.map(Self.m))) {
            try store.publishYear(year: 2021, actor: "张科长", at: "2022-01-06", objectionsUntil: "2022-01-13")
        }
        #expect(throws: StoreError.yearDraftIncomplete(year: 2021, open: [], missing: missing.map(Self.m))) {
            try store.closeYear(year: 2021, actor: "张科长", at: "2022-01-06")
        }
        #expect(try store.currentYearRun(year: 2021)?.state == .draft)
    }

    @Test(arguments: StoreEngine.allCases) func aChangedMonthMakesTheYearStaleUntilItIsRunAgain(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        // (The year read them closed, and April to December; February is then run again.)
        let rest = try (4...12).map { k in
            let month = String(format: "2021-%02d", k)
            let cadre = Self.monthCadre("FM-001", month, score: "80", tier: "好", duty: "1", grossFen: 300_000, taxFen: 1_000, months: k)
            return YearMonthRun(month: Self.m(month), runID: try store.record(Self.monthRun(month, [cadre])), closed: true)
        }
        let months = zip(["2021-01", "2021-02", "2021-03"], runs).map { YearMonthRun(month: Self.m($0), runID: $1, closed: true) } + rest
        try store.recordYear(Self.newYear(Self.yearResults(months: months)))
        try store.publishYear(year: 2021, actor: "张科长", at: "2022-01-06", objectionsUntil: "2022-01-13")
        #expect(try store.currentYearRun(year: 2021)?.state == .published)
        // When February is run again after the year was run
        try store.record(Self.monthRun("2021-02", [
            Self.monthCadre("FM-001", "2021-02", score: "41", tier: "不称职", duty: "1", grossFen: 300_000, taxFen: 1_000, months: 2),
        ]))
        // Then the year is stale, says why, and cannot be closed
        let stale = try #require(try store.currentYearRun(year: 2021))
        #expect(stale.stale)
        #expect(stale.staleReason?.contains("2021年2月") == true)
        #expect(throws: StoreError.self) { try store.closeYear(year: 2021, actor: "张科长", at: "2022-01-20") }
        do {
            try store.closeYear(year: 2021, actor: "张科长", at: "2022-01-20")
        } catch {
            #expect(error.diagnostic.code == "S0015")
            #expect(error.diagnostic.help?.zh.contains("jifen year run --year 2021") == true)
        }
        // And running the year again clears it; the year can then be closed, and no more run
        try store.recordYear(Self.newYear(Self.yearResults(months: months)))
        #expect(try store.currentYearRun(year: 2021)?.stale == false)
        try store.closeYear(year: 2021, actor: "张科长", at: "2022-01-20")
        #expect(try store.currentYearRun(year: 2021)?.closedAt == "2022-01-20")
        #expect(throws: StoreError.yearClosed(year: 2021, yearRunID: try store.currentYearRun(year: 2021)!.id)) {
            try store.recordYear(Self.newYear(Self.yearResults(months: months)))
        }
        #expect(throws: StoreError.self) { try store.publishYear(year: 2021, actor: "张科长", at: "x", objectionsUntil: "y") }
        #expect(try store.yearAuditLog(year: 2021).map(\.action) == ["year-run", "year-publish", "year-stale", "year-run", "year-close"])
        #expect(throws: StoreError.noYearRun(year: 2019)) { try store.closeYear(year: 2019, actor: "张科长", at: "x") }
    }

    @Test(arguments: StoreEngine.allCases) func reopeningAClosedMonthOfTheYearMakesItStale(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let runs = try threeMonths(store)
        try store.close(month: Self.m("2021-03"), actor: "张科长", at: "2021-04-10")
        try store.recordYear(Self.newYear(Self.yearResults(months: [YearMonthRun(month: Self.m("2021-03"), runID: runs[2], closed: true)])))
        try store.reopen(month: Self.m("2021-03"), actor: "李局长", at: "2022-01-08", reason: "补录服务记录")
        let year = try #require(try store.currentYearRun(year: 2021))
        #expect(year.stale)
        #expect(year.staleReason == "2021年3月在年度运行之后重新打开：补录服务记录")
        // Another year's months leave it alone
        try store.record(Self.monthRun("2022-01", [Self.monthCadre("FM-001", "2022-01", score: "80", tier: "好", duty: "1", grossFen: 1, taxFen: 0, months: 1)]))
        #expect(try store.yearAuditLog(year: 2021).filter { $0.action == "year-stale" }.count == 1)
    }
}

/// The number `recordYear` handed over (called on the store's thread).
private final class NumberSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var id: Int64?
    func set(_ v: Int64) { lock.lock(); id = v; lock.unlock() }
    func get() -> Int64? { lock.lock(); defer { lock.unlock() }; return id }
}
