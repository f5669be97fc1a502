import Diagnostics
import Exact

/// `测试 夜班封顶 { 月份 2020-12 … 记录 值班 { … } … 期望 FM001 { … } }` in a `.jifen-test` file.
public struct TestCaseDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var clauses: [TestClause]
    public var span: Span
}

public enum TestClause: Sendable, Hashable {
    /// `月份 2020-12`
    case month(YearMonth, span: Span)
    /// `参数 分值 = 18 元`: a parameter value for this test only.
    case parameter(ParameterDeclaration)
    /// `记录 值班 { 工号 日期 班次 状态 \n FM001 2020-12-01 夜班 到岗 }`
    case records(RecordsBlock)
    /// `期望 FM001 { 得分 = 80 分 … }`
    case expect(Expectation)

    public var span: Span {
        switch self {
        case .month(_, let s): s
        case .parameter(let p): p.span
        case .records(let r): r.span
        case .expect(let e): e.span
        }
    }
}

/// Rows of a source written as a small table: a header line of field names, then one line per
/// record. Cells are kept as the text written; the records reader types them.
public struct RecordsBlock: Sendable, Hashable {
    public var source: Identifier
    public var header: [Cell]
    public var rows: [[Cell]]
    public var span: Span
}

public struct Cell: Sendable, Hashable {
    public var text: String
    public var span: Span
}

/// `期望 FM001 { 得分 = 80 分；等次 = 称职；实发工资 = 3456.78 元 }`.
public struct Expectation: Sendable, Hashable {
    public var cadre: Cell
    public var checks: [ExpectedValue]
    public var span: Span
}

/// `夜间值班 = 20 分`: what a named result must be. The target is 得分, 等次 or a name.
public struct ExpectedValue: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case score
        case tier
        /// 排名: the cadre's rank in its ranking group (`空` when the rules leave them out).
        case rank
        case name(Identifier)
    }
    public var target: Target
    public var value: Expression
    public var span: Span
}
