import Diagnostics

/// `参数 分值 { 自 2020-10-01 起 15 元；自 2021-01-01 起 18 元 }` or `参数 折算天数 = 21.75`.
public struct ParameterDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var values: [DatedValue]
    /// Whether it was written on one line with `=`.
    public var isInline: Bool
    public var span: Span
}

/// One value of a parameter and the date from which it is in force (nil: always).
public struct DatedValue: Sendable, Hashable {
    public var since: DateValue?
    public var value: Expression
    public var span: Span
}

/// `对照表 岗位工资标准 按 岗位等级 { 1：1800 元 … 其余：0 元 }`.
public struct LookupTableDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    /// The name of what the table is looked up by, for reading aloud and checking.
    public var key: Identifier?
    public var rows: [LookupRow]
    public var span: Span
}

public struct LookupRow: Sendable, Hashable {
    /// Nil for the `其余` row.
    public var key: Expression?
    public var value: Expression
    public var span: Span
}

/// `累进表 个人所得税税率表 { 不超过 36000 元：3%，速算扣除 0 元 … 超过：45%，速算扣除 181920 元 }`.
public struct BracketTableDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var rows: [BracketRow]
    public var span: Span
}

public struct BracketRow: Sendable, Hashable {
    /// The upper bound (inclusive); nil for the last, open row (`超过`).
    public var upTo: Expression?
    /// The bound written after `超过` on the open row, for reading; optional.
    public var above: Expression?
    public var rate: Expression
    public var quickDeduction: Expression?
    public var span: Span
}
