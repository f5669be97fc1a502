import Diagnostics
import Exact
import Pay

/// A statistic over a cadre's months, read in the annual article: `月数（等次 = 优秀）`,
/// `平均（得分）`, `合计（值班积分）`, `最高（得分）`, `最低（得分）`. `TExpr.aggregate(i, _)` in
/// an annual expression is `CheckedYear.aggregates[i]`.
public struct YearAggregate: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// 月数（条件）: how many of the months meet the condition.
        case count
        /// 平均（x）: Σ x ÷ months (blank with no month).
        case mean
        /// 合计（x）
        case sum
        /// 最高（x）, 最大（x）
        case max
        /// 最低（x）, 最小（x）
        case min

        public var word: String {
            switch self {
            case .count: YearWords.monthCount
            case .mean: YearWords.mean
            case .sum: "合计"
            case .max: YearWords.highest
            case .min: YearWords.lowest
            }
        }
    }
    public var kind: Kind
    /// The month's value (for `.count`, the condition), in month context: `.score`, `.tier`,
    /// `.rank`, `.item`, `.payLine` are the month's; `.field(0, _)` 一票否决, `.field(1, _)` 月份.
    public var argument: TExpr

    /// `.field` indexes of a month's own values.
    public static let vetoField = 0
    public static let monthField = 1
}

/// `一票否决 月度不称职：月数（等次 = 不称职） ≥ 1，定为 不称职` of the annual article.
public struct CheckedYearVeto: Sendable {
    public var name: String
    public var citation: String?
    public var condition: TExpr
    public var tier: String
}

/// `奖金计税 年终绩效奖 { … }`.
public struct CheckedBonusTax: Sendable {
    public enum Method: Sendable, Hashable { case separate, merged, lower }
    public var bonus: String
    public var method: Method
    /// The monthly table of 单独计税, its versions (dated; outside them the method is not
    /// available).
    public var separateTable: String?
    public var mergedTable: String?
    /// The year's taxable comprehensive income before the bonus, an annual expression.
    public var taxable: TExpr?
    /// The pay line name `奖金个税（年终绩效奖）` a formula reads the tax by.
    public var taxLineName: String { "\(BonusTaxDeclaration.taxCallWord)（\(bonus)）" }
}

/// The annual article (年度考核) after checking.
public struct CheckedYear: Sendable {
    public var citation: String?
    /// The annual score, an annual expression of points.
    public var score: TExpr
    public var scoreRounding: RoundingSpec
    /// `在岗不足 6 个月 定为 不定等次`.
    public var minimumMonths: Int?
    public var tooFewLabel: String?
    public var vetoes: [CheckedYearVeto] = []
    public var tiers: CheckedTiers
    /// The annual tiers best first, then the too-few-months label.
    public var tierOrder: [String]
    /// In dependency order.
    public var payLines: [CheckedPayLine] = []
    public var bonusTaxes: [CheckedBonusTax] = []
    public var aggregates: [YearAggregate] = []
    /// The months' score lines and pay lines the article reads.
    public var itemsRead: [String] = []
    public var payLinesRead: [String] = []
    /// `发放 随 次年1月工资`: the month of the next year whose payroll pays the annual pay
    /// lines (its rules read them by 上年年度（…）); nil: `单独发放`, a separate payment run.
    public var payrollMonth: Int?
    /// Where the article is written: what a problem found while assessing the year points at.
    public var site: Site?

    /// A problem's location: the article, or (when it has no site) the rules as a whole.
    var location: Location { site.map { .source(path: $0.path, span: $0.span) } ?? .file(path: "") }
}
