import Foundation
import Exact

/// Turns the raw bytes of a source's fields into `Int64` payloads, field by field.
///
/// Payloads by type: text-like fields hold their interned code; integers their value;
/// decimals and money their units at the field's scale; dates days since 1970; times
/// minutes; booleans 0/1; enumerations the index of the word.
public struct FieldDecoder: Sendable {
    public let fields: [FieldSpec]
    public private(set) var interners: [Interner]
    /// Which decoder this is (copies share it). A text's code means something only to the
    /// decoder that interned it: a month's file and the store's adjustments of the same
    /// source are read by two, so whoever remembers a code remembers this beside it.
    public let identity: UInt64
    private let enumBytes: [[[UInt8]]]
    /// Every enumeration's words as (byte length, first sixteen bytes as two words), all
    /// fields' in one array, field `i`'s at `enumRange[i]`: a word is found by comparing a
    /// length and two integers per candidate rather than bytes.
    private let enumEntries: [EnumEntry]
    private let enumRange: [Range<Int>]
    /// The type of each field without its payload, and its numeric bounds in units: read in
    /// the row loop instead of `fields[i].type`, which would copy arrays per field per row.
    private let kinds: [Kind]
    private let bounds: [(min: Int64?, max: Int64?)]
    /// Each number's largest magnitude in units (`FieldSpec.effectiveLimit`; Int64.max for
    /// other types), and the problem a value beyond it is.
    private let limits: [Int64]
    private let limitProblems: [ValueProblem]
    /// `FieldSpec.nonNegative` per field.
    private let nonNegative: [Bool]
    /// Each field's places (`FieldType.scale`), for the same reason.
    private let scales: [Int]

    enum Kind: UInt8 { case text, idNumber, bankAccount, phone, integer, decimal, money, date, time, boolean, enumeration, enumerationOrScore }

    public init(fields: [FieldSpec]) {
        self.fields = fields
        identity = DecoderIdentity.next()
        self.kinds = fields.map { f in
            switch f.type {
            case .text: .text
            case .idNumber: .idNumber
            case .bankAccount: .bankAccount
            case .phone: .phone
            case .integer: .integer
            case .decimal: .decimal
            case .money: .money
            case .date: .date
            case .time: .time
            case .boolean: .boolean
            case .enumeration: .enumeration
            case .enumerationOrScore: .enumerationOrScore
            }
        }
        self.scales = fields.map(\.type.scale)
        self.bounds = fields.map { f in
            switch f.type {
            case .integer(let lo, let hi): (lo, hi)
            case .decimal(let scale, let lo, let hi): (lo?.widened(to: scale)?.units, hi?.widened(to: scale)?.units)
            default: (nil, nil)
            }
        }
        // A limit with more places than the field's is cut to them (toward zero): widening
        // alone would keep its scale and read 2.125 as 2125 units of a 2-place field.
        let cut: [Fixed?] = fields.map { f in f.effectiveLimit.map { $0.rounded(scale: min($0.scale, f.type.scale), .down) } }
        self.limits = fields.indices.map { i in
            guard let l = cut[i], let u = l.widened(to: fields[i].type.scale) else { return .max }
            return u.units.magnitude > UInt64(Int64.max) ? .max : abs(u.units)
        }
        self.limitProblems = fields.indices.map { i in .beyondLimit(limit: cut[i] ?? .zero, rule: fields[i].limitRule) }
        self.nonNegative = fields.map(\.nonNegative)
        self.interners = Array(repeating: Interner(), count: fields.count)
        let enumBytes: [[[UInt8]]] = fields.map { f in
            switch f.type {
            case .enumeration(let words), .enumerationOrScore(let words, _): words.map { Array($0.utf8) }
            default: []
            }
        }
        self.enumBytes = enumBytes
        var entries: [EnumEntry] = []
        var ranges: [Range<Int>] = []
        for words in enumBytes {
            let lo = entries.count
            for w in words {
                let (w0, w1) = w.withUnsafeBufferPointer { ByteWords.words16($0) }
                entries.append(EnumEntry(count: w.count, w0: w0, w1: w1))
            }
            ranges.append(lo..<entries.count)
        }
        enumEntries = entries
        enumRange = ranges
    }

    struct EnumEntry: Sendable {
        let count: Int
        let w0: UInt64
        let w1: UInt64
    }

    /// Decodes field `index` from `raw` (already located in the row). `date1904`: the row is
    /// of a workbook in the 1904 date system (`RawRow.date1904`), whose date serials count
    /// from 1904-01-01.
    public mutating func decode(
        _ index: Int, _ raw: UnsafeBufferPointer<UInt8>, kind: CellKind, date1904: Bool = false
    ) -> Result<Int64, ValueProblem>? {
        decode(index, trimmed: Self.trimmed(raw), kind: kind, date1904: date1904)
    }

    /// `decode` of bytes already `trimmed` (the row checks trim each field once).
    mutating func decode(
        _ index: Int, trimmed bytes: UnsafeBufferPointer<UInt8>, kind: CellKind, date1904: Bool = false
    ) -> Result<Int64, ValueProblem>? {
        if kind == .uncalculated { return .failure(.uncalculatedFormula) }
        if bytes.isEmpty { return nil }
        switch kinds[index] {
        case .text:
            return .success(Int64(interners[index].intern(bytes)))
        case .enumeration:
            if let i = enumIndex(index, bytes) { return .success(Int64(i)) }
            return .failure(.notInEnumeration)
        case .date:
            return Self.date(bytes, kind: kind, date1904: date1904).map { .success(Int64($0.daysSinceEpoch)) } ?? .failure(.notADate)
        case .time:
            return Self.time(bytes, kind: kind).map { .success(Int64($0.minutes)) } ?? .failure(.notATime)
        case .boolean:
            return Self.boolean(bytes).map { .success($0 ? 1 : 0) } ?? .failure(.notABoolean)
        case .integer:
            guard let f = Self.number(bytes, kind: kind, scale: 0) else { return .failure(.notANumber) }
            guard case .success(let v) = f else { return .failure(f.isTooLarge ? limitProblems[index] : .notAnInteger) }
            return checked(index, v)
        case .decimal:
            let scale = scales[index]
            guard let f = Self.number(bytes, kind: kind, scale: scale) else { return .failure(.notANumber) }
            guard case .success(let v) = f else { return .failure(f.isTooLarge ? limitProblems[index] : .tooManyPlaces(allowed: scale)) }
            return checked(index, v)
        case .money:
            guard let f = Self.number(bytes, kind: kind, scale: 2) else { return .failure(.notANumber) }
            guard case .success(let v) = f else { return .failure(f.isTooLarge ? limitProblems[index] : .tooManyPlaces(allowed: 2)) }
            if v < 0, nonNegative[index] { return .failure(.negative) }
            return checked(index, v)
        case .idNumber:
            if kind == .number { return .failure(.storedAsNumber) }
            // Full-width digits and letters (`５２２６３２…`, an IME left in full-width mode)
            // are the same number: checked and kept as ASCII, as other numbers are.
            let upper = Self.halfWidth(bytes) { $0.map { $0 == UInt8(ascii: "x") ? UInt8(ascii: "X") : $0 } }
            if let p = IDNumber.problem(upper) { return .failure(.idNumber(p)) }
            return .success(Int64(upper.withUnsafeBufferPointer { interners[index].intern($0) }))
        case .bankAccount:
            if kind == .number, bytes.count > 15 { return .failure(.storedAsNumber) }
            // Accounts are often written in groups of four: keep the digits only (full-width
            // ones as ASCII).
            let digits = Self.halfWidth(bytes) { $0.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") } }
            guard (16...19).contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return .failure(.bankAccountDigits)
            }
            return .success(Int64(digits.withUnsafeBufferPointer { interners[index].intern($0) }))
        case .phone:
            let digits = Self.halfWidth(bytes) { $0.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") } }
            guard digits.count == 11, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return .failure(.phoneDigits)
            }
            return .success(Int64(digits.withUnsafeBufferPointer { interners[index].intern($0) }))
        case .enumerationOrScore:
            guard case .enumerationOrScore(let words, let maxScore) = fields[index].type else { return nil }
            if let i = enumIndex(index, bytes) { return .success(Int64(i)) }
            guard let f = Self.number(bytes, kind: kind, scale: 0) else { return .failure(.notInEnumeration) }
            guard case .success(let v) = f, v >= 0, v <= maxScore else { return .failure(.outOfRange) }
            return .success(Int64(words.count) + v)
        }
    }

    /// A number within the field's range (D0108 with the range), then within its magnitude
    /// limit (D0108 with the limit).
    @inline(__always)
    private func checked(_ index: Int, _ v: Int64) -> Result<Int64, ValueProblem> {
        guard inBounds(index, v) else { return .failure(.outOfRange) }
        // `v.magnitude`: |Int64.min| does not fit an Int64.
        return v.magnitude <= UInt64(limits[index]) ? .success(v) : .failure(limitProblems[index])
    }

    @inline(__always)
    private func inBounds(_ index: Int, _ v: Int64) -> Bool {
        let b = bounds[index]
        if let lo = b.min, v < lo { return false }
        if let hi = b.max, v > hi { return false }
        return true
    }

    /// Whether field `index` is a time (payload: minutes since midnight).
    @inline(__always)
    public func isTime(_ index: Int) -> Bool { kinds[index] == .time }

    /// Whether field `index` is an integer (payload: the value).
    @inline(__always)
    public func isInteger(_ index: Int) -> Bool { kinds[index] == .integer }

    /// The UTF-8 of text field `index`'s interned `code`, lent to `body`.
    @inline(__always)
    public func withInternedBytes<R>(_ index: Int, _ code: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // In place: `interners[index]` would copy the interner (a retain and a release of
        // each of its arrays) on every call.
        precondition(index >= 0 && index < interners.count, "no such field")
        return interners.withUnsafeBufferPointer { Interner.withBytes(in: $0.baseAddress! + index, code, body) }
    }

    /// The text of a payload, for messages and explanations.
    public func text(_ index: Int, _ payload: Int64) -> String {
        let type = fields[index].type
        switch type {
        case .text, .idNumber, .bankAccount, .phone: return interners[index].string(Int32(payload))
        case .integer: return String(payload)
        case .decimal(let s, _, _): return Fixed(units: payload, scale: s).shortDescription
        case .money: return Money(fen: payload).description
        case .date: return CivilDate(daysSinceEpoch: Int32(payload)).description
        case .time: return TimeOfDay(minutes: Int16(payload)).description
        case .boolean: return payload != 0 ? "是" : "否"
        case .enumeration(let words): return words[Int(payload)]
        case .enumerationOrScore(let words, _):
            return payload < words.count ? words[Int(payload)] : String(payload - Int64(words.count))
        }
    }

    private func enumIndex(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        let (w0, w1) = ByteWords.words16(bytes)
        let range = enumRange[index]
        let found: Int? = enumEntries.withUnsafeBufferPointer { entries in
            for e in range {
                let entry = entries[e]
                guard entry.count == n, entry.w0 == w0, entry.w1 == w1 else { continue }
                // Longer than sixteen bytes: the rest, byte by byte.
                if n > 16, !enumBytes[index][e &- range.lowerBound].withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { continue }
                return e &- range.lowerBound
            }
            return nil
        }
        if let found { return found }
        let words = enumBytes[index]
        // Slow path: full-width letters, stray inner spaces.
        if bytes.contains(where: { $0 >= 0x80 }) {
            let s = TextNormalizer.normalize(String(decoding: bytes, as: UTF8.self)).trimmingSpaces
            for (i, w) in words.enumerated() where String(decoding: w, as: UTF8.self) == s { return i }
        }
        return nil
    }

    // MARK: - Scanners

    /// The bytes with full-width forms (`５`, `Ｘ`, `－`, the ideographic space) as ASCII
    /// (`TextNormalizer`), lent to `body`; ASCII bytes are lent as they are, copying nothing.
    @inline(__always)
    static func halfWidth<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return body(bytes) }
        let normal = Array(TextNormalizer.normalize(String(decoding: bytes, as: UTF8.self)).utf8)
        return normal.withUnsafeBufferPointer(body)
    }

    /// `raw` without leading and trailing ASCII spaces, tabs, NBSP and ideographic spaces.
    @inline(__always)
    static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = raw.count
        while lo < hi {
            let b = raw[lo]
            if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { lo += 1; continue }
            if b == 0xE3, hi - lo >= 3, raw[lo + 1] == 0x80, raw[lo + 2] == 0x80 { lo += 3; continue }
            if b == 0xC2, hi - lo >= 2, raw[lo + 1] == 0xA0 { lo += 2; continue }
            break
        }
        while hi > lo {
            let b = raw[hi - 1]
            if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { hi -= 1; continue }
            if b == 0x80, hi - lo >= 3, raw[hi - 2] == 0x80, raw[hi - 3] == 0xE3 { hi -= 3; continue }
            if b == 0xA0, hi - lo >= 2, raw[hi - 2] == 0xC2 { hi -= 2; continue }
            break
        }
        return UnsafeBufferPointer(rebasing: raw[lo..<hi])
    }

    /// Parses a number to units at `scale`: nil when it is not a number, `.failure` when it
    /// has more places than `scale`. Spreadsheet numbers (binary doubles written as text)
    /// whose extra places are noise below 10⁻⁹ are rounded to `scale`.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, kind: CellKind, scale: Int) -> Result<Int64, ValueProblem>? {
        if let v = plainUnits(bytes, scale: scale) { return .success(v) }
        let fixed: Fixed?
        if bytes.allSatisfy({ $0 < 0x80 }) {
            fixed = Fixed(String(decoding: bytes, as: UTF8.self))
        } else {
            var s = TextNormalizer.normalize(String(decoding: bytes, as: UTF8.self)).trimmingSpaces
            // 元 or a currency sign after or before an amount is harmless.
            for unit in ["元", "¥", "￥"] { s = s.replacingOccurrences(of: unit, with: "") }
            fixed = Fixed(s)
        }
        guard let f = fixed else { return Self.isNumberTooLarge(bytes) ? .failure(tooLarge) : nil }
        if f.scale <= scale { return f.widened(to: scale).map { .success($0.units) } ?? .failure(tooLarge) }
        let rounded = f.rounded(scale: scale, .halfUp)
        if kind == .number, let diff = f.subtracting(rounded), diff.rounded(scale: 9, .halfUp).isZero {
            return rounded.widened(to: scale).map { .success($0.units) } ?? .failure(tooLarge)
        }
        return .failure(.tooManyPlaces(allowed: scale))
    }

    /// What `number` fails with for digits too many for exact arithmetic (the caller names
    /// the field's limit).
    static let tooLarge = ValueProblem.beyondLimit(limit: .zero, rule: nil)

    /// Whether text that `Fixed` refused is a plain number with more digits than an `Int64`
    /// holds (`92233720368547758070`): too large, rather than no number at all.
    static func isNumberTooLarge(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = TextNormalizer.normalize(String(decoding: bytes, as: UTF8.self)).trimmingSpaces
        for unit in ["元", "¥", "￥"] { s = s.replacingOccurrences(of: unit, with: "") }
        if s.hasPrefix("-") || s.hasPrefix("+") { s.removeFirst() }
        let digits = s.filter(\.isASCII).filter { $0 >= "0" && $0 <= "9" }.count
        return digits > 18 && s.allSatisfy { ($0 >= "0" && $0 <= "9") || $0 == "." || $0 == "," }
    }

    /// `-12.5` as units at `scale` straight from ASCII bytes, for the common case; nil for
    /// anything else (separators, full-width digits, too many places), which the general
    /// path then handles.
    @inline(__always)
    static func plainUnits(_ b: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64? {
        var i = 0
        var negative = false
        if b.count > 0, b[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        var v: Int64 = 0
        var digits = 0, places = -1
        while i < b.count {
            let c = b[i]
            if c >= 48 && c <= 57 {
                guard digits < 17 else { return nil }
                v = v * 10 + Int64(c - 48)
                digits += 1
                if places >= 0 { places += 1 }
            } else if c == UInt8(ascii: "."), places < 0 {
                places = 0
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, places != 0 else { return nil }
        let have = max(places, 0)
        guard have <= scale else { return nil }
        for _ in have..<scale { v *= 10 }
        return negative ? -v : v
    }

    static func date(_ bytes: UnsafeBufferPointer<UInt8>, kind: CellKind, date1904: Bool = false) -> CivilDate? {
        // Fast path: 2020-12-01.
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") {
            if let y = digits(bytes, 0, 4), let m = digits(bytes, 5, 2), let d = digits(bytes, 8, 2) {
                return CivilDate(year: y, month: m, day: d)
            }
        }
        if kind == .number, let f = Fixed(String(decoding: bytes, as: UTF8.self)) {
            guard let whole = f.rounded(scale: 0, .floor).wholeValue else { return nil }
            return CivilDate(excelSerial: Int(whole), date1904: date1904)
        }
        return DateParser.parse(String(decoding: bytes, as: UTF8.self), date1904: date1904)
    }

    static func time(_ bytes: UnsafeBufferPointer<UInt8>, kind: CellKind) -> TimeOfDay? {
        if bytes.count == 5, bytes[2] == UInt8(ascii: ":"), let h = digits(bytes, 0, 2), let m = digits(bytes, 3, 2) {
            return TimeOfDay(hour: h, minute: m)
        }
        if kind == .number, let f = Fixed(String(decoding: bytes, as: UTF8.self)) {
            // A date-time serial: keep the time of day.
            let fraction = f.subtracting(f.rounded(scale: 0, .floor)) ?? f
            return DateParser.time(excelFraction: fraction)
        }
        return DateParser.parseTime(String(decoding: bytes, as: UTF8.self))
    }

    static func boolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        // 是 and 否 first, without building a string.
        if bytes.count == 3 {
            if bytes[0] == 0xE6, bytes[1] == 0x98, bytes[2] == 0xAF { return true }
            if bytes[0] == 0xE5, bytes[1] == 0x90, bytes[2] == 0xA6 { return false }
        }
        let s = TextNormalizer.normalize(String(decoding: bytes, as: UTF8.self)).lowercased()
        switch s {
        case "是", "true", "1", "y", "yes", "有", "√", "✓": return true
        case "否", "false", "0", "n", "no", "无", "×": return false
        default: return nil
        }
    }

    @inline(__always)
    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
        var v = 0
        for i in at..<(at + n) {
            let c = b[i]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }
}

extension Result where Success == Int64, Failure == ValueProblem {
    /// `FieldDecoder.number`'s failure for a number too large to hold.
    var isTooLarge: Bool { if case .failure(FieldDecoder.tooLarge) = self { true } else { false } }
}

/// Hands out decoder identities, never the same twice in a process.
private final class DecoderIdentity: @unchecked Sendable {
    static let shared = DecoderIdentity()
    private let lock = NSLock()
    private var last: UInt64 = 0

    static func next() -> UInt64 { shared.take() }

    private func take() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}
