/// An exact amount of money in 分 (hundredths of a yuan).
///
/// ```swift
/// let pay = Money(yuan: 3200)             // 3200.00
/// let rate = Fixed("0.08")!
/// pay.multiplied(by: rate, .halfUp)       // 256.00
/// ```
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible, Codable,
    AdditiveArithmetic
{
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }
    public init(yuan: Int64) { self.fen = yuan * 100 }

    public static let zero = Money(fen: 0)

    /// Parses `1234.56`, `1,234.5`, `-3` (ASCII; at most two places). A third place is
    /// refused rather than rounded: money in a file is taken as written or not at all.
    public init?(_ text: String) {
        guard let f = Fixed(text), f.scale <= 2, let w = f.widened(to: 2) else { return nil }
        self.fen = w.units
    }

    /// A decimal amount rounded to the 分 as stated.
    public init?(_ value: Fixed, _ rounding: Rounding) {
        let r = value.rounded(scale: 2, rounding)
        guard let w = r.widened(to: 2) else { return nil }
        self.fen = w.units
    }

    public var fixed: Fixed { Fixed(units: fen, scale: 2) }

    /// `amount × factor`, rounded to the 分 (or to `scale` places of a yuan and back).
    public func multiplied(by factor: Fixed, _ rounding: Rounding, scale: Int = 2) -> Money? {
        guard let p = fixed.multiplying(factor) else { return nil }
        return Money(p.rounded(scale: min(scale, 2), rounding), .halfUp)
    }

    /// Rounds this amount to whole 元 (scale 0) or 角 (scale 1).
    public func rounded(scale: Int, _ rounding: Rounding) -> Money {
        Money(fixed.rounded(scale: min(scale, 2), rounding), .halfUp)!
    }

    public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
    public static func - (a: Money, b: Money) -> Money { Money(fen: a.fen - b.fen) }
    public static prefix func - (a: Money) -> Money { Money(fen: -a.fen) }
    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// `1234.50`: two places, no separators (bank files, CSV).
    public var description: String { fixed.description }

    /// `1,234.50`: two places with thousands separators (reports, pages).
    public var grouped: String {
        let plain = description
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", maxSplits: 1)
        var intPart = Array(parts[0])
        var out: [Character] = []
        while intPart.count > 3 {
            out.insert(contentsOf: [","] + intPart.suffix(3), at: 0)
            intPart.removeLast(3)
        }
        out.insert(contentsOf: intPart, at: 0)
        return (negative ? "-" : "") + String(out) + "." + parts[1]
    }
}

extension Sequence where Element == Money {
    public func sum() -> Money { reduce(.zero, +) }
}
