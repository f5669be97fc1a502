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

/// `名额 20% 按 社区`: at most this share of each group.
public struct Quota: Sendable, Hashable {
    public var share: Expression
    public var group: Identifier
    public var span: Span
}

public struct OrderKey: Sendable, Hashable {
    public enum Direction: Sendable, Hashable { case descending, ascending }
    public var key: Expression
    public var direction: Direction
    public var span: Span
}
