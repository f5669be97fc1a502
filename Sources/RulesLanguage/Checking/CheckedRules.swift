import Results
import Exact
import Pay
import Records

/// A checked, resolved expression with its type. Record-context nodes (`field`,
/// `enumCode`) read the current record; cadre-context nodes read the cadre's results.
public indirect enum TExpr: Sendable, Hashable {
    case number(Fixed, ValueType)
    case text(String)
    case date(CivilDate)
    /// `08:30`: a time of day.
    case time(TimeOfDay)
    case boolean(Bool)
    case none
    /// 在岗天数, 本月天数, 本月入职, 本月离职: from the cadre's 入职日期 and 离职日期.
    case calendar(CalendarValue)
    /// A field of the record being scored: index in the source's schema.
    case field(Int, ValueType)
    /// An enumeration value, as the code the records hold.
    case enumCode(Int64, String)
    case score
    /// The cadre's final tier, as its index in these names (the tiers, best first).
    case tier([String])
    /// The cadre's rank in the group tiers are decided in.
    case rank
    case item(String)
    case payLine(String, ValueType)
    case parameter(String, ValueType)
    case rosterField(String, ValueType)
    case monthsEmployed
    /// 上年任职月数: months employed by this payer in the previous year, as the cadre's last
    /// stored month of that year counted them (0 when none is stored).
    case previousYearMonths
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
    /// 上年累计（名称）: the line's total of the previous year (0 when none is stored).
    case previousYearTotal(String)
    /// 上年年度（名称）: the cadre's amount of this annual pay line in the previous year's
    /// closed year run (0 when none).
    case previousYearAnnual(String)
    /// 按比例分配（奖励池，权重[，分组…]）: the pool is shared within each group of the cadres
    /// (the values of the group expressions together; none: everyone together).
    case poolShare(TExpr, TExpr, [TExpr])
    /// A 分组 declared by the rules: the cadre's group, as its index in these labels.
    case grouping(String, [String])
    /// 在岗人数（社区、考核组）: how many cadres in post this month share the cadre's values
    /// of these roster fields or groupings ([]: 在岗人数（全县）, the whole county).
    case headcount([String])

    public static func == (a: TExpr, b: TExpr) -> Bool { String(describing: a) == String(describing: b) }

    /// Whether the expression reads the record field `field` (not through an aggregate,
    /// which reads its own source's records).
    public func references(field: Int) -> Bool {
        switch self {
        case .field(let f, _): return f == field
        case .number, .text, .date, .time, .calendar, .boolean, .none, .enumCode, .score, .tier, .rank, .item, .payLine, .parameter, .rosterField,
             .monthsEmployed, .aggregate, .yearToDate, .priorToDate, .grouping, .headcount, .previousYearMonths, .previousYearTotal, .previousYearAnnual:
            return false
        case .negate(let e, _), .not(let e), .lookup(_, let e, _), .bracket(_, let e): return e.references(field: field)
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b): return a.references(field: field) || b.references(field: field)
        case .compare(let a, let rest): return a.references(field: field) || rest.contains { $0.1.references(field: field) }
        case .member(let a, let list): return a.references(field: field) || list.contains { $0.references(field: field) }
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _):
            return a.references(field: field) || b.references(field: field) || c.references(field: field)
        case .poolShare(let a, let b, let c): return a.references(field: field) || b.references(field: field) || c.contains { $0.references(field: field) }
        }
    }
    public func hash(into h: inout Hasher) { h.combine(String(describing: self)) }

    public var type: ValueType {
        switch self {
        case .number(_, let t), .field(_, let t), .payLine(_, let t), .parameter(_, let t), .rosterField(_, let t),
            .negate(_, let t), .arithmetic(_, _, _, let t), .conditional(_, _, _, let t), .aggregate(_, let t),
            .lookup(_, _, let t), .clamp(_, _, _, let t):
            return t
        case .text: return .text
        case .date: return .date
        case .time: return .time
        case .calendar(let v): return v == .daysInPost || v == .daysInMonth ? .count : .boolean
        case .boolean, .not, .logical, .compare, .member: return .boolean
        case .none: return .none
        case .enumCode(_, let v): return .enumeration([v])
        case .score, .item: return .points
        case .tier(let names): return .enumeration(names)
        case .monthsEmployed, .rank, .headcount, .previousYearMonths: return .count
        case .grouping(_, let labels): return .enumeration(labels)
        case .bracket, .yearToDate, .priorToDate, .poolShare, .previousYearTotal, .previousYearAnnual: return .money
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

public struct CheckedGroupCap: Sendable {
    public var name: String
    public var citation: String?
    public var period: Period
    /// The items in the order the regulation states them: earlier ones keep their points.
    public var items: [String]
    public var cap: Fixed
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
    /// The share and the roster fields or groupings it is counted in ([] for 全县).
    public var quota: (share: Fixed, groups: [String])?
    public var conditionText: String
}

/// Who takes no part in ranks and quotas (`排名不含`): not ranked, not counted in a quota's
/// base, and never placed in a tier that has a quota. Default: everyone employed takes part.
public struct RankExclusions: Sendable, Hashable {
    /// 一票否决者: cadres a veto forced into a tier.
    public var vetoed = false
    /// 本月入职: cadres whose 入职日期 falls in the month.
    public var joined = false
    /// 本月离职: cadres whose 离职日期 falls in the month.
    public var left = false
    public init(vetoed: Bool = false, joined: Bool = false, left: Bool = false) {
        self.vetoed = vetoed
        self.joined = joined
        self.left = left
    }
    public var isEmpty: Bool { !vetoed && !joined && !left }
}

public struct CheckedTiers: Sendable {
    public var period: Period
    public var citation: String?
    public var rules: [CheckedTierRule]
    public var ordering: [(key: TExpr, descending: Bool, text: String)]
    /// `排名 按 …`; nil: the first quota's groups, else 社区.
    public var rankGroups: [String]? = nil
    public var exclusions = RankExclusions()
}

/// `分组 考核组 { 正职：岗位 属于（书记、主任）；其他组：其余 }`: a cadre is in the first
/// group whose condition holds (nil: 其余).
public struct CheckedGrouping: Sendable {
    public var name: String
    public var citation: String?
    public var labels: [String]
    public var conditions: [TExpr?]
}

extension TExpr {
    /// Whether the expression reads the cadre's tier or rank itself (not through a pay line).
    public var readsTier: Bool {
        switch self {
        case .tier, .rank: return true
        case .negate(let e, _), .not(let e), .lookup(_, let e, _), .bracket(_, let e): return e.readsTier
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b): return a.readsTier || b.readsTier
        case .compare(let a, let rest): return a.readsTier || rest.contains { $0.1.readsTier }
        case .member(let a, let list): return a.readsTier || list.contains { $0.readsTier }
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _): return a.readsTier || b.readsTier || c.readsTier
        case .poolShare(let a, let b, let c): return a.readsTier || b.readsTier || c.contains { $0.readsTier }
        default: return false
        }
    }
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
    /// `按 等次`: a row per tier.
    public var byTier: Bool = false
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
    /// `个税申报 “…”`: the column of the tax office's wages sheet the line goes into.
    public var taxColumn: TaxFilingColumn? = nil
}

/// The rules after checking: every name resolved, every expression typed, pay lines in the
/// order they can be computed. Month-independent: `inForce(_:)` picks a month's versions.
public struct CheckedRules: Sendable {
    public var sources: [CheckedSource] = []
    public var rosterSource: Int?
    public var items: [CheckedItem] = []
    public var vetoes: [CheckedVeto] = []
    public var base: [(period: Period, points: Fixed, citation: String?)] = []
    /// 合计上限: caps on the sum of several items, in declaration order.
    public var groupCaps: [CheckedGroupCap] = []
    /// 总分范围: bounds on the total after adjustments.
    public var scoreRanges: [(period: Period, floor: Fixed?, ceiling: Fixed?, citation: String?)] = []
    public var tiers: [CheckedTiers] = []
    /// 分组: groupings derived from the roster, by name.
    public var groupings: [String: CheckedGrouping] = [:]
    public var parameters: [String: CheckedParameter] = [:]
    public var lookups: [String: [CheckedLookup]] = [:]
    public var brackets: [String: [CheckedBrackets]] = [:]
    /// In dependency order.
    public var payLines: [CheckedPayLine] = []
    public var accumulators: [Accumulator] = []
    /// The group keys 在岗人数（…） counts by (roster fields and 分组; [] for 全县), each list
    /// once: what a month's scorer counts before any cadre is scored.
    public var headcountGroups: [[String]] = []
    /// The annual article (年度考核), when the rules have one.
    public var year: CheckedYear?
    /// SHA-256 of the rules files' contents, in path order.
    public var hash: String = ""

    public func source(named name: String) -> Int? { sources.firstIndex { $0.name == name } }

    /// Parameters that bound what staff may accept as an adjustment in the portal; they are
    /// read by the portal, not by a formula, so they are never reported unused.
    public static let adjustmentLimitNames: Set<String> = [
        AdjustmentLimits.pointsLimitName, AdjustmentLimits.amountLimitName,
        AdjustmentLimits.pointsReviewName, AdjustmentLimits.amountReviewName,
    ]

    /// The adjustment limits the rules state for `month` (reserved parameters 调整分值上限 and
    /// 调整金额上限); nil where a limit is not stated.
    public func adjustmentLimits(in month: YearMonth) -> AdjustmentLimits {
        func value(_ name: String) -> Fixed? { parameters[name]?.value(in: month) }
        return AdjustmentLimits(points: value(AdjustmentLimits.pointsLimitName), amount: value(AdjustmentLimits.amountLimitName),
                                pointsReview: value(AdjustmentLimits.pointsReviewName), amountReview: value(AdjustmentLimits.amountReviewName))
    }

    /// Whether the value of `field` in the records of `source` can reach a result: it appears
    /// in an item's scoring (每条 分值) or in an aggregate's argument (合计（金额）). A field
    /// only filtered on (其中 分值 ≠ 空) reaches nothing.
    public func usesValue(ofField field: Int, inSource source: Int) -> Bool {
        for item in items where item.source == source {
            switch item.scoring {
            case .each(let e), .total(let e): if e.references(field: field) { return true }
            }
        }
        for a in accumulators where a.source == source {
            if a.argument?.references(field: field) == true { return true }
        }
        return false
    }

    /// Whether any rule reads `field` of `source`'s records at all: in an item's filter or
    /// scoring, an aggregate's filter or argument, or a veto's (even a field only filtered on
    /// decides which records count).
    public func readsField(_ field: Int, ofSource source: Int) -> Bool {
        for item in items where item.source == source {
            if item.filter?.references(field: field) == true { return true }
            switch item.scoring {
            case .each(let e), .total(let e): if e.references(field: field) { return true }
            }
        }
        for a in accumulators where a.source == source {
            if a.filter?.references(field: field) == true || a.argument?.references(field: field) == true { return true }
        }
        for v in vetoes where v.source == source {
            if v.filter?.references(field: field) == true || v.condition.references(field: field) { return true }
        }
        return false
    }

    /// The pay lines declared for the tax file (`个税申报`), in the rules' order, each name
    /// once (a line with several versions declares the column of its first that has one).
    public var taxFiling: [TaxFilingLine] {
        var out: [TaxFilingLine] = [], seen: Set<String> = []
        for l in payLines {
            guard let c = l.taxColumn, seen.insert(l.name).inserted else { continue }
            out.append(TaxFilingLine(line: l.name, column: c))
        }
        return out
    }

    /// The tier names in the order the rules list them (best first).
    public var tierOrder: [String] {
        var seen: [String] = []
        for t in tiers { for r in t.rules where !seen.contains(r.tier) { seen.append(r.tier) } }
        return seen
    }
}

extension CheckedRules {
    /// The text fields a record expression reads, by name: what a batch must keep as
    /// interned codes. Free text no rule reads (事项, 备注) is checked but not kept, so memory
    /// does not grow with the records.
    public var textFieldsRead: Set<String> {
        var out: Set<String> = []
        func walk(_ e: TExpr, _ source: Int) {
            switch e {
            case .field(let i, _):
                let f = sources[source].schema.fields[i]
                if f.type.isInterned { out.insert(f.name) }
            case .negate(let x, _), .not(let x): walk(x, source)
            case .arithmetic(_, let a, let b, _), .logical(_, let a, let b):
                walk(a, source)
                walk(b, source)
            case .compare(let a, let links):
                walk(a, source)
                for (_, x) in links { walk(x, source) }
            case .member(let a, let xs):
                walk(a, source)
                for x in xs { walk(x, source) }
            case .conditional(let a, let b, let c, _):
                walk(a, source)
                walk(b, source)
                walk(c, source)
            default: break
            }
        }
        for item in items {
            if let f = item.filter { walk(f, item.source) }
            if case .each(let e) = item.scoring { walk(e, item.source) }
        }
        for acc in accumulators {
            if let f = acc.filter { walk(f, acc.source) }
            if let a = acc.argument { walk(a, acc.source) }
        }
        return out
    }
}

/// Bounds on one adjustment accepted in the portal, as the rules state them:
/// `参数 调整分值上限 = 10 分` (at most ±10 points), `参数 调整金额上限 = 2000 元` (at most
/// ±2,000.00), and the review lines above which a second staff member must approve it,
/// `参数 调整复核分值 = 5 分` and `参数 调整复核金额 = 500 元`. nil: not stated.
public struct AdjustmentLimits: Sendable, Equatable {
    public static let pointsLimitName = "调整分值上限"
    public static let amountLimitName = "调整金额上限"
    public static let pointsReviewName = "调整复核分值"
    public static let amountReviewName = "调整复核金额"
    public var points: Fixed?
    public var amount: Fixed?
    public var pointsReview: Fixed?
    public var amountReview: Fixed?

    public init(points: Fixed? = nil, amount: Fixed? = nil, pointsReview: Fixed? = nil, amountReview: Fixed? = nil) {
        self.points = points
        self.amount = amount
        self.pointsReview = pointsReview
        self.amountReview = amountReview
    }

    /// What applies where the rules state nothing, chosen from the sample rules' scale
    /// (docs/rules-language.md, "门户采纳申诉时的调整限额"): an objection corrects one item or
    /// record, and no item there scores more than 20 points a month (夜间值班's 每月上限) nor
    /// one record more than 5 (值班缺勤); so one staff member alone may restore one record's
    /// worth, a second must approve more, and a change beyond an item's month is a data fix.
    /// 2,000 元 and 500 元 bound an amount the same way: under the 20 points' pay several
    /// times over, well under a month's net pay. A county whose scale differs states its own.
    public static let defaultPoints = Fixed(20)
    public static let defaultPointsReview = Fixed(5)
    public static let defaultAmount = Fixed(2000)
    public static let defaultAmountReview = Fixed(500)

    /// These limits with the defaults where the rules state none.
    public var withDefaults: AdjustmentLimits {
        AdjustmentLimits(points: points ?? Self.defaultPoints, amount: amount ?? Self.defaultAmount,
                         pointsReview: pointsReview ?? Self.defaultPointsReview, amountReview: amountReview ?? Self.defaultAmountReview)
    }

    /// Whether an adjustment of these values needs a second staff member's approval.
    public func needsSecondApproval(points p: Fixed?, amountUnits a: Fixed?) -> Bool {
        func above(_ v: Fixed?, _ line: Fixed?) -> Bool {
            guard let v, let line else { return false }
            return (v.isNegative ? v.negated() : v) > line
        }
        return above(p, pointsReview) || above(a, amountReview)
    }
}
