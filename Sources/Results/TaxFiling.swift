/// The wages sheet 正常工资薪金收入 of the tax office's withholding client
/// (自然人电子税务局扣缴客户端): its 24 columns in the client template's order.
///
/// The rules say which pay line goes into which amount column (`个税申报 “基本养老保险费”`
/// on a pay line); the reports write the file; `jifen.json` may rename and reorder the
/// columns for another version of the client.
public enum TaxFilingColumn: String, Sendable, Hashable, Codable, CaseIterable {
    case cadreID, name, idType, idNumber
    case income, taxFreeIncome, pension, medical, unemployment, housingFund
    case childEducation, continuingEducation, mortgageInterest, housingRent, elderlySupport, infantCare, privatePension
    case annuity, healthInsurance, taxDeferredPension, other, donation, taxRelief
    case remark

    /// The header the client's template uses.
    public var templateHeader: String {
        switch self {
        case .cadreID: "工号"
        case .name: "*姓名"
        case .idType: "*证件类型"
        case .idNumber: "*证件号码"
        case .income: "本期收入"
        case .taxFreeIncome: "本期免税收入"
        case .pension: "基本养老保险费"
        case .medical: "基本医疗保险费"
        case .unemployment: "失业保险费"
        case .housingFund: "住房公积金"
        case .childEducation: "累计子女教育"
        case .continuingEducation: "累计继续教育"
        case .mortgageInterest: "累计住房贷款利息"
        case .housingRent: "累计住房租金"
        case .elderlySupport: "累计赡养老人"
        case .infantCare: "累计3岁以下婴幼儿照护"
        case .privatePension: "累计个人养老金"
        case .annuity: "企业(职业)年金"
        case .healthInsurance: "商业健康保险"
        case .taxDeferredPension: "税延养老保险"
        case .other: "其他"
        case .donation: "准予扣除的捐赠额"
        case .taxRelief: "减免税额"
        case .remark: "备注"
        }
    }

    /// Whether the column holds an amount a pay line can fill (19 of the 24).
    public var isAmount: Bool {
        switch self {
        case .cadreID, .name, .idType, .idNumber, .remark: false
        default: true
        }
    }

    /// Whether the column is cumulative for the year (累计…): it takes the line's year-to-date
    /// total, this month included, rather than the month's amount.
    public var isCumulative: Bool { templateHeader.hasPrefix("累计") }

    /// The amount column a rules file names (`个税申报 “累计子女教育”`); full-width
    /// parentheses are accepted for 企业（职业）年金.
    public init?(ruleName: String) {
        let n = String(ruleName.map { $0 == "（" ? "(" : $0 == "）" ? ")" : $0 })
        guard let c = Self.allCases.first(where: { $0.isAmount && $0.templateHeader == n }) else { return nil }
        self = c
    }

    /// The amount columns' names as rules write them.
    public static var amountNames: [String] { allCases.filter(\.isAmount).map(\.templateHeader) }
}

/// A pay line the rules declare for the tax file: `个税申报 “基本养老保险费”` on 养老保险.
public struct TaxFilingLine: Sendable, Hashable, Codable {
    /// The pay line's name.
    public var line: String
    public var column: TaxFilingColumn

    public init(line: String, column: TaxFilingColumn) {
        self.line = line
        self.column = column
    }
}
