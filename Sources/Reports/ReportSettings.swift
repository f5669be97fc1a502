import Exact
import Results

/// What a bureau configures about its reports: names for titles, the bank's template, and
/// what the public notice shows.
///
/// ```swift
/// var settings = ReportSettings()
/// settings.bankColumns = [.init(.account, header: "收款账号"), .init(.accountName), .init(.amount)]
/// settings.noticeShowsPerformancePay = true
/// settings.noticePeriod = .init(from: CivilDate(year: 2021, month: 1, day: 5)!, to: CivilDate(year: 2021, month: 1, day: 11)!)
/// ```
public struct ReportSettings: Sendable, Hashable, Codable {
    /// 榕江县: opens every title.
    public var county: String
    /// The bureau that issues the reports: author of the files, signatory of the notice.
    public var bureau: String
    /// The bank file's columns, in order. Each bank has its own batch-payroll template.
    public var bankColumns: [BankColumn]
    /// 备注 text in the bank file; `{月份}` is replaced by the month (2020年12月).
    public var bankRemark: String
    /// Whether the 公示表 shows the performance pay line.
    public var noticeShowsPerformancePay: Bool
    /// The pay line the notice shows as performance pay.
    public var performancePayLine: String
    /// An identifier the notice shows beside the name, if any (an ID number only masked).
    public var noticeIdentifier: NoticeIdentifier
    /// The 公示 period.
    public var noticePeriod: NoticePeriod?
    /// Where and how to raise an objection: office, phone, mailbox.
    public var objectionContact: String
    /// Tiers from best to worst, for columns, counts and charts.
    public var tierOrder: [String]
    /// Where libxlsxwriter keeps its temporary files in constant-memory mode (nil: system).
    public var temporaryDirectory: String?
    /// Whether independent workbooks are written on several threads.
    public var writesInParallel: Bool
    /// Working days the 公示 lasts, stated on a notice written before its dates are set.
    public var noticeWorkingDays: Int?
    /// One bank file per bank, cadres split by the roster's 开户行; nil: one file,
    /// 银行代发.xlsx, with `bankColumns` for everyone.
    public var banks: [BankFile]?
    /// The tax file's columns (个人所得税扣缴申报.xlsx, sheet 正常工资薪金收入), in order.
    public var taxColumns: [TaxColumn]
    /// What the tax file writes as *证件类型 (also the year-end bonus tax file).
    public var taxIDType: String
    /// The year-end bonus tax file's columns (全年一次性奖金收入.xlsx), in order.
    public var bonusTaxColumns: [BonusTaxColumn] = BonusTaxFilingColumn.allCases.map { BonusTaxColumn($0) }

    public init(
        county: String = "榕江县", bureau: String = "榕江县民政局",
        bankColumns: [BankColumn] = [BankColumn(.account), BankColumn(.accountName), BankColumn(.amount)],
        bankRemark: String = "{月份}社区干部报酬", noticeShowsPerformancePay: Bool = false,
        performancePayLine: String = "绩效报酬", noticeIdentifier: NoticeIdentifier = .none,
        noticePeriod: NoticePeriod? = nil, objectionContact: String = "",
        tierOrder: [String] = ["优秀", "称职", "基本称职", "不称职"], temporaryDirectory: String? = nil,
        writesInParallel: Bool = true, noticeWorkingDays: Int? = 5, banks: [BankFile]? = nil,
        taxColumns: [TaxColumn] = TaxFilingColumn.allCases.map { TaxColumn($0) }, taxIDType: String = "居民身份证"
    ) {
        self.banks = banks
        self.taxColumns = taxColumns
        self.taxIDType = taxIDType
        self.county = county
        self.bureau = bureau
        self.bankColumns = bankColumns
        self.bankRemark = bankRemark
        self.noticeShowsPerformancePay = noticeShowsPerformancePay
        self.performancePayLine = performancePayLine
        self.noticeIdentifier = noticeIdentifier
        self.noticePeriod = noticePeriod
        self.objectionContact = objectionContact
        self.tierOrder = tierOrder
        self.temporaryDirectory = temporaryDirectory
        self.writesInParallel = writesInParallel
        self.noticeWorkingDays = noticeWorkingDays
    }
}

/// A column of the bank transfer file: what it holds and the header the bank's template uses.
public struct BankColumn: Sendable, Hashable, Codable {
    public enum Field: String, Sendable, Hashable, Codable, CaseIterable {
        /// 账号, written as text.
        case account
        /// 户名: the account holder (the payee's account name, else the cadre's name).
        case accountName
        /// 金额: net pay, a number with two decimals and no thousands separator.
        case amount
        /// 身份证号, written as text.
        case idNumber
        /// 备注: `ReportSettings.bankRemark`.
        case remark
        /// 工号.
        case cadreID

        public var defaultHeader: String {
            switch self {
            case .account: "账号"
            case .accountName: "户名"
            case .amount: "金额"
            case .idNumber: "身份证号"
            case .remark: "备注"
            case .cadreID: "工号"
            }
        }
    }

    public var field: Field
    public var header: String

    public init(_ field: Field, header: String? = nil) {
        self.field = field
        self.header = header ?? field.defaultHeader
    }
}

/// What the public notice may show to tell two people of the same name apart.
public enum NoticeIdentifier: String, Sendable, Hashable, Codable {
    /// Nothing: the recommended choice.
    case none
    /// The ID number masked to its first 6 and last 4 digits (`522632********1234`).
    case maskedIDNumber
    /// The 工号, which is not personal data.
    case cadreID
}

/// The 公示 period: first and last day.
public struct NoticePeriod: Sendable, Hashable, Codable {
    public var from: CivilDate
    public var to: CivilDate

    public init(from: CivilDate, to: CivilDate) {
        self.from = from
        self.to = to
    }
}

/// One bank's file when cadres are paid through several banks: which cadres (by the
/// roster's 开户行) and the bank's own template.
///
/// ```swift
/// settings.banks = [
///     BankFile(name: "农商行", match: ["农村商业银行", "农商"]),
///     BankFile(name: "邮储银行", match: ["邮政储蓄"], columns: [.init(.account, header: "收款账号"), .init(.accountName), .init(.amount)]),
/// ]
/// ```
public struct BankFile: Sendable, Hashable, Codable {
    /// The bank's short name: the file is `银行代发-<name>.xlsx`.
    public var name: String
    /// Texts any of which, found in a cadre's 开户行, puts the cadre in this file; empty:
    /// every cadre no bank before it took (其余), blank 开户行 included.
    public var match: [String]
    /// This bank's columns; nil: `ReportSettings.bankColumns`.
    public var columns: [BankColumn]?
    /// This bank's 备注 text; nil: `ReportSettings.bankRemark`.
    public var remark: String?

    public init(name: String, match: [String] = [], columns: [BankColumn]? = nil, remark: String? = nil) {
        self.name = name
        self.match = match
        self.columns = columns
        self.remark = remark
    }

    /// `银行代发-农商行.xlsx`
    public var fileName: String { "银行代发-\(name).xlsx" }

    /// Whether a cadre whose 开户行 is `bank` is paid through this file (banks are tried in
    /// order; the first that takes the cadre pays).
    public func takes(_ bank: String?) -> Bool {
        if match.isEmpty { return true }
        guard let bank, !bank.isEmpty else { return false }
        return match.contains { !$0.isEmpty && bank.contains($0) }
    }

    /// The index of the bank that pays a cadre whose 开户行 is `bank`, nil when none does.
    public static func index(of bank: String?, in banks: [BankFile]) -> Int? {
        banks.firstIndex { $0.takes(bank) }
    }
}

/// A column of the tax file: which of the client's 24 columns and the header to write.
public struct TaxColumn: Sendable, Hashable, Codable {
    public var field: TaxFilingColumn
    public var header: String

    public init(_ field: TaxFilingColumn, header: String? = nil) {
        self.field = field
        self.header = header ?? field.templateHeader
    }
}
