import Diagnostics
import Exact

/// A parsed rules file: its declarations in source order, and its comments.
///
/// Names are not resolved here; the checker looks them up later, so every part that names
/// something keeps an `Identifier` with its span.
public struct RuleFile: Sendable, Hashable {
    public var path: String
    public var declarations: [Declaration]
    public var comments: [Comment]
    /// The spelling most keywords used; the formatter writes the same.
    public var keywordLanguage: KeywordLanguage
    public var span: Span

    public init(path: String, declarations: [Declaration], comments: [Comment], keywordLanguage: KeywordLanguage, span: Span) {
        self.path = path
        self.declarations = declarations
        self.comments = comments
        self.keywordLanguage = keywordLanguage
        self.span = span
    }
}

/// A name written in the rules: a source, field, item, tier, table, parameter or pay line.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var span: Span
    public init(name: String, span: Span) {
        self.name = name
        self.span = span
    }
}

/// One top-level declaration.
public enum Declaration: Sendable, Hashable {
    case source(SourceDeclaration)
    case item(ItemDeclaration)
    case baseScore(BaseScoreDeclaration)
    case veto(VetoDeclaration)
    case tiers(TierDeclaration)
    case parameter(ParameterDeclaration)
    case table(LookupTableDeclaration)
    case brackets(BracketTableDeclaration)
    case payLine(PayLineDeclaration)
    case test(TestCaseDeclaration)

    public var span: Span {
        switch self {
        case .source(let d): d.span
        case .item(let d): d.span
        case .baseScore(let d): d.span
        case .veto(let d): d.span
        case .tiers(let d): d.span
        case .parameter(let d): d.span
        case .table(let d): d.span
        case .brackets(let d): d.span
        case .payLine(let d): d.span
        case .test(let d): d.span
        }
    }

    /// The declared name, when the declaration has one.
    public var name: Identifier? {
        switch self {
        case .source(let d): d.name
        case .item(let d): d.name
        case .baseScore: nil
        case .veto(let d): d.name
        case .tiers: nil
        case .parameter(let d): d.name
        case .table(let d): d.name
        case .brackets(let d): d.name
        case .payLine(let d): d.name
        case .test(let d): d.name
        }
    }

    public var attributes: Attributes {
        switch self {
        case .source(let d): d.attributes
        case .item(let d): d.attributes
        case .baseScore(let d): d.attributes
        case .veto(let d): d.attributes
        case .tiers(let d): d.attributes
        case .parameter(let d): d.attributes
        case .table(let d): d.attributes
        case .brackets(let d): d.attributes
        case .payLine(let d): d.attributes
        case .test(let d): d.attributes
        }
    }
}

/// What follows a declaration's name in （…） or 【…】: its citation, the period it is in
/// force, and for a source the file names it is read from.
public struct Attributes: Sendable, Hashable {
    public var citation: Citation?
    /// In force from this date (inclusive): `自 2021-01-01 起`.
    public var since: DateValue?
    /// In force up to this date (inclusive): `至 2021-06-30`.
    public var until: DateValue?
    /// File names a source is read from: `文件 “值班”、“duty”`.
    public var files: [StringValue]
    /// The brackets themselves; nil when the declaration has none.
    public var span: Span?

    public init(citation: Citation? = nil, since: DateValue? = nil, until: DateValue? = nil, files: [StringValue] = [], span: Span? = nil) {
        self.citation = citation
        self.since = since
        self.until = until
        self.files = files
        self.span = span
    }

    public var isEmpty: Bool { citation == nil && since == nil && until == nil && files.isEmpty }
}

/// The article of the regulation a declaration implements: `依据 第五条第二款`.
public struct Citation: Sendable, Hashable {
    /// The text as written, with spaces collapsed.
    public var text: String
    /// 第N条, when the text names one.
    public var article: Int?
    /// 第N款, when the text names one.
    public var paragraph: Int?
    public var span: Span
}

public struct DateValue: Sendable, Hashable {
    public var date: CivilDate
    public var span: Span
}

public struct StringValue: Sendable, Hashable {
    public var text: String
    public var span: Span
}

// MARK: - Sources

/// `数据源 值班 （文件 “值班”） { 班次：枚举（白班、夜班） … }`: an activity file and its typed fields.
public struct SourceDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var fields: [FieldDeclaration]
    public var span: Span
}

/// `班次：枚举（白班、晚班、夜班、节假日）`, `备注：文本，可空`.
public struct FieldDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var type: FieldType
    public var isOptional: Bool
    public var span: Span
}

public struct FieldType: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case text, integer, decimal, date, time, money, boolean, points, days, count
        case enumeration([Identifier])
    }
    public var kind: Kind
    public var span: Span
}

// MARK: - Items

/// A point item (积分项), a deduction (扣分项) or a manual adjustment (调整项) over one
/// source's records for one cadre in the month.
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

/// `下限 N 分`, or `扣完为止` (a floor of 0): an item never goes below it.
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

/// `一票否决 重大投诉 { 取 … 当 条数 ≥ 1，定为 不称职 }`: a condition that forces a tier.
public struct VetoDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var selection: Selection?
    public var condition: Expression?
    public var tier: Identifier?
    public var span: Span
}

// MARK: - Tiers

/// `等次评定 { 优秀：得分 ≥ 95 分，名额 20% 按 社区 … 排序 得分 从高到低、工号 从低到高 }`.
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

// MARK: - Parameters and tables

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

// MARK: - Pay

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

    public var span: Span {
        switch self {
        case .round(let r): r.span
        case .exempt(_, let s): s
        case .floor(let f): f.span
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

// MARK: - Test files

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
        case name(Identifier)
    }
    public var target: Target
    public var value: Expression
    public var span: Span
}
