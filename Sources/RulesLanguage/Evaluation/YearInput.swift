import Diagnostics
import Exact
import Records
import Results

/// The year as the annual article (年度考核) reads it: every cadre with a stored result in the
/// year, month by month, built by the batch from the store's current run of each month.
///
/// Only what the annual rules can name is carried, in compact tables (the names once, the
/// values by index), so twelve province months fit in memory: `CheckedRules.yearInputNeeds`
/// says which items and pay lines the rules read.
public struct YearInput: Sendable {
    public var year: Int
    /// The stored months read, in order.
    public var months: [YearMonthRun]
    /// Every cadre with a stored result in the year, each once: their roster row from the last
    /// month they have a result in (their roster fields, 分组 and joining/leaving dates).
    public var roster: Roster
    /// The score lines (积分项, 扣分项, 调整项 by name) whose points `MonthOfCadre.items` holds.
    public var itemNames: [String]
    /// The pay lines whose amounts `MonthOfCadre.pay` holds: those the annual rules read,
    /// and those 年度个税明细 lists.
    public var payLines: [MonthPayLineName]
    /// Aligned with `roster.cadres`.
    public var cadres: [CadreYear]

    public init(year: Int, months: [YearMonthRun], roster: Roster, itemNames: [String], payLines: [MonthPayLineName], cadres: [CadreYear]) {
        self.year = year
        self.months = months
        self.roster = roster
        self.itemNames = itemNames
        self.payLines = payLines
        self.cadres = cadres
    }
}

/// One cadre's stored months of the year, in order.
public struct CadreYear: Sendable {
    public var months: [MonthOfCadre]
    /// The year to date after the cadre's last stored month of the year (each pay line's
    /// total and the months employed), which the merged bonus tax starts from.
    public var yearEnd: YearToDate?

    public init(months: [MonthOfCadre], yearEnd: YearToDate?) {
        self.months = months
        self.yearEnd = yearEnd
    }
}

/// One stored month of one cadre.
public struct MonthOfCadre: Sendable {
    public var month: YearMonth
    public var score: Fixed
    public var tier: String
    /// 0 when the month's rules left the cadre unranked.
    public var rank: Int
    /// Names of the vetoes that applied.
    public var vetoes: [String]
    /// Points by `YearInput.itemNames` (zero when the month had no such line).
    public var items: [Fixed]
    /// Amounts by `YearInput.payLines` (zero when the month had no such line).
    public var pay: [Money]

    public init(month: YearMonth, score: Fixed, tier: String, rank: Int, vetoes: [String], items: [Fixed], pay: [Money]) {
        self.month = month
        self.score = score
        self.tier = tier
        self.rank = rank
        self.vetoes = vetoes
        self.items = items
        self.pay = pay
    }
}
