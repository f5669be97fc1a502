import Exact
import Foundation

/// The part of checking a row that needs nothing but the row: trimming and decoding the
/// fields that are not interned, the row's and key's fingerprints, missing values and
/// extra cells. `SourceValidator` publishes a plan once it has found the header, and the
/// reading thread (`TableReader.readAhead`) runs it on every row it reads after that, so
/// this work happens on the other core; rows read before the plan existed are prechecked by
/// the same code on the validator's thread. The validator then finishes every row in file
/// order (interning, roster, month, duplicates, shifts), reporting the prechecked problems
/// in field order.
final class RowPrecheck: @unchecked Sendable {
    private let lock = NSLock()
    private var published: Plan?

    func publish(_ plan: Plan) {
        lock.lock()
        published = plan
        lock.unlock()
    }

    /// The plan, once the header is known; the reading thread takes it once per batch.
    var plan: Plan? {
        lock.lock()
        defer { lock.unlock() }
        return published
    }

    /// Everything the precheck needs, fixed once the header is found. A class: the reading
    /// thread hands it on with every row, and a struct of arrays would be retained field
    /// by field each time.
    final class Plan: @unchecked Sendable {
        let path: String
        let columnOfField: [Int?]
        /// Fields decoded early: every kind except those interned on the validator's
        /// thread (kept text, ID numbers, accounts, phones).
        let early: [Bool]
        /// Fields read only for presence (text not kept).
        let presenceOnly: [Bool]
        let optionalValue: [Bool]
        let personal: [Bool]
        let fields: [FieldSpec]
        let keyIndex: Int?
        /// Whether the key is compared as a clerk means it (`PrecheckedRows.keyHash`): a
        /// record's 编号, not a cadre's 工号, which records must match exactly (`A01` and `A1`
        /// may be two cadres).
        let foldsKey: Bool
        let headerWidth: Int
        /// A decoder of its own for the reading thread: decoding the early kinds never
        /// touches its interners.
        let decoder: FieldDecoder
        /// Per field, what the precheck does with it, in one array the row loop reads.
        let steps: [Step]

        struct Step {
            /// The field's column, or -1 when the file has none.
            let column: Int
            let action: Action
            let optionalValue: Bool
        }

        enum Action {
            /// Text not kept: only whether it is there.
            case presence
            /// Decoded here.
            case decode
            /// Interned on the validator's thread.
            case late
        }

        init(path: String, columnOfField: [Int?], early: [Bool], presenceOnly: [Bool], optionalValue: [Bool], personal: [Bool],
             fields: [FieldSpec], keyIndex: Int?, foldsKey: Bool = true, headerWidth: Int, decoder: FieldDecoder) {
            self.path = path
            self.columnOfField = columnOfField
            self.early = early
            self.presenceOnly = presenceOnly
            self.optionalValue = optionalValue
            self.personal = personal
            self.fields = fields
            self.keyIndex = keyIndex
            self.foldsKey = foldsKey
            self.headerWidth = headerWidth
            self.decoder = decoder
            steps = fields.indices.map { f in
                Step(column: columnOfField[f] ?? -1, action: presenceOnly[f] ? .presence : early[f] ? .decode : .late,
                     optionalValue: optionalValue[f])
            }
        }
    }
}

/// Prechecked rows of one batch, stored flat beside the batch's bytes: buffers sized once
/// (they grow only when a batch holds more rows than any before) and written by index.
struct PrecheckedRows {
    /// Whether the batch's rows are prechecked (its first row came after the plan).
    var isActive = false
    private(set) var fieldCount = 0
    private(set) var count = 0
    /// Rows the buffers hold room for.
    private var capacity = 0
    /// `capacity × fieldCount` entries, row after row.
    private(set) var payload: UnsafeMutablePointer<Int64>
    private(set) var present: UnsafeMutablePointer<Bool>
    private var fieldRoom = 0
    private(set) var rowHash: UnsafeMutablePointer<UInt64>
    private(set) var keyHash: UnsafeMutablePointer<UInt64>
    /// Per row, where its problems start in `problems` (one more entry at the end).
    private(set) var problemStart: UnsafeMutablePointer<Int32>
    private(set) var problems: [(field: Int, problem: RecordProblem)] = []

    init() {
        payload = .allocate(capacity: 1)
        present = .allocate(capacity: 1)
        rowHash = .allocate(capacity: 1)
        keyHash = .allocate(capacity: 1)
        problemStart = .allocate(capacity: 1)
        problemStart[0] = 0
    }

    /// Frees the buffers (its batch's `deinit`).
    func free() {
        payload.deallocate()
        present.deallocate()
        rowHash.deallocate()
        keyHash.deallocate()
        problemStart.deallocate()
    }

    mutating func reset(fieldCount: Int) {
        self.fieldCount = fieldCount
        count = 0
        problemStart[0] = 0
        problems.removeAll(keepingCapacity: true)
    }

    /// Room for one more row.
    @inline(__always)
    private mutating func reserveRow() {
        if count < capacity && (count &+ 1) &* fieldCount <= fieldRoom { return }
        grow()
    }

    private mutating func grow() {
        let rows = max(64, capacity * 2, count + 1)
        let fields = max(fieldRoom, rows * fieldCount)
        func regrow<T>(_ p: inout UnsafeMutablePointer<T>, _ old: Int, _ new: Int) {
            let q = UnsafeMutablePointer<T>.allocate(capacity: max(1, new))
            q.moveInitialize(from: p, count: old)
            p.deallocate()
            p = q
        }
        regrow(&payload, count * fieldCount, fields)
        regrow(&present, count * fieldCount, fields)
        regrow(&rowHash, count, rows)
        regrow(&keyHash, count, rows)
        regrow(&problemStart, count + 1, rows + 1)
        capacity = rows
        fieldRoom = fields
    }

    /// Prechecks one row with `plan`, appending its results.
    mutating func append(_ row: borrowing RawRow, plan: RowPrecheck.Plan, decoder: inout FieldDecoder) {
        reserveRow()
        let n = fieldCount
        let payload = self.payload + count &* n, present = self.present + count &* n
        var rowHash = ByteWords.seed
        var keyHash: UInt64 = 0
        let keyIndex = plan.keyIndex ?? -1
        plan.steps.withUnsafeBufferPointer { steps in
            for f in 0..<steps.count {
                let step = steps[f]
                payload[f] = 0
                present[f] = false
                guard step.column >= 0 else { continue }
                let column = step.column
                let raw = FieldDecoder.trimmed(row.bytes(column))
                rowHash = ByteWords.mix(rowHash, raw)
                if f == keyIndex { keyHash = plan.foldsKey ? PrecheckedRows.keyHash(raw) : Interner.hash(raw) }
                switch step.action {
                case .presence:
                    present[f] = !raw.isEmpty
                    if raw.isEmpty, !step.optionalValue { addMissing(f, row.line, column, plan) }
                    if row.kind(column) == .uncalculated {
                        let place = Place(path: plan.path, line: row.line, column: column + 1, columnName: plan.fields[f].name)
                        problems.append((f, SourceValidator.valueProblem(place, raw, plan.fields[f].type, personal: plan.personal[f], .uncalculatedFormula)))
                    }
                case .late:
                    break
                case .decode:
                    switch decoder.decode(f, trimmed: raw, kind: row.kind(column), date1904: row.date1904) {
                    case nil:
                        if !step.optionalValue { addMissing(f, row.line, column, plan) }
                    case .success(let v)?:
                        payload[f] = v
                        present[f] = true
                    case .failure(let problem)?:
                        let place = Place(path: plan.path, line: row.line, column: column + 1, columnName: plan.fields[f].name)
                        problems.append((f, SourceValidator.valueProblem(place, raw, plan.fields[f].type, personal: plan.personal[f], problem)))
                    }
                }
            }
        }
        if row.count > plan.headerWidth {
            let extra = (plan.headerWidth..<row.count).filter { FieldDecoder.trimmed(row.bytes($0)).count > 0 }.count
            if extra > 0 { problems.append((plan.fields.count, .extraCells(Place(path: plan.path, line: row.line), count: extra))) }
        }
        self.rowHash[count] = ByteWords.finish(rowHash)
        self.keyHash[count] = keyHash
        count &+= 1
        problemStart[count] = Int32(problems.count)
    }

    private mutating func addMissing(_ f: Int, _ line: Int, _ column: Int, _ plan: RowPrecheck.Plan) {
        let place = Place(path: plan.path, line: line, column: column + 1, columnName: plan.fields[f].name)
        problems.append((f, .missingValue(place, type: plan.fields[f].type)))
    }
}

extension PrecheckedRows {
    /// The fingerprint of a record's key (编号) as a clerk means it: full-width
    /// forms as ASCII, letters in one case, zero-width characters dropped and leading zeros
    /// of a run of digits ignored, so that `ＦＭ-2020-12-00001`, `fm-2020-12-00001`, one
    /// with a zero-width space and `FM-2020-12-000001` are all the key `FM-2020-12-00001`
    /// again (D0204) rather than four records. Only the fingerprint: the key is kept and
    /// shown as written. An ASCII key (the common case) needs no normalizing.
    static func keyHash(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if !raw.contains(where: { $0 >= 0x80 }) { return foldedHash(raw) }
        var normalized: [UInt8] = []
        normalized.reserveCapacity(raw.count)
        for u in TextNormalizer.normalize(String(decoding: raw, as: UTF8.self)).unicodeScalars {
            switch u.value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: continue  // zero-width
            default: normalized.append(contentsOf: Array(String(u).utf8))
            }
        }
        // Folded as bytes once the full-width forms are ASCII (other bytes pass as they are).
        return normalized.withUnsafeBufferPointer(foldedHash)
    }

    /// The hash of `raw` with ASCII letters in upper case and the leading zeros of each run of
    /// digits dropped (a run of zeros alone is one zero), folded on the stack.
    private static func foldedHash(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, raw.count)) { out in
            var n = 0
            var inRun = false, pendingZero = false
            for b in raw {
                if b >= 0x30 && b <= 0x39 {
                    if !inRun {
                        inRun = true
                        if b == 0x30 { pendingZero = true; continue }
                    } else if pendingZero {
                        if b == 0x30 { continue }
                        pendingZero = false
                    }
                    out[n] = b
                    n += 1
                    continue
                }
                if pendingZero { out[n] = 0x30; n += 1 }
                inRun = false
                pendingZero = false
                out[n] = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
                n += 1
            }
            if pendingZero { out[n] = 0x30; n += 1 }
            return Interner.hash(UnsafeBufferPointer(rebasing: out[0..<n]))
        }
    }
}
