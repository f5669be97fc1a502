import Exact
import Pay

/// What a year's assessment (年度考核) came to: every cadre of the year with the months the
/// assessment read, the annual score, tier and why, and the annual pay lines (the year-end
/// bonus and its tax) with their traces.
///
/// Built by the rules' annual article (`RulesLanguage`, `CheckedRules.assessYear`) from a
/// `YearInput` the batch reads out of the store's months; stored as a year run; read by the
/// annual reports and the portal.
public struct YearResults: Sendable, Hashable, Codable {
    public var year: Int
    /// The stored months the assessment read, in order, with the run each came from.
    public var months: [YearMonthRun]
    /// The annual tiers best first as the rules declare them; the label for too few months
    /// in post (`不定等次`, or what the rules call it) last.
    public var tierOrder: [String]
    /// The pay lines listed for each month in `MonthOfYear.pay` (one table for every cadre):
    /// what 年度个税明细 shows month by month.
    public var monthPayLines: [MonthPayLineName]
    /// Every cadre with a stored result in the year, in roster order (工号 order of the
    /// year's roster).
    public var cadres: [CadreYearResult]
    /// The month whose payroll pays the annual pay lines (`发放 随 次年1月工资`: January of the
    /// next year, whose rules read them by 上年年度（…）); nil: a separate payment run with its
    /// own bank file (`单独发放`, the default).
    public var paidWithPayroll: YearMonth?

    public init(year: Int, months: [YearMonthRun], tierOrder: [String], monthPayLines: [MonthPayLineName], cadres: [CadreYearResult],
                paidWithPayroll: YearMonth? = nil) {
        self.year = year
        self.months = months
        self.tierOrder = tierOrder
        self.monthPayLines = monthPayLines
        self.cadres = cadres
        self.paidWithPayroll = paidWithPayroll
    }

    /// Σ gross, Σ deductions and Σ net of the annual pay lines.
    public var totals: (gross: Money, deductions: Money, net: Money) {
        var g = Money.zero, d = Money.zero, n = Money.zero
        for i in cadres.indices {
            g = g + cadres[i].pay.gross
            d = d + cadres[i].pay.deductions
            n = n + cadres[i].pay.net
        }
        return (g, d, n)
    }

    /// Σ net + Σ deductions = Σ gross, per cadre and in total, to the 分.
    public var reconciles: Bool {
        for i in cadres.indices where cadres[i].pay.net + cadres[i].pay.deductions != cadres[i].pay.gross { return false }
        let t = totals
        return t.net + t.deductions == t.gross
    }
}

/// A month the year read: its run, whether the month was closed when it was read, and the
/// month's latest correction run if it had one.
public struct YearMonthRun: Sendable, Hashable, Codable {
    public var month: YearMonth
    /// The month's current run: what was paid in the month (its pay lines, the year to date).
    public var runID: Int64
    public var closed: Bool
    /// The latest correction run of `runID` (`jifen batch correct`), nil when none: the
    /// month's scoring (points, tiers, ranks, vetoes, items, roster rows) is read from it.
    public var correctionRunID: Int64?

    public init(month: YearMonth, runID: Int64, closed: Bool, correctionRunID: Int64? = nil) {
        self.month = month
        self.runID = runID
        self.closed = closed
        self.correctionRunID = correctionRunID
    }

    /// The run the month's scoring is read from: its latest correction, else its current run.
    public var scoredRunID: Int64 { correctionRunID ?? runID }

    /// The months a year run over `months` lacked: from the first month read through
    /// December, each it read no run of (only a `--draft` reads so few; such a draft can be
    /// neither published nor closed).
    public static func missing(from months: [YearMonthRun]) -> [YearMonth] {
        guard var m = months.map(\.month).min() else { return [] }
        let year = m.year, read = Set(months.map(\.month))
        var out: [YearMonth] = []
        while m.year == year {
            if !read.contains(m) { out.append(m) }
            m = m.next
        }
        return out
    }
}

/// A pay line listed month by month: its name and kind as the month's rules had it.
public struct MonthPayLineName: Sendable, Hashable, Codable {
    public var name: String
    public var kind: PayLineResult.Kind
    /// The tax office's column the rules file it under (`个税申报`), if any.
    public var taxColumn: TaxFilingColumn?

    public init(name: String, kind: PayLineResult.Kind, taxColumn: TaxFilingColumn? = nil) {
        self.name = name
        self.kind = kind
        self.taxColumn = taxColumn
    }
}

/// One cadre's year.
public struct CadreYearResult: Sendable, Hashable, Codable {
    public var cadreID: String
    public var name: String
    public var community: String
    public var grid: String?
    public var post: String
    public var level: Int
    /// Each month of the year the cadre has a stored result for, in order.
    public var months: [MonthOfYear]
    /// Months in post as the rules count them (a month with a stored result counts).
    public var monthsInPost: Int
    /// The annual score; nil when the rules give none (no month in post).
    public var score: Fixed?
    /// How the annual score was worked out, for a person: `平均（得分）=（88 + 92 + 90）÷ 3 = 90 → 90.00`.
    public var scoreText: String?
    /// Annual tier (or the too-few-months label), rank in its group and the reasons.
    public var standing: Standing
    /// The annual pay lines (年终绩效奖, its tax, 实发) with their traces.
    public var pay: PaySlip
    /// Each bonus line taxed as 全年一次性奖金: the tax both ways and which was taken.
    public var bonusTax: [BonusTaxChoice]

    public init(
        cadreID: String, name: String, community: String, grid: String?, post: String, level: Int, months: [MonthOfYear],
        monthsInPost: Int, score: Fixed?, scoreText: String?, standing: Standing, pay: PaySlip, bonusTax: [BonusTaxChoice]
    ) {
        self.cadreID = cadreID
        self.name = name
        self.community = community
        self.grid = grid
        self.post = post
        self.level = level
        self.months = months
        self.monthsInPost = monthsInPost
        self.score = score
        self.scoreText = scoreText
        self.standing = standing
        self.pay = pay
        self.bonusTax = bonusTax
    }
}

/// One stored month of a cadre as the year sees it.
public struct MonthOfYear: Sendable, Hashable, Codable {
    public var month: YearMonth
    public var score: Fixed
    public var tier: String
    /// Rank in the month's group; 0 when the month's rules left the cadre unranked.
    public var rank: Int
    /// The names of the vetoes (一票否决) that applied in the month.
    public var vetoes: [String]
    /// The month's amounts of `YearResults.monthPayLines`, in that order (zero when absent).
    public var pay: [Money]

    public init(month: YearMonth, score: Fixed, tier: String, rank: Int, vetoes: [String], pay: [Money]) {
        self.month = month
        self.score = score
        self.tier = tier
        self.rank = rank
        self.vetoes = vetoes
        self.pay = pay
    }
}

/// A year-end bonus's income tax worked out both ways the law allows (全年一次性奖金单独计税
/// and merged into the year's comprehensive income, 并入综合所得), and the way taken.
public struct BonusTaxChoice: Sendable, Hashable, Codable {
    public enum Method: String, Sendable, Hashable, Codable {
        /// 单独计税: bonus ÷ 12 picks the monthly table's rate; tax = bonus × rate − quick deduction.
        case separate
        /// 并入综合所得: the tax on the year's taxable income with the bonus, less without it.
        case merged
    }

    /// The bonus pay line's name (年终绩效奖).
    public var line: String
    public var bonus: Money
    /// Nil when the rules do not allow the method (or its dated rule is not in force).
    public var separate: Money?
    public var separateTrace: PayTrace?
    public var merged: Money?
    public var mergedTrace: PayTrace?
    public var chosen: Method
    /// Why this method: `取低者：单独计税 1,080.00 元 < 并入综合所得 1,800.00 元`, or the rules' choice.
    public var why: String

    public init(
        line: String, bonus: Money, separate: Money?, separateTrace: PayTrace?, merged: Money?, mergedTrace: PayTrace?,
        chosen: Method, why: String
    ) {
        self.line = line
        self.bonus = bonus
        self.separate = separate
        self.separateTrace = separateTrace
        self.merged = merged
        self.mergedTrace = mergedTrace
        self.chosen = chosen
        self.why = why
    }

    /// The tax withheld: the chosen method's amount.
    public var tax: Money { (chosen == .separate ? separate : merged) ?? .zero }
}
