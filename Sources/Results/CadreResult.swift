import Exact
import Pay

/// What one month's scoring and pay came to for one cadre, with everything an explanation
/// needs: every score line with its records and clipping, the tier and why, and every pay
/// line with its trace.
public struct CadreResult: Sendable, Hashable, Codable {
    public var cadreID: String
    public var name: String
    public var community: String
    public var grid: String?
    public var post: String
    public var level: Int
    public var score: ScoreCard
    public var standing: Standing
    public var pay: PaySlip
    /// Year-to-date figures after this month, which the next month's income tax starts from.
    public var yearToDate: YearToDate?

    public init(
        cadreID: String, name: String, community: String, grid: String?, post: String, level: Int,
        score: ScoreCard, standing: Standing, pay: PaySlip, yearToDate: YearToDate? = nil
    ) {
        self.cadreID = cadreID
        self.name = name
        self.community = community
        self.grid = grid
        self.post = post
        self.level = level
        self.score = score
        self.standing = standing
        self.pay = pay
        self.yearToDate = yearToDate
    }
}

/// A cadre's points: total = base + items − deductions + adjustments, line by line.
public struct ScoreCard: Sendable, Hashable, Codable {
    public var lines: [ScoreLine]
    public var total: Fixed

    public init(lines: [ScoreLine], total: Fixed) {
        self.lines = lines
        self.total = total
    }
}

/// One line of a score: the base score, an item, a deduction or a manual adjustment.
public struct ScoreLine: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case base, item, deduction, adjustment
        /// 总分范围: the total taken to its floor or ceiling after adjustments.
        case bound
    }

    public var kind: Kind
    public var name: String
    /// The article of the regulation: 第五条第二款.
    public var citation: String?
    /// Points before caps and floors (deductions are negative).
    public var raw: Fixed
    /// Points counted in the total.
    public var points: Fixed
    /// Each cap or floor that took effect, with how much it clipped.
    public var clips: [Clip]
    /// The records that contributed, in file order. Empty in a line read from the store
    /// without its trace (the store's `ResultDetail.lines`); `recordCount` still counts them.
    /// Compact as the scorer keeps them (`RecordList`), each read as a `RecordRef`.
    public var records: RecordList { didSet { recordCount = records.count } }
    /// How many records contributed: `records.count`, kept when the records themselves are
    /// not loaded (the reports count a line's records but never list them).
    public private(set) var recordCount: Int
    /// For adjustments: the reason and who approved it.
    public var reason: String?
    public var approvedBy: String?
    /// For an item scored once over its records (`计 天数（日期） × 0.5 分`): how they were
    /// counted, with the values: `天数（日期）= 3 → 1.5 分`. Its records earn nothing one by one.
    public var counting: String?

    public init(
        kind: Kind, name: String, citation: String? = nil, raw: Fixed, points: Fixed, clips: [Clip] = [],
        records: [RecordRef] = [], reason: String? = nil, approvedBy: String? = nil, counting: String? = nil
    ) {
        self.init(kind: kind, name: name, citation: citation, raw: raw, points: points, clips: clips, records: RecordList(records),
                  reason: reason, approvedBy: approvedBy, counting: counting)
    }

    /// A line with its records as the scorer keeps them.
    public init(
        kind: Kind, name: String, citation: String? = nil, raw: Fixed, points: Fixed, clips: [Clip] = [],
        records: RecordList, reason: String? = nil, approvedBy: String? = nil, counting: String? = nil
    ) {
        self.counting = counting
        self.kind = kind
        self.name = name
        self.citation = citation
        self.raw = raw
        self.points = points
        self.clips = clips
        self.records = records
        self.recordCount = records.count
        self.reason = reason
        self.approvedBy = approvedBy
    }

    /// A line read without its records, which `recordCount` still counts.
    public init(
        kind: Kind, name: String, citation: String?, raw: Fixed, points: Fixed, clips: [Clip], recordCount: Int,
        reason: String?, approvedBy: String?, counting: String? = nil
    ) {
        self.init(kind: kind, name: name, citation: citation, raw: raw, points: points, clips: clips, reason: reason, approvedBy: approvedBy,
                  counting: counting)
        self.recordCount = recordCount
    }

    /// Points lost to caps and floors.
    public var clipped: Fixed { raw - points }

    // The stored JSON of earlier versions and `--format json` have no record count: it is
    // the records' number.
    private enum CodingKeys: String, CodingKey {
        case kind, name, citation, raw, points, clips, records, reason, approvedBy, counting
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try c.decode(Kind.self, forKey: .kind), name: try c.decode(String.self, forKey: .name),
            citation: try c.decodeIfPresent(String.self, forKey: .citation), raw: try c.decode(Fixed.self, forKey: .raw),
            points: try c.decode(Fixed.self, forKey: .points), clips: try c.decode([Clip].self, forKey: .clips),
            records: try c.decode(RecordList.self, forKey: .records), reason: try c.decodeIfPresent(String.self, forKey: .reason),
            approvedBy: try c.decodeIfPresent(String.self, forKey: .approvedBy),
            counting: try c.decodeIfPresent(String.self, forKey: .counting))
    }
}

/// A cap or floor that took effect.
public struct Clip: Sendable, Hashable, Codable {
    public enum Scope: Sendable, Hashable, Codable {
        /// 每日上限 on one day.
        case day(CivilDate)
        /// 每月上限.
        case month
        /// 扣完为止: a deduction stopped at its floor.
        case floor
        /// 总分范围's 最高: the total lowered to the ceiling.
        case ceiling
        /// A 合计上限 over several items, by name: this item's part beyond it.
        case group(String)
    }

    public var scope: Scope
    public var limit: Fixed
    /// Points the limit removed (always ≥ 0).
    public var removed: Fixed

    public init(scope: Scope, limit: Fixed, removed: Fixed) {
        self.scope = scope
        self.limit = limit
        self.removed = removed
    }
}

/// A record that contributed to a score line.
public struct RecordRef: Sendable, Hashable, Codable {
    /// File name (without folder) and line: enough to find the row, stable across machines.
    public var file: String
    public var line: Int
    public var date: CivilDate?
    /// A few words on the record for a person: 夜班 20:00–08:00, 全程代办 低保申请.
    public var summary: String
    /// Points the record earned before any cap.
    public var points: Fixed

    public init(file: String, line: Int, date: CivilDate?, summary: String, points: Fixed) {
        self.file = file
        self.line = line
        self.date = date
        self.summary = summary
        self.points = points
    }
}

/// Where the cadre stands: rank in the group, tier, and why.
public struct Standing: Sendable, Hashable, Codable {
    /// The group ranks and quotas are counted in (the community).
    public var group: String
    /// 1-based rank in the group by total points, ties broken as the rules state.
    public var rank: Int
    public var groupSize: Int
    public var tier: String
    public var reasons: [TierReason]

    public init(group: String, rank: Int, groupSize: Int, tier: String, reasons: [TierReason]) {
        self.group = group
        self.rank = rank
        self.groupSize = groupSize
        self.tier = tier
        self.reasons = reasons
    }
}

/// One reason in the chain that decided a tier.
public enum TierReason: Sendable, Hashable, Codable {
    /// The score met the tier's threshold: `总分 ≥ 90`.
    case threshold(tier: String, condition: String)
    /// The tier's quota in the group admitted this rank: 优秀 20% of 12 → 2 places, rank 1.
    case withinQuota(tier: String, share: Fixed, places: Int, rank: Int)
    /// The score met none of the tiers above the rules' `其余` tier: `missed` is the lowest of
    /// them and `condition` its condition (`60 分 ≤ 得分 < 70 分`).
    case otherwise(tier: String, missed: String, condition: String)
    /// The quota was full, so the cadre went to the next tier down.
    case quotaFull(tier: String, share: Fixed, places: Int, rank: Int, to: String)
    /// A one-vote veto forced the tier.
    case veto(name: String, citation: String?, tier: String, record: RecordRef?)
    /// Tied on points with others; the tie-break decided the order.
    case tieBreak(rule: String, with: [String])
    /// Tied on points with `tied` others, too many to name: `nearest` are the ones just
    /// before and after in the order the tie-break gave.
    case tieBreakAmong(rule: String, nearest: [String], tied: Int)
    /// The rules leave the cadre out of ranks and quotas (`排名不含`: 一票否决者, 本月入职,
    /// 本月离职); a tier that has a quota is out of reach, so the cadre is placed in `tier`,
    /// the first tier below without one (the same tier when it has none).
    case notRanked(why: String, tier: String)
    /// Annual: in post fewer months than the rules' minimum, so no tier is decided (`tier` is
    /// the rules' label for it, e.g. 不定等次).
    case tooFewMonths(months: Int, minimum: Int, tier: String)
    /// Annual: a veto over the year's months (any month 不称职, any month's 一票否决) forced the
    /// tier; `months` are the months that triggered it.
    case monthVeto(name: String, citation: String?, months: [YearMonth], tier: String)
}

/// The pay slip: earnings, deductions and net pay, each line with its trace.
public struct PaySlip: Sendable, Hashable, Codable {
    public var lines: [PayLineResult]

    public init(lines: [PayLineResult]) { self.lines = lines }

    /// 应发合计: the sum of earnings.
    public var gross: Money { total(of: .earning) }
    /// 扣款合计: the sum of deductions.
    public var deductions: Money { total(of: .deduction) }
    /// 实发金额.
    public var net: Money { gross - deductions }

    /// Sums by index: copying the lines out (filter, map) would retain every line's texts,
    /// which at province scale made the totals cost more than computing the pay.
    private func total(of kind: PayLineResult.Kind) -> Money {
        var sum = Money.zero
        for i in lines.indices where lines[i].kind == kind { sum = sum + lines[i].amount }
        return sum
    }

    public func amount(of name: String) -> Money? { lines.first { $0.name == name }?.amount }
}

/// A named money line of the pay slip.
public struct PayLineResult: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Part of gross pay (基本报酬, 绩效报酬, allowances).
        case earning
        /// Withheld from gross pay (social insurance, income tax).
        case deduction
        /// Shown for information, not paid (分值, a day rate).
        case info
    }

    public var name: String
    public var kind: Kind
    public var amount: Money
    public var citation: String?
    public var trace: PayTrace

    public init(name: String, kind: Kind, amount: Money, citation: String? = nil, trace: PayTrace = PayTrace()) {
        self.name = name
        self.kind = kind
        self.amount = amount
        self.citation = citation
        self.trace = trace
    }
}

/// Year-to-date figures for cumulative withholding (累计预扣法), as of the end of a month:
/// each pay line's total this year, and the months employed by this payer this year.
///
/// The rules name what accumulates (`本年累计（应发合计）`, `此前累计（个人所得税）`), so the
/// totals are kept by pay-line name rather than in fixed fields.
public struct YearToDate: Sendable, Hashable, Codable {
    public var totals: [String: Money]
    /// Months employed by this payer this year, this month included.
    public var months: Int

    public init(totals: [String: Money] = [:], months: Int = 0) {
        self.totals = totals
        self.months = months
    }

    public subscript(line: String) -> Money { totals[line] ?? .zero }
}
