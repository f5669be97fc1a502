import Exact
import Pay
import Records

/// A checked, resolved expression with its type. Record-context nodes (`field`,
/// `enumCode`) read the current record; cadre-context nodes read the cadre's results.
public indirect enum TExpr: Sendable, Hashable {
    case number(Fixed, ValueType)
    case text(String)
    case date(CivilDate)
    case boolean(Bool)
    case none
    /// A field of the record being scored: index in the source's schema.
    case field(Int, ValueType)
    /// An enumeration value, as the code the records hold.
    case enumCode(Int64, String)
    case score
    case item(String)
    case payLine(String, ValueType)
    case parameter(String, ValueType)
    case rosterField(String, ValueType)
    case monthsEmployed
    case negate(TExpr, ValueType)
    case not(TExpr)
    case arithmetic(BinaryOperator, TExpr, TExpr, ValueType)
    case logical(BinaryOperator, TExpr, TExpr)
    case compare(TExpr, [(ComparisonOperator, TExpr)])
    case member(TExpr, [TExpr])
    case conditional(TExpr, TExpr, TExpr, ValueType)
    /// An aggregate over records: index into `CheckedRules.accumulators`.
    case aggregate(Int, ValueType)
    case lookup(String, TExpr, ValueType)
    case bracket(String, TExpr)
    case clamp(TExpr, TExpr, TExpr, ValueType)
    case yearToDate(String)
    case priorToDate(String)
    case poolShare(TExpr, TExpr, TExpr?)

    public static func == (a: TExpr, b: TExpr) -> Bool { String(describing: a) == String(describing: b) }
    public func hash(into h: inout Hasher) { h.combine(String(describing: self)) }

    public var type: ValueType {
        switch self {
        case .number(_, let t), .field(_, let t), .payLine(_, let t), .parameter(_, let t), .rosterField(_, let t),
            .negate(_, let t), .arithmetic(_, _, _, let t), .conditional(_, _, _, let t), .aggregate(_, let t),
            .lookup(_, _, let t), .clamp(_, _, _, let t):
            return t
        case .text: return .text
        case .date: return .date
        case .boolean, .not, .logical, .compare, .member: return .boolean
        case .none: return .none
        case .enumCode(_, let v): return .enumeration([v])
        case .score, .item: return .points
        case .monthsEmployed: return .count
        case .bracket, .yearToDate, .priorToDate, .poolShare: return .money
        }
    }
}

/// When a declaration is in force: from `since` to `until`, both inclusive, either open.
public struct Period: Sendable, Hashable {
    public var since: CivilDate?
    public var until: CivilDate?

    public static let always = Period(since: nil, until: nil)

    /// Rules are applied by month: what is in force on the month's first day.
    public func contains(_ month: YearMonth) -> Bool {
        let d = month.firstDay
        return (since.map { $0 <= d } ?? true) && (until.map { d <= $0 } ?? true)
    }

    func overlaps(_ o: Period) -> Bool {
        let aStart = since ?? CivilDate(daysSinceEpoch: Int32.min / 2), aEnd = until ?? CivilDate(daysSinceEpoch: Int32.max / 2)
        let bStart = o.since ?? CivilDate(daysSinceEpoch: Int32.min / 2), bEnd = o.until ?? CivilDate(daysSinceEpoch: Int32.max / 2)
        return aStart <= bEnd && bStart <= aEnd
    }
}

public struct CheckedSource: Sendable {
    public var name: String
    public var schema: SourceSchema
    public var types: [ValueType]
    public var site: Site?
}

/// An aggregate over one source's records for one cadre: 条数, 合计（学时）, 天数（日期）, ….
public struct Accumulator: Sendable, Hashable {
    public var source: Int
    public var filter: TExpr?
    public var kind: Aggregate
    public var argument: TExpr?
    public var period: Period
}

public struct CheckedItem: Sendable {
    public enum Scoring: Sendable { case each(TExpr), total(TExpr) }
    public var name: String
    public var kind: ItemDeclaration.Kind
    public var citation: String?
    public var period: Period
    public var source: Int
    public var filter: TExpr?
    public var scoring: Scoring
    public var dailyCap: Fixed?
    public var monthlyCap: Fixed?
    /// nil: no floor; 0 for 扣完为止.
    public var floor: Fixed?
    public var requires: [Int]
    public var site: Site
}

public struct CheckedVeto: Sendable {
    public var name: String
    public var citation: String?
    public var period: Period
    public var source: Int?
    public var filter: TExpr?
    public var condition: TExpr
    public var tier: String
}

public struct CheckedTierRule: Sendable {
    public var tier: String
    public var condition: TExpr?
    public var quota: (share: Fixed, group: String)?
    public var conditionText: String
}

public struct CheckedTiers: Sendable {
    public var period: Period
    public var citation: String?
    public var rules: [CheckedTierRule]
    public var ordering: [(key: TExpr, descending: Bool, text: String)]
}

public struct CheckedParameter: Sendable {
    public var name: String
    public var citation: String?
    public var values: [(since: CivilDate?, value: Fixed)]
    public var type: ValueType

    public func value(in month: YearMonth) -> Fixed? {
        values.filter { $0.since.map { $0 <= month.firstDay } ?? true }.max { ($0.since ?? .init(daysSinceEpoch: Int32.min)) < ($1.since ?? .init(daysSinceEpoch: Int32.min)) }?.value
    }
}

public struct CheckedLookup: Sendable {
    public enum Key: Sendable, Hashable { case number(Fixed), text(String) }
    public var name: String
    public var citation: String?
    public var period: Period
    public var rows: [(key: Key?, value: Fixed)]
    public var valueType: ValueType
}

public struct CheckedBrackets: Sendable {
    public var name: String
    public var citation: String?
    public var period: Period
    public var table: BracketTable
}

public struct CheckedPayLine: Sendable {
    public var name: String
    public var kind: PayLineDeclaration.Kind
    public var citation: String?
    public var period: Period
    public var expression: TExpr
    public var formula: String
    public var type: ValueType
    public var rounding: RoundingSpec?
    public var exemptions: [(TExpr, String)]
    public var floor: Fixed?
}

/// The rules after checking: every name resolved, every expression typed, pay lines in the
/// order they can be computed. Month-independent: `inForce(_:)` picks a month's versions.
public struct CheckedRules: Sendable {
    public var sources: [CheckedSource] = []
    public var rosterSource: Int?
    public var items: [CheckedItem] = []
    public var vetoes: [CheckedVeto] = []
    public var base: [(period: Period, points: Fixed, citation: String?)] = []
    public var tiers: [CheckedTiers] = []
    public var parameters: [String: CheckedParameter] = [:]
    public var lookups: [String: [CheckedLookup]] = [:]
    public var brackets: [String: [CheckedBrackets]] = [:]
    /// In dependency order.
    public var payLines: [CheckedPayLine] = []
    public var accumulators: [Accumulator] = []
    /// SHA-256 of the rules files' contents, in path order.
    public var hash: String = ""

    public func source(named name: String) -> Int? { sources.firstIndex { $0.name == name } }

    /// The tier names in the order the rules list them (best first).
    public var tierOrder: [String] {
        var seen: [String] = []
        for t in tiers { for r in t.rules where !seen.contains(r.tier) { seen.append(r.tier) } }
        return seen
    }
}
