import Exact

/// A declared rounding: the rule and the number of decimal places to keep.
///
/// Every rounding in Pay is one of these, passed in by the caller (the rules language
/// declares it per pay line); `.fen` — 四舍五入 to the 分 — is the default.
///
/// ```swift
/// RoundingSpec.fen                       // 四舍五入到分 (half up, 2 places)
/// RoundingSpec(.halfUp, scale: 0)        // 四舍五入到元, as some housing-fund centres do
/// RoundingSpec(.halfUp, scale: 4)        // a day rate kept to 4 places
/// ```
public struct RoundingSpec: Sendable, Hashable, Codable {
    public var rule: Rounding
    /// Decimal places kept: 0 = 元, 1 = 角, 2 = 分 when the value is money.
    public var scale: Int

    public init(_ rule: Rounding = .halfUp, scale: Int = 2) {
        self.rule = rule
        self.scale = scale
    }

    /// 四舍五入到分: the default for money.
    public static let fen = RoundingSpec(.halfUp, scale: 2)
    /// 四舍五入到角.
    public static let jiao = RoundingSpec(.halfUp, scale: 1)
    /// 四舍五入到元.
    public static let yuan = RoundingSpec(.halfUp, scale: 0)

    /// Whether the result can be held as `Money` (at most two places).
    public var fitsMoney: Bool { (0...2).contains(scale) }

    /// Rounds an exact value to this spec, returning what the trace should record.
    public func apply(_ exact: Fixed) throws(PayError) -> (Fixed, AppliedRounding) {
        guard (0...Fixed.maxScale).contains(scale) else { throw .scaleOutOfRange(scale) }
        let rounded = exact.rounded(scale: scale, rule)
        // `rounded(scale:)` falls back to the input when widening overflows; refuse that
        // rather than report a value at the wrong scale.
        guard rounded.scale == scale else { throw .overflow(PayText(zh: "舍入", en: "rounding")) }
        return (rounded, AppliedRounding(spec: self, exact: exact, rounded: rounded))
    }

    /// Rounds an exact value to money at this spec; the spec must keep at most two places.
    public func money(_ exact: Fixed) throws(PayError) -> (Money, AppliedRounding) {
        guard fitsMoney else { throw .moneyScaleTooFine(scale) }
        let (rounded, applied) = try apply(exact)
        guard let fen = rounded.widened(to: 2), fen.scale == 2 else {
            throw .overflow(PayText(zh: "舍入", en: "rounding"))
        }
        return (Money(fen: fen.units), applied)
    }

    /// 四舍五入到分 / half up to the fen — the words an explanation uses.
    public func text(_ language: TraceLanguage) -> String {
        switch (language, scale) {
        case (.zh, 0): "\(rule.chineseName)到元"
        case (.zh, 1): "\(rule.chineseName)到角"
        case (.zh, 2): "\(rule.chineseName)到分"
        case (.zh, _): "\(rule.chineseName)保留 \(scale) 位小数"
        case (.en, 0): "\(rule.englishName) to the yuan"
        case (.en, 1): "\(rule.englishName) to the jiao"
        case (.en, 2): "\(rule.englishName) to the fen"
        case (.en, _): "\(rule.englishName) to \(scale) places"
        }
    }
}

extension Rounding {
    /// The English name used in traces (the Chinese one lives beside the rule in Exact).
    var englishName: String {
        switch self {
        case .halfUp: "half up"
        case .halfEven: "half even"
        case .down: "toward zero"
        case .up: "away from zero"
        case .floor: "floor"
        case .ceiling: "ceiling"
        }
    }
}
