import Diagnostics

/// `等次评定 { 优秀：得分 ≥ 95 分，名额 20% 按 社区 … 排序 得分 从高到低、工号 从低到高 }`.
///
/// Meaning (for the checker and evaluator): rules run from the best tier to the worst; a
/// cadre gets the first tier whose condition holds (a veto overrides it). A quota admits at
/// most ⌊share × group size⌋ cadres of each group, chosen by `ordering`; those beyond it drop
/// to the next tier down. The ordering must end in a key that tells any two cadres apart.
public struct TierDeclaration: Sendable, Hashable {
    public var attributes: Attributes
    public var rules: [TierRule]
    /// The stated tie-break order used to rank within a quota group.
    public var ordering: [OrderKey]
    public var orderingSpan: Span?
    /// `排名 按 社区、考核组`: the groups 排名 is counted in; nil: the first quota's groups,
    /// else 社区.
    public var rankGroups: GroupKeys?
    /// `排名不含 一票否决者、本月入职、本月离职`: who takes no part in ranks and quotas.
    public var rankExclusions: [Identifier] = []
    public var rankExclusionsSpan: Span?
    public var span: Span
}

/// The groups a quota, a rank or a headcount is counted in: roster fields or groupings
/// (`按 社区、考核组`: each community's 正职 apart), or `全县` (no name: the whole county).
public struct GroupKeys: Sendable, Hashable {
    /// Empty for 全县.
    public var names: [Identifier]
    public var span: Span
    public static let countyWord = "全县"
}

/// `分组 考核组 { 正职：岗位 属于（书记、主任）；其他组：其余 }`: a grouping of the cadres
/// derived from the roster, usable wherever a roster field is (quotas, 排名, pools,
/// conditions). A cadre is in the first group whose condition holds; the last is `其余`.
public struct GroupingDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var groups: [GroupingRule]
    public var span: Span
}

/// `正职：岗位 属于（书记、主任）` or `其他组：其余`.
public struct GroupingRule: Sendable, Hashable {
    public var label: Identifier
    /// Nil for `其余`.
    public var condition: Expression?
    public var span: Span
}

/// `优秀：得分 ≥ 95 分，名额 20% 按 社区` or `不称职：其余`.
public struct TierRule: Sendable, Hashable {
    public var tier: Identifier
    /// Nil for `其余` (everyone not placed above).
    public var condition: Expression?
    public var quota: Quota?
    public var span: Span
}

/// `名额 20% 按 社区`: at most this share of each group (`按 社区、考核组`, `按 全县`).
public struct Quota: Sendable, Hashable {
    public var share: Expression
    public var groups: GroupKeys
    public var span: Span
}

public struct OrderKey: Sendable, Hashable {
    public enum Direction: Sendable, Hashable { case descending, ascending }
    public var key: Expression
    public var direction: Direction
    public var span: Span
}
