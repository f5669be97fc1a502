import Diagnostics

/// A point item (积分项), a deduction (扣分项) or a manual adjustment (调整项) over one
/// source's records for one cadre in the month.
///
/// Meaning: the records of the source for the cadre and month that pass the filter are
/// scored (`每条` per record and summed, or `计` once over all of them); a daily cap clips
/// each day's sum, then a monthly cap the month's. A deduction's amount is positive and
/// subtracted. Several declarations may share a name if their periods in force do not overlap.
public struct ItemDeclaration: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case points, deduction, adjustment }
    public var kind: Kind
    public var name: Identifier
    public var attributes: Attributes
    /// Clauses in source order.
    public var clauses: [ItemClause]
    public var span: Span

    public var selection: Selection? {
        for case .take(let s) in clauses { return s }
        return nil
    }
    public var scoring: Scoring? {
        for case .score(let s) in clauses { return s }
        return nil
    }
    public var caps: [Cap] { clauses.compactMap { if case .cap(let c) = $0 { c } else { nil } } }
    public var floor: Floor? {
        for case .floor(let f) in clauses { return f }
        return nil
    }
    public var requiredFields: [Identifier] {
        var out: [Identifier] = []
        for case .requires(let r, _) in clauses { out += r }
        return out
    }
}

public enum ItemClause: Sendable, Hashable {
    /// `取 值班 其中 …`
    case take(Selection)
    /// `每条 2 分` or `计 天数 × 1 分`
    case score(Scoring)
    /// `每日上限 2 分`, `每月上限 20 分`
    case cap(Cap)
    /// `下限 -20 分` or `扣完为止`
    case floor(Floor)
    /// `须注明 原因、批准人`
    case requires([Identifier], span: Span)

    public var span: Span {
        switch self {
        case .take(let s): s.span
        case .score(let s): s.span
        case .cap(let c): c.span
        case .floor(let f): f.span
        case .requires(_, let span): span
        }
    }
}

/// `取 值班 其中 班次 = 夜班 且 状态 = 到岗`: the records a rule looks at.
public struct Selection: Sendable, Hashable {
    public var source: Identifier
    public var filter: Expression?
    public var span: Span
}

/// How an item turns its records into points.
public struct Scoring: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        /// `每条 EXPR`: EXPR for each record, summed.
        case eachRecord
        /// `计 EXPR`: EXPR once over all the records (with aggregates such as 条数, 天数).
        case total
    }
    public var mode: Mode
    public var amount: Expression
    public var span: Span
}

public struct Cap: Sendable, Hashable {
    public enum Period: Sendable, Hashable { case day, month }
    public var period: Period
    public var amount: Expression
    public var span: Span
}

/// `下限 N 分`, or `扣完为止` (a floor of 0): a deduction stops where it would take the
/// running score below the floor; on a pay line, the amount never goes below it.
public struct Floor: Sendable, Hashable {
    /// Nil for `扣完为止`, which means zero.
    public var amount: Expression?
    public var span: Span
}

/// `基础分 60 分`.
public struct BaseScoreDeclaration: Sendable, Hashable {
    public var attributes: Attributes
    public var amount: Expression
    public var span: Span
}

/// `总分范围 { 最低 0 分，最高 100 分 }`: bounds on the total after every item, deduction
/// and adjustment; a total outside them is taken to the bound (and the explanation says so).
public struct ScoreRangeDeclaration: Sendable, Hashable {
    public var attributes: Attributes
    public var floor: Expression?
    public var ceiling: Expression?
    public var span: Span
}

/// `合计上限 服务加分 { 包括 全程代办、预约上门服务；每月上限 10 分 }`: a cap on the sum of
/// several items (or several deductions). The items keep their points in the stated order
/// until the cap is reached; what is beyond it is clipped from the items after that point.
public struct GroupCapDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var items: [Identifier]
    public var cap: Expression?
    public var span: Span
}

/// `一票否决 重大投诉 { 取 … 当 条数 ≥ 1，定为 不称职 }`: a condition that forces a tier.
public struct VetoDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var selection: Selection?
    public var condition: Expression?
    public var tier: Identifier?
    public var span: Span
}
