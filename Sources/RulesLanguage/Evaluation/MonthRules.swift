import Exact
import Pay
import Records

/// The rules in force for one month: the version of each item, table and pay line whose
/// period contains the month's first day, and each parameter's value then.
public struct MonthRules: Sendable {
    public let month: YearMonth
    public let checked: CheckedRules
    public let items: [CheckedItem]
    public let vetoes: [CheckedVeto]
    public let base: Fixed
    public let baseCitation: String?
    /// 总分范围 in force: the total is taken to these bounds after adjustments.
    public let scoreFloor: Fixed?
    public let scoreCeiling: Fixed?
    public let scoreRangeCitation: String?
    /// 合计上限 in force.
    public let groupCaps: [CheckedGroupCap]
    public let tiers: CheckedTiers?
    public let parameters: [String: Fixed]
    public let lookups: [String: CheckedLookup]
    public let brackets: [String: BracketTable]
    public let payLines: [CheckedPayLine]

    public init(_ rules: CheckedRules, month: YearMonth) {
        self.month = month
        self.checked = rules
        items = rules.items.filter { $0.period.contains(month) }
        vetoes = rules.vetoes.filter { $0.period.contains(month) }
        let bases = rules.base.filter { $0.period.contains(month) }
        base = bases.map(\.points).reduce(.zero, +)
        baseCitation = bases.first?.citation
        let range = rules.scoreRanges.first { $0.period.contains(month) }
        scoreFloor = range?.floor
        scoreCeiling = range?.ceiling
        scoreRangeCitation = range?.citation
        groupCaps = rules.groupCaps.filter { $0.period.contains(month) }
        tiers = rules.tiers.first { $0.period.contains(month) }
        var params: [String: Fixed] = [:]
        for (name, p) in rules.parameters { if let v = p.value(in: month) { params[name] = v } }
        parameters = params
        lookups = rules.lookups.compactMapValues { $0.first { $0.period.contains(month) } }
        brackets = rules.brackets.compactMapValues { $0.first { $0.period.contains(month) }?.table }
        payLines = rules.payLines.filter { $0.period.contains(month) }
    }

    /// Names that have no version in force this month although the rules use them, so a
    /// batch can refuse the month instead of scoring it wrongly.
    public var missingVersions: [String] {
        var missing: [String] = []
        for name in Set(checked.items.map(\.name)) where !items.contains(where: { $0.name == name }) { missing.append(name) }
        for (name, p) in checked.parameters where parameters[name] == nil && !p.values.isEmpty { missing.append(name) }
        if tiers == nil && !checked.tiers.isEmpty { missing.append("等次评定") }
        return missing.sorted()
    }
}

extension MonthRules {
    /// The annual pay lines the month's pay lines read by 上年年度（…） (the previous year's
    /// year-end bonus paid through this payroll), in order of first use.
    public var previousYearAnnualReads: [String] {
        var out: [String] = []
        for line in payLines {
            line.expression.walk { e in
                if case .previousYearAnnual(let n) = e, !out.contains(n) { out.append(n) }
            }
        }
        return out
    }
}
