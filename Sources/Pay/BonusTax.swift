import Exact

/// The income tax on a year-end bonus (全年一次性奖金), both ways the law allows.
///
/// - 单独计税 (财政部 税务总局公告2023年第30号, in force to 2027-12-31): the bonus ÷ 12 picks
///   the row of the *monthly* table (3% … 45%); tax = bonus × rate − that row's quick
///   deduction, once (not × 12). The row is found by comparing the bonus with 12 × each
///   bound, so no rounding of the quotient can move it to another row.
/// - 并入综合所得: the bonus joins the year's comprehensive income; its tax is
///   annual table(taxable + bonus) − annual table(taxable), taxable floored at 0.
///
/// Both are rounded as their tables declare (四舍五入到分 by default). Nothing here is built
/// in: the tables come from the rules.
///
/// ```swift
/// let s = try BonusTax.separate(bonus: Money(yuan: 36_000), table: monthly)   // 1,080.00 (3 000 a month → 3%)
/// let m = try BonusTax.merged(bonus: Money(yuan: 36_000), taxable: Money(yuan: 20_000), table: annual)
/// ```
public enum BonusTax {
    public enum Method: String, Sendable, Hashable, Codable {
        case separate, merged
    }

    /// 单独计税 with the monthly `table`.
    public static func separate(bonus: Money, table: BracketTable) throws(PayError) -> Traced<Money> {
        guard !table.rows.isEmpty else { throw .emptyTable }
        let bonusText = PayText(zh: "全年一次性奖金", en: "annual one-off bonus")
        let monthly = bonus.fixed.dividing(by: Fixed(12), scale: 10, .halfUp) ?? .zero
        var trace = PayTrace()
        trace.append(PayStep(
            label: PayText(zh: "月均奖金", en: "bonus per month"),
            formula: PayText(zh: "全年一次性奖金 ÷ 12（只用来确定税率）", en: "bonus ÷ 12 (picks the rate only)"),
            inputs: [PayInput(bonusText, .money(bonus))], result: .number(monthly.rounded(scale: 2, .halfUp)),
            rounding: monthly.normalized.scale > 2 ? AppliedRounding(spec: .fen, exact: monthly, rounded: monthly.rounded(scale: 2, .halfUp), isExact: false) : nil))
        guard bonus > .zero else {
            trace.append(PayStep(label: PayText(zh: "单独计税", en: "taxed separately"), formula: PayText(zh: "没有奖金，不纳税", en: "no bonus, no tax"),
                                 inputs: [], result: .money(.zero), notes: [.nothingTaxable]))
            return Traced(.zero, trace: trace)
        }
        // The row whose bounds × 12 hold the bonus.
        let lowers = table.effectiveLowerBounds
        var row: Int?
        for (i, r) in table.rows.enumerated() {
            guard let lower = lowers[i] else { continue }
            let lo = try lower.times(12)
            let hi = try r.upperBound.map { (m: Money) throws(PayError) -> Money in try m.times(12) }
            if bonus > lo, hi.map({ bonus <= $0 }) ?? true {
                row = i
                break
            }
        }
        guard let row else { throw .notCovered(amount: Money(monthly, .halfUp) ?? bonus) }
        let rate = table.rows[row].rate, quick = table.rows[row].quickDeduction
        let exact = try bonus.fixed.times(rate).minus(quick.fixed)
        let (tax, applied) = try table.rounding.money(max(.zero, exact))
        trace.append(PayStep(
            label: PayText(zh: "单独计税", en: "taxed separately"),
            formula: PayText(zh: "全年一次性奖金 × 税率 − 速算扣除数", en: "bonus × rate − quick deduction"),
            inputs: [PayInput(bonusText, .money(bonus)), PayInput(PayText(zh: "税率", en: "rate"), .rate(rate)),
                     PayInput(PayText(zh: "速算扣除数", en: "quick deduction"), .money(quick))],
            result: .money(tax), rounding: applied,
            notes: [.bracket(table: table.name, row: row, lowerBound: lowers[row], upperBound: table.rows[row].upperBound)]))
        return Traced(tax, trace: trace)
    }

    /// 并入综合所得 with the annual `table`: the tax on `taxable` + `bonus` less the tax on
    /// `taxable`, each taxable income at least 0. A `taxable` below 0 is deduction the year's
    /// wages did not use (a cadre allowed 60,000 who earned less): merged, it absorbs that much
    /// of the bonus, so the tax is on `taxable` + `bonus`, not on the bonus alone.
    public static func merged(bonus: Money, taxable: Money, table: BracketTable) throws(PayError) -> Traced<Money> {
        var trace = PayTrace()
        let base = max(.zero, taxable)
        trace.append(PayStep(
            label: PayText(zh: "不含奖金的应纳税所得额", en: "taxable income without the bonus"),
            formula: PayText(zh: "全年应纳税所得额（不低于 0）", en: "the year's taxable income (at least 0)"),
            inputs: [PayInput(PayText(zh: "全年应纳税所得额", en: "the year's taxable income"), .money(taxable))],
            result: .money(base), notes: taxable < .zero ? [.flooredAtZero(difference: base - taxable)] : []))
        let sum = try taxable.plus(bonus)
        let withBase = max(.zero, sum)
        trace.append(PayStep(
            label: PayText(zh: "含奖金的应纳税所得额", en: "taxable income with the bonus"),
            formula: PayText(zh: "全年应纳税所得额 + 奖金（不低于 0）", en: "the year's taxable income + the bonus (at least 0)"),
            inputs: [PayInput(PayText(zh: "全年应纳税所得额", en: "the year's taxable income"), .money(taxable)),
                     PayInput(PayText(zh: "奖金", en: "bonus"), .money(bonus))],
            result: .money(withBase), notes: sum < .zero ? [.flooredAtZero(difference: withBase - sum)] : []))
        let with = try table.tax(on: withBase)
        let without = try table.tax(on: base)
        var withStep = with.trace.steps.last!
        withStep.label = PayText(zh: "含奖金的全年税额", en: "tax on the year with the bonus")
        var withoutStep = without.trace.steps.last!
        withoutStep.label = PayText(zh: "不含奖金的全年税额", en: "tax on the year without the bonus")
        trace.append(withStep)
        trace.append(withoutStep)
        let tax = try with.value.minus(without.value)
        trace.append(PayStep(
            label: PayText(zh: "并入综合所得", en: "merged into comprehensive income"),
            formula: PayText(zh: "含奖金的全年税额 − 不含奖金的全年税额", en: "tax with the bonus − tax without it"),
            inputs: [PayInput(PayText(zh: "含奖金的全年税额", en: "tax with the bonus"), .money(with.value)),
                     PayInput(PayText(zh: "不含奖金的全年税额", en: "tax without the bonus"), .money(without.value))],
            result: .money(tax)))
        return Traced(tax, trace: trace)
    }

    /// The method taken when both are possible and the rules say 取低者: the lower tax; on
    /// equal taxes 单独计税 (the bonus then stays out of the annual 汇算's comprehensive income).
    public static func lower(separate: Money, merged: Money) -> (method: Method, why: PayText) {
        if merged < separate {
            return (.merged, PayText(zh: "取低者：并入综合所得 \(merged.grouped) 元 < 单独计税 \(separate.grouped) 元",
                                     en: "lower: merged \(merged.grouped) < separate \(separate.grouped)"))
        }
        let op = separate == merged ? "=" : "<"
        return (.separate, PayText(zh: "取低者：单独计税 \(separate.grouped) 元 \(op) 并入综合所得 \(merged.grouped) 元" + (op == "=" ? "（相等时单独计税）" : ""),
                                   en: "lower: separate \(separate.grouped) \(op) merged \(merged.grouped)" + (op == "=" ? " (equal: separate)" : "")))
    }
}
