import Exact
import Pay
import Results

/// The life of a year run (年度考核), as a month's: a draft until published for the annual
/// 公示, then closed. A draft or published year run replaced by a new `jifen year run` is
/// superseded (kept as history).
public enum YearRunState: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, published, closed, superseded

    public var chineseName: String {
        switch self {
        case .draft: "草稿"
        case .published: "公示中"
        case .closed: "已关账"
        case .superseded: "已被替代"
        }
    }
}

/// The key a year's objections and audit entries carry in their month column: `2021-年度`
/// (the name of the year's report folder too).
public func yearKey(_ year: Int) -> String { "\(year)-年度" }

/// Everything `jifen year run` hands the store to record, in one transaction.
public struct NewYearRun: Sendable {
    public var year: Int
    public var rulesHash: String
    public var rulesVersion: String
    public var engineVersion: String
    public var actor: String
    /// When it happened (ISO 8601); passed in so tests can fix the clock.
    public var at: String
    public var results: YearResults

    public init(year: Int, rulesHash: String, rulesVersion: String, engineVersion: String, actor: String, at: String, results: YearResults) {
        self.year = year
        self.rulesHash = rulesHash
        self.rulesVersion = rulesVersion
        self.engineVersion = engineVersion
        self.actor = actor
        self.at = at
        self.results = results
    }
}

extension NewYearRun {
    /// The record `yearRun(id:)` reads back once this run is stored as `id` (a fresh draft):
    /// what the year's reports are written from while the store writes the rows.
    public func record(id: Int64) -> YearRunRecord {
        YearRunRecord(
            id: id, year: year, state: .draft, rulesHash: rulesHash, rulesVersion: rulesVersion, engineVersion: engineVersion,
            createdBy: actor, createdAt: at, publishedAt: nil, objectionsUntil: nil, closedAt: nil, supersededBy: nil, stale: false,
            staleReason: nil, months: results.months, summary: YearRunSummary(results))
    }
}

/// What a year run came to, for `year show` and `year list`: worked out once when it is
/// recorded.
public struct YearRunSummary: Sendable, Hashable, Codable {
    public struct TierCount: Sendable, Hashable, Codable {
        public var tier: String
        public var cadres: Int
    }

    /// The bonus tax of one method over every cadre who was taxed that way.
    public struct MethodTotal: Sendable, Hashable, Codable {
        public var cadres: Int = 0
        public var bonus: Money = .zero
        public var tax: Money = .zero
    }

    public var cadres: Int
    /// The rules' tiers best first (the too-few-months label last), each with its count;
    /// a tier no cadre has is listed with 0.
    public var tiers: [TierCount]
    public var gross: Money
    public var deductions: Money
    public var net: Money
    /// The bonuses taxed as 全年一次性奖金, by the method taken.
    public var separate: MethodTotal
    public var merged: MethodTotal
    /// The month whose payroll pays the bonus (`发放 随 次年1月工资`); nil: paid separately.
    public var paidWithPayroll: YearMonth?

    public init(_ results: YearResults) {
        cadres = results.cadres.count
        paidWithPayroll = results.paidWithPayroll
        var counts: [String: Int] = [:]
        for c in results.cadres { counts[c.standing.tier, default: 0] += 1 }
        var order = results.tierOrder
        for t in counts.keys.sorted() where !order.contains(t) { order.append(t) }
        tiers = order.map { TierCount(tier: $0, cadres: counts[$0] ?? 0) }
        let t = results.totals
        gross = t.gross
        deductions = t.deductions
        net = t.net
        separate = MethodTotal()
        merged = MethodTotal()
        for c in results.cadres {
            for b in c.bonusTax {
                switch b.chosen {
                case .separate:
                    separate.cadres += 1
                    separate.bonus = separate.bonus + b.bonus
                    separate.tax = separate.tax + b.tax
                case .merged:
                    merged.cadres += 1
                    merged.bonus = merged.bonus + b.bonus
                    merged.tax = merged.tax + b.tax
                }
            }
        }
    }
}

/// A stored year run as listed and shown.
public struct YearRunRecord: Sendable, Hashable {
    public var id: Int64
    public var year: Int
    public var state: YearRunState
    public var rulesHash: String
    public var rulesVersion: String
    public var engineVersion: String
    public var createdBy: String
    public var createdAt: String
    public var publishedAt: String?
    public var objectionsUntil: String?
    public var closedAt: String?
    public var supersededBy: Int64?
    /// A month the year read changed after the year was run (corrected, reopened, run
    /// again): the annual result no longer follows from the stored months.
    public var stale: Bool
    public var staleReason: String?
    /// The months read, each with its run and whether it was closed then.
    public var months: [YearMonthRun]
    public var summary: YearRunSummary

    /// `2021-年度`: the year's key in objections, the audit log and the report folder.
    public var key: String { yearKey(year) }
}

/// What the year's input is read from: for every month of the year the per-cadre figures —
/// scoring from the month's latest correction run if any, else its current run; pay and year
/// to date from its current run — as `RunStore.yearMonths(year:items:payLines:)` reads them
/// (only the columns the year needs). The batch turns it into the rules' `YearInput`.
public struct StoredYearMonths: Sendable {
    public var year: Int
    /// The current run of each month of the year that has one, in order, each with the
    /// correction run its scoring is read from (if any).
    public var months: [YearMonthRun]
    /// The state of each of `months`' runs, aligned.
    public var states: [RunState]
    /// The score lines asked for, whose points `StoredCadreMonth.items` holds.
    public var itemNames: [String]
    /// The pay lines asked for (kind as the latest month that has the line has it), whose
    /// amounts `StoredCadreMonth.pay` holds.
    public var payLines: [MonthPayLineName]
    /// Every cadre with a result in a month of the year, by 工号 (UTF-8 order).
    public var cadres: [StoredCadreYear]
}

/// One cadre's stored months of the year.
public struct StoredCadreYear: Sendable {
    public var cadreID: String
    /// The index in `StoredYearMonths.months` of the last month the cadre has a result in (as
    /// scored): whose roster row the year takes, from the run that month is scored from.
    public var lastMonth: Int
    /// In month order.
    public var months: [StoredCadreMonth]
    /// The year to date after the last month whose current run paid the cadre (each pay
    /// line's total, months employed).
    public var yearEnd: YearToDate?
}

/// One cadre's figures in one month: scoring from the run the month is scored from, pay from
/// its current run (zero when that run did not pay the cadre).
public struct StoredCadreMonth: Sendable {
    public var month: YearMonth
    public var score: Fixed
    public var tier: String
    /// 0 when unranked.
    public var rank: Int
    public var vetoes: [String]
    /// Points by `StoredYearMonths.itemNames` (the sum of the cadre's lines of that name).
    public var items: [Fixed]
    /// Amounts by `StoredYearMonths.payLines` (the sum of the cadre's lines of that name).
    public var pay: [Money]
}

/// The annual pay lines of a closed year run, by 工号 and line name: what 上年年度（…） reads
/// in the next year's payroll.
public struct ClosedYearPay: Sendable, Hashable {
    public var year: Int
    public var yearRunID: Int64
    /// Each cadre's annual pay lines (年终绩效奖, 年终奖个税, 年终奖实发 …) by name.
    public var byCadre: [String: [String: Money]]

    public init(year: Int, yearRunID: Int64, byCadre: [String: [String: Money]]) {
        self.year = year
        self.yearRunID = yearRunID
        self.byCadre = byCadre
    }
}
