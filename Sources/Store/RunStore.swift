import Exact
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import GRDB
import GRDBSQLite
import Results

/// The embedded SQLite store: every run of every month, its inputs by content, its results,
/// its rejected rows, and the audit log.
///
/// ```swift
/// let store = try RunStore(path: "store/jifen.sqlite")
/// let id = try store.record(newRun)           // one transaction: all or nothing
/// try store.publish(month: m, actor: "张科长", at: now, objectionsUntil: "2021-01-08")
/// ```
public final class RunStore: Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating and migrating when needed) the store at `path`.
    public init(path: String) throws(StoreError) {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // A rollback journal, not WAL: a run appends up to a gigabyte of input copies,
            // which WAL would write twice (to the log, then to the database).
            // 16 KB pages (SQLite's default is 4 KB) for a new store: a run writes a gigabyte of
            // input copies and 16 KB of JSON per cadre, and each page is one write call. Four
            // times fewer calls took the store stage of a 50,000-cadre run from 3.7 to 2.5 s.
            // Only a new, empty file takes it; an existing store keeps its page size.
            try db.execute(sql: "PRAGMA page_size = 16384")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try StoreMigrations.migrator.migrate(queue)
        } catch {
            throw .cannotOpen(path: path, reason: String(describing: error))
        }
    }

    static let chunkSize = 4 << 20

    // MARK: - Recording a run

    /// Records a run as the month's draft, superseding the month's earlier draft or published
    /// run, copying the inputs by content. Refuses a closed month. One transaction.
    @discardableResult
    public func record(_ run: NewRun) throws(StoreError) -> Int64 {
        // The pure work starts before the write transaction, on the other cores: hashing the
        // inputs not hashed yet, and encoding the results' JSON a few slices ahead.
        let hashes: [(String, Int)]
        do {
            hashes = try Self.hashInputs(run)
        } catch {
            throw .database(String(describing: error))
        }
        let pipeline = ResultPipeline(run.results.cadres)
        do {
            return try queue.write { db -> Int64 in
                let month = run.month.description
                let previous = try Row.fetchOne(db, sql: "SELECT id, state FROM run WHERE month = ? AND state != 'superseded'", arguments: [month])
                if let previous, previous["state"] as String == RunState.closed.rawValue {
                    throw StoreError.monthClosed(run.month, runID: previous["id"])
                }
                let summary = try JSONEncoder.sorted.encode(run.summary)
                try db.execute(sql: """
                    INSERT INTO run (month, state, rulesHash, rulesVersion, engineVersion, createdBy, createdAt,
                      cadreCount, rowsUsed, rowsIgnored, rowsRejected, pointsTotal, grossFen, deductionsFen, netFen, summary)
                    VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        month, run.rulesHash, run.rulesVersion, run.engineVersion, run.actor, run.at,
                        run.summary.cadres, run.summary.rowsUsed, run.summary.rowsIgnored, run.summary.rowsRejected,
                        run.summary.pointsTotal.description, run.summary.gross.fen, run.summary.deductions.fen,
                        run.summary.net.fen, summary,
                    ])
                let id = db.lastInsertedRowID
                if let previous {
                    let previousID: Int64 = previous["id"]
                    try db.execute(sql: "UPDATE run SET state = 'superseded', supersededBy = ? WHERE id = ?", arguments: [id, previousID])
                }
                for (input, (sha, size)) in zip(run.inputs, hashes) {
                    try Self.storeBlob(db, path: input.path, sha256: sha, size: size)
                    try db.execute(sql: "INSERT INTO runInput (runID, role, name, sha256, byteCount) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [id, input.role.rawValue, input.name, sha, size])
                }
                try Self.insertResults(db, runID: id, run.results.cadres, pipeline)
                let reject = try db.makeStatement(sql: "INSERT INTO rejectedRow (runID, file, line, codes, reasons, cells) VALUES (?, ?, ?, ?, ?, ?)")
                for r in run.rejected {
                    try reject.execute(arguments: [id, r.file, r.line, r.codes.joined(separator: " "), r.reasons.joined(separator: "\n"), r.cells.joined(separator: "\u{1F}")])
                }
                try Self.linkAdjustments(db, runID: id, run.adjustmentLines)
                let detail = previous.map { "replaces run #\($0["id"] as Int64)" }
                try Self.audit(db, at: run.at, actor: run.actor, action: "run", month: month, runID: id, reason: nil, detail: detail)
                return id
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// Inserts each cadre's row, its JSON taken from `pipeline` as it comes.
    static func insertResults(_ db: Database, runID: Int64, _ cadres: [CadreResult], _ pipeline: ResultPipeline) throws {
        let insert = try db.makeStatement(sql: """
            INSERT INTO cadreResult (runID, cadreID, seq, name, community, post, level, points, tier, rank, groupSize,
              grossFen, deductionsFen, netFen, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let raw = RawStatement(db, insert)
        while let parts = pipeline.next() {
            for (lo, json) in parts {
                for i in 0..<json.count {
                    let c = cadres[lo + i]
                    raw.bind(1, runID)
                    raw.bind(2, c.cadreID)
                    raw.bind(3, Int64(lo + i))
                    raw.bind(4, c.name)
                    raw.bind(5, c.community)
                    raw.bind(6, c.post)
                    raw.bind(7, Int64(c.level))
                    raw.bind(8, c.score.total.description)
                    raw.bind(9, c.standing.tier)
                    raw.bind(10, Int64(c.standing.rank))
                    raw.bind(11, Int64(c.standing.groupSize))
                    raw.bind(12, c.pay.gross.fen)
                    raw.bind(13, c.pay.deductions.fen)
                    raw.bind(14, c.pay.net.fen)
                    try json.withResult(i) { bytes in
                        raw.bindStatic(15, bytes)
                        try raw.run()
                    }
                }
            }
        }
    }

    /// The inputs' SHA-256 and sizes (those not already known), hashed on every core.
    static func hashInputs(_ run: NewRun) throws -> [(String, Int)] {
        let hashed = ConcurrentSlots<(String, Int)>(count: run.inputs.count)
        let failure = ConcurrentSlots<String>(count: 1)
        DispatchQueue.concurrentPerform(iterations: run.inputs.count) { i in
            if let known = run.knownHashes[run.inputs[i].path] {
                hashed.set(i, (known.sha256, known.size))
                return
            }
            do {
                hashed.set(i, try hashFile(run.inputs[i].path))
            } catch {
                failure.set(0, String(describing: error))
            }
        }
        if let message = failure.values[0] { throw StoreError.database(message) }
        return hashed.values.map { $0 ?? ("", 0) }
    }

    /// SHA-256 and size of a file, read in chunks so memory stays flat. Plain POSIX reads:
    /// this runs on another thread while the readers open files, and a file handle that
    /// closes its descriptor twice could close one of theirs.
    public static func hashFile(_ path: String) throws -> (String, Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.database("cannot read \(path)") }
        defer { Glibc.close(fd) }
        var hasher = SHA256()
        var size = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, chunkSize)
            if n < 0 { throw StoreError.database("cannot read \(path)") }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += n
        }
        return (hasher.finalizeHex(), size)
    }

    /// Copies a file into the content-addressed blob tables, once per content: read into one
    /// buffer, reused, and bound without copying.
    static func storeBlob(_ db: Database, path: String, sha256 sha: String, size: Int) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM blob WHERE sha256 = ?", arguments: [sha]) == true { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.database("cannot read \(path)") }
        defer { Glibc.close(fd) }
        try db.execute(sql: "INSERT INTO blob (sha256, byteCount) VALUES (?, ?)", arguments: [sha, size])
        let insert = try db.makeStatement(sql: "INSERT INTO blobChunk (sha256, seq, content) VALUES (?, ?, ?)")
        let raw = RawStatement(db, insert)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var seq: Int64 = 0
        while true {
            // A chunk is full unless the file ends: short reads are topped up.
            var n = 0
            while n < chunkSize {
                let got = Glibc.read(fd, buffer.baseAddress! + n, chunkSize - n)
                if got < 0 { throw StoreError.database("cannot read \(path)") }
                if got == 0 { break }
                n += got
            }
            if n == 0 { break }
            raw.bind(1, sha)
            raw.bind(2, seq)
            raw.bindStatic(3, UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            try raw.run()
            seq += 1
            if n < chunkSize { break }
        }
    }

    /// Writes a stored input back out, byte for byte (to reproduce or explain an old run).
    public func exportBlob(sha256: String, to path: String) throws(StoreError) {
        do {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let out = FileHandle(forWritingAtPath: path) else { throw StoreError.database("cannot write \(path)") }
            defer { try? out.close() }
            try queue.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT content FROM blobChunk WHERE sha256 = ? ORDER BY seq", arguments: [sha256])
                while let row = try rows.next() { out.write(row["content"] as Data) }
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }

    // MARK: - States

    /// Publishes the month's draft for 公示; objections are open until `objectionsUntil`.
    public func publish(month: YearMonth, actor: String, at: String, objectionsUntil: String) throws(StoreError) {
        try transition(month: month, from: [.draft], to: .published, action: "publish", actorAndTime: (actor, at), reason: nil) { db, id in
            try db.execute(sql: "UPDATE run SET publishedAt = ?, objectionsUntil = ? WHERE id = ?", arguments: [at, objectionsUntil, id])
        }
    }

    /// Closes the month: its run can no longer be re-run or changed. Refused while an
    /// accepted objection's adjustment is not in the run yet: closing then would drop it.
    public func close(month: YearMonth, actor: String, at: String) throws(StoreError) {
        try transition(month: month, from: [.published, .draft], to: .closed, action: "close", actorAndTime: (actor, at), reason: nil) { db, id in
            let pending = try Self.pendingAdjustments(db, month: month, runID: id)
            if pending > 0 { throw StoreError.pendingAdjustments(month, count: pending) }
            try db.execute(sql: "UPDATE run SET closedAt = ? WHERE id = ?", arguments: [at, id])
        }
    }

    /// Reopens a closed month as a draft; the audit log keeps who, when and why.
    public func reopen(month: YearMonth, actor: String, at: String, reason: String) throws(StoreError) {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired }
        try transition(month: month, from: [.closed], to: .draft, action: "reopen", actorAndTime: (actor, at), reason: reason) { db, id in
            try db.execute(sql: "UPDATE run SET closedAt = NULL, publishedAt = NULL, objectionsUntil = NULL WHERE id = ?", arguments: [id])
        }
    }

    private func transition(
        month: YearMonth, from: [RunState], to: RunState, action: String, actorAndTime: (String, String), reason: String?,
        _ update: @escaping (Database, Int64) throws -> Void
    ) throws(StoreError) {
        do {
            try queue.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT id, state FROM run WHERE month = ? AND state != 'superseded'", arguments: [month.description]) else {
                    throw StoreError.noRun(month)
                }
                let id: Int64 = row["id"]
                let state = RunState(rawValue: row["state"]) ?? .draft
                guard from.contains(state) else { throw StoreError.wrongState(month, state: state, action: action) }
                try db.execute(sql: "UPDATE run SET state = ? WHERE id = ?", arguments: [to.rawValue, id])
                try update(db, id)
                try Self.audit(db, at: actorAndTime.1, actor: actorAndTime.0, action: action, month: month.description, runID: id, reason: reason, detail: "\(state.rawValue) → \(to.rawValue)")
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }

    static func audit(_ db: Database, at: String, actor: String, action: String, month: String?, runID: Int64?, reason: String?, detail: String?) throws {
        try db.execute(sql: "INSERT INTO audit (at, actor, action, month, runID, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [at, actor, action, month, runID, reason, detail])
    }

    /// Records an event that changes nothing else (a view of someone's data, a login).
    public func audit(at: String, actor: String, action: String, month: YearMonth? = nil, runID: Int64? = nil, reason: String? = nil, detail: String? = nil) throws(StoreError) {
        do {
            try queue.write { db in try Self.audit(db, at: at, actor: actor, action: action, month: month?.description, runID: runID, reason: reason, detail: detail) }
        } catch {
            throw .database(String(describing: error))
        }
    }

    // MARK: - Reading

    /// Every run, newest first.
    public func runs() throws(StoreError) -> [RunRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC").map { try Self.runRecord($0, db) } }
    }

    /// The month's current (not superseded) run.
    public func currentRun(month: YearMonth) throws(StoreError) -> RunRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM run WHERE month = ? AND state != 'superseded'", arguments: [month.description])
                .map { try Self.runRecord($0, db) }
        }
    }

    public func run(id: Int64) throws(StoreError) -> RunRecord {
        let r = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map { try Self.runRecord($0, db) } }
        guard let r else { throw .runNotFound(id) }
        return r
    }

    /// A run's results, in roster order.
    public func results(runID: Int64) throws(StoreError) -> MonthResults {
        let run = try run(id: runID)
        let cadres = try read { db in
            try Data.fetchAll(db, sql: "SELECT detail FROM cadreResult WHERE runID = ? ORDER BY seq", arguments: [runID])
                .map { try JSONDecoder().decode(CadreResult.self, from: $0) }
        }
        return MonthResults(month: run.month, cadres: cadres)
    }

    /// One cadre's result in a run, read without loading the others.
    public func result(runID: Int64, cadreID: String) throws(StoreError) -> CadreResult? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT detail FROM cadreResult WHERE runID = ? AND cadreID = ?", arguments: [runID, cadreID])
                .map { try JSONDecoder().decode(CadreResult.self, from: $0) }
        }
    }

    public func rejectedRows(runID: Int64) throws(StoreError) -> [StoredRejectedRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rejectedRow WHERE runID = ? ORDER BY rowid", arguments: [runID]).map { r in
                StoredRejectedRow(
                    file: r["file"], line: r["line"], codes: (r["codes"] as String).split(separator: " ").map(String.init),
                    reasons: (r["reasons"] as String).split(separator: "\n").map(String.init),
                    cells: (r["cells"] as String).split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
            }
        }
    }

    public func auditLog(month: YearMonth? = nil) throws(StoreError) -> [AuditEntry] {
        try read { db in
            let rows = month == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id")
                : try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE month = ? ORDER BY id", arguments: [month!.description])
            return rows.map { r in
                AuditEntry(id: r["id"], at: r["at"], actor: r["actor"], action: r["action"], month: r["month"], runID: r["runID"], reason: r["reason"], detail: r["detail"])
            }
        }
    }

    // MARK: - Year to date

    /// The year-to-date figures each cadre ended the previous month with, from this year's
    /// earlier runs. Refuses when an earlier month of the year between the first one run and
    /// this one has no run (unless there is no earlier run at all: the first month, which
    /// may bring opening balances).
    public func yearToDate(before month: YearMonth) throws(StoreError) -> [String: YearToDate] {
        let earlier = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, month FROM run WHERE state != 'superseded' AND month >= ? AND month < ? ORDER BY month",
                             arguments: [YearMonth(year: month.year, month: 1)!.description, month.description])
                .map { (id: $0["id"] as Int64, month: YearMonth($0["month"] as String)!) }
        }
        guard let first = earlier.first else { return [:] }
        var expected = first.month
        var missing: [YearMonth] = []
        var present = Set(earlier.map(\.month))
        while expected < month {
            if !present.contains(expected) { missing.append(expected) }
            present.remove(expected)
            expected = expected.next
        }
        if !missing.isEmpty { throw .missingEarlierMonths(month, missing: missing) }
        let last = earlier.last!
        let results = try results(runID: last.id)
        var out: [String: YearToDate] = [:]
        for c in results.cadres { if let y = c.yearToDate { out[c.cadreID] = y } }
        return out
    }

    private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }

    static func runRecord(_ r: Row, _ db: Database) throws -> RunRecord {
        let id: Int64 = r["id"]
        let inputs = try Row.fetchAll(db, sql: "SELECT name, role, sha256, byteCount FROM runInput WHERE runID = ? ORDER BY role, name", arguments: [id])
            .map { (name: $0["name"] as String, role: $0["role"] as String, sha256: $0["sha256"] as String, byteCount: $0["byteCount"] as Int) }
        return RunRecord(
            id: id, month: YearMonth(r["month"] as String)!, state: RunState(rawValue: r["state"]) ?? .draft,
            rulesHash: r["rulesHash"], rulesVersion: r["rulesVersion"], engineVersion: r["engineVersion"],
            createdBy: r["createdBy"], createdAt: r["createdAt"], publishedAt: r["publishedAt"],
            objectionsUntil: r["objectionsUntil"], closedAt: r["closedAt"], supersededBy: r["supersededBy"],
            summary: try JSONDecoder().decode(RunSummary.self, from: r["summary"] as Data), inputs: inputs)
    }
}

extension JSONEncoder {
    /// Sorted keys: the same value always encodes to the same bytes.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// Slots written by concurrent tasks, each task its own index.
final class ConcurrentSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [T?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ v: T) {
        lock.lock()
        values[i] = v
        lock.unlock()
    }
}
