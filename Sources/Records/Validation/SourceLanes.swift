import Exact
import Foundation

/// A source's rows checked on several threads ("lanes", `ValidationTuning.lanes`), each
/// owning the cadres whose 工号 hashes to it.
///
/// Every check of a row but one reads only the row, the roster and the earlier rows of the
/// same cadre (shifts that overlap, training hours per day), so a lane that sees all of a
/// cadre's rows in file order finds exactly what one thread would. The one that is not per
/// cadre, a repeated key or row, is found by the validator's thread in file order before
/// the rows are handed out (`SourceValidator.Duplicate`). Each lane interns texts with a
/// decoder of its own (codes differ between lanes, texts do not), and keeps its problems,
/// rejected rows and counts apart with each row's place in the file; they are put back in
/// file order when the file ends, so the report is the one a single thread makes.
final class SourceLanes: @unchecked Sendable {
    let lanes: [Lane]

    init(_ lanes: [Lane]) {
        self.lanes = lanes
    }

    /// One lane's validator (a copy with a decoder and roster codes of its own) and what it
    /// remembers of its cadres' rows across the source's files. Only its thread touches it
    /// while a file is checked, and only the validator's thread between files; whoever
    /// checks rows takes the state out (`take`) and puts it back, so the validator is never
    /// copied per row.
    final class Lane: @unchecked Sendable {
        @exclusivity(unchecked) var state: State?

        init(validator: SourceValidator, index: Int) {
            state = State(validator: validator, index: index)
        }

        /// Runs `body` on the lane's state, taken out for the time.
        @inline(__always)
        func with<R>(_ body: (inout State) -> R) -> R {
            var s = state.take()!
            let result = body(&s)
            state = consume s
            return result
        }
    }

    struct State: ~Copyable {
        var validator: SourceValidator
        var shifts: [Int64: [SourceValidator.Interval]] = [:]
        var trainingHours: [Int64: Fixed] = [:]
        var decoded: DecodedRow
        var out = RowsOut()
        // Read only for a key known once decoded (`DuplicateCheck.deferred`), which a source
        // with lanes never has: duplicates are found before rows reach a lane (`Duplicate`).
        var keys = HashLineTable(capacity: 16)

        init(validator: SourceValidator, index: Int) {
            self.validator = validator
            let n = validator.schema.fields.count
            decoded = DecodedRow(payload: Array(repeating: 0, count: n), present: Array(repeating: false, count: n), cadre: -1, line: 0,
                                 lane: index)
        }
    }

    /// The lane of a row, from the bytes of its 工号 (trimmed): canonically equivalent texts
    /// (which the roster takes for one 工号) go to one lane. Rows without one go to lane 0.
    static func lane(of raw: UnsafeBufferPointer<UInt8>, lanes: Int) -> UInt8 {
        guard lanes > 1, !raw.isEmpty else { return 0 }
        var ascii = true
        for b in raw where b >= 0x80 {
            ascii = false
            break
        }
        let h: UInt64
        if ascii {
            h = Interner.hash(raw)
        } else {
            var nfc = Array(String(decoding: raw, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
            h = nfc.withUnsafeMutableBufferPointer { Interner.hash(UnsafeBufferPointer($0)) }
        }
        return UInt8((h >> 32) % UInt64(lanes))
    }
}

/// What checking a file's rows found, kept by one lane: each problem and rejected row with
/// the row's place among the file's rows (`seq`), to be merged in file order.
struct RowsOut {
    var problems: [RecordProblem] = []
    var problemSeq: [Int] = []
    var rejectedRows: [RejectedRow] = []
    var rejectedSeq: [Int] = []
    var accepted = 0
    var rejected = 0
    /// The roster's rejected rows that name a cadre, in file order (the roster has one lane).
    var rejectedCadres: [RejectedCadre] = []

    /// Adds the lanes' findings to `report` in file order (by row, then as each lane found them).
    static func merge(_ outs: [RowsOut], into report: inout FileReport) {
        for o in outs {
            report.accepted += o.accepted
            report.rejected += o.rejected
        }
        if outs.count == 1 {
            report.problems += outs[0].problems
            report.rejectedRows += outs[0].rejectedRows
        } else {
            var problems: [(seq: Int, lane: Int, index: Int)] = []
            var rejected: [(seq: Int, lane: Int, index: Int)] = []
            for (k, o) in outs.enumerated() {
                for (i, s) in o.problemSeq.enumerated() { problems.append((s, k, i)) }
                for (i, s) in o.rejectedSeq.enumerated() { rejected.append((s, k, i)) }
            }
            problems.sort { ($0.seq, $0.lane, $0.index) < ($1.seq, $1.lane, $1.index) }
            rejected.sort { ($0.seq, $0.lane, $0.index) < ($1.seq, $1.lane, $1.index) }
            report.problems += problems.map { outs[$0.lane].problems[$0.index] }
            report.rejectedRows += rejected.map { outs[$0.lane].rejectedRows[$0.index] }
        }
        for o in outs {
            for c in o.rejectedCadres {
                if !c.id.isEmpty, report.rejectedCadres[c.id] == nil { report.rejectedCadres[c.id] = c.origin }
                report.rejectedCadreRows.append(c)
            }
        }
    }
}

/// A batch of rows handed to the lanes: which lane each row goes to (255: none, a blank
/// row), the duplicates found in file order, and the place of the batch's first row among
/// the file's rows.
final class LaneJob: @unchecked Sendable {
    let batch: RowBatch
    let lanes: UnsafeMutablePointer<UInt8>
    var duplicates: [Int: SourceValidator.Duplicate] = [:]
    let firstSeq: Int
    /// Lanes still reading the batch; the last one releases it.
    var remaining = 0
    let release: @Sendable () -> Void

    init(batch: RowBatch, firstSeq: Int, release: @escaping @Sendable () -> Void) {
        self.batch = batch
        lanes = .allocate(capacity: max(1, batch.rowCount))
        lanes.initialize(repeating: 255, count: max(1, batch.rowCount))
        self.firstSeq = firstSeq
        self.release = release
    }

    deinit { lanes.deallocate() }
}

/// A thread per lane, each taking the jobs handed to it in order and running `work` on its
/// rows of each.
final class LaneRunner: @unchecked Sendable {
    private let condition = NSCondition()
    private var queues: [[LaneJob]]
    private var pending = 0
    private var stopping = false
    private var running = 0
    /// Dropped by `finish`, so that what it captured (the file's sink) is released then.
    private var work: ((Int, LaneJob) -> Void)?

    init(lanes: Int, work: @escaping (Int, LaneJob) -> Void) {
        queues = Array(repeating: [], count: lanes)
        self.work = work
        running = lanes
        for k in 0..<lanes {
            let thread = Thread { [self] in loop(k) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    private func loop(_ k: Int) {
        while true {
            condition.lock()
            while queues[k].isEmpty && !stopping { condition.wait() }
            if queues[k].isEmpty {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = queues[k].removeFirst()
            let work = self.work!
            condition.unlock()
            work(k, job)
            condition.lock()
            job.remaining -= 1
            let last = job.remaining == 0
            pending -= 1
            condition.broadcast()
            condition.unlock()
            if last { job.release() }
        }
    }

    /// Hands `job` to every lane (each reads only its own rows).
    func submit(_ job: LaneJob) {
        condition.lock()
        job.remaining = queues.count
        pending += queues.count
        for k in queues.indices { queues[k].append(job) }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every job handed out is done.
    func drain() {
        condition.lock()
        while pending > 0 { condition.wait() }
        condition.unlock()
    }

    /// Finishes the jobs handed out and ends the threads.
    func finish() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        work = nil
        condition.unlock()
    }
}

/// The sink of a file's rows, lent to the lanes' threads for as long as the file is read
/// (they are finished before `SourceValidator.validate` returns).
struct UncheckedSink: @unchecked Sendable {
    let sink: (borrowing DecodedRow, borrowing FieldDecoder) -> Void
    init(_ sink: @escaping (borrowing DecodedRow, borrowing FieldDecoder) -> Void) { self.sink = sink }
}
