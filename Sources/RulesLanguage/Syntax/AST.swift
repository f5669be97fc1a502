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
    case scoreRange(ScoreRangeDeclaration)
    case groupCap(GroupCapDeclaration)
    case veto(VetoDeclaration)
    case tiers(TierDeclaration)
    case parameter(ParameterDeclaration)
    case table(LookupTableDeclaration)
    case brackets(BracketTableDeclaration)
    case payLine(PayLineDeclaration)
    case test(TestCaseDeclaration)
    case grouping(GroupingDeclaration)
    case year(YearDeclaration)

    public var span: Span {
        switch self {
        case .source(let d): d.span
        case .item(let d): d.span
        case .baseScore(let d): d.span
        case .scoreRange(let d): d.span
        case .groupCap(let d): d.span
        case .veto(let d): d.span
        case .tiers(let d): d.span
        case .parameter(let d): d.span
        case .table(let d): d.span
        case .brackets(let d): d.span
        case .payLine(let d): d.span
        case .test(let d): d.span
        case .grouping(let d): d.span
        case .year(let d): d.span
        }
    }

    /// The declared name, when the declaration has one.
    public var name: Identifier? {
        switch self {
        case .source(let d): d.name
        case .item(let d): d.name
        case .baseScore, .scoreRange: nil
        case .groupCap(let d): d.name
        case .veto(let d): d.name
        case .tiers: nil
        case .parameter(let d): d.name
        case .table(let d): d.name
        case .brackets(let d): d.name
        case .payLine(let d): d.name
        case .test(let d): d.name
        case .grouping(let d): d.name
        case .year: nil
        }
    }

    public var attributes: Attributes {
        switch self {
        case .source(let d): d.attributes
        case .item(let d): d.attributes
        case .baseScore(let d): d.attributes
        case .scoreRange(let d): d.attributes
        case .groupCap(let d): d.attributes
        case .veto(let d): d.attributes
        case .tiers(let d): d.attributes
        case .parameter(let d): d.attributes
        case .table(let d): d.attributes
        case .brackets(let d): d.attributes
        case .payLine(let d): d.attributes
        case .test(let d): d.attributes
        case .grouping(let d): d.attributes
        case .year(let d): d.attributes
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
