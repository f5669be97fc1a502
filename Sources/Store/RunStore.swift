import Exact
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import GRDB
import GRDBSQLite
import Results

/// The embedded SQLite store (the one `RunStoring` engine): every run of every month, its
/// inputs by content (zstd-compressed chunks), its results as rows with each cadre's trace
/// as a document, its rejected rows, and the audit log. Schema: `StoreMigrations`.
///
/// ```swift
/// let store = try RunStore(path: "store/jifen.sqlite")
/// let id = try store.record(newRun)           // one transaction: all or nothing
/// try store.publish(month: m, actor: "张科长", at: now, objectionsUntil: "2021-01-08")
/// ```
public final class RunStore: RunStoring {
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating and migrating when needed) the store at `path`.
    /// Opens the store at `path`, creating it (and its folder) when `creating` and it is
    /// missing. Commands that only read runs pass `creating: false`: a store that does not
    /// exist is then `StoreError.noStore` (S0017), not an empty store made at a mistyped path.
    public init(path: String, creating: Bool = true) throws(StoreError) {
        if !creating, !FileManager.default.fileExists(atPath: path) { throw .noStore(path: path) }
        if StoreError.isFolder(path) { throw .isFolder(path: path) }
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // A rollback journal, not WAL: a run appends up to a gigabyte of input copies,
            // which WAL would write twice (to the log, then to the database).
            // 16 KB pages (SQLite's default is 4 KB) for a new store: a run writes a gigabyte of
            // input copies, and each page is one write call. Four times fewer calls took the
            // store stage of a 50,000-cadre run (then with its results as JSON) from 3.7 to 2.5 s.
            // Only a new, empty file takes it; an existing store keeps its page size.
            try db.execute(sql: "PRAGMA page_size = 16384")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try StoreMigrations.migrator.migrate(queue)
        } catch {
            throw StoreError.from(error, path: path) { .cannotOpen(path: path, reason: $0) }
        }
    }

    static let chunkSize = 4 << 20

    // MARK: - Recording a run

    public func ingest(paths: [String]) -> InputIngest {
        // What a batch that died left behind (inputs of no run) goes first; only batches,
        // under the run lock, copy inputs in.
        try? queue.write { db in
            try db.execute(sql: "DELETE FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM runInput)")
        }
        return InputIngest(paths: paths, copy: { [self] path in try copyIn(path) }, remove: { [self] shas in
            try? queue.write { db in
                for sha in shas where try RunInputRow.filter(RunInputRow.Columns.sha256 == sha).fetchCount(db) == 0 {
                    try BlobRow.deleteOne(db, key: sha)
                }
            }
        })
    }

    /// Hashes a file and, when the store does not hold its content yet, copies it in
    /// (compressed off the database queue, inserted in one short transaction).
    func copyIn(_ path: String) throws -> (sha256: String, size: Int, added: Bool) {
        let (sha, size) = try Self.hashFile(path)
        if try queue.read({ db in try BlobRow.exists(db, key: sha) }) { return (sha, size, false) }
        let chunks = try Self.compressedChunks(path, size: size)
        let added = try queue.write { db -> Bool in
            if try BlobRow.exists(db, key: sha) { return false }
            try Self.insertBlob(db, sha256: sha, size: size, chunks: chunks)
            return true
        }
        return (sha, size, added)
    }

    public func reserveRun(month: YearMonth, inputs: [InputFile], ingest: InputIngest?) throws(StoreError) -> RunReservation {
        let known = ingest?.wait() ?? [:]
        var stored: [StoredInput] = []
        var paths: [String: InputFile] = [:]
        do {
            for input in inputs {
                let (sha, size): (String, Int)
                if let bytes = input.bytes {
                    (sha, size) = Self.hash(bytes)
                } else {
                    (sha, size) = try known[input.path].map { ($0.sha256, $0.size) } ?? Self.hashFile(input.path)
                }
                stored.append(StoredInput(name: input.name, role: input.role.rawValue, sha256: sha, byteCount: size))
                paths[sha] = input
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
        stored.sort(by: StoredInput.listingOrder)
        let id = try read { db in try Self.nextRunID(db) }
        return RunReservation(id: id, month: month, inputs: stored, paths: paths, ingest: ingest)
    }

    /// The id the next run gets: ids come from `AUTOINCREMENT`, whose counter is part of the
    /// database and rolls back with a failed run.
    static func nextRunID(_ db: Database) throws -> Int64 {
        let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'run'") ?? 0
        let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM run") ?? 0
        return max(seq, maxID) + 1
    }

    @discardableResult
    public func record(_ run: NewRun, as reservation: RunReservation) throws(StoreError) -> Int64 {
        try write(reservation) { db in
            let previous = try RunRow.current(month: run.month).fetchOne(db)
            if let previous, previous.state == .closed { throw StoreError.monthClosed(run.month, runID: previous.id) }
            let id = try Self.insertRun(db, run, as: reservation, state: .draft)
            if let previous {
                try RunRow.filter(key: previous.id).updateAll(db, RunRow.Columns.state.set(to: RunState.superseded),
                                                               RunRow.Columns.supersededBy.set(to: id))
            }
            try Self.linkAdjustments(db, runID: id, run.adjustmentLines)
            try Self.linkCorrections(db, runID: id, run.correctionIDs)
            let detail = previous.map { "replaces run #\($0.id)" }
            try Self.audit(db, at: run.at, actor: run.actor, action: "run", month: run.month.description, runID: id, reason: nil, detail: detail)
            try Self.markYearStale(db, year: run.month.year, reason: "\(run.month.chineseDescription)在年度运行之后\(previous == nil ? "" : "重新")运行（运行 #\(id)）",
                                   actor: run.actor, at: run.at)
            try Self.chainYearToDate(db, runID: id, month: run.month)
            // A re-run whose year to date is the run's it replaces, cadre by cadre, changes
            // nothing the later months carried (points or a tier alone may have changed).
            let unchanged = try previous.map { try Self.yearToDate(db, ofRun: $0.id) == Self.yearToDate(db, ofRun: id) } ?? false
            if !unchanged {
                try Self.markLaterMonthsStale(db, month: run.month, runID: id, rerun: previous != nil, actor: run.actor, at: run.at)
            }
            return id
        }
    }

    /// Notes which run the new run's year to date was carried from: the current run of the
    /// latest earlier month of its year (what `yearToDate(before:)` read under the run lock).
    /// When that run is itself stale, so is the new one: its year to date came from results
    /// that are no longer current.
    static func chainYearToDate(_ db: Database, runID: Int64, month: YearMonth) throws {
        let source = try RunRow
            .filter(RunRow.Columns.state != RunState.superseded && RunRow.Columns.state != RunState.correction)
            .filter(RunRow.Columns.month >= YearMonth(year: month.year, month: 1)!.description && RunRow.Columns.month < month.description)
            .order(RunRow.Columns.month.desc)
            .fetchOne(db)
        guard let source else { return }
        let stale = source.staleReason.map { _ in
            "本年累计接续的\(YearMonth(source.month)?.chineseDescription ?? source.month)运行 #\(source.id) 已过期"
        }
        try RunRow.filter(key: runID).updateAll(db, RunRow.Columns.yearToDateRunID.set(to: source.id), RunRow.Columns.staleReason.set(to: stale))
    }

    /// A run of `month` that changes the year to date every later month of its year carried
    /// from it (a first run, or a re-run whose year to date differs from the replaced run's):
    /// their current runs (any state) are marked stale with the reason, audited. They must be
    /// run again before they are published or closed (S0024).
    static func markLaterMonthsStale(_ db: Database, month: YearMonth, runID: Int64, rerun: Bool, actor: String, at: String) throws {
        let later = try RunRow
            .filter(RunRow.Columns.state != RunState.superseded && RunRow.Columns.state != RunState.correction)
            .filter(RunRow.Columns.month > month.description && RunRow.Columns.month <= YearMonth(year: month.year, month: 12)!.description)
            .filter(RunRow.Columns.staleReason == nil)
            .order(RunRow.Columns.month)
            .fetchAll(db)
        let reason = "\(month.chineseDescription)在本月之后\(rerun ? "重新" : "")运行（运行 #\(runID)），本月的本年累计（累计预扣个税）仍按其之前的结果计算"
        for r in later {
            try RunRow.filter(key: r.id).updateAll(db, RunRow.Columns.staleReason.set(to: reason))
            try audit(db, at: at, actor: actor, action: "stale", month: r.month, runID: r.id, reason: reason, detail: "run #\(r.id) is out of date")
        }
    }

    /// One write transaction under a reservation; the ingest is told once it commits.
    func write<T>(_ reservation: RunReservation, _ body: @escaping (Database) throws -> T) throws(StoreError) -> T {
        do {
            let out = try queue.write(body)
            reservation.ingest?.recorded()
            return out
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Inserts a run with its inputs, results and rejected rows under its reservation.
    static func insertRun(_ db: Database, _ run: NewRun, as reservation: RunReservation, state: RunState) throws -> Int64 {
        guard reservation.month == run.month else { throw StoreError.database("the reservation is for \(reservation.month), the run for \(run.month)") }
        let id = reservation.id
        guard try Self.nextRunID(db) == id else { throw StoreError.database("run #\(id) was taken since it was reserved") }
        try RunRow(
            id: id, month: run.month.description, state: state, rulesHash: run.rulesHash, rulesVersion: run.rulesVersion,
            engineVersion: run.engineVersion, createdBy: run.actor, createdAt: run.at, cadreCount: run.summary.cadres,
            rowsUsed: run.summary.rowsUsed, rowsIgnored: run.summary.rowsIgnored, rowsRejected: run.summary.rowsRejected,
            pointsTotal: run.summary.pointsTotal.description, grossFen: run.summary.gross.fen,
            deductionsFen: run.summary.deductions.fen, netFen: run.summary.net.fen,
            summary: try JSONEncoder.sorted.encode(run.summary)
        ).insert(db)
        for input in reservation.inputs {
            if try !BlobRow.exists(db, key: input.sha256) {
                guard let file = reservation.paths[input.sha256] else { throw StoreError.database("no file for input \(input.name)") }
                let chunks = try file.bytes.map(Self.compressedChunks) ?? Self.compressedChunks(file.path, size: input.byteCount)
                try Self.insertBlob(db, sha256: input.sha256, size: input.byteCount, chunks: chunks)
            }
            try RunInputRow(runID: id, role: input.role, name: input.name, sha256: input.sha256, byteCount: input.byteCount).insert(db)
        }
        try ResultWriter(db, runID: id).write(run.results.cadres)
        for r in run.rejected {
            try RejectedRowRow(runID: id, file: r.file, line: r.line, codes: r.codes.joined(separator: " "),
                               reasons: r.reasons.joined(separator: "\n"), cells: r.cells.joined(separator: "\u{1F}")).insert(db)
        }
        return id
    }

    /// The inputs' SHA-256 and sizes, hashed on every core.
    static func hashInputs(_ paths: [String]) throws -> [(String, Int)] {
        let hashed = ConcurrentSlots<(String, Int)>(count: paths.count)
        let failure = ConcurrentSlots<String>(count: 1)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            do {
                hashed.set(i, try hashFile(paths[i]))
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
        let fd = try openRegular(path)
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

    /// A regular file opened for reading; anything else (a folder named `duty.csv`, a named
    /// pipe, which a plain open would wait on forever) is refused. The validator reports
    /// such a path to the clerk (D0002); this only keeps the copying thread from hanging.
    static func openRegular(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw StoreError.database("cannot read \(path)") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw StoreError.database("cannot read \(path): not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// SHA-256 and size of bytes held in memory.
    static func hash(_ bytes: [UInt8]) -> (String, Int) {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update($0) }
        return (hasher.finalizeHex(), bytes.count)
    }

    /// Bytes held in memory in chunks of `chunkSize`, each compressed, as a file's.
    static func compressedChunks(_ bytes: [UInt8]) -> [StoredChunk] {
        let columns = FieldColumns()
        return bytes.withUnsafeBytes { all in
            stride(from: 0, to: all.count, by: chunkSize).map { start in
                BlobCodec.compressChunk(UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + chunkSize)]), columns: columns)
            }
        }
    }

    typealias StoredChunk = (content: [UInt8], encoding: BlobEncoding)

    /// A file's chunks of `chunkSize` bytes (the last shorter), each compressed. `size` is
    /// what it was hashed at: a file that changed since is refused.
    static func compressedChunks(_ path: String, size: Int) throws -> [StoredChunk] {
        let fd = try openRegular(path)
        defer { Glibc.close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var chunks: [StoredChunk] = []
        let columns = FieldColumns()
        var total = 0
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
            chunks.append(BlobCodec.compressChunk(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), columns: columns))
            total += n
            if n < chunkSize { break }
        }
        guard total == size else { throw StoreError.database("\(path) changed while it was stored") }
        return chunks
    }

    static func insertBlob(_ db: Database, sha256 sha: String, size: Int, chunks: [StoredChunk]) throws {
        try BlobRow(sha256: sha, byteCount: size).insert(db)
        let insert = try db.makeStatement(sql: insertSQL(BlobChunkTable.name, BlobChunkTable.Columns.self))
        let raw = RawStatement(db, insert)
        for (seq, chunk) in chunks.enumerated() {
            try chunk.content.withUnsafeBytes { bytes in
                raw.bind(1, sha)
                raw.bind(2, Int64(seq))
                raw.bindStatic(3, bytes)
                raw.bind(4, Int64(chunk.encoding.rawValue))
                try raw.run()
            }
        }
    }

    /// A stored input's bytes, in memory (to run or read an old run's inputs again without
    /// writing them anywhere).
    public func input(sha256: String) throws(StoreError) -> [UInt8] {
        do {
            return try queue.read { db in
                var out: [UInt8] = []
                if let size = try Int.fetchOne(db, sql: "SELECT byteCount FROM blob WHERE sha256 = ?", arguments: [sha256]) {
                    out.reserveCapacity(size)
                } else {
                    throw StoreError.database("no stored input \(sha256)")
                }
                let rows = try Row.fetchCursor(db, sql: "SELECT content, encoding FROM blobChunk WHERE sha256 = ? ORDER BY seq", arguments: [sha256])
                while let row = try rows.next() {
                    let content: Data = row[0]
                    out += try content.withUnsafeBytes { b throws(StoreError) in try BlobCodec.decodeChunk(b, encoding: row[1]) }
                }
                return out
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Writes a stored input back out, byte for byte (to reproduce or explain an old run).
    public func exportBlob(sha256: String, to path: String) throws(StoreError) {
        do {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let out = FileHandle(forWritingAtPath: path) else { throw StoreError.database("cannot write \(path)") }
            defer { try? out.close() }
            try queue.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT content, encoding FROM blobChunk WHERE sha256 = ? ORDER BY seq", arguments: [sha256])
                while let row = try rows.next() {
                    let content: Data = row[0]
                    out.write(Data(try content.withUnsafeBytes { b throws(StoreError) in try BlobCodec.decodeChunk(b, encoding: row[1]) }))
                }
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    // MARK: - States

    /// Publishes the month's draft for 公示; objections are open until `objectionsUntil`.
    public func publish(month: YearMonth, actor: String, at: String, objectionsUntil: String) throws(StoreError) {
        try transition(month: month, from: [.draft], to: .published, action: "publish", actorAndTime: (actor, at), reason: nil) { db, id in
            try RunRow.filter(key: id).updateAll(db, RunRow.Columns.publishedAt.set(to: at), RunRow.Columns.objectionsUntil.set(to: objectionsUntil))
        }
    }

    /// Closes the month: its run can no longer be re-run or changed. Refused while an
    /// accepted objection's adjustment is not in the run yet: closing then would drop it.
    public func close(month: YearMonth, actor: String, at: String) throws(StoreError) {
        try transition(month: month, from: [.published, .draft], to: .closed, action: "close", actorAndTime: (actor, at), reason: nil) { db, id in
            let pending = try Self.pendingAdjustments(db, month: month, runID: id)
            if pending > 0 { throw StoreError.pendingAdjustments(month, count: pending) }
            try RunRow.filter(key: id).updateAll(db, RunRow.Columns.closedAt.set(to: at))
        }
    }

    /// Reopens a closed month as a draft; the audit log keeps who, when and why.
    public func reopen(month: YearMonth, actor: String, at: String, reason: String) throws(StoreError) {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired }
        try transition(month: month, from: [.closed], to: .draft, action: "reopen", actorAndTime: (actor, at), reason: reason) { db, id in
            try RunRow.filter(key: id).updateAll(db, RunRow.Columns.closedAt.set(to: nil), RunRow.Columns.publishedAt.set(to: nil),
                                                 RunRow.Columns.objectionsUntil.set(to: nil))
            try Self.markYearStale(db, year: month.year, reason: "\(month.chineseDescription)在年度运行之后重新打开：\(reason)", actor: actor,
                                   at: at)
        }
    }

    private func transition(
        month: YearMonth, from: [RunState], to: RunState, action: String, actorAndTime: (String, String), reason: String?,
        _ update: @escaping (Database, Int64) throws -> Void
    ) throws(StoreError) {
        do {
            try queue.write { db in
                guard let run = try RunRow.current(month: month).fetchOne(db) else { throw StoreError.noRun(month) }
                guard from.contains(run.state) else { throw StoreError.wrongState(month, state: run.state, action: action) }
                // A run whose year to date is out of date is never published or closed: its
                // tax would be withheld on superseded figures.
                if to == .published || to == .closed, let reason = run.staleReason {
                    throw StoreError.monthStale(month, runID: run.id, reason: reason)
                }
                try RunRow.filter(key: run.id).updateAll(db, RunRow.Columns.state.set(to: to))
                try update(db, run.id)
                try Self.audit(db, at: actorAndTime.1, actor: actorAndTime.0, action: action, month: month.description, runID: run.id,
                               reason: reason, detail: "\(run.state.rawValue) → \(to.rawValue)")
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    static func audit(_ db: Database, at: String, actor: String, action: String, month: String?, runID: Int64?, reason: String?, detail: String?) throws {
        var row = AuditRow(id: nil, at: at, actor: actor, action: action, month: month, runID: runID, reason: reason, detail: detail)
        try row.insert(db)
    }

    /// Records an event that changes nothing else (a view of someone's data, a login).
    public func audit(at: String, actor: String, action: String, month: YearMonth? = nil, runID: Int64? = nil, reason: String? = nil, detail: String? = nil) throws(StoreError) {
        do {
            try queue.write { db in try Self.audit(db, at: at, actor: actor, action: action, month: month?.description, runID: runID, reason: reason, detail: detail) }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    // MARK: - Reading

    /// Every run, newest first.
    public func runs() throws(StoreError) -> [RunRecord] {
        try read { db in try RunRow.order(RunRow.Columns.id.desc).fetchAll(db).map { try Self.runRecord($0, db) } }
    }

    /// The month's current (not superseded) run.
    public func currentRun(month: YearMonth) throws(StoreError) -> RunRecord? {
        try read { db in try RunRow.current(month: month).fetchOne(db).map { try Self.runRecord($0, db) } }
    }

    public func run(id: Int64) throws(StoreError) -> RunRecord {
        let r = try read { db in try RunRow.fetchOne(db, key: id).map { try Self.runRecord($0, db) } }
        guard let r else { throw .runNotFound(id) }
        return r
    }

    /// A run's results, in roster order.
    public func results(runID: Int64, detail: ResultDetail) throws(StoreError) -> MonthResults {
        let run = try run(id: runID)
        let cadres = try read { db in try ResultReader(db: db, runID: runID).read(detail: detail) }
        return MonthResults(month: run.month, cadres: cadres)
    }

    /// One cadre's result in a run, read without loading the others.
    public func result(runID: Int64, cadreID: String) throws(StoreError) -> CadreResult? {
        try read { db in
            guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM cadreResult WHERE runID = ? AND cadreID = ?", arguments: [runID, cadreID]) else {
                return nil
            }
            return try ResultReader(db: db, runID: runID).read(detail: .full, seqs: seq...seq).first
        }
    }

    public func rejectedRows(runID: Int64) throws(StoreError) -> [StoredRejectedRow] {
        try read { db in
            try RejectedRowRow.filter(RejectedRowRow.Columns.runID == runID).order(Column.rowID).fetchAll(db).map { r in
                StoredRejectedRow(
                    file: r.file, line: r.line, codes: r.codes.split(separator: " ").map(String.init),
                    reasons: r.reasons.split(separator: "\n").map(String.init),
                    cells: r.cells.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
            }
        }
    }

    public func auditLog(month: YearMonth?) throws(StoreError) -> [AuditEntry] {
        try read { db in
            var request = AuditRow.order(AuditRow.Columns.id)
            if let month { request = request.filter(AuditRow.Columns.month == month.description) }
            return try request.fetchAll(db).map { r in
                AuditEntry(id: r.id ?? 0, at: r.at, actor: r.actor, action: r.action, month: r.month, runID: r.runID, reason: r.reason, detail: r.detail)
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
            try RunRow
                .filter(RunRow.Columns.state != RunState.superseded && RunRow.Columns.state != RunState.correction)
                .filter(RunRow.Columns.month >= YearMonth(year: month.year, month: 1)!.description && RunRow.Columns.month < month.description)
                .order(RunRow.Columns.month)
                .fetchAll(db)
                .compactMap { r in YearMonth(r.month).map { (id: r.id, month: $0) } }
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
        return try yearToDate(ofRun: earlier.last!.id)
    }

    /// Each cadre's year to date as the current run of their last stored month of `year`
    /// ended it: a cadre who left in June keeps June's figures.
    public func yearEnd(of year: Int) throws(StoreError) -> [String: YearToDate] {
        let runs = try read { db in
            try RunRow
                .filter(RunRow.Columns.state != RunState.superseded && RunRow.Columns.state != RunState.correction)
                .filter(RunRow.Columns.month >= YearMonth(year: year, month: 1)!.description
                    && RunRow.Columns.month <= YearMonth(year: year, month: 12)!.description)
                .order(RunRow.Columns.month.desc)
                .fetchAll(db)
                .map(\.id)
        }
        var out: [String: YearToDate] = [:]
        for id in runs {
            for (cadre, ytd) in try yearToDate(ofRun: id) where out[cadre] == nil { out[cadre] = ytd }
        }
        return out
    }

    /// The year to date each cadre of a run ended its month with.
    private func yearToDate(ofRun runID: Int64) throws(StoreError) -> [String: YearToDate] {
        try read { db in try Self.yearToDate(db, ofRun: runID) }
    }

    /// Each cadre's year to date as run `runID` ended it, by 工号.
    static func yearToDate(_ db: Database, ofRun runID: Int64) throws -> [String: YearToDate] {
        var bySeq: [Int64: (cadreID: String, ytd: YearToDate)] = [:]
        let names = try String.fetchAll(db, sql: "SELECT name FROM payItem WHERE runID = ? ORDER BY seq", arguments: [runID])
        let cadres = try Row.fetchCursor(db, sql: "SELECT seq, cadreID, yearMonths, lines FROM cadreResult WHERE runID = ? AND yearMonths IS NOT NULL",
                                         arguments: [runID])
        while let r = try cadres.next() {
            var ytd = YearToDate(totals: [:], months: r[2])
            // Since v11 the totals ride on the packed pay lines (`LineList`); before, on
            // the `payLine` rows read below.
            if let packed = r[3] as Data? {
                do {
                    try packed.withUnsafeBytes { bytes in
                        try LineList.visit(bytes, pay: { p in
                            guard let year = p.yearFen else { return }
                            guard p.item < names.count else { throw StoreError.database("item \(p.item) is missing") }
                            ytd.totals[names[Int(p.item)]] = Money(fen: year)
                        }, score: nil)
                    }
                } catch let e as StoreError {
                    throw e
                } catch {
                    throw StoreError.database("cadre \(r[1] as String)'s lines: \(error)")
                }
            }
            bySeq[r[0]] = (r[1], ytd)
        }
        let lines = try Row.fetchCursor(db, sql: """
            SELECT l.cadreSeq, i.name, l.yearFen FROM payLine l JOIN payItem i ON i.runID = l.runID AND i.seq = l.item
            WHERE l.runID = ? AND l.yearFen IS NOT NULL
            """, arguments: [runID])
        while let r = try lines.next() {
            bySeq[r[0]]?.ytd.totals[r[1]] = Money(fen: r[2])
        }
        let others = try Row.fetchCursor(db, sql: "SELECT cadreSeq, line, amountFen FROM yearToDate WHERE runID = ?", arguments: [runID])
        while let r = try others.next() {
            bySeq[r[0]]?.ytd.totals[r[1]] = Money(fen: r[2])
        }
        var out: [String: YearToDate] = [:]
        for (_, c) in bySeq { out[c.cadreID] = c.ytd }
        return out
    }

    private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    static func runRecord(_ r: RunRow, _ db: Database) throws -> RunRecord {
        let inputs = try RunInputRow.filter(RunInputRow.Columns.runID == r.id).fetchAll(db)
            .map { StoredInput(name: $0.name, role: $0.role, sha256: $0.sha256, byteCount: $0.byteCount) }
            .sorted(by: StoredInput.listingOrder)
        guard let month = YearMonth(r.month) else { throw StoreError.database("run #\(r.id) has month \(r.month)") }
        return RunRecord(
            id: r.id, month: month, state: r.state, rulesHash: r.rulesHash, rulesVersion: r.rulesVersion, engineVersion: r.engineVersion,
            createdBy: r.createdBy, createdAt: r.createdAt, publishedAt: r.publishedAt, objectionsUntil: r.objectionsUntil,
            closedAt: r.closedAt, supersededBy: r.supersededBy, summary: try JSONDecoder().decode(RunSummary.self, from: r.summary),
            inputs: inputs, staleReason: r.staleReason, yearToDateRunID: r.yearToDateRunID)
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
