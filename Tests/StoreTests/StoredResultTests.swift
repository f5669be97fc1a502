import Exact
import Foundation
import GRDB
import Pay
import Results
@testable import Store
import TestSupport
import Testing

/// Results with every kind of line, clip, reason, note and quantity, for round trips.
enum StoredResultSamples {
    static func cadre(_ id: String, records: Bool = true) -> CadreResult {
        let day = CivilDate(year: 2020, month: 12, day: 9)!
        let refs = records ? [
            RecordRef(file: "duty.csv", line: 14, date: day, summary: "夜班 20:00–08:00", points: Fixed("2.5")!),
            RecordRef(file: "duty.csv", line: 15, date: nil, summary: "夜班 20:00–08:00", points: Fixed(-3)),
            RecordRef(file: "service.xlsx", line: 2, date: CivilDate(year: 1969, month: 12, day: 31)!, summary: "全程代办 \"低保\"\n申请\t\u{1}", points: .zero),
        ] : []
        let tax = PayTrace(steps: [
            PayStep(label: PayText(zh: "应纳税所得额", en: "taxable income"), formula: PayText(zh: "累计收入 − 累计减除费用", en: "income − deductions"),
                    inputs: [PayInput(PayText(zh: "累计收入", en: "累计收入"), .money(Money(fen: 5_254_00))),
                             PayInput(PayText(zh: "月数", en: "months"), .count(12)),
                             PayInput(PayText(zh: "税率", en: "rate"), .rate(Fixed("0.03")!))],
                    result: .number(Fixed("-12.345")!),
                    rounding: AppliedRounding(spec: RoundingSpec(.halfEven, scale: 2), exact: Fixed("137.931034")!, rounded: Fixed("137.93")!, isExact: false),
                    notes: [.bracket(table: PayText(zh: "税率表", en: "tax table"), row: 2, lowerBound: Money(fen: 3_600_000), upperBound: nil),
                            .nothingTaxable, .wholeYearBasicDeduction, .flooredAtZero(difference: Money(fen: -5)),
                            .notRefunded(difference: Money(fen: -12)), .raisedToFloor(wage: Money(fen: 100), floor: Money(fen: 200)),
                            .loweredToCeiling(wage: Money(fen: 900), ceiling: Money(fen: 800)),
                            .switchedOff(reason: PayText(zh: "退休返聘", en: "re-employed")), .zeroWeight,
                            .proportionalShare(exact: Fixed("12.333333")!, isExact: false, roundedDown: Money(fen: 1233), rank: 3, receivedFen: true),
                            .remainderRule(leftoverFen: 2), .nothingAllocated(pool: Money(fen: 0)), .remark(text: PayText(zh: "备注", en: "note"))]),
            PayStep(label: PayText(zh: "个人所得税", en: "income tax"), formula: PayText(zh: "×", en: "×"), inputs: [],
                    result: .money(Money(fen: 0)), rounding: AppliedRounding(spec: .fen, exact: Fixed("0.00")!, rounded: Fixed("0.00")!)),
        ])
        return CadreResult(
            cadreID: id, name: "张三", community: "富民", grid: records ? "一网格" : nil, post: "网格员", level: 3,
            score: ScoreCard(lines: [
                ScoreLine(kind: .base, name: "基础分", citation: "第四条", raw: Fixed(60), points: Fixed(60)),
                ScoreLine(kind: .item, name: "夜间值班", citation: "第五条第一款", raw: Fixed("11.0")!, points: Fixed(10),
                          clips: [Clip(scope: .day(day), limit: Fixed(3), removed: Fixed(1)), Clip(scope: .month, limit: Fixed(10), removed: Fixed("1.0")!),
                                  Clip(scope: .floor, limit: Fixed(-20), removed: Fixed(0))],
                          records: refs),
                ScoreLine(kind: .item, name: "入户走访", raw: Fixed("2.5")!, points: Fixed(1),
                          clips: [Clip(scope: .group("加分合计"), limit: Fixed(10), removed: Fixed("1.5")!)],
                          records: refs, counting: "天数（日期） = 5（同一天多条只算一天） → 2.5 分"),
                ScoreLine(kind: .deduction, name: "服务投诉", raw: Fixed(-3), points: Fixed(-3), records: Array(refs.prefix(1))),
                ScoreLine(kind: .adjustment, name: "人工调整", citation: "第九条", raw: .zero, points: .zero, reason: "", approvedBy: nil),
                ScoreLine(kind: .adjustment, name: "申诉调整", raw: Fixed(2), points: Fixed(2), reason: "协助防汛", approvedBy: "张科长、李科长（复核）"),
                ScoreLine(kind: .bound, name: "总分范围", raw: .zero, points: Fixed(-1),
                          clips: [Clip(scope: .ceiling, limit: Fixed(100), removed: Fixed(1))]),
            ], total: Fixed("69.0")!),
            standing: Standing(group: "富民", rank: 2, groupSize: 12, tier: "称职", reasons: [
                .threshold(tier: "优秀", condition: "得分 ≥ 90 分"),
                .otherwise(tier: "不称职", missed: "基本称职", condition: "60 分 ≤ 得分 < 70 分"),
                .withinQuota(tier: "优秀", share: Fixed("0.20")!, places: 2, rank: 2),
                .quotaFull(tier: "优秀", share: Fixed("0.20")!, places: 2, rank: 3, to: "称职"),
                .veto(name: "安全事故", citation: "第十条", tier: "不称职", record: records ? refs[0] : nil),
                .veto(name: "违纪", citation: nil, tier: "不称职", record: nil),
                .tieBreak(rule: "工号", with: ["FM-002", "B\"2"]),
                .tieBreakAmong(rule: "得分 从高到低、工号 从低到高", nearest: ["FM-003", "FM-005"], tied: 312),
            ]),
            pay: PaySlip(lines: [
                PayLineResult(name: "基本工资", kind: .earning, amount: Money(fen: 350_000), citation: "第十二条", trace: tax),
                PayLineResult(name: "个人所得税", kind: .deduction, amount: Money(fen: 0), trace: records ? tax : PayTrace()),
                PayLineResult(name: "分值", kind: .info, amount: Money(fen: 1)),
            ]),
            yearToDate: YearToDate(totals: ["基本工资": Money(fen: 4_200_000), "个人所得税": Money(fen: 0), "期初\"收入": Money(fen: 5)], months: 12))
    }

    /// The result as `.lines` reads it: no records (but their count), no traces.
    static func withoutTraces(_ c: CadreResult) -> CadreResult {
        var c = c
        c.score.lines = c.score.lines.map { l in
            ScoreLine(kind: l.kind, name: l.name, citation: l.citation, raw: l.raw, points: l.points, clips: l.clips,
                      recordCount: l.records.count, reason: l.reason, approvedBy: l.approvedBy, counting: l.counting)
        }
        for i in c.pay.lines.indices { c.pay.lines[i].trace = PayTrace() }
        return c
    }
}

struct TraceDocumentTests {
    @Test func aDocumentReadsBackAgainstItsTemplates() throws {
        let c = StoredResultSamples.cadre("FM-001")
        // Against no template, against the cadre's own traces, and against another's.
        let other = StoredResultSamples.cadre("FM-009", records: false).pay.lines.map { Optional($0.trace) }
        for templates in [[PayTrace?](repeating: nil, count: 3), c.pay.lines.map { Optional($0.trace) }, other] {
            let bytes = TraceDocument.encode(c, templates: templates)
            var back = StoredResultSamples.withoutTraces(c)
            try TraceDocument.decode(bytes, into: &back, templates: templates)
            #expect(back == c)
        }
        let template = try TraceDocument.decodeTemplate(TraceDocument.template(c.pay.lines[0].trace))
        #expect(template == c.pay.lines[0].trace)
    }

    @Test func aTraceAsItsTemplateTakesAByteAText() throws {
        // The texts of a trace (labels, formulas, input names) are what a template saves;
        // notes are never taken from it, so they are left out here. (Against the whole
        // sample cadre, whose records and notes are not templated, a document shrinks from
        // 554 to 370 bytes.)
        var trace = StoredResultSamples.cadre("FM-001").pay.lines[0].trace
        for j in trace.steps.indices { trace.steps[j].notes = [] }
        var alone = TraceDocument.Writer(), templated = TraceDocument.Writer()
        alone.trace(trace, template: nil)
        templated.trace(trace, template: trace)
        #expect(templated.bytes.count < alone.bytes.count / 2, "\(templated.bytes.count) of \(alone.bytes.count)")
        let c = StoredResultSamples.cadre("FM-001")
        #expect(TraceDocument.encode(c, templates: c.pay.lines.map { Optional($0.trace) }).count < TraceDocument.encode(c, templates: [nil, nil, nil]).count)
    }

    /// Records held compactly (as the scorer keeps them) are written byte for byte as the
    /// same records as `RecordRef`s, and read back as those: a summary text under two numbers,
    /// or the same as a file's name, included.
    @Test func compactRecordsWriteTheSameDocument() throws {
        let day = CivilDate(year: 2020, month: 12, day: 9)!.daysSinceEpoch
        let texts = RecordTexts(files: ["duty.csv", "service.xlsx", "夜班"], summaries: ["夜班 20:00–08:00", "全程代办 低保", "夜班 20:00–08:00", "夜班", ""])
        let entries = [
            RecordEntry(file: 0, line: 14, day: day, summary: 0, units: 25, scale: 1),
            RecordEntry(file: 0, line: 15, day: RecordEntry.noDay, summary: 2, units: -3, scale: 0),
            RecordEntry(file: 1, line: 2, day: -1, summary: 1, units: 0, scale: 2),
            RecordEntry(file: 2, line: 3, day: day + 1, summary: 3, units: Int64.min, scale: 18),
            RecordEntry(file: 1, line: UInt32.max, day: day, summary: 4, units: Int64.max, scale: 0),
            RecordEntry(file: 0, line: 16, day: day, summary: 2, units: 5, scale: 1),
        ]
        let compact = RecordList(entries: entries, texts: texts)
        let refs = RecordList(Array(compact))
        #expect(compact == refs)
        #expect(compact.count == 6 && compact[3].summary == "夜班" && compact[1].date == nil && compact[4].line == Int(UInt32.max))
        var a = StoredResultSamples.cadre("FM-001"), b = a
        for i in a.score.lines.indices where !a.score.lines[i].records.isEmpty {
            a.score.lines[i].records = compact
            b.score.lines[i].records = refs
        }
        let templates = a.pay.lines.map { Optional($0.trace) }
        let bytes = TraceDocument.encode(a, templates: templates)
        #expect(bytes == TraceDocument.encode(b, templates: templates))
        var back = StoredResultSamples.withoutTraces(a)
        try TraceDocument.decode(bytes, into: &back, templates: templates)
        #expect(back == a && back == b)
    }

    /// Format 2 writes a record's file and summary as the run's numbers it is given and reads
    /// them back as entries with those numbers, at the edges of every field: no date, dates
    /// before 1970, the largest line, the smallest and largest units, a summary cited again.
    @Test func compactDocumentsCarryTheRunsNumbers() throws {
        let day = CivilDate(year: 2020, month: 12, day: 9)!.daysSinceEpoch
        let entries = [
            RecordEntry(file: 0, line: 14, day: day, summary: 0, units: 25, scale: 1),
            RecordEntry(file: 0, line: 15, day: RecordEntry.noDay, summary: 2, units: -3, scale: 0),
            RecordEntry(file: 1, line: 2, day: -1, summary: 1, units: 0, scale: 2),
            RecordEntry(file: 2, line: 3, day: Int32.max, summary: 3, units: Int64.min, scale: 18),
            RecordEntry(file: 1, line: UInt32.max, day: Int32.min + 1, summary: 4, units: Int64.max, scale: 0),
            RecordEntry(file: 0, line: 0, day: day, summary: 2, units: 5, scale: 1),
        ]
        let texts = RecordTexts(files: ["a", "b", "c"], summaries: ["0", "1", "2", "3", "4"])
        var c = StoredResultSamples.cadre("FM-001")
        for i in c.score.lines.indices where !c.score.lines[i].records.isEmpty {
            c.score.lines[i].records = RecordList(entries: entries, texts: texts)
        }
        // Run numbers: files 7, 8, 9; summaries new from 40 (0 → 40, 1 → 42 …) and two old.
        let fileNumbers: [UInt32] = [7, 8, 9], summaryNumbers: [UInt32] = [40, 41, 42, 12, 43]
        var files: [UInt32] = [], summaries: [UInt32] = []
        for line in c.score.lines {
            guard let (list, _) = line.records.entries else { continue }
            for e in list {
                files.append(fileNumbers[Int(e.file)])
                summaries.append(summaryNumbers[Int(e.summary)])
            }
        }
        let templates = c.pay.lines.map { Optional($0.trace) }
        let bytes = TraceDocument.encodeCompact(c, templates: templates, firstNew: 40, files: files[...], summaries: summaries[...])
        #expect(bytes[0] == TraceDocument.compactFormat)
        var back = StoredResultSamples.withoutTraces(c)
        let lists = try TraceDocument.decodeCompact(bytes, into: &back, templates: templates)
        #expect(back.pay == c.pay)
        var k = 0
        for (i, line) in c.score.lines.enumerated() {
            let expected = (line.records.entries.map { Array($0.entries) } ?? []).map { e in
                var e = e
                e.file = UInt16(fileNumbers[Int(e.file)])
                e.summary = summaryNumbers[Int(e.summary)]
                return e
            }
            #expect(lists[i] == expected, "line \(i)")
            k += expected.count
        }
        #expect(k == files.count)
        var cut = bytes
        cut.removeLast()
        #expect(throws: TraceDocument.DecodingError.self) { try TraceDocument.decodeCompact(cut, into: &back, templates: templates) }

        // In a group (format 3) the same body, beside cadres without a document.
        let body = TraceDocument.encodeCompactBody(c, templates: templates, firstNew: 40, files: files[...], summaries: summaries[...])
        let group = try #require(TraceDocument.group([nil, body, nil, [9]]))
        #expect(group[0] == TraceDocument.groupFormat)
        #expect(try TraceDocument.ungroup(group) == [nil, body, nil, [9]])
        #expect(TraceDocument.group([nil, nil]) == nil)
        var again = StoredResultSamples.withoutTraces(c)
        #expect(try TraceDocument.decodeCompactBody(body, into: &again, templates: templates) == lists && again == back)
        #expect(throws: TraceDocument.DecodingError.self) { try TraceDocument.ungroup(Array(group.dropLast())) }
    }

    @Test func anUnknownFormatOrCutDocumentIsRefused() throws {
        let c = StoredResultSamples.cadre("FM-001")
        var bytes = TraceDocument.encode(c, templates: [nil, nil, nil])
        var back = StoredResultSamples.withoutTraces(c)
        #expect(throws: TraceDocument.DecodingError.self) { try TraceDocument.decode(Array(bytes.dropLast()), into: &back, templates: []) }
        bytes[0] = 9
        #expect(throws: TraceDocument.DecodingError.self) { try TraceDocument.decode(bytes, into: &back, templates: []) }
    }

    // Int64.min has no text `Fixed` parses (its magnitude overflows), so each value is given
    // by its units and scale.
    @Test(arguments: [Fixed.zero, Fixed(units: -5, scale: 1), Fixed(units: 110_250, scale: 3), Fixed(units: -12, scale: 0),
                      Fixed(units: .max, scale: 0), Fixed(units: .min, scale: 0), Fixed(units: .min, scale: 3), Fixed(units: 1, scale: 18)])
    func decimalsAreBoundAsTheirDescription(_ f: Fixed) throws {
        let queue = try DatabaseQueue()
        let bound = try queue.write { db -> String? in
            try db.execute(sql: "CREATE TABLE t (x TEXT)")
            let s = try db.makeStatement(sql: "INSERT INTO t (x) VALUES (?)")
            let raw = RawStatement(db, s)
            raw.bind(1, f)
            try raw.run()
            return try String.fetchOne(db, sql: "SELECT x FROM t")
        }
        #expect(bound == f.description)
    }
}

/// A store an earlier main wrote (results as JSON, inputs raw) converted by migration v6.
struct StoreUpgradeTests {
    static let fixture = "Tests/CLITests/Fixtures/store-7902ee3/jifen.sqlite"

    @Test func everyStoredJSONResultBecomesRowsThatReadBackEqual() throws {
        // Given a copy of the fixture and its results as that main's JSON decodes them
        let dir = PackagePaths.temporaryDirectory("store-upgrade")
        let path = dir + "/jifen.sqlite"
        try FileManager.default.copyItem(atPath: PackagePaths.path(Self.fixture), toPath: path)
        var before: [Int64: [CadreResult]] = [:]
        var inputs: [(sha: String, bytes: Int)] = []
        do {
            let old = try DatabaseQueue(path: path)
            try old.read { db in
                for r in try Row.fetchAll(db, sql: "SELECT runID, detail FROM cadreResult ORDER BY runID, seq") {
                    before[r[0], default: []].append(try JSONDecoder().decode(CadreResult.self, from: r[1] as Data))
                }
                inputs = try Row.fetchAll(db, sql: "SELECT sha256, byteCount FROM blob").map { ($0[0], $0[1]) }
            }
            try old.close()
        }
        #expect(before.count == 5)
        #expect(before.values.contains { $0.contains { $0.score.lines.contains { !$0.records.isEmpty } } })
        // When this main opens it
        let store = try RunStore(path: path)
        // Then every result reads back whole, and its inputs byte for byte (raw chunks)
        for (runID, cadres) in before {
            #expect(try store.results(runID: runID, detail: .full).cadres == cadres, "run #\(runID)")
            #expect(try store.results(runID: runID, detail: .lines).cadres == cadres.map(StoredResultSamples.withoutTraces), "run #\(runID)")
        }
        for (sha, size) in inputs {
            let out = dir + "/" + sha
            try store.exportBlob(sha256: sha, to: out)
            let (back, backSize) = try RunStore.hashFile(out)
            #expect(back == sha && backSize == size)
        }
        #expect(try store.queue.read { try Bool.fetchOne($0, sql: "SELECT COUNT(*) FROM pragma_table_info('cadreResult') WHERE name = 'detail'") } == false)
        // And the next month starts from the converted year to date.
        let ytd = try store.yearToDate(before: YearMonth("2020-12")!)
        #expect(ytd.count == 48)
        #expect(ytd == Dictionary(uniqueKeysWithValues: before[2]!.compactMap { c in c.yearToDate.map { (c.cadreID, $0) } }))
    }
}
