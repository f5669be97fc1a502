import Exact
import Foundation
import GRDB
import Pay
import Results
@testable import Store
import TestSupport
import Testing

/// A cadre's score and pay lines packed on its row (`LineList`, migration v11) rather than a
/// `scoreLine` and `payLine` row each.
struct LineListTests {
    let base = RunStoreTests()

    @Test func linesReadBackAsWritten() throws {
        // Given lines with every edge: nil and present year to date, zero, negative and huge
        // amounts, texts absent, empty and Chinese, points of several scales
        let pay: [LineList.Pay] = [
            .init(item: 0, amountFen: 350_000, yearFen: 4_200_000), .init(item: 1, amountFen: 0, yearFen: nil),
            .init(item: 2, amountFen: -12_345, yearFen: -1), .init(item: 300, amountFen: Int64.max, yearFen: Int64.min),
            .init(item: 1, amountFen: Int64.min, yearFen: 0),
        ]
        let score: [LineList.Score] = [
            .init(item: 0, raw: Fixed(60), points: Fixed(60), recordCount: 0, reason: nil, approvedBy: nil, counting: nil),
            .init(item: 7, raw: Fixed("-2.50")!, points: Fixed(units: -1, scale: 18), recordCount: 1_000_000, reason: "", approvedBy: "张科长、李科长（复核）",
                  counting: "天数（日期） = 5（同一天多条只算一天） → 2.5 分"),
            .init(item: 200, raw: .zero, points: Fixed(units: Int64.max, scale: 3), recordCount: 3, reason: "协助防汛\n\"x\"", approvedBy: nil, counting: ""),
        ]
        // When encoded and decoded
        let bytes = LineList.encode(pay: pay, score: score)
        let back = try LineList.decode(bytes)
        // Then they are the same, and a cadre with no lines still has a value
        #expect(back.pay == pay)
        #expect(back.score == score)
        #expect(try LineList.decode(LineList.encode(pay: [], score: [])) == ([], []))
        #expect(LineList.encode(pay: [], score: []) == [LineList.format, 0, 0])
        // And a cut value, bytes after it or an unknown format are refused
        for n in [0, 1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: LineList.DecodingError.self) { try LineList.decode(Array(bytes.prefix(n))) }
        }
        #expect(throws: LineList.DecodingError.self) { try LineList.decode(bytes + [0]) }
        #expect(throws: LineList.DecodingError.self) { try LineList.decode([2] + bytes.dropFirst()) }
    }

    /// Cadres whose pay lines cover every kind, zero, negative and repeated names, with and
    /// without a year to date (totals under names no line has among them).
    static func cadres(_ n: Int, month: Int) -> [CadreResult] {
        (0..<n).map { i in
            var c = StoredResultSamples.cadre(String(format: "FM-%05d", i), records: i % 5 == 0)
            if i % 5 != 0 { c = StoredResultSamples.withoutTraces(c) }
            c.score.lines[2].raw = Fixed(units: Int64(i * month) - 700, scale: 2)
            c.score.lines[2].points = Fixed(units: -Int64(i % 9), scale: i % 4)
            if i % 11 == 0 { c.score.lines.removeLast(3) }
            c.pay.lines = [
                PayLineResult(name: "基本工资", kind: .earning, amount: Money(fen: Int64(350_000 + i * month)), citation: "第十二条"),
                PayLineResult(name: "绩效报酬", kind: .earning, amount: Money(fen: i % 3 == 0 ? 0 : Int64(i * 7))),
                PayLineResult(name: "个人所得税", kind: .deduction, amount: Money(fen: i % 4 == 0 ? 0 : Int64(i % 300))),
                PayLineResult(name: "补扣", kind: .deduction, amount: Money(fen: -Int64(i % 13))),
                PayLineResult(name: "分值", kind: .info, amount: Money(fen: -1)),
            ]
            if i % 6 == 1 { c.pay.lines.append(PayLineResult(name: "绩效报酬", kind: .earning, amount: Money(fen: -250))) }
            if i % 17 == 2 { c.pay.lines = [] }
            if i % 10 == 3 {
                c.yearToDate = nil
            } else {
                c.yearToDate = YearToDate(totals: ["基本工资": Money(fen: Int64(4_200_000 + i)), "绩效报酬": Money(fen: -Int64(i)),
                                                   "个人所得税": .zero, "期初\"收入": Money(fen: 5)], months: month)
            }
            return c
        }
    }

    @Test func runsWriteTheirLinesPackedAndEveryReaderServesWhatRowsServed() throws {
        // Given two months of cadres across the writer's slices (some only in November)
        let store = try RunStore(path: base.storePath)
        let n = ResultWriter.sliceSize * 2 + 31
        let november = Self.cadres(n, month: 11), december = Array(Self.cadres(n - 40, month: 12))
        var run = base.newRun("2020-11")
        run.results = MonthResults(month: run.month, cadres: november)
        let first = try store.record(run)
        run = base.newRun("2020-12")
        run.results = MonthResults(month: run.month, cadres: december)
        let second = try store.record(run)
        // Then the lines are packed on every cadre's row, with no line rows
        let count = { (sql: String) in try store.queue.read { try Int.fetchOne($0, sql: sql) ?? -1 } }
        #expect(try count("SELECT COUNT(*) FROM scoreLine") == 0)
        #expect(try count("SELECT COUNT(*) FROM payLine") == 0)
        #expect(try count("SELECT COUNT(*) FROM cadreResult WHERE lines IS NULL") == 0)
        #expect(try count("SELECT COUNT(*) FROM cadreResult WHERE runID = \(first)") == n)
        // And read back equal, whole, by lines and one cadre at a time
        #expect(try store.results(runID: first).cadres == november)
        #expect(try store.results(runID: second, detail: .lines).cadres == december.map(StoredResultSamples.withoutTraces))
        for i in [0, 1, 2, 3, 11, 1024, n - 41] {
            #expect(try store.result(runID: second, cadreID: december[i].cadreID) == december[i])
        }
        #expect(try store.yearToDate(before: YearMonth("2020-12")!)
            == Dictionary(uniqueKeysWithValues: november.compactMap { c in c.yearToDate.map { (c.cadreID, $0) } }))
        #expect(try store.yearEnd(of: 2020)
            == Dictionary(uniqueKeysWithValues: (december + november.suffix(40)).compactMap { c in c.yearToDate.map { (c.cadreID, $0) } }))

        // Given the same store with the lines as rows, as a run stored before v11 has them
        let rowsPath = base.dir + "/rows.sqlite"
        try FileManager.default.copyItem(atPath: base.storePath, toPath: rowsPath)
        let rows = try RunStore(path: rowsPath)
        try rows.queue.write { db in
            for r in try Row.fetchAll(db, sql: "SELECT runID, seq, lines FROM cadreResult") {
                let (pay, score) = try LineList.decode(Array(r[2] as Data))
                for (k, l) in score.enumerated() {
                    try db.execute(sql: insertSQL(ScoreLineTable.name, ScoreLineTable.Columns.self), arguments: [
                        r[0] as Int64, r[1] as Int64, k, l.item, l.raw.description, l.points.description, l.recordCount,
                        l.reason, l.approvedBy, l.counting])
                }
                for (k, l) in pay.enumerated() {
                    try db.execute(sql: insertSQL(PayLineTable.name, PayLineTable.Columns.self), arguments: [
                        r[0] as Int64, r[1] as Int64, k, l.item, l.amountFen, l.yearFen])
                }
            }
            try db.execute(sql: "UPDATE cadreResult SET lines = NULL")
        }
        #expect(try rows.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM payLine") } ?? 0 > n)
        // Then every reader serves the same from either
        for id in [first, second] {
            #expect(try rows.results(runID: id) == store.results(runID: id))
            #expect(try rows.results(runID: id, detail: .lines) == store.results(runID: id, detail: .lines))
        }
        for i in [0, 2, 3, 1024, n - 1] {
            #expect(try rows.result(runID: first, cadreID: november[i].cadreID) == november[i])
        }
        #expect(try rows.yearToDate(before: YearMonth("2020-12")!) == store.yearToDate(before: YearMonth("2020-12")!))
        #expect(try rows.yearEnd(of: 2020) == store.yearEnd(of: 2020))
        #expect(try store.yearEnd(of: 2020).count == (0..<n).filter { $0 % 10 != 3 }.count)
        // And the year's reader, with items and pay lines asked for (one no month has)
        let items = ["夜间值班", "入户走访", "总分范围", "无此项"], lines = ["基本工资", "绩效报酬", "补扣", "个人所得税", "分值", "无此项"]
        let packed = try store.yearMonths(year: 2020, items: items, payLines: lines)
        let fromRows = try rows.yearMonths(year: 2020, items: items, payLines: lines)
        #expect(Self.describe(packed) == Self.describe(fromRows))
        #expect(packed.cadres.count == n)
        let last = try #require(packed.cadres.first { $0.cadreID == "FM-00006" })
        // FM-00006: 绩效报酬 0, 入户走访 −0.06 points, both months.
        #expect(last.months.map(\.pay[1]) == [.zero, .zero])
        #expect(last.months.map(\.items[1]) == [Fixed(units: -6, scale: 2), Fixed(units: -6, scale: 2)])
        #expect(last.yearEnd == december[6].yearToDate)
        let seventh = try #require(packed.cadres.first { $0.cadreID == "FM-00007" })
        #expect(seventh.months.map(\.pay[1]) == [Money(fen: 49 - 250), Money(fen: 49 - 250)])

        // When December is run again in both (the store with rows now holds a year of both
        // layouts: November in rows, December packed)
        let again = try store.record(run), rowsAgain = try rows.record(run)
        #expect(again == rowsAgain)
        #expect(try rows.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM cadreResult WHERE runID = \(rowsAgain) AND lines IS NOT NULL") } == n - 40)
        // Then both still read the same, the year included
        #expect(try rows.results(runID: again) == store.results(runID: again))
        #expect(try rows.yearEnd(of: 2020) == store.yearEnd(of: 2020))
        #expect(try Self.describe(rows.yearMonths(year: 2020, items: items, payLines: lines))
            == Self.describe(store.yearMonths(year: 2020, items: items, payLines: lines)))
        #expect(try store.yearMonths(year: 2020, items: items, payLines: lines).months.map(\.runID) == [first, again])
    }

    /// The year's months as text, field by field (dictionaries in key order).
    static func describe(_ y: StoredYearMonths) -> [String] {
        var out = ["\(y.year) \(y.months) \(y.states) \(y.itemNames) \(y.payLines)"]
        for c in y.cadres {
            let end = c.yearEnd.map { e in "\(e.months) " + e.totals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.fen)" }.joined(separator: ",") }
            out.append("\(c.cadreID) \(c.lastMonth) \(end ?? "-")")
            for m in c.months { out.append("  \(m.month) \(m.score) \(m.tier) \(m.rank) \(m.vetoes) \(m.items) \(m.pay.map(\.fen))") }
        }
        return out
    }
}
