import Exact
import Pay

/// The year run the annual reports come from, for titles and document properties: what
/// `ReportRun` is to a month's reports.
public struct YearReportRun: Sendable, Hashable, Codable {
    /// Where the year run is in its life, as the reports name it.
    public enum State: String, Sendable, Hashable, Codable {
        case draft, published, closed

        /// 草稿, 公示中, 已关闭.
        public var label: String {
            switch self {
            case .draft: "草稿"
            case .published: "公示中"
            case .closed: "已关闭"
            }
        }
    }

    /// The year run's id in the store.
    public var id: Int64
    public var year: Int
    public var state: State
    public var rulesVersion: String
    public var rulesHash: String
    public var engineVersion: String
    /// When the year run happened, ISO 8601; also the files' creation time, so that the same
    /// run gives the same bytes.
    public var createdAt: String

    public init(
        id: Int64, year: Int, state: State, rulesVersion: String = "", rulesHash: String, engineVersion: String = "",
        createdAt: String
    ) {
        self.id = id
        self.year = year
        self.state = state
        self.rulesVersion = rulesVersion
        self.rulesHash = rulesHash
        self.engineVersion = engineVersion
        self.createdAt = createdAt
    }

    /// `createdAt` as seconds since 1970 UTC; when it does not parse, the first day of the
    /// next year, so that the value is still fixed by the inputs.
    public var createdSeconds: Int {
        if let s = ReportRun.parseISO8601(createdAt) { return s }
        return Int(CivilDate(year: year + 1, month: 1, day: 1)!.daysSinceEpoch) * 86_400
    }
}

/// One of the annual workbooks and its file name (the bonus bank file may be one file per bank).
public enum YearReportKind: String, Sendable, Hashable, CaseIterable, Codable {
    case assessment, notice, bonusPayroll, bonusBank, bonusTaxFiling, taxDetail, tierChart

    /// The file name (the bank file's when there is one file; `fileNames(_:)` for all).
    public var fileName: String {
        switch self {
        case .assessment: "年度考核表.xlsx"
        case .notice: "年度公示表.xlsx"
        case .bonusPayroll: "年终奖发放表.xlsx"
        case .bonusBank: "年终奖银行代发.xlsx"
        case .bonusTaxFiling: "全年一次性奖金收入.xlsx"
        case .taxDetail: "年度个税明细.xlsx"
        case .tierChart: "年度等次统计.xlsx"
        }
    }

    /// The files this report is written as: one, except the bank file with one file per bank
    /// (`年终奖银行代发-农商行.xlsx`).
    public func fileNames(_ settings: ReportSettings) -> [String] {
        guard self == .bonusBank, let banks = settings.banks else { return [fileName] }
        return banks.map { "年终奖银行代发-\($0.name).xlsx" }
    }

    /// Largest first at scale (年度个税明细 has a row per cadre and month).
    var writingOrder: Int {
        switch self {
        case .taxDetail: 0
        case .assessment: 1
        case .bonusPayroll: 2
        case .notice: 3
        case .bonusBank: 4
        case .bonusTaxFiling: 5
        case .tierChart: 6
        }
    }
}

/// What writing the annual reports came to: the files, and the facts finance should hear.
public struct YearReportsWritten: Sendable, Hashable {
    /// Every file written, by report, in the order of `YearReportKind.fileNames`.
    public var files: [YearReportKind: [String]]
    public var warnings: [YearReportWarning]
}

/// Something the annual reports left out on purpose, for the caller to say.
public enum YearReportWarning: Sendable, Hashable {
    /// A cadre whose year-end net pay is exactly 0.00 has no row in the bank file.
    case zeroNetPay(cadreID: String)
    /// A bonus taxed merged into wages (并入综合所得) is not in 全年一次性奖金收入.xlsx: it is
    /// declared with the month's wages.
    case mergedBonus(cadreID: String, line: String, bonus: Money)

    /// A one-line summary in Chinese and English.
    public var summary: PayText {
        switch self {
        case .zeroNetPay(let id):
            PayText(zh: "干部 '\(id)' 的年终实发为 0.00 元，未写入年终奖银行代发文件", en: "cadre '\(id)' is paid 0.00 at year end and has no row in the bonus bank file")
        case .mergedBonus(let id, let line, let bonus):
            PayText(
                zh: "干部 '\(id)' 的\(line) \(bonus) 元并入综合所得计税，不在全年一次性奖金收入申报表中，应随当月工资薪金申报",
                en: "cadre '\(id)''s \(line) of \(bonus) is taxed with the wages, so it is not in the year-end bonus tax file; declare it with the month's wages")
        }
    }
}
