import Diagnostics
import Exact

/// `应发项 基本工资 = 岗位工资标准（岗位等级） { 舍入 四舍五入 到分 }`: a named money line.
public struct PayLineDeclaration: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// 应发项: adds to gross pay.
        case earning
        /// 扣款项: withheld from gross pay.
        case withholding
        /// 实发项: the net pay.
        case net
        /// 计算项: an intermediate value used by other lines.
        case value
    }
    public var kind: Kind
    public var name: Identifier
    public var attributes: Attributes
    public var formula: Expression
    public var clauses: [PayClause]
    public var span: Span

    public var rounding: RoundingDeclaration? {
        for case .round(let r) in clauses { return r }
        return nil
    }
    /// The tax file column the line declares (`个税申报 “…”`), if any.
    public var taxColumn: StringValue? {
        for case .taxColumn(let c, _) in clauses { return c }
        return nil
    }
    public var exemptions: [Expression] {
        clauses.compactMap { if case .exempt(let e, _) = $0 { e } else { nil } }
    }
}

public enum PayClause: Sendable, Hashable {
    /// `舍入 四舍五入 到分`
    case round(RoundingDeclaration)
    /// `不适用 岗位 = 网格员`: the line is 0 for whoever meets the condition.
    case exempt(Expression, span: Span)
    /// `下限 0 元`
    case floor(Floor)
    /// `个税申报 “基本养老保险费”`: the column of the tax office's wages sheet the line goes into.
    case taxColumn(StringValue, span: Span)

    public var span: Span {
        switch self {
        case .round(let r): r.span
        case .exempt(_, let s): s
        case .floor(let f): f.span
        case .taxColumn(_, let s): s
        }
    }
}

/// `舍入 四舍五入 到元`.
public struct RoundingDeclaration: Sendable, Hashable {
    public enum Place: Sendable, Hashable { case fen, jiao, yuan }
    public var mode: Rounding
    public var place: Place
    public var span: Span
}
