import Diagnostics
import Exact

/// An expression with its span: a value, a name, arithmetic, a comparison, a condition, an
/// aggregate over records or a call of a table or built-in.
public struct Expression: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        /// `2 分`, `15 元`, `20%`, `0.5`.
        case number(Fixed, unit: Unit?)
        case string(String)
        case date(CivilDate)
        /// `08:30`: a time of day.
        case time(TimeOfDay)
        case month(YearMonth)
        case boolean(Bool)
        /// `空`: an empty cell.
        case none
        /// `得分`: the cadre's total points.
        case score
        /// `等次`: the cadre's final tier (after quotas and vetoes); pay only.
        case tier
        /// `排名`: the cadre's rank in the group tiers are decided in (1 = first); pay only.
        case rank
        /// `在岗天数`, `本月天数`, `本月入职`, `本月离职`: the cadre's days in post this month.
        case calendar(CalendarValue)
        /// A field, item, parameter, pay line or enumeration value; resolved by the checker.
        case name(Identifier)
        /// `（…）` as written, kept so the formatter can write it back.
        case parenthesized(Expression)
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `a < b ≤ c`: a chain of comparisons, all of which must hold.
        case comparison(first: Expression, rest: [ComparisonLink])
        /// `班次 属于（白班、晚班）`
        case membership(Expression, [Expression])
        /// `若 条件 则 甲 否则 乙`
        case conditional(Expression, Expression, Expression)
        /// `条数（来自 值班 其中 班次 = 夜班）`, `合计（学时）`, `天数`.
        case aggregate(Aggregate, argument: Expression?, from: Selection?)
        /// `岗位工资标准（岗位等级）`: a lookup or bracket table, by name.
        case call(Identifier, [Expression])
        /// `限于（值，下限，上限）`, `本年累计（应发合计）`.
        case builtin(Builtin, [Expression])
    }

    public var kind: Kind
    public var span: Span

    public init(_ kind: Kind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}

public enum UnaryOperator: Sendable, Hashable { case negate, not }

public enum BinaryOperator: Sendable, Hashable {
    case add, subtract, multiply, divide, and, or

    /// Binding strength: 或 < 且 < comparisons (3) < + − < × ÷.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .add, .subtract: 4
        case .multiply, .divide: 5
        }
    }
}

/// One `≤ c` step of a comparison chain.
public struct ComparisonLink: Sendable, Hashable {
    public var op: ComparisonOperator
    public var operand: Expression
    public init(_ op: ComparisonOperator, _ operand: Expression) {
        self.op = op
        self.operand = operand
    }
}

public enum ComparisonOperator: Sendable, Hashable, CaseIterable {
    case equal, notEqual, less, lessEqual, greater, greaterEqual
}

/// Aggregates over the records an item (or a `来自` clause) selects.
public enum Aggregate: Sendable, Hashable, CaseIterable {
    /// 条数: how many records.
    case count
    /// 合计（字段）: the sum of a field or expression.
    case sum
    /// 天数（字段）: how many distinct days (by 日期 unless a field is named).
    case distinctDays
    /// 最大（字段）
    case max
    /// 最小（字段）
    case min

    public var keyword: Keyword {
        switch self {
        case .count: .count
        case .sum: .sum
        case .distinctDays: .distinctDays
        case .max: .max
        case .min: .min
        }
    }
}

public enum Builtin: Sendable, Hashable, CaseIterable {
    /// 限于（值，下限，上限）: the value clamped to the bounds.
    case clamp
    /// 本年累计（名称）: this year's total of a pay line up to and including this month.
    case yearToDate
    /// 此前累计（名称）: this year's total of a pay line before this month.
    case priorToDate
    /// 上年累计（名称）: a pay line's total of the previous year with this payer, as the
    /// cadre's last stored month of that year ended it (0 when none is stored).
    case previousYearTotal
    /// 上年年度（名称）: the cadre's amount of an annual pay line (年度考核) in the previous
    /// year's closed year run, in the month 年度考核 pays it with (`发放 随 次年1月工资`); 0 in
    /// other months and for a cadre with none: the year-end bonus paid through the payroll.
    case previousYearAnnual
    /// 按比例分配（奖励池，权重[，分组]）: a share of a pool in proportion to the weight,
    /// allocated by largest remainder so that the shares sum to the pool.
    case poolShare
    /// 在岗人数（全县）, 在岗人数（社区）, 在岗人数（考核组）, 在岗人数（社区、考核组）: how many
    /// cadres are in post this month (employed on at least one of its days) who share the
    /// cadre's values of these roster fields or 分组 (全县: the whole county).
    case headcount

    public var keyword: Keyword {
        switch self {
        case .clamp: .clamp
        case .yearToDate: .yearToDate
        case .priorToDate: .priorToDate
        case .previousYearTotal: .previousYearTotal
        case .previousYearAnnual: .previousYearAnnual
        case .poolShare: .poolShare
        case .headcount: .headcount
        }
    }
}

/// What the roster's 入职日期 and 离职日期 (the last day in post) say about this month.
public enum CalendarValue: Sendable, Hashable, CaseIterable {
    /// 在岗天数: the calendar days of the month the cadre was in post, 1 to 31.
    case daysInPost
    /// 本月天数: the calendar days of the month (28 to 31).
    case daysInMonth
    /// 本月入职: whether 入职日期 falls in the month.
    case joinedThisMonth
    /// 本月离职: whether 离职日期 falls in the month.
    case leftThisMonth

    public var keyword: Keyword {
        switch self {
        case .daysInPost: .daysInPost
        case .daysInMonth: .daysInMonth
        case .joinedThisMonth: .joinedThisMonth
        case .leftThisMonth: .leftThisMonth
        }
    }
}
