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
        let headerWidth: Int
        /// A decoder of its own for the reading thread: decoding the early kinds never
        /// touches its interners.
        let decoder: FieldDecoder

        init(path: String, columnOfField: [Int?], early: [Bool], presenceOnly: [Bool], optionalValue: [Bool], personal: [Bool],
             fields: [FieldSpec], keyIndex: Int?, headerWidth: Int, decoder: FieldDecoder) {
            self.path = path
            self.columnOfField = columnOfField
            self.early = early
            self.presenceOnly = presenceOnly
            self.optionalValue = optionalValue
            self.personal = personal
            self.fields = fields
            self.keyIndex = keyIndex
            self.headerWidth = headerWidth
            self.decoder = decoder
        }
    }
}

/// Prechecked rows of one batch, stored flat beside the batch's bytes.
struct PrecheckedRows {
    var fieldCount = 0
    var payload: [Int64] = []
    var present: [Bool] = []
    var rowHash: [UInt64] = []
    var keyHash: [UInt64] = []
    /// Per row, where its problems start in `problems` (one more entry at the end).
    var problemStart: [Int32] = [0]
    var problems: [(field: Int, problem: RecordProblem)] = []
    var count: Int { rowHash.count }

    mutating func reset(fieldCount: Int) {
        self.fieldCount = fieldCount
        payload.removeAll(keepingCapacity: true)
        present.removeAll(keepingCapacity: true)
        rowHash.removeAll(keepingCapacity: true)
        keyHash.removeAll(keepingCapacity: true)
        problemStart.removeAll(keepingCapacity: true)
        problemStart.append(0)
        problems.removeAll(keepingCapacity: true)
    }

    /// Prechecks one row with `plan`, appending its results.
    mutating func append(_ row: borrowing RawRow, plan: RowPrecheck.Plan, decoder: inout FieldDecoder) {
        let columnOfField = plan.columnOfField, presenceOnly = plan.presenceOnly, early = plan.early, optionalValue = plan.optionalValue
        var rowHash: UInt64 = 0xcbf2_9ce4_8422_2325
        var keyHash: UInt64 = 0
        for f in 0..<plan.fields.count {
            guard let column = columnOfField[f] else {
                payload.append(0)
                present.append(false)
                continue
            }
            let raw = FieldDecoder.trimmed(row.bytes(column))
            for b in raw { rowHash = (rowHash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            rowHash = (rowHash ^ 0x1F) &* 0x0000_0100_0000_01B3
            if f == plan.keyIndex { keyHash = Interner.hash(raw) }
            func place() -> Place {
                Place(path: plan.path, line: row.line, column: column + 1, columnName: plan.fields[f].name)
            }
            if presenceOnly[f] {
                payload.append(0)
                present.append(!raw.isEmpty)
                if raw.isEmpty, !optionalValue[f] { problems.append((f, .missingValue(place(), type: plan.fields[f].type))) }
                continue
            }
            guard early[f] else {
                payload.append(0)
                present.append(false)
                continue
            }
            switch decoder.decode(f, raw, kind: row.kind(column)) {
            case nil:
                payload.append(0)
                present.append(false)
                if !optionalValue[f] { problems.append((f, .missingValue(place(), type: plan.fields[f].type))) }
            case .success(let v)?:
                payload.append(v)
                present.append(true)
            case .failure(let problem)?:
                payload.append(0)
                present.append(false)
                problems.append((f, SourceValidator.valueProblem(place(), raw, plan.fields[f].type, personal: plan.personal[f], problem)))
            }
        }
        if row.count > plan.headerWidth {
            let extra = (plan.headerWidth..<row.count).filter { FieldDecoder.trimmed(row.bytes($0)).count > 0 }.count
            if extra > 0 { problems.append((plan.fields.count, .extraCells(Place(path: plan.path, line: row.line), count: extra))) }
        }
        self.rowHash.append(rowHash)
        self.keyHash.append(keyHash)
        problemStart.append(Int32(problems.count))
    }
}
