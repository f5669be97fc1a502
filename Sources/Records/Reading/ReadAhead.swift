import Foundation

extension TableReader {
    /// `read`, with the file read and split into fields on a second thread: rows reach
    /// `body` on the calling thread, in order, in batches copied out of the reader's buffer.
    ///
    /// For the big activity files, where scanning a gigabyte of CSV is a tenth of the work,
    /// this lets the scan run on the other core while the caller decodes and checks rows.
    /// What `body` sees is exactly what `read` delivers (same rows, lines, fields, kinds and
    /// error), so callers switch between the two freely.
    public static func readAhead(path: String, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                                 rowsPerBatch: Int = RowBatch.defaultRowTarget,
                                 _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        try readAhead(file: InputSet.File(path: path), sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, rowsPerBatch: rowsPerBatch,
                      precheck: nil) { row, _ in body(row) }
    }

    /// `readAhead` of a file of an input set, on disk or held in memory.
    public static func readAhead(file: InputSet.File, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                                 rowsPerBatch: Int = RowBatch.defaultRowTarget,
                                 _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        try readAhead(file: file, sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, rowsPerBatch: rowsPerBatch,
                      precheck: nil) { row, _ in body(row) }
    }

    /// `readAhead`, also running `precheck`'s plan on the reading thread for every batch
    /// that starts after the plan is published; `body` gets each row's precheck, if any.
    static func readAhead(file: InputSet.File, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                          rowsPerBatch: Int = RowBatch.defaultRowTarget, precheck: RowPrecheck?,
                          _ body: (borrowing RawRow, PrecheckedRow?) -> Void) throws(ReadError) -> TableFile {
        try readAheadBatches(file: file, sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, rowsPerBatch: rowsPerBatch,
                             precheck: precheck) { batch, release in
            batch.lend(body)
            release()
        }
    }

    /// `readAhead` by batch: `body` gets each batch in order with a `release` to call once
    /// nothing reads the batch any more, from any thread (other threads may go on reading
    /// it after `body` returns). The reading thread waits while `inFlight` batches are out.
    static func readAheadBatches(file: InputSet.File, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                                 rowsPerBatch: Int = RowBatch.defaultRowTarget, precheck: RowPrecheck?, inFlight: Int = 4,
                                 _ body: (RowBatch, _ release: @escaping @Sendable () -> Void) -> Void) throws(ReadError) -> TableFile {
        let pipe = RowPipe(rowTarget: rowsPerBatch, limit: inFlight)
        let thread = Thread {
            var batch = pipe.emptyBatch()
            var plan: RowPrecheck.Plan? = nil
            var decoder: FieldDecoder? = nil
            let result: Result<TableFile, ReadError>
            do throws(ReadError) {
                result = .success(try read(file: file, sheetCandidates: sheetCandidates, sheetHeader: sheetHeader) { row in
                    if batch.rowCount == 0, plan == nil, let p = precheck?.plan {
                        plan = p
                        decoder = p.decoder
                    }
                    batch.append(row, plan: plan, decoder: &decoder)
                    if batch.isFull {
                        pipe.send(batch)
                        batch = pipe.emptyBatch()
                    }
                })
            } catch {
                result = .failure(error)
            }
            if batch.rowCount > 0 { pipe.send(batch) }
            pipe.finish(result)
        }
        thread.stackSize = 4 << 20
        thread.start()
        while let batch = pipe.receive() {
            body(batch) { pipe.recycle(batch) }
        }
        return try pipe.result!.get()
    }
}

/// One row's precheck, lent with the row: plain pointers into its batch, valid only
/// during the callback (no reference counting per row).
struct PrecheckedRow {
    let payload: UnsafePointer<Int64>
    let present: UnsafePointer<Bool>
    let fieldCount: Int
    let rowHash: UInt64
    let keyHash: UInt64
    /// The key fingerprint of a row eight ahead in the batch, to prefetch its slot.
    let keyHashAhead: UInt64?
    /// The row's prechecked problems, in field order (extra cells last).
    let problems: UnsafeBufferPointer<(field: Int, problem: RecordProblem)>

    /// Copies every field's precheck into `decoded`: payload and presence of the early
    /// fields, and absent for the others until the validator decodes them.
    func fill(_ decoded: inout DecodedRow) {
        // Two block copies: a store per field through the arrays paid a uniqueness check each.
        precondition(decoded.payload.count >= fieldCount && decoded.present.count >= fieldCount)
        let n = fieldCount
        decoded.payload.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: payload, count: n) }
        decoded.present.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: present, count: n) }
    }
}

/// Rows copied out of a reader's buffer: field bytes, field spans and cell kinds, in
/// buffers of its own that stay put while the consumer reads them.
public final class RowBatch: @unchecked Sendable {
    static let byteTarget = 1 << 20
    /// Rows per batch unless a validation is tuned otherwise (`ValidationTuning`); tests
    /// choose a tiny one so that files of a few rows span many batches.
    public static let defaultRowTarget = 16_384
    let rowTarget: Int

    // Exempt from dynamic exclusivity checks (a runtime call per access, per row): a batch
    // is filled by one thread, then read by another after the hand-over, and no access to
    // these overlaps another (the debug test runs checked that before).
    @exclusivity(unchecked) private var bytes: Buffer<UInt8>
    /// Per field, (start, end) offsets into `bytes`.
    @exclusivity(unchecked) private var spans: Buffer<Int>
    /// Per field, its kind (xlsx only).
    @exclusivity(unchecked) private var kinds: Buffer<CellKind>
    @exclusivity(unchecked) private var hasKinds = false
    /// The rows' workbook counts dates from 1904 (`RawRow.date1904`); a batch holds rows of
    /// one file.
    @exclusivity(unchecked) private var date1904 = false
    /// Per row: first field index, field count, line.
    @exclusivity(unchecked) private var rows: [(field: Int, count: Int, line: Int)] = []
    /// The rows' prechecks, when the batch was read with a plan.
    /// Behind a pointer: the reading thread writes them row by row, and a stored property of
    /// a class would pay a dynamic exclusivity check for each write.
    private let precheckedStorage: UnsafeMutablePointer<PrecheckedRows>

    init(rowTarget: Int = RowBatch.defaultRowTarget) {
        self.rowTarget = max(1, rowTarget)
        bytes = Buffer(capacity: Self.byteTarget + 4096)
        spans = Buffer(capacity: self.rowTarget * 24)
        kinds = Buffer(capacity: 64)
        rows.reserveCapacity(self.rowTarget)
        precheckedStorage = .allocate(capacity: 1)
        precheckedStorage.initialize(to: PrecheckedRows())
    }

    deinit {
        bytes.free()
        spans.free()
        kinds.free()
        precheckedStorage.pointee.free()
        precheckedStorage.deinitialize(count: 1)
        precheckedStorage.deallocate()
    }

    var rowCount: Int { rows.count }
    var isFull: Bool { rows.count >= rowTarget || bytes.count >= Self.byteTarget }

    func reset() {
        precheckedStorage.pointee.isActive = false
        bytes.count = 0
        spans.count = 0
        kinds.count = 0
        rows.removeAll(keepingCapacity: true)
        hasKinds = false
        date1904 = false
    }

    func append(_ row: borrowing RawRow, plan: RowPrecheck.Plan?, decoder: inout FieldDecoder?) {
        if let plan, decoder != nil {
            let pre = precheckedStorage
            if rows.isEmpty {
                pre.pointee.isActive = true
                pre.pointee.reset(fieldCount: plan.fields.count)
            }
            if pre.pointee.isActive { pre.pointee.append(row, plan: plan, decoder: &decoder!) }
        }
        append(row)
    }

    /// Whether the batch's rows were prechecked (the batch began after the plan).
    var isPrechecked: Bool { precheckedStorage.pointee.isActive }

    /// Lends every row, with its precheck when the batch has one, to `body`.
    func lend(_ body: (borrowing RawRow, PrecheckedRow?) -> Void) {
        lend(lanes: nil, lane: 0) { _, row, pre in body(row, pre) }
    }

    /// Lends the rows whose entry in `lanes` is `lane` (every row when `lanes` is nil), with
    /// their index in the batch. Only reads the batch: several threads may lend at once.
    func lend(lanes: UnsafePointer<UInt8>?, lane: UInt8, _ body: (_ index: Int, borrowing RawRow, PrecheckedRow?) -> Void) {
        let rows = self.rows, bytes = self.bytes, spans = self.spans, kinds = self.kinds, hasKinds = self.hasKinds
        let date1904 = self.date1904
        func raw(_ r: Int) -> RawRow {
            let (field, count, line) = rows[r]
            return RawRow(line: line, count: count, base: UnsafePointer(bytes.base), spans: UnsafePointer(spans.base + 2 * field),
                          kinds: hasKinds ? UnsafePointer(kinds.base + field) : nil, date1904: date1904)
        }
        guard precheckedStorage.pointee.isActive else {
            for r in rows.indices where lanes == nil || lanes![r] == lane { body(r, raw(r), nil) }
            return
        }
        let p = precheckedStorage.pointee
        let n = p.fieldCount
        p.problems.withUnsafeBufferPointer { problems in
            for r in rows.indices where lanes == nil || lanes![r] == lane {
                let lo = Int(p.problemStart[r]), hi = Int(p.problemStart[r + 1])
                let pre = PrecheckedRow(
                    payload: p.payload + r * n, present: p.present + r * n, fieldCount: n,
                    rowHash: p.rowHash[r], keyHash: p.keyHash[r], keyHashAhead: r + 8 < p.count ? p.keyHash[r + 8] : nil,
                    problems: UnsafeBufferPointer(rebasing: problems[lo..<hi]))
                body(r, raw(r), pre)
            }
        }
    }

    func append(_ row: borrowing RawRow) {
        // Locals, written back once: a class's stored properties mutated in a loop pay a
        // dynamic exclusivity check per access.
        var bytes = self.bytes, spans = self.spans
        defer {
            self.bytes = bytes
            self.spans = spans
        }
        let first = spans.count / 2
        if let k = row.kinds {
            // xlsx: fields may live anywhere (shared strings), so copy each.
            hasKinds = true
            if row.date1904 { date1904 = true }
            var kinds = self.kinds
            while kinds.count < first { kinds.append(.empty) }
            for i in 0..<row.count {
                let b = row.bytes(i)
                let at = bytes.count
                bytes.append(b)
                spans.append(at)
                spans.append(at + b.count)
                kinds.append(k[i])
            }
            self.kinds = kinds
        } else if row.count > 0 {
            // CSV: the fields lie in order within one stretch of the reader's buffer.
            var lo = Int.max, hi = 0
            for i in 0..<row.count {
                lo = min(lo, row.spans[2 &* i])
                hi = max(hi, row.spans[2 &* i &+ 1])
            }
            let shift = bytes.count - lo
            bytes.append(UnsafeBufferPointer(start: row.base + lo, count: hi - lo))
            spans.reserve(2 * row.count)
            for i in 0..<(2 &* row.count) { spans.appendUnchecked(row.spans[i] &+ shift) }
        }
        rows.append((first, row.count, row.line))
    }


    /// A growable buffer of trivial values, freed by hand.
    struct Buffer<T> {
        var base: UnsafeMutablePointer<T>
        var capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        func free() { base.deallocate() }

        @inline(__always)
        mutating func reserve(_ n: Int) {
            guard count + n > capacity else { return }
            let grown = UnsafeMutablePointer<T>.allocate(capacity: max(capacity * 2, count + n))
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity = max(capacity * 2, count + n)
        }

        @inline(__always)
        mutating func appendUnchecked(_ v: T) {
            (base + count).initialize(to: v)
            count += 1
        }

        mutating func append(_ v: T) {
            reserve(1)
            appendUnchecked(v)
        }

        mutating func append(_ b: UnsafeBufferPointer<T>) {
            guard b.count > 0 else { return }
            reserve(b.count)
            (base + count).initialize(from: b.baseAddress!, count: b.count)
            count += b.count
        }
    }
}

/// A bounded hand-over of row batches from the reading thread to the consumer.
final class RowPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var full: [RowBatch] = []
    private var free: [RowBatch] = []
    private var allocated = 0
    private var done = false
    private(set) var result: Result<TableFile, ReadError>?
    /// Batches in flight at most: enough to keep both threads busy, little memory.
    private let limit: Int
    private let rowTarget: Int

    init(rowTarget: Int, limit: Int = 4) {
        self.rowTarget = rowTarget
        self.limit = max(2, limit)
    }

    func emptyBatch() -> RowBatch {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && allocated >= limit { condition.wait() }
        if let b = free.popLast() { return b }
        allocated += 1
        return RowBatch(rowTarget: rowTarget)
    }

    func send(_ batch: RowBatch) {
        condition.lock()
        full.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func finish(_ r: Result<TableFile, ReadError>) {
        condition.lock()
        result = r
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order, or nil once the reader has finished and all were handed out.
    func receive() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && !done { condition.wait() }
        return full.isEmpty ? nil : full.removeFirst()
    }

    func recycle(_ batch: RowBatch) {
        batch.reset()
        condition.lock()
        free.append(batch)
        condition.broadcast()
        condition.unlock()
    }
}
