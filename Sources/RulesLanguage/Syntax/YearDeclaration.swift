import Diagnostics
import Exact

/// `年度考核 { … }`: the annual article. Its clauses, each on its own line:
///
/// ```
/// 年度考核（依据 第二十条） {
///   年度得分 = 平均（得分），舍入 四舍五入 到 0.01 分
///   在岗不足 6 个月 定为 不定等次
///   一票否决 月度不称职：月数（等次 = 不称职） ≥ 1，定为 不称职
///   等次评定 { 优秀：得分 ≥ 90 分，名额 20% 按 全县 … }
///   应发项 年终绩效奖 = 6000 元 × 年度系数（等次） × 在岗月数 ÷ 12 { 舍入 四舍五入 到分 }
///   奖金计税 年终绩效奖 { 方式 取低者 … }
///   扣款项 年终奖个税 = 奖金个税（年终绩效奖）
///   实发项 年终奖实发 = 年终绩效奖 - 年终奖个税
/// }
/// ```
///
/// Inside it, 得分 is the annual score, 等次 and 排名 the annual tier and rank, 在岗月数 the
/// months with a stored result; the months are read through 月数（条件）, 平均（…）,
/// 合计（…）, 最高（…） and 最低（…）, inside which 得分, 等次, 排名, 一票否决, 月份, items
/// and the month's pay lines mean that month's.
public struct YearDeclaration: Sendable, Hashable {
    public var attributes: Attributes
    public var clauses: [YearClause]
    public var span: Span
}

public enum YearClause: Sendable, Hashable {
    /// `年度得分 = 平均（得分），舍入 四舍五入 到 0.01 分`.
    case score(formula: Expression, rounding: ScoreRounding?, span: Span)
    /// `在岗不足 6 个月 定为 不定等次`.
    case minimumMonths(months: Expression, label: Identifier, span: Span)
    /// `一票否决 月度不称职：月数（等次 = 不称职） ≥ 1，定为 不称职`.
    case veto(name: Identifier, condition: Expression, tier: Identifier, span: Span)
    case tiers(TierDeclaration)
    case payLine(PayLineDeclaration)
    case bonusTax(BonusTaxDeclaration)
    /// `发放 随 次年1月工资` (month 1: the bonus is paid through the next year's January
    /// payroll, whose rules read it by 上年年度（…）) or `发放 单独发放` (nil: a separate
    /// payment run, the default).
    case payment(month: Expression?, span: Span)

    public var span: Span {
        switch self {
        case .score(_, _, let s), .minimumMonths(_, _, let s), .veto(_, _, _, let s), .payment(_, let s): s
        case .tiers(let t): t.span
        case .payLine(let p): p.span
        case .bonusTax(let b): b.span
        }
    }
}

/// `舍入 四舍五入 到 0.01 分`: how the annual score rounds (mode and the step it rounds to).
public struct ScoreRounding: Sendable, Hashable {
    public var mode: Rounding
    /// The step as written: 1, 0.1, 0.01 … (nil: written without `到`, 0.01).
    public var step: Expression?
    public var span: Span
}

/// `奖金计税 年终绩效奖 { 方式 取低者；单独计税 按 表；并入综合所得 按 表；应纳税所得额 = … }`:
/// how a year-end bonus is taxed (全年一次性奖金).
public struct BonusTaxDeclaration: Sendable, Hashable {
    public var bonus: Identifier
    /// 单独计税, 并入综合所得 or 取低者.
    public var method: Identifier?
    /// The monthly table the separate method reads (bonus ÷ 12 picks the row).
    public var separateTable: Identifier?
    /// The annual table of comprehensive income the merged method reads.
    public var mergedTable: Identifier?
    /// The year's taxable comprehensive income without the bonus (floored at 0).
    public var taxable: Expression?
    public var span: Span

    public static let methodWord = "方式"
    public static let separateWord = "单独计税"
    public static let mergedWord = "并入综合所得"
    public static let lowerWord = "取低者"
    public static let taxableWord = "应纳税所得额"
    public static let clauseWord = "奖金计税"
    /// `奖金个税（年终绩效奖）`: the tax the method gives, in a pay line's formula.
    public static let taxCallWord = "奖金个税"
}

/// Words of the annual article's clauses (names, not keywords: a county may still call a pay
/// line or a field by them elsewhere).
public enum YearWords {
    public static let score = "年度得分"
    public static let minimum = "在岗不足"
    public static let monthsInPost = "在岗月数"
    public static let monthCount = "月数"
    public static let mean = "平均"
    public static let highest = "最高"
    public static let lowest = "最低"
    public static let to = "到"
    public static let veto = "一票否决"
    public static let month = "月份"
    public static let yearTier = "年度等次"
    public static let yearEnd = "年末"
    /// `发放 随 次年1月工资` / `发放 单独发放`.
    public static let payment = "发放"
    public static let withPayroll = "随"
    public static let nextYear = "次年"
    public static let monthPayroll = "月工资"
    public static let separatePayment = "单独发放"
}
