import Exact

/// The small general formulas pay lines are composed of: a quotient at a declared scale
/// (day rate, 分值) and a product rounded to money (overtime, points × 分值).
///
/// The rules language composes these; nothing here knows 21.75 or 300%.
///
/// ```swift
/// // Holiday overtime: 3,000 a month ÷ 21.75, kept to 4 places; × 2 days × 300%.
/// let day = try PayArithmetic.ratePerDay(monthly: Money(yuan: 3_000), divisor: Fixed("21.75")!,
///                                        rounding: RoundingSpec(.halfUp, scale: 4))   // 137.9310
/// let pay = try PayArithmetic.scaledAmount(
///     PayText(zh: "节假日加班工资", en: "holiday overtime"),
///     factors: [PayInput(PayText(zh: "日工资", en: "day rate"), .number(day.value)),
///               PayInput(PayText(zh: "天数", en: "days"), .number(Fixed(2))),
///               PayInput(PayText(zh: "倍数", en: "multiplier"), .rate(Fixed(3)))],
///     rounding: .fen)                                                               // 827.59
/// ```
public enum PayArithmetic {
    /// `dividend ÷ divisor` at the declared scale and rule.
    public static func quotient(
        _ label: PayText, dividend: PayInput, divisor: PayInput, rounding: RoundingSpec
    ) throws(PayError) -> Traced<Fixed> {
        guard (0...Fixed.maxScale).contains(rounding.scale) else { throw .scaleOutOfRange(rounding.scale) }
        let d = divisor.value.fixedValue
        guard !d.isZero else { throw .divisionByZero(divisor.name) }
        // dividing(by:scale:_:) rounds the true quotient in one step: no double rounding.
        guard let q = dividend.value.fixedValue.dividing(by: d, scale: rounding.scale, rounding.rule) else {
            throw .overflow(label)
        }
        let step = PayStep(
            label: label,
            formula: PayText(zh: "\(dividend.name.zh) ÷ \(divisor.name.zh)", en: "\(dividend.name.en) ÷ \(divisor.name.en)"),
            inputs: [dividend, divisor],
            result: .number(q),
            rounding: Self.quotientRounding(dividend.value.fixedValue, d, rounding, q))
        return Traced(q, trace: PayTrace(steps: [step]))
    }

    /// The day rate: monthly pay ÷ the pay days per month (21.75 in national rules; a parameter).
    public static func ratePerDay(monthly: Money, divisor: Fixed, rounding: RoundingSpec) throws(PayError) -> Traced<Fixed> {
        try quotient(
            PayText(zh: "日工资", en: "day rate"),
            dividend: PayInput(PayText(zh: "月工资", en: "monthly pay"), .money(monthly)),
            divisor: PayInput(PayText(zh: "月计薪天数", en: "pay days per month"), .number(divisor)),
            rounding: rounding)
    }

    /// 分值: the money one point is worth, pool ÷ total points.
    public static func pointValue(pool: Money, totalPoints: Fixed, rounding: RoundingSpec) throws(PayError) -> Traced<Fixed> {
        try quotient(
            PayText(zh: "分值", en: "value of a point"),
            dividend: PayInput(PayText(zh: "奖金池", en: "pool"), .money(pool)),
            divisor: PayInput(PayText(zh: "积分合计", en: "total points"), .number(totalPoints)),
            rounding: rounding)
    }

    /// The product of `factors`, exact, then rounded to money as declared.
    public static func scaledAmount(_ label: PayText, factors: [PayInput], rounding: RoundingSpec) throws(PayError) -> Traced<Money> {
        var product = Fixed(1)
        for f in factors { product = try product.times(f.value.fixedValue) }
        let (amount, applied) = try rounding.money(product)
        let step = PayStep(
            label: label,
            formula: PayText(
                zh: factors.map(\.name.zh).joined(separator: " × "),
                en: factors.map(\.name.en).joined(separator: " × ")),
            inputs: factors, result: .money(amount), rounding: applied)
        return Traced(amount, trace: PayTrace(steps: [step]))
    }

    /// The rounding record of a quotient: the true quotient when it terminates within
    /// `shownPlaces` places, otherwise its first `shownPlaces` places marked as cut.
    static func quotientRounding(_ a: Fixed, _ b: Fixed, _ spec: RoundingSpec, _ rounded: Fixed) -> AppliedRounding {
        let shownPlaces = 10
        var cut = rounded
        for scale in 0...shownPlaces {
            guard let down = a.dividing(by: b, scale: scale, .down), let up = a.dividing(by: b, scale: scale, .up) else {
                break
            }
            if down == up { return AppliedRounding(spec: spec, exact: down, rounded: rounded) }
            cut = down
        }
        return AppliedRounding(spec: spec, exact: cut, rounded: rounded, isExact: false)
    }
}

extension PayQuantity {
    /// The value as an exact decimal: money in yuan, a rate as its fraction, a count whole.
    public var fixedValue: Fixed {
        switch self {
        case .money(let m): m.fixed
        case .number(let f), .rate(let f): f
        case .count(let n): Fixed(n)
        }
    }
}
