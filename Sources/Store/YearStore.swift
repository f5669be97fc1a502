import Exact
import Foundation
import GRDB
import GRDBSQLite
import Pay
import Results

/// Year runs (年度考核) in the SQLite store: recorded as rows (migration v8-year), their
/// states, the stale flag, and the fast read of a year's stored months the annual
/// assessment starts from.
extension RunStore {
    // MARK: - Recording

    /// Records a year run as the year's draft, superseding the year's earlier draft or
    /// published run. Refuses a closed year. One transaction, audited.
    ///
    /// `numbered` is called inside the transaction as soon as the run has its number, before
    /// its rows are written: `jifen year run` starts writing the reports from the results in
    /// memory then, while the store writes the rows. The number is the run's only if this
    /// returns it (a failure rolls everything back).
    @discardableResult
    public func recordYear(_ run: NewYearRun) throws(StoreError) -> Int64 {
        try recordYear(run, numbered: nil)
    }

    @discardableResult
    public func recordYear(_ run: NewYearRun, numbered: (@Sendable (Int64) -> Void)?) throws(StoreError) -> Int64 {
        try yearWrite { db in
            let previous = try Self.currentYearRow(db, year: run.year)
            if let previous, previous.state == .closed { throw StoreError.yearClosed(year: run.year, yearRunID: previous.id) }
            let summary = YearRunSummary(run.results)
            let t = run.results.totals
            try db.execute(sql: """
                INSERT INTO yearRun (year, state, rulesHash, rulesVersion, engineVersion, createdBy, createdAt, cadreCount, grossFen,
                  deductionsFen, netFen, tierOrder, monthPayLines, summary) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.year, run.rulesHash, run.rulesVersion, run.engineVersion, run.actor, run.at, run.results.cadres.count,
                                 t.gross.fen, t.deductions.fen, t.net.fen, try Self.json(run.results.tierOrder),
                                 try Self.json(run.results.monthPayLines), try Self.json(summary)])
            let id = db.lastInsertedRowID
            numbered?(id)
            for m in run.results.months {
                try db.execute(sql: "INSERT INTO yearRunMonth (yearRunID, month, runID, closed, correctionRunID) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, m.month.description, m.runID, m.closed, m.correctionRunID])
            }
            try YearResultWriter(db, yearRunID: id).write(run.results.cadres)
            if let previous {
                try db.execute(sql: "UPDATE yearRun SET state = 'superseded', supersededBy = ? WHERE id = ?", arguments: [id, previous.id])
            }
            let months = run.results.months.map {
                "\($0.month)#\($0.runID)\($0.correctionRunID.map { "(correction run #\($0))" } ?? "")\($0.closed ? "" : "(open)")"
            }.joined(separator: " ")
            try Self.audit(db, at: run.at, actor: run.actor, action: "year-run", month: yearKey(run.year), runID: nil, reason: nil,
                           detail: "year run #\(id)" + (previous.map { "; replaces year run #\($0.id)" } ?? "") + "; months \(months)")
            return id
        }
    }

    // MARK: - States

    /// Publishes the year's draft for the annual 公示; objections are open until
    /// `objectionsUntil`. Refuses a stale year.
    public func publishYear(year: Int, actor: String, at: String, objectionsUntil: String) throws(StoreError) {
        try yearTransition(year: year, from: [.draft], to: .published, action: "year-publish", actor: actor, at: at) { db, id in
            try db.execute(sql: "UPDATE yearRun SET publishedAt = ?, objectionsUntil = ? WHERE id = ?", arguments: [at, objectionsUntil, id])
        }
    }

    /// Closes the year: its run can no longer be replaced. Refuses a stale year.
    public func closeYear(year: Int, actor: String, at: String) throws(StoreError) {
        try yearTransition(year: year, from: [.published, .draft], to: .closed, action: "year-close", actor: actor, at: at) { db, id in
            try db.execute(sql: "UPDATE yearRun SET closedAt = ? WHERE id = ?", arguments: [at, id])
        }
    }

    private func yearTransition(
        year: Int, from: [YearRunState], to: YearRunState, action: String, actor: String, at: String,
        _ update: @escaping (Database, Int64) throws -> Void
    ) throws(StoreError) {
        try yearWrite { db in
            guard let run = try Self.currentYearRow(db, year: year) else { throw StoreError.noYearRun(year: year) }
            guard from.contains(run.state) else { throw StoreError.yearWrongState(year: year, state: run.state, action: action == "year-publish" ? "发布公示" : "关账") }
            if run.stale { throw StoreError.yearStale(year: year, reason: run.staleReason ?? "") }
            // A draft that read an open month or lacked one is for looking at only: derived
            // from the months it read (each with whether it was closed then).
            let months = try Self.yearMonthsRead(db, run.id)
            let open = months.filter { !$0.closed }.map(\.month), missing = YearMonthRun.missing(from: months)
            if !open.isEmpty || !missing.isEmpty { throw StoreError.yearDraftIncomplete(year: year, open: open, missing: missing) }
            try db.execute(sql: "UPDATE yearRun SET state = ? WHERE id = ?", arguments: [to.rawValue, run.id])
            try update(db, run.id)
            try Self.audit(db, at: at, actor: actor, action: action, month: yearKey(year), runID: nil, reason: nil,
                           detail: "year run #\(run.id): \(run.state.rawValue) → \(to.rawValue)")
        }
    }

    /// Marks the year's current run (any state) stale, with the reason; audited. Nothing
    /// when the year has no year run.
    public func markYearStale(year: Int, reason: String, actor: String, at: String) throws(StoreError) {
        try yearWrite { db in try Self.markYearStale(db, year: year, reason: reason, actor: actor, at: at) }
    }

    /// Inside a month's write transaction: a change to a month of a year that has a year
    /// run makes that run stale.
    static func markYearStale(_ db: Database, year: Int, reason: String, actor: String, at: String) throws {
        guard let run = try currentYearRow(db, year: year) else { return }
        try db.execute(sql: "UPDATE yearRun SET stale = 1, staleReason = ? WHERE id = ?", arguments: [reason, run.id])
        try audit(db, at: at, actor: actor, action: "year-stale", month: yearKey(year), runID: nil, reason: reason, detail: "year run #\(run.id)")
    }

    // MARK: - Reading

    /// Every year run, newest first.
    public func yearRuns() throws(StoreError) -> [YearRunRecord] {
        try yearRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM yearRun ORDER BY id DESC").map { try Self.yearRecord($0, db) }
        }
    }

    /// The year's current (not superseded) year run.
    public func currentYearRun(year: Int) throws(StoreError) -> YearRunRecord? {
        try yearRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM yearRun WHERE year = ? AND state != 'superseded'", arguments: [year])
                .map { try Self.yearRecord($0, db) }
        }
    }

    public func yearRun(id: Int64) throws(StoreError) -> YearRunRecord {
        let r = try yearRead { db in try Row.fetchOne(db, sql: "SELECT * FROM yearRun WHERE id = ?", arguments: [id]).map { try Self.yearRecord($0, db) } }
        guard let r else { throw .database("there is no year run #\(id)") }
        return r
    }

    /// A year run's results, every cadre with their months, reasons, pay lines and traces.
    public func yearResults(yearRunID: Int64) throws(StoreError) -> YearResults {
        try yearRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT year, tierOrder, monthPayLines FROM yearRun WHERE id = ?", arguments: [yearRunID]) else {
                throw StoreError.database("there is no year run #\(yearRunID)")
            }
            let months = try Self.yearMonthsRead(db, yearRunID)
            let tierOrder = try JSONDecoder().decode([String].self, from: Data((row[1] as String).utf8))
            let payLines = try JSONDecoder().decode([MonthPayLineName].self, from: Data((row[2] as String).utf8))
            let cadres = try YearResultReader(db: db, yearRunID: yearRunID, payLines: payLines.count).read()
            let summary = try String.fetchOne(db, sql: "SELECT summary FROM yearRun WHERE id = ?", arguments: [yearRunID])
                .map { try JSONDecoder().decode(YearRunSummary.self, from: Data($0.utf8)) }
            return YearResults(year: row[0], months: months, tierOrder: tierOrder, monthPayLines: payLines, cadres: cadres,
                               paidWithPayroll: summary?.paidWithPayroll)
        }
    }

    /// One cadre's year in a year run, read without the others.
    public func yearResult(yearRunID: Int64, cadreID: String) throws(StoreError) -> CadreYearResult? {
        try yearRead { db in
            guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM yearCadre WHERE yearRunID = ? AND cadreID = ?", arguments: [yearRunID, cadreID]),
                  let payLines = try String.fetchOne(db, sql: "SELECT monthPayLines FROM yearRun WHERE id = ?", arguments: [yearRunID])
            else { return nil }
            let count = try JSONDecoder().decode([MonthPayLineName].self, from: Data(payLines.utf8)).count
            return try YearResultReader(db: db, yearRunID: yearRunID, payLines: count).read(seqs: seq...seq).first
        }
    }

    /// The annual pay lines of `year`'s closed year run by 工号 (nil: no year run, or not closed).
    public func closedYearPay(of year: Int) throws(StoreError) -> ClosedYearPay? {
        try yearRead { db in
            guard let row = try Self.currentYearRow(db, year: year), row.state == .closed else { return nil }
            var byCadre: [String: [String: Money]] = [:]
            let lines = try Row.fetchCursor(db, sql: """
                SELECT c.cadreID, l.name, l.amountFen FROM yearPayLine l JOIN yearCadre c ON c.yearRunID = l.yearRunID AND c.seq = l.cadreSeq
                WHERE l.yearRunID = ?
                """, arguments: [row.id])
            while let r = try lines.next() {
                byCadre[r[0] as String, default: [:]][r[1] as String] = Money(fen: r[2])
            }
            return ClosedYearPay(year: year, yearRunID: row.id, byCadre: byCadre)
        }
    }

    /// The audit entries of a year (its runs, states, staleness, objections).
    public func yearAuditLog(year: Int) throws(StoreError) -> [AuditEntry] {
        try yearRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE month = ? ORDER BY id", arguments: [yearKey(year)]).map { r in
                AuditEntry(id: r["id"], at: r["at"], actor: r["actor"], action: r["action"], month: r["month"], runID: r["runID"],
                           reason: r["reason"], detail: r["detail"])
            }
        }
    }

    // MARK: - The year's stored months

    /// For every month of `year` with a current run: each cadre's score, tier, rank, vetoes
    /// and the points of the score lines named `items` — from the month's latest correction
    /// run when it has one (the month as corrected), else from its current run — and the
    /// amounts of the pay lines named `payLines` (a name a month lacks counts zero) and each
    /// cadre's year to date after their last month, from the current runs (what was paid:
    /// a correction's differences are paid in a later month's run). A cadre is in a month
    /// when the run its scoring is read from has them. Reads only those columns, through
    /// SQLite's C API, months in reverse so that a cadre's year-end figures are read from
    /// their last month alone.
    public func yearMonths(year: Int, items: [String], payLines: [String]) throws(StoreError) -> StoredYearMonths {
        try yearRead { db in try YearInputQuery(db: db, year: year, items: items, payLines: payLines).read() }
    }

    // MARK: - Plumbing

    struct YearRow {
        var id: Int64
        var state: YearRunState
        var stale: Bool
        var staleReason: String?
    }

    static func currentYearRow(_ db: Database, year: Int) throws -> YearRow? {
        guard let r = try Row.fetchOne(db, sql: "SELECT id, state, stale, staleReason FROM yearRun WHERE year = ? AND state != 'superseded'",
                                       arguments: [year]) else { return nil }
        guard let state = YearRunState(rawValue: r[1]) else { throw StoreError.database("year run state \(r[1] as String)") }
        return YearRow(id: r[0], state: state, stale: r[2], staleReason: r[3])
    }

    static func yearMonthsRead(_ db: Database, _ id: Int64) throws -> [YearMonthRun] {
        try Row.fetchAll(db, sql: "SELECT month, runID, closed, correctionRunID FROM yearRunMonth WHERE yearRunID = ? ORDER BY month", arguments: [id]).map { r in
            guard let m = YearMonth(r[0] as String) else { throw StoreError.database("year month \(r[0] as String)") }
            return YearMonthRun(month: m, runID: r[1], closed: r[2], correctionRunID: r[3])
        }
    }

    static func yearRecord(_ r: Row, _ db: Database) throws -> YearRunRecord {
        let id: Int64 = r["id"]
        guard let state = YearRunState(rawValue: r["state"]) else { throw StoreError.database("year run state \(r["state"] as String)") }
        return YearRunRecord(
            id: id, year: r["year"], state: state, rulesHash: r["rulesHash"], rulesVersion: r["rulesVersion"], engineVersion: r["engineVersion"],
            createdBy: r["createdBy"], createdAt: r["createdAt"], publishedAt: r["publishedAt"], objectionsUntil: r["objectionsUntil"],
            closedAt: r["closedAt"], supersededBy: r["supersededBy"], stale: r["stale"], staleReason: r["staleReason"],
            months: try yearMonthsRead(db, id),
            summary: try JSONDecoder().decode(YearRunSummary.self, from: Data((r["summary"] as String).utf8)))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self)
    }

    func yearRead<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    func yearWrite<T>(_ body: @escaping (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.write(body)
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}

/// The traces of one cadre's year a person reads: each annual pay line's, and each bonus's
/// tax both ways, in the month's compact binary trace format (`TraceDocument`'s writer, no
/// templates):
/// ```
/// trace    = count(pay lines) trace* count(bonuses) (opt(trace) opt(trace))*
/// opt      = 0 | 1 trace                       (separate, then merged)
/// ```
/// Year runs stored before migration v9-year-chunks hold one per cadre in `yearTrace` (`document =
/// format:u8(1) trace`); later ones inside the cadre's `yearChunk`.
/// JSON took most of a province year's store stage (about 10 s of 17 at 50,000 cadres).
struct YearTraceDocument {
    var pay: [PayTrace]
    var separate: [PayTrace?]
    var merged: [PayTrace?]

    static let format: UInt8 = 1

    /// Whether there is anything a person would read (a step on a line, a bonus taxed).
    static func hasContent(_ c: CadreYearResult) -> Bool {
        c.pay.lines.contains(where: { !$0.trace.steps.isEmpty }) || !c.bonusTax.isEmpty
    }

    static func write(_ c: CadreYearResult, into w: inout TraceDocument.Writer) {
        w.count(c.pay.lines.count)
        for l in c.pay.lines { w.trace(l.trace, template: nil) }
        w.count(c.bonusTax.count)
        for b in c.bonusTax {
            for t in [b.separateTrace, b.mergedTrace] {
                if let t {
                    w.bytes.append(1)
                    w.trace(t, template: nil)
                } else {
                    w.bytes.append(0)
                }
            }
        }
    }

    static func read(_ r: inout TraceDocument.Reader) throws(TraceDocument.DecodingError) -> YearTraceDocument {
        var d = YearTraceDocument(pay: [], separate: [], merged: [])
        for _ in 0..<(try r.count()) { d.pay.append(try r.trace(template: nil)) }
        for _ in 0..<(try r.count()) {
            d.separate.append(try r.byte() == 1 ? try r.trace(template: nil) : nil)
            d.merged.append(try r.byte() == 1 ? try r.trace(template: nil) : nil)
        }
        return d
    }

    /// A document of `yearTrace` (year runs stored before migration v9-year-chunks).
    static func decode(_ bytes: [UInt8]) throws(TraceDocument.DecodingError) -> YearTraceDocument {
        var r = TraceDocument.Reader(bytes)
        let f = try r.byte()
        guard f == format else { throw .unknownFormat(f) }
        let d = try read(&r)
        guard r.isAtEnd else { throw .invalid("trailing bytes") }
        return d
    }

    /// Puts a cadre's traces into their lines and bonuses.
    func apply(to lines: inout [PayLineResult], _ bonus: inout [BonusTaxChoice], cadre: String) throws(StoreError) {
        guard pay.count == lines.count, separate.count == bonus.count, merged.count == bonus.count else {
            throw StoreError.database("cadre \(cadre)'s year trace does not match their lines")
        }
        for k in lines.indices { lines[k].trace = pay[k] }
        for k in bonus.indices {
            bonus[k].separateTrace = separate[k]
            bonus[k].mergedTrace = merged[k]
        }
    }
}

/// A year run's cadres in chunks of `size` (migration v9-year-chunks, `yearChunk`): each cadre's months
/// and traces, which only a person reading one cadre or a report of the whole year needs, in
/// one zstd frame per chunk instead of a row per cadre and month (600,000 rows at 50,000
/// cadres) and a trace row per cadre (about 2 KB each, mostly the same step texts, which a
/// chunk's strings table and zstd store once):
/// ```
/// chunk  = format:u8(1) count(cadres) cadre*
/// cadre  = count(months) month* (0 | 1 trace)       (trace: `YearTraceDocument`)
/// month  = int(year × 12 + month − 1) fixed(score) str(tier) int(rank) count str(veto)* count int(fen)*
/// ```
/// Strings are numbered across the chunk (`TraceDocument.Writer.str`), so a chunk decodes as
/// a whole; the portal's read of one cadre decodes one chunk.
struct YearChunk {
    static let format: UInt8 = 1
    static let size = 256

    struct Cadre {
        var months: [MonthOfYear]
        var trace: YearTraceDocument?
    }

    static func encode(_ cadres: ArraySlice<CadreYearResult>) -> [UInt8] {
        var w = TraceDocument.Writer()
        w.bytes.append(format)
        w.count(cadres.count)
        for c in cadres {
            w.count(c.months.count)
            for m in c.months {
                w.int(Int64(m.month.year * 12 + m.month.month - 1))
                w.fixed(m.score)
                w.str(m.tier)
                w.int(Int64(m.rank))
                w.count(m.vetoes.count)
                for v in m.vetoes { w.str(v) }
                w.count(m.pay.count)
                for p in m.pay { w.int(p.fen) }
            }
            if YearTraceDocument.hasContent(c) {
                w.bytes.append(1)
                YearTraceDocument.write(c, into: &w)
            } else {
                w.bytes.append(0)
            }
        }
        return w.bytes.withUnsafeBytes { BlobCodec.compress($0) }
    }

    static func decode(_ frame: [UInt8], payLines: Int) throws(StoreError) -> [Cadre] {
        let bytes: [UInt8]
        do {
            bytes = try frame.withUnsafeBytes { try BlobCodec.decompress($0) }
        } catch {
            throw StoreError.database("a year chunk that is not a zstd frame")
        }
        do {
            var r = TraceDocument.Reader(bytes)
            let f = try r.byte()
            guard f == format else { throw TraceDocument.DecodingError.unknownFormat(f) }
            var out: [Cadre] = []
            let n = try r.count()
            out.reserveCapacity(n)
            for _ in 0..<n {
                var months: [MonthOfYear] = []
                for _ in 0..<(try r.count()) {
                    let index = try r.int()
                    guard index >= 0, index < 12 * 10_000, let month = YearMonth(year: Int(index / 12), month: Int(index % 12) + 1) else {
                        throw TraceDocument.DecodingError.invalid("month \(index)")
                    }
                    let score = try r.fixed(), tier = try r.str(), rank = try r.int()
                    var vetoes: [String] = []
                    for _ in 0..<(try r.count()) { vetoes.append(try r.str()) }
                    var pay: [Money] = []
                    for _ in 0..<(try r.count()) { pay.append(Money(fen: try r.int())) }
                    guard pay.count == payLines else { throw StoreError.database("a year month with \(pay.count) amounts for \(payLines) pay lines") }
                    months.append(MonthOfYear(month: month, score: score, tier: tier, rank: Int(rank), vetoes: vetoes, pay: pay))
                }
                out.append(Cadre(months: months, trace: try r.byte() == 1 ? try YearTraceDocument.read(&r) : nil))
            }
            guard r.isAtEnd else { throw TraceDocument.DecodingError.invalid("trailing bytes") }
            return out
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.database("a year chunk that does not decode: \(error)")
        }
    }

    /// Every chunk of `cadres`, encoded and compressed on every core (each chunk stands alone,
    /// so the bytes are the same whatever the threads).
    static func encodeAll(_ cadres: [CadreYearResult]) -> [[UInt8]] {
        let count = (cadres.count + size - 1) / size
        var chunks = [[UInt8]](repeating: [], count: count)
        chunks.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            DispatchQueue.concurrentPerform(iterations: count) { k in
                slots[k] = encode(cadres[(k * size)..<min(cadres.count, (k + 1) * size)])
            }
        }
        return chunks
    }
}

/// Writes a year run's cadres as rows.
struct YearResultWriter {
    let db: Database
    let yearRunID: Int64

    init(_ db: Database, yearRunID: Int64) {
        self.db = db
        self.yearRunID = yearRunID
    }

    func write(_ cadres: [CadreYearResult]) throws {
        let cadreS = try db.makeStatement(sql: """
            INSERT INTO yearCadre (yearRunID, seq, cadreID, name, community, grid, post, level, monthsInPost, score, scoreText, tier, rank,
              groupSize, groupName, grossFen, deductionsFen, netFen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let reasonS = try db.makeStatement(sql: insertSQL("yearTierReason", YearTierReasonColumns.self))
        let payS = try db.makeStatement(sql: "INSERT INTO yearPayLine (yearRunID, cadreSeq, seq, name, kind, citation, amountFen) VALUES (?, ?, ?, ?, ?, ?, ?)")
        let taxS = try db.makeStatement(sql: """
            INSERT INTO yearBonusTax (yearRunID, cadreSeq, seq, line, bonusFen, separateFen, mergedFen, chosen, why) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let chunkS = try db.makeStatement(sql: "INSERT INTO yearChunk (yearRunID, firstSeq, count, document) VALUES (?, ?, ?, ?)")
        let cadre = RawStatement(db, cadreS), reason = RawStatement(db, reasonS)
        let pay = RawStatement(db, payS), tax = RawStatement(db, taxS), chunk = RawStatement(db, chunkS)
        // The months and traces are the costly part: encoded and compressed in chunks on
        // every core first, then inserted in order.
        for (k, document) in YearChunk.encodeAll(cadres).enumerated() {
            let first = k * YearChunk.size
            chunk.bind(1, yearRunID)
            chunk.bind(2, Int64(first))
            chunk.bind(3, Int64(min(cadres.count, first + YearChunk.size) - first))
            chunk.bind(4, bytes: document)
            try chunk.runRebinding()
        }
        for i in cadres.indices {
            let seq = Int64(i)
            let c = cadres[i]
            cadre.bind(1, yearRunID)
            cadre.bind(2, seq)
            cadre.bind(3, c.cadreID)
            cadre.bind(4, c.name)
            cadre.bind(5, c.community)
            cadre.bind(6, c.grid)
            cadre.bind(7, c.post)
            cadre.bind(8, Int64(c.level))
            cadre.bind(9, Int64(c.monthsInPost))
            cadre.bind(10, c.score)
            cadre.bind(11, c.scoreText)
            cadre.bind(12, c.standing.tier)
            cadre.bind(13, Int64(c.standing.rank))
            cadre.bind(14, Int64(c.standing.groupSize))
            cadre.bind(15, c.standing.group)
            cadre.bind(16, c.pay.gross.fen)
            cadre.bind(17, c.pay.deductions.fen)
            cadre.bind(18, c.pay.net.fen)
            try cadre.runRebinding()
            for (k, r) in c.standing.reasons.enumerated() {
                reason.bind(1, yearRunID)
                reason.bind(2, seq)
                reason.bind(3, Int64(k))
                ResultWriter.bindReason(reason, r)
                try reason.run()
            }
            for (k, l) in c.pay.lines.enumerated() {
                pay.bind(1, yearRunID)
                pay.bind(2, seq)
                pay.bind(3, Int64(k))
                pay.bind(4, l.name)
                pay.bind(5, l.kind.rawValue)
                pay.bind(6, l.citation)
                pay.bind(7, l.amount.fen)
                try pay.runRebinding()
            }
            for (k, b) in c.bonusTax.enumerated() {
                tax.bind(1, yearRunID)
                tax.bind(2, seq)
                tax.bind(3, Int64(k))
                tax.bind(4, b.line)
                tax.bind(5, b.bonus.fen)
                tax.bind(6, b.separate?.fen)
                tax.bind(7, b.merged?.fen)
                tax.bind(8, b.chosen.rawValue)
                tax.bind(9, b.why)
                try tax.runRebinding()
            }
        }
    }
}

/// `yearTierReason`'s columns, in the order of `tierReason`'s (so `ResultWriter.bindReason`
/// binds 4…19 the same).
enum YearTierReasonColumns: String, ColumnExpression, CaseIterable {
    case yearRunID, cadreSeq, seq, kind, tier, condition, share, places, rank, toTier, name, citation,
         recordFile, recordLine, recordDate, recordSummary, recordPoints, rule, tiedWith
}

/// Reads a year run's cadres back, in order.
struct YearResultReader {
    let db: Database
    let yearRunID: Int64
    let payLines: Int

    func read(seqs: ClosedRange<Int64>? = nil) throws -> [CadreYearResult] {
        let range = seqs ?? 0...Int64.max
        let args: StatementArguments = [yearRunID, range.lowerBound, range.upperBound]
        typealias Grouped = ResultReader.Grouped
        let cadres = try Row.fetchCursor(db, sql: """
            SELECT seq, cadreID, name, community, grid, post, level, monthsInPost, score, scoreText, tier, rank, groupSize, groupName
            FROM yearCadre WHERE yearRunID = ? AND seq BETWEEN ? AND ? ORDER BY seq
            """, arguments: args)
        // Months and traces: in chunks since migration v9-year-chunks, as rows before.
        let chunked = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM yearChunk WHERE yearRunID = ?)", arguments: [yearRunID]) ?? false
        var chunks: [Int64: YearChunk.Cadre] = [:]
        if chunked {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT firstSeq, count, document FROM yearChunk WHERE yearRunID = ? AND firstSeq <= ? AND firstSeq + count > ? ORDER BY firstSeq
                """, arguments: [yearRunID, range.upperBound, range.lowerBound])
            while let r = try rows.next() {
                let first: Int64 = r[0], count: Int64 = r[1]
                let cadres = try YearChunk.decode([UInt8](r[2] as Data), payLines: payLines)
                guard cadres.count == count else { throw StoreError.database("year run #\(yearRunID)'s chunk at \(first) holds \(cadres.count) cadres, not \(count)") }
                for (k, c) in cadres.enumerated() where range.contains(first + Int64(k)) { chunks[first + Int64(k)] = c }
            }
        }
        var months = try Grouped(db, "SELECT cadreSeq, month, score, tier, rank, vetoes, payFen FROM yearCadreMonth WHERE yearRunID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, month", args)
        var reasons = try Grouped(db, """
            SELECT cadreSeq, kind, tier, condition, share, places, rank, toTier, name, citation, recordFile, recordLine, recordDate,
              recordSummary, recordPoints, rule, tiedWith FROM yearTierReason WHERE yearRunID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, seq
            """, args)
        var pay = try Grouped(db, "SELECT cadreSeq, name, kind, citation, amountFen FROM yearPayLine WHERE yearRunID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, seq", args)
        var taxes = try Grouped(db, "SELECT cadreSeq, line, bonusFen, separateFen, mergedFen, chosen, why FROM yearBonusTax WHERE yearRunID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq, seq", args)
        var traces = try Grouped(db, "SELECT cadreSeq, document FROM yearTrace WHERE yearRunID = ? AND cadreSeq BETWEEN ? AND ? ORDER BY cadreSeq", args)
        let decoder = JSONDecoder()
        var out: [CadreYearResult] = []
        while let c = try cadres.next() {
            let seq: Int64 = c[0]
            var ms: [MonthOfYear] = []
            try months.each(seq) { r in
                guard let m = YearMonth(r[1] as String) else { throw StoreError.database("year month \(r[1] as String)") }
                let fen = (r[6] as String).split(separator: ",").map { Int64($0) ?? 0 }
                guard fen.count == payLines else { throw StoreError.database("a year month with \(fen.count) amounts for \(payLines) pay lines") }
                ms.append(MonthOfYear(month: m, score: try ResultReader.fixed(r[2]), tier: r[3], rank: r[4],
                                      vetoes: try decoder.decode([String].self, from: Data((r[5] as String).utf8)), pay: fen.map { Money(fen: $0) }))
            }
            var rs: [TierReason] = []
            try reasons.each(seq) { r in rs.append(try ResultReader.reason(r)) }
            var lines: [PayLineResult] = []
            try pay.each(seq) { r in
                lines.append(PayLineResult(name: r[1], kind: try ResultReader.payKind(r[2]), amount: Money(fen: r[4]), citation: r[3]))
            }
            var bonus: [BonusTaxChoice] = []
            try taxes.each(seq) { r in
                guard let chosen = BonusTaxChoice.Method(rawValue: r[5]) else { throw StoreError.database("bonus tax method \(r[5] as String)") }
                bonus.append(BonusTaxChoice(line: r[1], bonus: Money(fen: r[2]), separate: (r[3] as Int64?).map { Money(fen: $0) }, separateTrace: nil,
                                            merged: (r[4] as Int64?).map { Money(fen: $0) }, mergedTrace: nil, chosen: chosen, why: r[6]))
            }
            try traces.each(seq) { r in
                try YearTraceDocument.decode([UInt8](r[1] as Data)).apply(to: &lines, &bonus, cadre: c[1])
            }
            if chunked {
                guard let chunk = chunks.removeValue(forKey: seq) else { throw StoreError.database("year run #\(yearRunID) has no chunk for cadre \(c[1] as String)") }
                ms = chunk.months
                try chunk.trace?.apply(to: &lines, &bonus, cadre: c[1])
            }
            out.append(CadreYearResult(
                cadreID: c[1], name: c[2], community: c[3], grid: c[4], post: c[5], level: c[6], months: ms, monthsInPost: c[7],
                score: try (c[8] as String?).map { try ResultReader.fixed($0) }, scoreText: c[9],
                standing: Standing(group: c[13], rank: c[11], groupSize: c[12], tier: c[10], reasons: rs),
                pay: PaySlip(lines: lines), bonusTax: bonus))
        }
        return out
    }
}

/// `RunStore.yearMonths`: a year's stored months read column by column through SQLite's C
/// API (no `Row` per value): at 50,000 cadres × 12 months that is 600,000 cadre rows and
/// several million pay lines.
struct YearInputQuery {
    let db: Database
    let year: Int
    let items: [String]
    let payLines: [String]

    /// One cadre while the months are read (last month first).
    private struct Cadre {
        var id: String
        var lastMonth: Int
        var months: [StoredCadreMonth] = []
        var yearEnd: YearToDate?
    }

    /// What the first pass learns of a run read: its cadres by the run's `seq`, and the run's
    /// score and pay items by number. A month has one run read for both its scoring and its
    /// pay, or, when corrected, its latest correction run for the scoring (no pay items, no
    /// year end) and its current run for the pay (no score items).
    private struct MonthPlan: Sendable {
        var runID: Int64
        /// seq → index in `cadres`, -1 for none.
        var bySeq: [Int] = []
        /// seq → whether the cadre's year ends in this month (their last month).
        var endsHere: [Bool] = []
        var yearMonthsOf: [Int64?] = []
        var scoreItemOf: [Int: Int] = [:]
        var payItemOf: [Int: Int] = [:]
        var payItemName: [Int: String] = [:]

        func at(_ seq: Int) -> Int? {
            guard seq >= 0, seq < bySeq.count, bySeq[seq] >= 0 else { return nil }
            return seq
        }

        /// Whether the second pass reads the run's pay lines.
        var readsPay: Bool { !payItemOf.isEmpty || endsHere.contains(true) }

        mutating func place(_ seq: Int, cadre: Int, yearMonths: Int64?) {
            while bySeq.count <= seq {
                bySeq.append(-1)
                endsHere.append(false)
                yearMonthsOf.append(nil)
            }
            bySeq[seq] = cadre
            yearMonthsOf[seq] = yearMonths
        }
    }

    /// What the second pass reads of a run, by the run's `seq`.
    private struct MonthFigures: Sendable {
        /// `seq × itemCount + i`: the points of item `i`.
        var items: [Fixed]
        /// `seq × payLineCount + i`: the amount of pay line `i`.
        var pay: [Money]
        /// The year to date of the cadres whose year ends in this month.
        var yearEnd: [Int: YearToDate] = [:]
    }

    func read() throws -> StoredYearMonths {
        let first = YearMonth(year: year, month: 1)!.description, last = YearMonth(year: year, month: 12)!.description
        let runs = try Row.fetchAll(db, sql: """
            SELECT id, month, state FROM run WHERE month BETWEEN ? AND ? AND state NOT IN ('superseded', 'correction') ORDER BY month
            """, arguments: [first, last])
        // Each closed run's latest correction (corrections are made of the month's current run;
        // one made of a run since reopened and replaced no longer applies).
        var latestCorrection: [Int64: Int64] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT closedRunID, runID FROM correction WHERE month BETWEEN ? AND ? ORDER BY id", arguments: [first, last]) {
            latestCorrection[r[0]] = r[1]
        }
        var months: [YearMonthRun] = []
        var states: [RunState] = []
        for r in runs {
            guard let m = YearMonth(r[1] as String), let s = RunState(rawValue: r[2]) else { throw StoreError.database("run #\(r[0] as Int64)") }
            months.append(YearMonthRun(month: m, runID: r[0], closed: s == .closed, correctionRunID: latestCorrection[r[0]]))
            states.append(s)
        }
        var itemIndex: [String: Int] = [:]
        for (i, n) in items.enumerated() where itemIndex[n] == nil { itemIndex[n] = i }
        var payIndex: [String: Int] = [:]
        for (i, n) in payLines.enumerated() where payIndex[n] == nil { payIndex[n] = i }
        var payKinds: [PayLineResult.Kind?] = Array(repeating: nil, count: payLines.count)

        // The runs read: each month's scoring run and pay run, one plan when they are the same.
        var plans: [MonthPlan] = []
        var scoredPlan = [Int](repeating: 0, count: months.count), paidPlan = [Int](repeating: 0, count: months.count)
        func payItems(_ plan: inout MonthPlan) throws {
            for r in try Row.fetchAll(db, sql: "SELECT seq, name, kind FROM payItem WHERE runID = ?", arguments: [plan.runID]) {
                let seq: Int = r[0], name: String = r[1]
                plan.payItemName[seq] = name
                if let i = payIndex[name] {
                    plan.payItemOf[seq] = i
                    if payKinds[i] == nil { payKinds[i] = PayLineResult.Kind(rawValue: r[2]) }
                }
            }
        }

        // First pass, on this connection, months last first: each month's cadres as scored
        // (those first met end their scored year in it: their roster row is that month's),
        // scores, tiers, ranks and vetoes.
        var cadres: [Cadre] = []
        var byID: [String: Int] = [:]
        for mi in months.indices.reversed() {
            let scoredRun = months[mi].scoredRunID
            let month = months[mi].month
            var plan = MonthPlan(runID: scoredRun)
            // The run's items and pay items by number → the index asked for.
            if !items.isEmpty {
                for r in try Row.fetchAll(db, sql: "SELECT seq, name FROM scoreItem WHERE runID = ?", arguments: [scoredRun]) {
                    if let i = itemIndex[r[1] as String] { plan.scoreItemOf[r[0]] = i }
                }
            }
            let corrected = scoredRun != months[mi].runID
            if !corrected { try payItems(&plan) }
            try Self.each(db, "SELECT seq, cadreID, points, tier, rank, yearMonths FROM cadreResult WHERE runID = ? ORDER BY seq", scoredRun) { s in
                let seq = Int(sqlite3_column_int64(s, 0))
                let id = Self.text(s, 1)
                let c: Int
                if let found = byID[id] {
                    c = found
                } else {
                    c = cadres.count
                    byID[id] = c
                    cadres.append(Cadre(id: id, lastMonth: mi))
                }
                guard seq >= 0, seq < 1 << 31 else { throw StoreError.database("run #\(scoredRun): cadre number \(seq)") }
                plan.place(seq, cadre: c, yearMonths: sqlite3_column_type(s, 5) == SQLITE_NULL ? nil : sqlite3_column_int64(s, 5))
                guard let score = Fixed(Self.text(s, 2)) else { throw StoreError.database("run #\(scoredRun): a score that is not a decimal") }
                cadres[c].months.append(StoredCadreMonth(
                    month: month, score: score, tier: Self.text(s, 3), rank: Int(sqlite3_column_int64(s, 4)), vetoes: [], items: [], pay: []))
            }
            // This month's entry of cadre `c` is its last (months are appended as read).
            try Self.each(db, "SELECT cadreSeq, name FROM tierReason WHERE runID = ? AND kind = 'veto' ORDER BY cadreSeq, seq", scoredRun) { s in
                if let seq = plan.at(Int(sqlite3_column_int64(s, 0))) {
                    let c = plan.bySeq[seq]
                    cadres[c].months[cadres[c].months.count - 1].vetoes.append(Self.text(s, 1))
                }
            }
            scoredPlan[mi] = plans.count
            paidPlan[mi] = plans.count
            plans.append(plan)
            if corrected {
                var paid = MonthPlan(runID: months[mi].runID)
                try payItems(&paid)
                paidPlan[mi] = plans.count
                plans.append(paid)
            }
        }
        // A corrected month's current run: its cadres as scored (a cadre the correction took
        // out has no month there; one it added has no pay), once every cadre is known.
        for mi in months.indices.reversed() where paidPlan[mi] != scoredPlan[mi] {
            var plan = plans[paidPlan[mi]]
            try Self.each(db, "SELECT seq, cadreID, yearMonths FROM cadreResult WHERE runID = ? ORDER BY seq", plan.runID) { s in
                let seq = Int(sqlite3_column_int64(s, 0))
                guard seq >= 0, seq < 1 << 31 else { throw StoreError.database("run #\(plan.runID): cadre number \(seq)") }
                plan.place(seq, cadre: byID[Self.text(s, 1)] ?? -1, yearMonths: sqlite3_column_type(s, 2) == SQLITE_NULL ? nil : sqlite3_column_int64(s, 2))
            }
            plans[paidPlan[mi]] = plan
        }
        // Each cadre's year to date is the one after the last current run that paid them.
        var paidSeen = [Bool](repeating: false, count: cadres.count)
        for mi in months.indices.reversed() {
            let p = paidPlan[mi]
            for seq in plans[p].bySeq.indices where plans[p].bySeq[seq] >= 0 && !paidSeen[plans[p].bySeq[seq]] {
                paidSeen[plans[p].bySeq[seq]] = true
                plans[p].endsHere[seq] = true
            }
        }

        // Second pass, on every core (a connection each): each run's score lines, pay lines
        // and year to date — most of the rows (a pay line per cadre, line and month).
        let figures = try Self.figures(db, plans: plans, items: items.count, payLines: payLines.count)
        // Months were read last first: a cadre's k-th month from the end is months[mi] for the
        // k-th month (from the end) that has them as scored.
        var seen = [Int](repeating: 0, count: cadres.count)
        var entryMonth = [Int](repeating: -1, count: cadres.count), entry = [Int](repeating: 0, count: cadres.count)
        let unpaid = [Money](repeating: .zero, count: payLines.count)
        for mi in months.indices.reversed() {
            let sp = plans[scoredPlan[mi]], sf = figures[scoredPlan[mi]]
            for seq in sp.bySeq.indices where sp.bySeq[seq] >= 0 {
                let c = sp.bySeq[seq]
                let k = seen[c]
                seen[c] += 1
                entryMonth[c] = mi
                entry[c] = k
                cadres[c].months[k].items = Array(sf.items[(seq * items.count)..<((seq + 1) * items.count)])
                cadres[c].months[k].pay = unpaid
            }
            let pp = plans[paidPlan[mi]], pf = figures[paidPlan[mi]]
            for seq in pp.bySeq.indices where pp.bySeq[seq] >= 0 {
                let c = pp.bySeq[seq]
                if entryMonth[c] == mi { cadres[c].months[entry[c]].pay = Array(pf.pay[(seq * payLines.count)..<((seq + 1) * payLines.count)]) }
                if pp.endsHere[seq] { cadres[c].yearEnd = pf.yearEnd[seq] }
            }
        }
        var out: [StoredCadreYear] = []
        out.reserveCapacity(cadres.count)
        for c in cadres {
            out.append(StoredCadreYear(cadreID: c.id, lastMonth: c.lastMonth, months: c.months.reversed(), yearEnd: c.yearEnd))
        }
        out.sort { $0.cadreID.utf8.lexicographicallyPrecedes($1.cadreID.utf8) }
        let kinds = payKinds.map { $0 ?? .earning }
        return StoredYearMonths(
            year: year, months: months, states: states, itemNames: items,
            payLines: payLines.indices.map { MonthPayLineName(name: payLines[$0], kind: kinds[$0]) }, cadres: out)
    }

    /// The second pass over every month: on a read-only connection of its own per month, two
    /// months at a time (the store's lock keeps writers out, so every connection reads the
    /// same store), or on `db`'s connection when the store has no file to open again.
    private static func figures(_ db: Database, plans: [MonthPlan], items: Int, payLines: Int) throws -> [MonthFigures] {
        guard let main = db.sqliteConnection else { throw StoreError.database("the store is closed") }
        let path = sqlite3_db_filename(main, "main").map { String(cString: $0) } ?? ""
        if path.isEmpty || plans.count < 2 {
            return try plans.map { try figures(main, $0, items: items, payLines: payLines) }
        }
        var results = [Result<MonthFigures, Error>?](repeating: nil, count: plans.count)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            DispatchQueue.concurrentPerform(iterations: plans.count) { mi in
                slots[mi] = Result {
                    var connection: OpaquePointer?
                    defer { sqlite3_close_v2(connection) }
                    guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let connection else {
                        throw StoreError.database("cannot open \(path) again to read the months: " + (connection.map { String(cString: sqlite3_errmsg($0)) } ?? ""))
                    }
                    sqlite3_busy_timeout(connection, 10_000)
                    return try figures(connection, plans[mi], items: items, payLines: payLines)
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    private static func figures(_ connection: OpaquePointer, _ plan: MonthPlan, items: Int, payLines: Int) throws -> MonthFigures {
        let runID = plan.runID
        var f = MonthFigures(items: Array(repeating: .zero, count: plan.bySeq.count * items),
                             pay: Array(repeating: .zero, count: plan.bySeq.count * payLines))
        // Since v11 a cadre's lines are packed on its row (`LineList`): a value per cadre
        // rather than a row per line. Runs stored before have rows (and `lines` NULL), read
        // below; a run has one or the other.
        var packedRuns = false
        try each(connection, "SELECT seq, lines FROM cadreResult WHERE runID = ? AND lines IS NOT NULL", runID) { s in
            packedRuns = true
            guard let seq = plan.at(Int(sqlite3_column_int64(s, 0))) else { return }
            let n = Int(sqlite3_column_bytes(s, 1))
            let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(s, 1), count: n)
            let ends = plan.endsHere[seq], ym = plan.yearMonthsOf[seq]
            do {
                try LineList.visit(bytes, pay: { p in
                    let item = Int(p.item)
                    if let i = plan.payItemOf[item] { f.pay[seq * payLines + i] = f.pay[seq * payLines + i] + Money(fen: p.amountFen) }
                    if ends, let ym, let year = p.yearFen, let name = plan.payItemName[item] {
                        if f.yearEnd[seq] == nil { f.yearEnd[seq] = YearToDate(totals: [:], months: Int(ym)) }
                        if f.yearEnd[seq]!.totals[name] == nil { f.yearEnd[seq]!.totals[name] = Money(fen: year) }
                    }
                }, score: plan.scoreItemOf.isEmpty ? nil : { l in
                    if let i = plan.scoreItemOf[Int(l.item)] { f.items[seq * items + i] = f.items[seq * items + i] + l.points }
                })
            } catch let e as StoreError {
                throw e
            } catch {
                throw StoreError.database("run #\(runID): cadre \(seq)'s lines: \(error)")
            }
        }
        if !plan.scoreItemOf.isEmpty && !packedRuns {
            try each(connection, "SELECT cadreSeq, item, points FROM scoreLine WHERE runID = ?", runID) { s in
                guard let i = plan.scoreItemOf[Int(sqlite3_column_int64(s, 1))], let seq = plan.at(Int(sqlite3_column_int64(s, 0))) else { return }
                guard let p = Fixed(text(s, 2)) else { throw StoreError.database("run #\(runID): points that are not a decimal") }
                f.items[seq * items + i] = f.items[seq * items + i] + p
            }
        }
        // Pay lines: the amounts asked for, and the year to date of cadres whose year ends
        // in this month.
        if !packedRuns && plan.readsPay {
            try each(connection, "SELECT cadreSeq, item, amountFen, yearFen FROM payLine WHERE runID = ?", runID) { s in
                guard let seq = plan.at(Int(sqlite3_column_int64(s, 0))) else { return }
                let item = Int(sqlite3_column_int64(s, 1))
                if let i = plan.payItemOf[item] {
                    f.pay[seq * payLines + i] = f.pay[seq * payLines + i] + Money(fen: sqlite3_column_int64(s, 2))
                }
                if plan.endsHere[seq], let ym = plan.yearMonthsOf[seq], sqlite3_column_type(s, 3) != SQLITE_NULL, let name = plan.payItemName[item] {
                    if f.yearEnd[seq] == nil { f.yearEnd[seq] = YearToDate(totals: [:], months: Int(ym)) }
                    if f.yearEnd[seq]!.totals[name] == nil { f.yearEnd[seq]!.totals[name] = Money(fen: sqlite3_column_int64(s, 3)) }
                }
            }
        }
        try each(connection, "SELECT cadreSeq, line, amountFen FROM yearToDate WHERE runID = ?", runID) { s in
            guard let seq = plan.at(Int(sqlite3_column_int64(s, 0))), plan.endsHere[seq], let ym = plan.yearMonthsOf[seq] else { return }
            if f.yearEnd[seq] == nil { f.yearEnd[seq] = YearToDate(totals: [:], months: Int(ym)) }
            f.yearEnd[seq]!.totals[text(s, 1)] = Money(fen: sqlite3_column_int64(s, 2))
        }
        for seq in plan.endsHere.indices where plan.endsHere[seq] {
            if plan.bySeq[seq] >= 0, f.yearEnd[seq] == nil, let ym = plan.yearMonthsOf[seq] { f.yearEnd[seq] = YearToDate(totals: [:], months: Int(ym)) }
        }
        return f
    }

    /// `each` on a connection of its own.
    static func each(_ connection: OpaquePointer, _ sql: String, _ runID: Int64, _ body: (OpaquePointer) throws -> Void) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let s = statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(connection)), message: String(cString: sqlite3_errmsg(connection)))
        }
        defer { sqlite3_finalize(s) }
        sqlite3_bind_int64(s, 1, runID)
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection))) }
            try body(s)
        }
    }

    /// Steps `sql` (one parameter: the run id) and calls `body` with the statement at each row.
    static func each(_ db: Database, _ sql: String, _ runID: Int64, _ body: (OpaquePointer) throws -> Void) throws {
        guard let connection = db.sqliteConnection else { throw StoreError.database("the store is closed") }
        try each(connection, sql, runID, body)
    }

    @inline(__always)
    static func text(_ s: OpaquePointer, _ column: Int32) -> String {
        guard let p = sqlite3_column_text(s, column) else { return "" }
        let n = Int(sqlite3_column_bytes(s, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}
