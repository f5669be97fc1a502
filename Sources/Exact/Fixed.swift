/// An exact decimal number: `units × 10^-scale`.
///
/// Addition, subtraction and multiplication are exact; division and rescaling to fewer
/// places take an explicit `Rounding`. Arithmetic that would overflow returns `nil` from
/// the checked operations, so a caller can report it instead of trapping.
///
/// ```swift
/// let hours = Fixed("2.5")!           // 2.5
/// let points = hours * Fixed("0.5")!  // 1.25, scale 2
/// points.rounded(scale: 1, .halfUp)   // 1.3
/// ```
public struct Fixed: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public private(set) var units: Int64
    public private(set) var scale: Int

    public static let maxScale = 18
    public static let zero = Fixed(units: 0, scale: 0)

    public init(units: Int64, scale: Int) {
        precondition(scale >= 0 && scale <= Fixed.maxScale, "scale out of range")
        self.units = units
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(units: Int64(integer), scale: 0)
    }

    /// Parses `-12.345`, `+3`, `1,234.5` (ASCII; normalise full-width text first with
    /// `TextNormalizer`). Returns nil for anything else, including exponents. Commas are
    /// thousands separators only: one to three digits, then groups of exactly three before
    /// the point (`1,234,567.5`); `1,5`, `1,2,3` and `12,34.5` are no numbers, since reading
    /// them as 15, 123 or 1234.5 would silently pay the wrong amount.
    public init?(_ text: String) {
        var s = Substring(text)
        guard let parsed = Fixed.parse(&s), s.isEmpty else { return nil }
        self = parsed
    }

    static func parse(_ s: inout Substring) -> Fixed? {
        var bytes = Array(s.utf8)
        s = s[s.endIndex...]
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var units: Int64 = 0
        var scale = 0
        var seenDot = false, seenDigit = false, lastWasComma = false
        // Digits since the last comma (or the start), and whether a comma was seen.
        var group = 0, grouped = false
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = units.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(b - 48))
                if o1 || o2 { return nil }
                units = a
                if seenDot {
                    scale += 1
                    if scale > maxScale { return nil }
                }
                seenDigit = true
                lastWasComma = false
                if !seenDot { group += 1 }
            case UInt8(ascii: "."):
                if seenDot || lastWasComma { return nil }
                if grouped && group != 3 { return nil }
                seenDot = true
            case UInt8(ascii: ","):
                // Thousands separators only before the decimal point, never doubled: the
                // first group one to three digits, every later one exactly three.
                if seenDot || !seenDigit || lastWasComma { return nil }
                if grouped ? group != 3 : group > 3 { return nil }
                grouped = true
                group = 0
                lastWasComma = true
            default:
                return nil
            }
        }
        if !seenDigit || lastWasComma { return nil }
        if grouped && !seenDot && group != 3 { return nil }
        return Fixed(units: negative ? -units : units, scale: scale)
    }

    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }

    /// The integer part when the value is whole.
    public var wholeValue: Int64? {
        let p = Fixed.pow10(scale)
        return units % p == 0 ? units / p : nil
    }

    /// The same value with trailing zero places removed: `1.50` → `1.5`.
    public var normalized: Fixed {
        var u = units, s = scale
        while s > 0, u % 10 == 0 { u /= 10; s -= 1 }
        return Fixed(units: u, scale: s)
    }

    /// The same value at a larger scale; nil on overflow.
    public func widened(to newScale: Int) -> Fixed? {
        if newScale <= scale { return self }
        guard newScale <= Fixed.maxScale else { return nil }
        let (u, o) = units.multipliedReportingOverflow(by: Fixed.pow10(newScale - scale))
        return o ? nil : Fixed(units: u, scale: newScale)
    }

    /// Rounds to `newScale` places with the stated rule; exact when no places are dropped.
    public func rounded(scale newScale: Int, _ rounding: Rounding) -> Fixed {
        if newScale >= scale { return widened(to: newScale) ?? self }
        let divisor = Fixed.pow10(scale - newScale)
        return Fixed(units: rounding.divide(units, by: divisor), scale: newScale)
    }

    public func adding(_ other: Fixed) -> Fixed? {
        let s = max(scale, other.scale)
        guard let a = widened(to: s), let b = other.widened(to: s) else { return nil }
        let (u, o) = a.units.addingReportingOverflow(b.units)
        return o ? nil : Fixed(units: u, scale: s)
    }

    public func subtracting(_ other: Fixed) -> Fixed? {
        adding(other.negated())
    }

    /// Exact product; the scale is the sum of the scales, reduced by dropping trailing
    /// zeros when it would exceed `maxScale`. Nil on overflow.
    public func multiplying(_ other: Fixed) -> Fixed? {
        let wide = Int128(units) * Int128(other.units)
        var s = scale + other.scale
        var w = wide
        while s > Fixed.maxScale || w > Int128(Int64.max) || w < Int128(Int64.min) {
            guard s > 0, w % 10 == 0 else { return nil }
            w /= 10
            s -= 1
        }
        return Fixed(units: Int64(w), scale: s)
    }

    /// The quotient at `scale` places, rounded as stated. Nil on division by zero or overflow.
    public func dividing(by other: Fixed, scale resultScale: Int, _ rounding: Rounding) -> Fixed? {
        guard other.units != 0, resultScale >= 0, resultScale <= Fixed.maxScale else { return nil }
        // self/other = (u1 / 10^s1) / (u2 / 10^s2); result units = u1 * 10^(r + s2 - s1) / u2
        let shift = resultScale + other.scale - scale
        var numerator = Int128(units)
        var denominator = Int128(other.units)
        if shift >= 0 {
            for _ in 0..<shift {
                let (m, o) = numerator.multipliedReportingOverflow(by: 10)
                if o { return nil }
                numerator = m
            }
        } else {
            for _ in 0..<(-shift) {
                let (m, o) = denominator.multipliedReportingOverflow(by: 10)
                if o { return nil }
                denominator = m
            }
        }
        let q = rounding.divide(numerator, by: denominator)
        guard q <= Int128(Int64.max), q >= Int128(Int64.min) else { return nil }
        return Fixed(units: Int64(q), scale: resultScale)
    }

    public func negated() -> Fixed { Fixed(units: -units, scale: scale) }

    public static func + (a: Fixed, b: Fixed) -> Fixed { a.adding(b)! }
    public static func - (a: Fixed, b: Fixed) -> Fixed { a.subtracting(b)! }
    public static func * (a: Fixed, b: Fixed) -> Fixed { a.multiplying(b)! }

    public static func == (a: Fixed, b: Fixed) -> Bool { compare(a, b) == 0 }
    public static func < (a: Fixed, b: Fixed) -> Bool { compare(a, b) < 0 }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.units)
        hasher.combine(n.scale)
    }

    static func compare(_ a: Fixed, _ b: Fixed) -> Int {
        let s = max(a.scale, b.scale)
        let x = Int128(a.units) * Int128(pow10(s - a.scale))
        let y = Int128(b.units) * Int128(pow10(s - b.scale))
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    /// Plain text with exactly `scale` places: `Fixed(units: 150, scale: 2)` → `1.50`.
    public var description: String {
        if scale == 0 { return String(units) }
        let negative = units < 0
        let magnitude = units.magnitude
        let p = UInt64(Fixed.pow10(scale))
        var frac = String(magnitude % p)
        frac = String(repeating: "0", count: scale - frac.count) + frac
        return "\(negative ? "-" : "")\(magnitude / p).\(frac)"
    }

    /// Text without trailing zero places: `1.50` → `1.5`, `2.00` → `2`.
    public var shortDescription: String { normalized.description }

    static let powers: [Int64] = (0...18).map { e in (0..<e).reduce(Int64(1)) { p, _ in p * 10 } }
    public static func pow10(_ e: Int) -> Int64 { powers[e] }
}

extension Fixed {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = Fixed(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a decimal: \(s)")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
