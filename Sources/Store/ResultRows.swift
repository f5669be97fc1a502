import Dispatch
import Exact
import Foundation
import GRDB
import Pay
import Results

/// Writes a run's results as rows: `cadreResult` with the cadre's score lines (naming
/// `scoreItem`s) and pay lines (naming `payItem`s) packed on it (`LineList`, since v11) and its
/// clips (`ClipList`), `tierReason`, `yearToDate` and `cadreTrace` (format 2 documents in
/// format 3 groups, citing the run's `recordFile` and `recordText`); in the migration of a
/// store from before v6 (`updatesCadres`), `scoreLine`, `payLine` and `scoreClip` rows and
/// format 1 documents, as the columns and tables of v10 and v11 do not exist yet.
///
/// Cadres come in roster order, a slice at a time. Items are numbered on this thread in
/// order of first appearance (so the same results give the same rows); the slice's record
/// summaries are numbered on a queue of their own and its trace documents encoded on the
/// other cores while its rows and the next slice's are inserted, then its traces (`write`).
final class ResultWriter {
    private let runID: Int64
    private let db: Database
    /// In the migration the cadres' rows exist already (with their JSON): only the new
    /// columns are filled in.
    private let updatesCadres: Bool
    /// Format 2 documents citing `recordFile` and `recordText` (a run recorded now), or
    /// format 1 with texts inline (migration v6, before those tables exist).
    private let compact: Bool
    /// The run's numbering of record files and summaries, used on `numberingQueue` only: the
    /// next slice is numbered there while the last one's documents are still being encoded.
    private let numbering = NumberingBox()
    private let numberingQueue = DispatchQueue(label: "jifen.store.record-numbering")
    private var nextSeq: Int64 = 0

    // Items are told apart by their texts' UTF-8 bytes (`same`), and hashed by them: String's
    // own hashing normalizes Chinese text first, which was most of numbering the items.
    private struct ScoreItemKey: Hashable {
        var kind: ScoreLine.Kind
        var name: String
        var citation: String?

        static func == (a: Self, b: Self) -> Bool {
            a.kind == b.kind && same(a.name, b.name) && same(a.citation, b.citation)
        }

        func hash(into h: inout Hasher) {
            h.combine(kind)
            hashBytes(name, &h)
            hashBytes(citation, &h)
        }
    }

    private struct PayItemKey: Hashable {
        var name: String
        var kind: PayLineResult.Kind
        var citation: String?
        var rounding: RoundingSpec?

        static func == (a: Self, b: Self) -> Bool {
            a.kind == b.kind && same(a.name, b.name) && same(a.citation, b.citation) && a.rounding == b.rounding
        }

        func hash(into h: inout Hasher) {
            h.combine(kind)
            hashBytes(name, &h)
            hashBytes(citation, &h)
            h.combine(rounding)
        }
    }

    private var scoreItems: [ScoreItemKey: Int64] = [:]
    private var payItems: [PayItemKey: Int64] = [:]
    /// Each pay item's template (`TraceDocument`), by item number.
    private var templates: [PayTrace] = []
    // The previous cadre's k-th line's item: cadres mostly have the same lines in the same
    // order, so most lines are matched without hashing their texts.
    private var lastScore: [(key: ScoreItemKey, item: Int64)] = []
    private var lastPay: [(key: PayItemKey, item: Int64)] = []

    private let cadreStatement: Statement
    private let scoreItemStatement: Statement
    private let scoreLineStatement: Statement
    private let clipStatement: Statement
    private let reasonStatement: Statement
    private let payItemStatement: Statement
    private let payLineStatement: Statement
    private let yearStatement: Statement
    private let traceStatement: Statement
    private let fileStatement: Statement?
    private let textStatement: Statement?

    init(_ db: Database, runID: Int64, updatesCadres: Bool = false) throws {
        self.db = db
        self.runID = runID
        self.updatesCadres = updatesCadres
        compact = !updatesCadres
        fileStatement = compact ? try db.makeStatement(sql: insertSQL(RecordFileTable.name, RecordFileTable.Columns.self)) : nil
        textStatement = compact ? try db.makeStatement(sql: insertSQL(RecordTextTable.name, RecordTextTable.Columns.self)) : nil
        cadreStatement = try db.makeStatement(sql: updatesCadres
            ? "UPDATE cadreResult SET grid = ?, groupName = ?, yearMonths = ? WHERE runID = ? AND seq = ?"
            : insertSQL(CadreResultTable.name, CadreResultTable.Columns.self))
        scoreItemStatement = try db.makeStatement(sql: insertSQL(ScoreItemTable.name, ScoreItemTable.Columns.self))
        scoreLineStatement = try db.makeStatement(sql: insertSQL(ScoreLineTable.name, ScoreLineTable.Columns.self))
        clipStatement = try db.makeStatement(sql: insertSQL(ScoreClipTable.name, ScoreClipTable.Columns.self))
        reasonStatement = try db.makeStatement(sql: insertSQL(TierReasonTable.name, TierReasonTable.Columns.self))
        payItemStatement = try db.makeStatement(sql: insertSQL(PayItemTable.name, PayItemTable.Columns.self))
        payLineStatement = try db.makeStatement(sql: insertSQL(PayLineTable.name, PayLineTable.Columns.self))
        yearStatement = try db.makeStatement(sql: insertSQL(YearToDateTable.name, YearToDateTable.Columns.self))
        traceStatement = try db.makeStatement(sql: insertSQL(CadreTraceTable.name, CadreTraceTable.Columns.self))
    }

    /// Cadres per slice: their documents are encoded together, then inserted.
    static let sliceSize = 1024

    /// Writes all of `cadres`, in slices: each slice's rows are inserted while the previous
    /// slice's documents are finished on the other core, then those documents (one slice
    /// behind, so neither thread waits for the other at every slice).
    func write(_ cadres: [CadreResult]) throws {
        var pending: PendingDocuments?
        var lo = 0
        while lo < cadres.count {
            let hi = min(cadres.count, lo + Self.sliceSize)
            let next = try insertRows(cadres[lo..<hi])
            if let pending { try insertDocuments(pending) }
            pending = next
            lo = hi
        }
        if let pending { try insertDocuments(pending) }
        try finish()
    }

    /// Writes the next cadres in roster order, documents included.
    func append(_ cadres: ArraySlice<CadreResult>) throws {
        try insertDocuments(try insertRows(cadres))
    }

    /// Writes the last chunk of record texts (after the last slice's documents).
    func finish() throws {
        guard compact else { return }
        let taken = numberingQueue.sync { numbering.value.take(final: true) }
        try insertTexts(taken.files, Self.compress(taken.chunks))
    }

    private func insertTexts(_ files: [(seq: Int64, name: String)], _ chunks: [TextChunk]) throws {
        if let fileStatement {
            let s = RawStatement(db, fileStatement)
            for f in files {
                s.bind(1, runID)
                s.bind(2, f.seq)
                s.bind(3, f.name)
                try s.runRebinding()
            }
        }
        if let textStatement {
            let s = RawStatement(db, textStatement)
            for c in chunks {
                s.bind(1, runID)
                s.bind(2, c.seq)
                s.bind(3, Int64(c.count))
                s.bind(4, bytes: c.content)
                s.bind(5, Int64(c.encoding.rawValue))
                try s.runRebinding()
            }
        }
    }

    typealias TextChunk = (seq: Int64, count: Int, content: [UInt8], encoding: RecordTextChunk.Encoding)

    private static func compress(_ chunks: [(seq: Int64, count: Int, content: [UInt8])]) -> [TextChunk] {
        let columns = RecordTextChunk.splitter()
        return chunks.map { c in
            let (content, encoding) = RecordTextChunk.compress(c.content, count: c.count, columns: columns)
            return (c.seq, c.count, content, encoding)
        }
    }

    /// A slice's documents and record texts, made on other threads.
    private struct PendingDocuments {
        let group = DispatchGroup()
        let documents = ConcurrentSlots<[[UInt8]?]>(count: 1)
        let chunks = ConcurrentSlots<[TextChunk]>(count: 1)
        let files = ConcurrentSlots<[(seq: Int64, name: String)]>(count: 1)
        let firstSeq: Int64
        let count: Int
    }

    /// Inserts the rows of the next cadres in roster order and starts their documents.
    private func insertRows(_ cadres: ArraySlice<CadreResult>) throws -> PendingDocuments {
        // Items first, on this thread: numbers in order of first appearance.
        var scoreItemOf: [Int64] = []
        var payItemOf: [Int64] = []
        for i in cadres.indices {
            for k in cadres[i].score.lines.indices { scoreItemOf.append(try scoreItem(cadres[i].score.lines[k], k)) }
            for k in cadres[i].pay.lines.indices { payItemOf.append(try payItem(cadres[i].pay.lines[k], k)) }
        }
        // Documents on the other cores while this thread inserts the slice's rows: the
        // records' files and summaries are numbered in the run first (in order, on
        // `numberingQueue`), then the summaries' full chunks are compressed beside the
        // documents' encoding.
        let pending = PendingDocuments(firstSeq: nextSeq, count: cadres.count)
        let templates = self.templates, items = payItemOf
        let compact = self.compact, numbering = self.numbering
        pending.group.enter()
        numberingQueue.async {
            let numbers = compact ? numbering.value.number(cadres) : nil
            let taken = numbering.value.take(final: false)
            pending.files.set(0, taken.files)
            if !taken.chunks.isEmpty {
                DispatchQueue.global().async(group: pending.group) { pending.chunks.set(0, Self.compress(taken.chunks)) }
            }
            DispatchQueue.global().async(group: pending.group) {
                pending.documents.set(0, Self.encodeDocuments(cadres, items, templates: templates, numbers: numbers))
            }
            pending.group.leave()
        }
        // Rows. Read in place (`cadres[i].score.lines[k].raw`): copying each cadre or line
        // out would retain every text it holds, which was most of this loop's time.
        let cadre = RawStatement(db, cadreStatement), scoreLine = RawStatement(db, scoreLineStatement)
        let clip = RawStatement(db, clipStatement), reason = RawStatement(db, reasonStatement)
        let payLine = RawStatement(db, payLineStatement), year = RawStatement(db, yearStatement)
        var scoreAt = 0, payAt = 0
        var packed: [UInt8] = []
        packed.reserveCapacity(1024)
        for i in cadres.indices {
            let seq = nextSeq
            nextSeq += 1
            let months = cadres[i].yearToDate.map { Int64($0.months) }
            // Year-to-date totals ride on the pay line of the same name; others get a row.
            var placed = 0
            if updatesCadres {
                cadre.bind(1, cadres[i].grid)
                cadre.bind(2, cadres[i].standing.group)
                cadre.bind(3, months)
                cadre.bind(4, runID)
                cadre.bind(5, seq)
            } else {
                cadre.bind(1, runID)
                cadre.bind(2, seq)
                cadre.bind(3, cadres[i].cadreID)
                cadre.bind(4, cadres[i].name)
                cadre.bind(5, cadres[i].community)
                cadre.bind(6, cadres[i].grid)
                cadre.bind(7, cadres[i].post)
                cadre.bind(8, Int64(cadres[i].level))
                cadre.bind(9, cadres[i].score.total)
                cadre.bind(10, cadres[i].standing.tier)
                cadre.bind(11, Int64(cadres[i].standing.rank))
                cadre.bind(12, Int64(cadres[i].standing.groupSize))
                cadre.bind(13, cadres[i].standing.group)
                cadre.bind(14, cadres[i].pay.gross.fen)
                cadre.bind(15, cadres[i].pay.deductions.fen)
                cadre.bind(16, cadres[i].pay.net.fen)
                cadre.bind(17, months)
                if let clips = ClipList.encode(cadres[i].score.lines) { cadre.bind(18, bytes: clips) } else { cadre.bind(18, nil as Int64?) }
                // Since v11 the lines are packed on the row (`LineList`), not a row each.
                LineList.start(payCount: cadres[i].pay.lines.count, &packed)
                for k in cadres[i].pay.lines.indices {
                    let year = yearFen(cadres[i], k, months: months)
                    if year != nil { placed += 1 }
                    LineList.appendPay(item: payItemOf[payAt + k], amountFen: cadres[i].pay.lines[k].amount.fen, yearFen: year, &packed)
                }
                LineList.startScore(count: cadres[i].score.lines.count, &packed)
                for k in cadres[i].score.lines.indices {
                    LineList.appendScore(item: scoreItemOf[scoreAt + k], raw: cadres[i].score.lines[k].raw,
                                         points: cadres[i].score.lines[k].points, recordCount: cadres[i].score.lines[k].recordCount,
                                         reason: cadres[i].score.lines[k].reason, approvedBy: cadres[i].score.lines[k].approvedBy,
                                         counting: cadres[i].score.lines[k].counting, &packed)
                }
                cadre.bind(19, bytes: packed)
                scoreAt += cadres[i].score.lines.count
                payAt += cadres[i].pay.lines.count
            }
            try cadre.runRebinding()
            // The migration of older stores (before v11's column) writes rows.
            for k in cadres[i].score.lines.indices where updatesCadres {
                scoreLine.bind(1, runID)
                scoreLine.bind(2, seq)
                scoreLine.bind(3, Int64(k))
                scoreLine.bind(4, scoreItemOf[scoreAt])
                scoreLine.bind(5, cadres[i].score.lines[k].raw)
                scoreLine.bind(6, cadres[i].score.lines[k].points)
                scoreLine.bind(7, Int64(cadres[i].score.lines[k].recordCount))
                scoreLine.bind(8, cadres[i].score.lines[k].reason)
                scoreLine.bind(9, cadres[i].score.lines[k].approvedBy)
                scoreLine.bind(10, cadres[i].score.lines[k].counting)
                try scoreLine.runRebinding()
                scoreAt += 1
                // Since v10 a cadre's clips are on its row (`ClipList`); the migration of older
                // stores (before the column exists) writes rows.
                for n in cadres[i].score.lines[k].clips.indices {
                    clip.bind(1, runID)
                    clip.bind(2, seq)
                    clip.bind(3, Int64(k))
                    clip.bind(4, Int64(n))
                    switch cadres[i].score.lines[k].clips[n].scope {
                    case .day(let d):
                        clip.bind(5, "day")
                        clip.bind(6, d.description)
                    case .month:
                        clip.bind(5, "month")
                        clip.bind(6, nil as String?)
                    case .floor:
                        clip.bind(5, "floor")
                        clip.bind(6, nil as String?)
                    case .ceiling:
                        clip.bind(5, "ceiling")
                        clip.bind(6, nil as String?)
                    case .group(let name):
                        clip.bind(5, "group:" + name)
                        clip.bind(6, nil as String?)
                    }
                    clip.bind(7, cadres[i].score.lines[k].clips[n].limit)
                    clip.bind(8, cadres[i].score.lines[k].clips[n].removed)
                    try clip.runRebinding()
                }
            }
            for k in cadres[i].standing.reasons.indices {
                try insertReason(reason, seq: seq, k: k, cadres[i].standing.reasons[k])
            }
            for k in cadres[i].pay.lines.indices where updatesCadres {
                payLine.bind(1, runID)
                payLine.bind(2, seq)
                payLine.bind(3, Int64(k))
                payLine.bind(4, payItemOf[payAt])
                payLine.bind(5, cadres[i].pay.lines[k].amount.fen)
                let year = yearFen(cadres[i], k, months: months)
                if year != nil { placed += 1 }
                payLine.bind(6, year)
                try payLine.runRebinding()
                payAt += 1
            }
            if let totals = cadres[i].yearToDate?.totals, placed < totals.count {
                let names = Set(cadres[i].pay.lines.map(\.name))
                for (name, amount) in totals.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) where !names.contains(name) {
                    year.bind(1, runID)
                    year.bind(2, seq)
                    year.bind(3, name)
                    year.bind(4, amount.fen)
                    try year.runRebinding()
                }
            }
        }
        return pending
    }

    /// Waits for a slice's documents and inserts them with the record texts numbered so far.
    private func insertDocuments(_ pending: PendingDocuments) throws {
        pending.group.wait()
        try insertTexts(pending.files.values[0] ?? [], pending.chunks.values[0] ?? [])
        let documents = pending.documents.values[0] ?? []
        let trace = RawStatement(db, traceStatement)
        for i in 0..<pending.count {
            if let document = documents[i] {
                trace.bind(1, runID)
                trace.bind(2, pending.firstSeq + Int64(i))
                trace.bind(3, bytes: document)
                try trace.runRebinding()
            }
        }
    }

    /// The year-to-date total pay line `k` carries: the cadre's total under its name, on the
    /// first line of that name only.
    @inline(__always)
    private func yearFen(_ c: CadreResult, _ k: Int, months: Int64?) -> Int64? {
        guard months != nil, let total = c.yearToDate?.totals[c.pay.lines[k].name], Self.firstLine(named: c.pay.lines[k].name, c.pay.lines, k) else {
            return nil
        }
        return total.fen
    }

    /// Whether line `k` is the first of the slip named `name` (a year-to-date total rides on
    /// the first only).
    private static func firstLine(named name: String, _ lines: [PayLineResult], _ k: Int) -> Bool {
        for j in 0..<k where same(lines[j].name, name) { return false }
        return true
    }

    private func insertReason(_ s: RawStatement, seq: Int64, k: Int, _ r: TierReason) throws {
        s.bind(1, runID)
        s.bind(2, seq)
        s.bind(3, Int64(k))
        Self.bindReason(s, r)
        try s.run()
    }

    /// Binds a reason's kind and fields to columns 4…19 of a `tierReason`-shaped insert
    /// (also `yearTierReason`).
    static func bindReason(_ s: RawStatement, _ r: TierReason) {
        // Columns 4…19: kind, tier, condition, share, places, rank, toTier, name, citation,
        // recordFile, recordLine, recordDate, recordSummary, recordPoints, rule, tiedWith;
        // unbound ones stay NULL.
        switch r {
        case .threshold(let tier, let condition):
            s.bind(4, "threshold")
            s.bind(5, tier)
            s.bind(6, condition)
        case .otherwise(let tier, let missed, let condition):
            // The tier missed as `toTier`.
            s.bind(4, "otherwise")
            s.bind(5, tier)
            s.bind(6, condition)
            s.bind(10, missed)
        case .withinQuota(let tier, let share, let places, let rank):
            s.bind(4, "withinQuota")
            s.bind(5, tier)
            s.bind(7, share)
            s.bind(8, Int64(places))
            s.bind(9, Int64(rank))
        case .quotaFull(let tier, let share, let places, let rank, let to):
            s.bind(4, "quotaFull")
            s.bind(5, tier)
            s.bind(7, share)
            s.bind(8, Int64(places))
            s.bind(9, Int64(rank))
            s.bind(10, to)
        case .veto(let name, let citation, let tier, let record):
            s.bind(4, "veto")
            s.bind(5, tier)
            s.bind(11, name)
            s.bind(12, citation)
            if let record {
                s.bind(13, record.file)
                s.bind(14, Int64(record.line))
                s.bind(15, record.date?.description)
                s.bind(16, record.summary)
                s.bind(17, record.points)
            }
        case .tieBreak(let rule, let with):
            s.bind(4, "tieBreak")
            s.bind(18, rule)
            s.bind(19, Self.jsonArray(with))
        case .tieBreakAmong(let rule, let nearest, let tied):
            // The count of those tied as `places`, the names shown as `tiedWith`.
            s.bind(4, "tieBreakAmong")
            s.bind(8, Int64(tied))
            s.bind(18, rule)
            s.bind(19, Self.jsonArray(nearest))
        case .notRanked(let why, let tier):
            s.bind(4, "notRanked")
            s.bind(5, tier)
            s.bind(6, why)
        case .tooFewMonths(let months, let minimum, let tier):
            // An annual reason: months in post as `places`, the minimum as `rank`.
            s.bind(4, "tooFewMonths")
            s.bind(5, tier)
            s.bind(8, Int64(months))
            s.bind(9, Int64(minimum))
        case .monthVeto(let name, let citation, let months, let tier):
            // An annual reason: the months that triggered it as `tiedWith`.
            s.bind(4, "monthVeto")
            s.bind(5, tier)
            s.bind(11, name)
            s.bind(12, citation)
            s.bind(19, Self.jsonArray(months.map(\.description)))
        }
    }

    /// The texts as a JSON array, as `JSONDecoder` reads it back.
    static func jsonArray(_ texts: [String]) -> String {
        // Most lists are empty (a month with no veto): no work for them. Otherwise built as
        // UTF-8 bytes; only quotes, backslashes and control characters are escaped.
        if texts.isEmpty { return "[]" }
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(texts.reduce(2) { $0 + $1.utf8.count + 3 })
        let hex = Array("0123456789abcdef".utf8)
        for (i, t) in texts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for b in t.utf8 {
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(b)
                case 0..<0x20:
                    out += Array("\\u00".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0xF)])
                default:
                    out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    private func scoreItem(_ line: ScoreLine, _ k: Int) throws -> Int64 {
        if k < lastScore.count {
            let last = lastScore[k].key
            if last.kind == line.kind, same(last.name, line.name), same(last.citation, line.citation) { return lastScore[k].item }
        }
        let key = ScoreItemKey(kind: line.kind, name: line.name, citation: line.citation)
        let item: Int64
        if let found = scoreItems[key] {
            item = found
        } else {
            item = Int64(scoreItems.count)
            scoreItems[key] = item
            let s = RawStatement(db, scoreItemStatement)
            s.bind(1, runID)
            s.bind(2, item)
            s.bind(3, line.kind.rawValue)
            s.bind(4, line.name)
            s.bind(5, line.citation)
            try s.run()
        }
        if k < lastScore.count { lastScore[k] = (key, item) } else { lastScore.append((key, item)) }
        return item
    }

    /// The rounding a trace applied last: part of what a pay line is.
    static func rounding(_ trace: PayTrace) -> RoundingSpec? {
        var j = trace.steps.count - 1
        while j >= 0 {
            if let r = trace.steps[j].rounding { return r.spec }
            j -= 1
        }
        return nil
    }

    private func payItem(_ line: PayLineResult, _ k: Int) throws -> Int64 {
        let rounding = Self.rounding(line.trace)
        if k < lastPay.count {
            let last = lastPay[k].key
            if last.kind == line.kind, same(last.name, line.name), same(last.citation, line.citation), last.rounding == rounding {
                return lastPay[k].item
            }
        }
        let key = PayItemKey(name: line.name, kind: line.kind, citation: line.citation, rounding: rounding)
        let item: Int64
        if let found = payItems[key] {
            item = found
        } else {
            item = Int64(payItems.count)
            payItems[key] = item
            templates.append(line.trace)
            let s = RawStatement(db, payItemStatement)
            s.bind(1, runID)
            s.bind(2, item)
            s.bind(3, line.name)
            s.bind(4, line.kind.rawValue)
            s.bind(5, line.citation)
            s.bind(6, rounding?.rule.rawValue)
            s.bind(7, rounding.map { Int64($0.scale) })
            s.bind(8, bytes: TraceDocument.template(line.trace))
            try s.run()
        }
        if k < lastPay.count { lastPay[k] = (key, item) } else { lastPay.append((key, item)) }
        return item
    }

    /// Each cadre's document, nil for a cadre with nothing to trace (no records, no steps).
    private static func encodeDocuments(_ cadres: ArraySlice<CadreResult>, _ payItemOf: [Int64], templates: [PayTrace],
                                        numbers: (files: [UInt32], summaries: [UInt32], firstNew: [UInt32], starts: [Int])?) -> [[UInt8]?] {
        var starts: [Int] = []
        starts.reserveCapacity(cadres.count)
        var at = 0
        for c in cadres {
            starts.append(at)
            at += c.pay.lines.count
        }
        let firstPay = starts
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 2, cadres.count / 64))
        let out = ConcurrentSlots<[[UInt8]?]>(count: parts)
        let base = cadres.startIndex
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = cadres.count * p / parts, hi = cadres.count * (p + 1) / parts
            var docs: [[UInt8]?] = []
            docs.reserveCapacity(hi - lo)
            for i in lo..<hi {
                let c = cadres[base + i]
                let hasRecords = c.score.lines.contains { !$0.records.isEmpty }
                let hasSteps = c.pay.lines.contains { !$0.trace.steps.isEmpty }
                guard hasRecords || hasSteps else {
                    docs.append(nil)
                    continue
                }
                let own = (0..<c.pay.lines.count).map { Optional(templates[Int(payItemOf[firstPay[i] + $0])]) }
                if let numbers {
                    let range = numbers.starts[i]..<numbers.starts[i + 1]
                    docs.append(TraceDocument.encodeCompactBody(c, templates: own, firstNew: numbers.firstNew[i],
                                                                files: numbers.files[range], summaries: numbers.summaries[range]))
                } else {
                    docs.append(TraceDocument.encode(c, templates: own))
                }
            }
            out.set(p, docs)
        }
        let docs = out.values.flatMap { $0! }
        guard numbers != nil else { return docs }
        // Format 2 bodies into format 3 groups of consecutive cadres (a slice starts a group:
        // `sliceSize` is a multiple of `groupSize`), each in the slot of its first cadre.
        let size = TraceDocument.groupSize
        let groups = (docs.count + size - 1) / size
        let grouped = ConcurrentSlots<[UInt8]>(count: groups)
        DispatchQueue.concurrentPerform(iterations: groups) { g in
            if let blob = TraceDocument.group(docs[(g * size)..<min(docs.count, (g + 1) * size)]) { grouped.set(g, blob) }
        }
        var placed = [[UInt8]?](repeating: nil, count: docs.count)
        for g in 0..<groups { placed[g * size] = grouped.values[g] }
        return placed
    }
}

/// Whether two texts have the same UTF-8 bytes: far cheaper than `==` on Chinese text, which
/// compares canonical equivalence. Used where a false "different" costs only a lookup.
@inline(__always)
func same(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    // The bytes compared in place (`memcmp`), not through the UTF-8 view's iterator.
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
    }
}

/// Feeds a text's UTF-8 bytes to `h`, with no normalization (the counterpart of `same`).
func hashBytes(_ s: String?, _ h: inout Hasher) {
    guard var s else {
        h.combine(0 as UInt8)
        return
    }
    h.combine(1 as UInt8)
    s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
}

@inline(__always)
func same(_ a: String?, _ b: String?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case (let a?, let b?): same(a, b)
    default: false
    }
}

/// Reads a run's results back from their rows, cadre by cadre in roster order.
struct ResultReader {
    let db: Database
    let runID: Int64

    private struct ScoreItem {
        var kind: ScoreLine.Kind
        var name: String
        var citation: String?
    }

    private struct PayItem {
        var name: String
        var kind: PayLineResult.Kind
        var citation: String?
        var template: PayTrace?
    }

    /// The cadres whose `seq` lies in `seqs` (all when nil), in roster order.
    func read(detail: ResultDetail, seqs: ClosedRange<Int64>? = nil) throws -> [CadreResult] {
        let scoreItems = try Row.fetchAll(db, sql: "SELECT kind, name, citation FROM scoreItem WHERE runID = ? ORDER BY seq", arguments: [runID])
            .map { r in ScoreItem(kind: try Self.kind(r[0] as String), name: r[1], citation: r[2]) }
        let payItems = try Row.fetchAll(db, sql: "SELECT name, kind, citation, traceTemplate FROM payItem WHERE runID = ? ORDER BY seq", arguments: [runID])
            .map { r in
                PayItem(name: r[0], kind: try Self.payKind(r[1] as String), citation: r[2],
                        template: detail == .full ? try TraceDocument.decodeTemplate(Array(r[3] as Data)) : nil)
            }
        let range = seqs ?? 0...Int64.max
        let args: StatementArguments = [runID, range.lowerBound, range.upperBound]
        let cadres = try Row.fetchCursor(db, sql: """
            SELECT seq, cadreID, name, community, grid, post, level, points, tier, rank, groupSize, groupName, yearMonths, clips, lines
            FROM cadreResult WHERE runID = ? AND seq BETWEEN ? AND ? ORDER BY seq
            """, arguments: args)
        var lines = try Grouped(db, "SELECT cadreSeq, seq, item, raw, points, recordCount, reason, approvedBy, counting FROM scoreLine WHERE runID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, seq", args)
        var clips = try Grouped(db, "SELECT cadreSeq, lineSeq, scope, day, \"limit\", removed FROM scoreClip WHERE runID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, lineSeq, seq", args)
        var reasons = try Grouped(db, """
            SELECT cadreSeq, kind, tier, condition, share, places, rank, toTier, name, citation, recordFile, recordLine, recordDate,
              recordSummary, recordPoints, rule, tiedWith FROM tierReason WHERE runID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, seq
            """, args)
        var pay = try Grouped(db, "SELECT cadreSeq, item, amountFen, yearFen FROM payLine WHERE runID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, seq", args)
        var years = try Grouped(db, "SELECT cadreSeq, line, amountFen FROM yearToDate WHERE runID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, line", args)
        // A format 3 group sits in the row of its first cadre: start from the row at or
        // before the first cadre asked for.
        let traceFrom = try Int64.fetchOne(db, sql: "SELECT MAX(cadreSeq) FROM cadreTrace WHERE runID = ? AND cadreSeq <= ?",
                                           arguments: [runID, range.lowerBound]) ?? range.lowerBound
        var traces = detail == .full
            ? try TraceCursor(db, "SELECT cadreSeq, document FROM cadreTrace WHERE runID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq",
                              [runID, traceFrom, range.upperBound]) : nil

        var out: [CadreResult] = []
        // Format 2 documents cite the run's texts: all of them for a whole run, read once at
        // the first such document; for some cadres, just those cited, read after.
        var runTexts: RecordTexts? = nil
        var pending: [(at: Int, entries: [[RecordEntry]])] = []
        while let c = try cadres.next() {
            let seq: Int64 = c[0]
            var scoreLines: [ScoreLine] = []
            var payLines: [PayLineResult] = []
            var totals: [String: Money] = [:]
            var payItemOf: [Int] = []
            // Since v11 a cadre's lines are packed on its row (`LineList`); runs stored before
            // have a row each.
            if let packed = c[14] as Data? {
                do {
                    try packed.withUnsafeBytes { bytes in
                        try LineList.visit(bytes, pay: { p in
                            let item = try Self.item(payItems, p.item)
                            payItemOf.append(Int(p.item))
                            payLines.append(PayLineResult(name: item.name, kind: item.kind, amount: Money(fen: p.amountFen), citation: item.citation))
                            if let year = p.yearFen { totals[item.name] = Money(fen: year) }
                        }, score: { l in
                            let item = try Self.item(scoreItems, l.item)
                            scoreLines.append(ScoreLine(
                                kind: item.kind, name: item.name, citation: item.citation, raw: l.raw, points: l.points,
                                clips: [], recordCount: l.recordCount, reason: l.reason, approvedBy: l.approvedBy, counting: l.counting))
                        })
                    }
                } catch let e as StoreError {
                    throw e
                } catch {
                    throw StoreError.database("cadre \(c[1] as String)'s lines: \(error)")
                }
            }
            try lines.each(seq) { r in
                let item = try Self.item(scoreItems, r[2] as Int64)
                scoreLines.append(ScoreLine(
                    kind: item.kind, name: item.name, citation: item.citation, raw: try Self.fixed(r[3]), points: try Self.fixed(r[4]),
                    clips: [], recordCount: r[5], reason: r[6], approvedBy: r[7], counting: r[8]))
            }
            try clips.each(seq) { r in
                let k = Int(r[1] as Int64)
                guard k < scoreLines.count else { throw StoreError.database("a clip of a missing score line") }
                let scope: Clip.Scope
                switch r[2] as String {
                case "day":
                    guard let d = (r[3] as String?).flatMap(DateParser.parse) else { throw StoreError.database("a clip without its day") }
                    scope = .day(d)
                case "month": scope = .month
                case "floor": scope = .floor
                case "ceiling": scope = .ceiling
                case let other where other.hasPrefix("group:"): scope = .group(String(other.dropFirst(6)))
                case let other: throw StoreError.database("clip scope \(other)")
                }
                scoreLines[k].clips.append(Clip(scope: scope, limit: try Self.fixed(r[4]), removed: try Self.fixed(r[5])))
            }
            if let blob = c[13] as Data? {
                do {
                    try ClipList.decode(Array(blob), into: &scoreLines)
                } catch {
                    throw StoreError.database("cadre \(c[1] as String)'s clips: \(error)")
                }
            }
            var tierReasons: [TierReason] = []
            try reasons.each(seq) { r in tierReasons.append(try Self.reason(r)) }
            try pay.each(seq) { r in
                let item = try Self.item(payItems, r[1] as Int64)
                payItemOf.append(Int(r[1] as Int64))
                payLines.append(PayLineResult(name: item.name, kind: item.kind, amount: Money(fen: r[2]), citation: item.citation))
                if let year = r[3] as Int64? { totals[item.name] = Money(fen: year) }
            }
            try years.each(seq) { r in totals[r[1]] = Money(fen: r[2]) }
            let months: Int? = c[12]
            var result = CadreResult(
                cadreID: c[1], name: c[2], community: c[3], grid: c[4], post: c[5], level: c[6],
                score: ScoreCard(lines: scoreLines, total: try Self.fixed(c[7])),
                standing: Standing(group: c[11], rank: c[9], groupSize: c[10], tier: c[8], reasons: tierReasons),
                pay: PaySlip(lines: payLines), yearToDate: months.map { YearToDate(totals: totals, months: $0) })
            if traces != nil {
                let found = try traces!.document(seq)
                if let (document, isBody) = found {
                    let templates = payItemOf.map { payItems[$0].template }
                    do {
                        if isBody || document.first == TraceDocument.compactFormat {
                            let entries = isBody
                                ? try TraceDocument.decodeCompactBody(document, into: &result, templates: templates)
                                : try TraceDocument.decodeCompact(document, into: &result, templates: templates)
                            if seqs == nil, runTexts == nil { runTexts = try RecordTextChunk.all(db, runID: runID) }
                            if let runTexts {
                                for k in entries.indices { result.score.lines[k].records = RecordList(entries: entries[k], texts: runTexts) }
                            } else {
                                pending.append((out.count, entries))
                            }
                        } else {
                            try TraceDocument.decode(document, into: &result, templates: templates)
                        }
                    } catch let e as StoreError {
                        throw e
                    } catch {
                        throw StoreError.database("cadre \(result.cadreID)'s trace: \(error)")
                    }
                }
            }
            out.append(result)
        }
        for p in pending {
            var entries = p.entries
            let texts = try RecordTextChunk.some(db, runID: runID, entries: &entries)
            for k in entries.indices { out[p.at].score.lines[k].records = RecordList(entries: entries[k], texts: texts) }
        }
        return out
    }

    private static func item<T>(_ items: [T], _ n: Int64) throws -> T {
        guard n >= 0, n < items.count else { throw StoreError.database("item \(n) is missing") }
        return items[Int(n)]
    }

    static func fixed(_ text: String?) throws -> Fixed {
        guard let text, let f = Fixed(text) else { throw StoreError.database("not a decimal: \(text ?? "NULL")") }
        return f
    }

    static func kind(_ s: String) throws -> ScoreLine.Kind {
        guard let k = ScoreLine.Kind(rawValue: s) else { throw StoreError.database("score line kind \(s)") }
        return k
    }

    static func payKind(_ s: String) throws -> PayLineResult.Kind {
        guard let k = PayLineResult.Kind(rawValue: s) else { throw StoreError.database("pay line kind \(s)") }
        return k
    }

    static func reason(_ r: Row) throws -> TierReason {
        switch r[1] as String {
        case "threshold":
            return .threshold(tier: r[2], condition: r[3])
        case "otherwise":
            return .otherwise(tier: r[2], missed: r[7], condition: r[3])
        case "notRanked":
            return .notRanked(why: r[3], tier: r[2])
        case "withinQuota":
            return .withinQuota(tier: r[2], share: try fixed(r[4]), places: r[5], rank: r[6])
        case "quotaFull":
            return .quotaFull(tier: r[2], share: try fixed(r[4]), places: r[5], rank: r[6], to: r[7])
        case "veto":
            var record: RecordRef? = nil
            if let file = r[10] as String? {
                record = RecordRef(file: file, line: r[11], date: (r[12] as String?).flatMap(DateParser.parse), summary: r[13],
                                   points: try fixed(r[14]))
            }
            return .veto(name: r[8], citation: r[9], tier: r[2], record: record)
        case "tieBreak":
            let with = try JSONDecoder().decode([String].self, from: Data((r[16] as String? ?? "[]").utf8))
            return .tieBreak(rule: r[15], with: with)
        case "tieBreakAmong":
            let nearest = try JSONDecoder().decode([String].self, from: Data((r[16] as String? ?? "[]").utf8))
            return .tieBreakAmong(rule: r[15], nearest: nearest, tied: r[5])
        case "tooFewMonths":
            return .tooFewMonths(months: r[5], minimum: r[6], tier: r[2])
        case "monthVeto":
            let months = try JSONDecoder().decode([String].self, from: Data((r[16] as String? ?? "[]").utf8))
            return .monthVeto(name: r[8], citation: r[9], months: months.compactMap { YearMonth($0) }, tier: r[2])
        case let other:
            throw StoreError.database("tier reason \(other)")
        }
    }

    /// The documents of `cadreTrace` cadre by cadre: a cadre's own row (format 1 or 2), or its
    /// body in the format 3 group of an earlier row.
    struct TraceCursor {
        private let cursor: RowCursor
        private var current: (seq: Int64, document: [UInt8])?
        private var group: (first: Int64, bodies: [[UInt8]?])?

        init(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
            cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            current = try Self.next(cursor)
        }

        private static func next(_ cursor: RowCursor) throws -> (seq: Int64, document: [UInt8])? {
            guard let r = try cursor.next() else { return nil }
            return (r[0], Array(r[1] as Data))
        }

        /// Cadre `seq`'s document, and whether it is a body out of a group (else a whole
        /// document); cadres must be asked for in order.
        mutating func document(_ seq: Int64) throws -> (document: [UInt8], isBody: Bool)? {
            var own: [UInt8]? = nil
            while let r = current, r.seq <= seq {
                if r.document.first == TraceDocument.groupFormat {
                    group = (r.seq, try TraceDocument.ungroup(r.document))
                } else if r.seq == seq {
                    own = r.document
                }
                current = try Self.next(cursor)
            }
            if let own { return (own, false) }
            if let g = group, seq >= g.first, seq - g.first < Int64(g.bodies.count), let body = g.bodies[Int(seq - g.first)] {
                return (body, true)
            }
            return nil
        }
    }

    /// A cursor over rows keyed by cadre (`cadreSeq` first), read cadre by cadre.
    struct Grouped {
        private let cursor: RowCursor
        private var current: Row?
        init(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
            cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            current = try cursor.next()
        }

        /// Calls `body` with each row of cadre `seq`. Rows of earlier cadres (which the
        /// cadre query did not return) are skipped.
        mutating func each(_ seq: Int64, _ body: (Row) throws -> Void) throws {
            while let r = current {
                let s: Int64 = r[0]
                if s > seq { return }
                if s == seq { try body(r) }
                current = try cursor.next()
            }
        }
    }
}

/// A cadre's clips as `cadreResult.clips` holds them (since v10), in the integers of
/// `TraceDocument`:
/// ```
/// clips = format:u8(1) count clip*      clip = uint(score line) scope fixed(limit) fixed(removed)
/// scope = u8(0) zigzag(days since 1970) | u8(1) month | u8(2) floor | u8(3) ceiling | u8(4) str(group)
/// ```
enum ClipList {
    static let format: UInt8 = 1

    /// Nil when no line has a clip.
    static func encode(_ lines: [ScoreLine]) -> [UInt8]? {
        var n = 0
        for l in lines { n += l.clips.count }
        guard n > 0 else { return nil }
        var w = TraceDocument.Writer()
        w.bytes.append(format)
        w.count(n)
        for (k, l) in lines.enumerated() {
            for c in l.clips {
                w.count(k)
                switch c.scope {
                case .day(let d):
                    w.bytes.append(0)
                    w.int(Int64(d.daysSinceEpoch))
                case .month: w.bytes.append(1)
                case .floor: w.bytes.append(2)
                case .ceiling: w.bytes.append(3)
                case .group(let name):
                    w.bytes.append(4)
                    w.str(name)
                }
                w.fixed(c.limit)
                w.fixed(c.removed)
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], into lines: inout [ScoreLine]) throws(TraceDocument.DecodingError) {
        var r = TraceDocument.Reader(bytes)
        let f = try r.byte()
        guard f == format else { throw .unknownFormat(f) }
        for _ in 0..<(try r.count()) {
            let k = try r.count()
            guard k < lines.count else { throw .invalid("a clip of a missing score line") }
            let scope: Clip.Scope
            switch try r.byte() {
            case 0:
                guard let d = Int32(exactly: try r.int()) else { throw .invalid("clip day") }
                scope = .day(CivilDate(daysSinceEpoch: d))
            case 1: scope = .month
            case 2: scope = .floor
            case 3: scope = .ceiling
            case 4: scope = .group(try r.str())
            case let tag: throw .invalid("clip scope \(tag)")
            }
            let limit = try r.fixed()
            lines[k].clips.append(Clip(scope: scope, limit: limit, removed: try r.fixed()))
        }
        guard r.isAtEnd else { throw .invalid("bytes after the clips") }
    }
}
