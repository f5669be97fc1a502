import Exact

/// One employee contribution: a rate on a base clamped to an optional floor and ceiling,
/// with its own rounding (some housing-fund centres round to the 元).
public struct ContributionItem: Sendable, Hashable, Codable {
    /// A stable key the rules use to refer to the item (`pension`, `养老`).
    public var key: String
    /// The item's name in explanations: 养老保险 / pension insurance.
    public var name: PayText
    /// The employee's rate as a fraction: 0.08 for 8%.
    public var rate: Fixed
    /// 缴费基数下限: a smaller base is raised to it.
    public var baseFloor: Money?
    /// 缴费基数上限: a larger base is lowered to it.
    public var baseCeiling: Money?
    public var rounding: RoundingSpec

    public init(
        key: String, name: PayText, rate: Fixed, baseFloor: Money? = nil, baseCeiling: Money? = nil,
        rounding: RoundingSpec = .fen
    ) {
        self.key = key
        self.name = name
        self.rate = rate
        self.baseFloor = baseFloor
        self.baseCeiling = baseCeiling
        self.rounding = rounding
    }
}

/// The employee's social insurance and housing fund for one month: each item a rate on
/// the contribution base clamped to the item's floor and ceiling, rounded as the item
/// declares. An item can be switched off for a person (e.g. a 公益性岗位 whose employee
/// share is not deducted): it contributes 0 and the trace gives the reason.
///
/// ```swift
/// let insurance = SocialInsurance(items: [
///     ContributionItem(key: "养老", name: PayText(zh: "养老保险", en: "pension"), rate: Fixed("0.08")!,
///                      baseFloor: Money(yuan: 3_000), baseCeiling: Money(yuan: 15_000)),
///     ContributionItem(key: "公积金", name: PayText(zh: "住房公积金", en: "housing fund"), rate: Fixed("0.05")!,
///                      rounding: .yuan),
/// ])
/// try insurance.contributions(base: Money(yuan: 2_500)).total   // 240.00 + 125.00 = 365.00
/// ```
public struct SocialInsurance: Sendable, Hashable, Codable {
    public var items: [ContributionItem]

    public init(items: [ContributionItem]) { self.items = items }

    /// Each item's contribution on `base` and their total.
    ///
    /// - Parameter switchedOff: keys of items not deducted for this person, with the reason.
    public func contributions(base: Money, switchedOff: [String: PayText] = [:]) throws(PayError) -> ContributionResult {
        guard base >= .zero else { throw .negative(PayText(zh: "缴费工资", en: "contribution wage"), base.fixed) }
        var seen = Set<String>()
        for item in items {
            guard seen.insert(item.key).inserted else { throw .duplicateKey(item.key) }
            if let f = item.baseFloor, let c = item.baseCeiling, f > c {
                throw .floorAboveCeiling(item: item.key, floor: f, ceiling: c)
            }
        }
        for key in switchedOff.keys.sorted() where !seen.contains(key) { throw .unknownKey(key) }

        var trace = PayTrace()
        var lines: [ContributionLine] = []
        for item in items {
            let (clamped, clampNote) = Self.clamp(base, item)
            let inputs = [
                PayInput(.contributionBase, .money(clamped)),
                PayInput(.contributionRate, .rate(item.rate)),
            ]
            let formula = PayText(zh: "缴费基数 × 费率", en: "contribution base × rate")
            if let reason = switchedOff[item.key] {
                lines.append(ContributionLine(key: item.key, name: item.name, base: clamped, amount: .zero, switchedOffReason: reason))
                trace.append(PayStep(
                    label: item.name, formula: formula, inputs: inputs, result: .money(.zero),
                    notes: [.switchedOff(reason: reason)]))
                continue
            }
            let (amount, applied) = try item.rounding.money(clamped.fixed.times(item.rate))
            lines.append(ContributionLine(key: item.key, name: item.name, base: clamped, amount: amount, switchedOffReason: nil))
            trace.append(PayStep(
                label: item.name, formula: formula, inputs: inputs, result: .money(amount),
                rounding: applied, notes: clampNote.map { [$0] } ?? []))
        }
        let total = try lines.map(\.amount).checkedSum()
        trace.append(PayStep(
            label: PayText(zh: "个人缴费合计", en: "employee contributions in total"),
            formula: PayText(zh: "各项个人缴费之和", en: "sum of the items"),
            inputs: lines.map { PayInput($0.name, .money($0.amount)) },
            result: .money(total)))
        return ContributionResult(lines: lines, total: total, trace: trace)
    }

    static func clamp(_ base: Money, _ item: ContributionItem) -> (Money, PayNote?) {
        if let floor = item.baseFloor, base < floor { return (floor, .raisedToFloor(wage: base, floor: floor)) }
        if let ceiling = item.baseCeiling, base > ceiling { return (ceiling, .loweredToCeiling(wage: base, ceiling: ceiling)) }
        return (base, nil)
    }
}

/// One item's contribution for one person.
public struct ContributionLine: Sendable, Hashable, Codable {
    public var key: String
    public var name: PayText
    /// The base after clamping to the item's floor and ceiling.
    public var base: Money
    public var amount: Money
    /// Why the item was not deducted, when it was switched off.
    public var switchedOffReason: PayText?
}

/// The employee contributions for one person, with the trace behind them.
public struct ContributionResult: Sendable, Hashable {
    public var lines: [ContributionLine]
    public var total: Money
    public var trace: PayTrace

    /// The line of the item with this key.
    public func line(_ key: String) -> ContributionLine? { lines.first { $0.key == key } }
}

extension PayText {
    static let contributionBase = PayText(zh: "缴费基数", en: "contribution base")
    static let contributionRate = PayText(zh: "费率", en: "rate")
}
