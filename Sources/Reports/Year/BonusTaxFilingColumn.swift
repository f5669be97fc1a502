/// The columns of the withholding client's 全年一次性奖金收入 import sheet, in its template's
/// order: the file finance imports to declare each year-end bonus taxed separately
/// (全年一次性奖金单独计税).
public enum BonusTaxFilingColumn: String, Sendable, Hashable, Codable, CaseIterable {
    case cadreID, name, idType, idNumber, bonus, taxFreeIncome, other, donation, taxRelief, remark

    /// The header the client's template uses.
    public var templateHeader: String {
        switch self {
        case .cadreID: "工号"
        case .name: "*姓名"
        case .idType: "*证件类型"
        case .idNumber: "*证件号码"
        case .bonus: "*全年一次性奖金额"
        case .taxFreeIncome: "免税收入"
        case .other: "其他"
        case .donation: "准予扣除的捐赠额"
        case .taxRelief: "减免税额"
        case .remark: "备注"
        }
    }

    /// Whether the column holds an amount.
    public var isAmount: Bool {
        switch self {
        case .bonus, .taxFreeIncome, .other, .donation, .taxRelief: true
        case .cadreID, .name, .idType, .idNumber, .remark: false
        }
    }
}

/// A column of the bonus tax file: which of the template's ten columns and the header to write.
public struct BonusTaxColumn: Sendable, Hashable, Codable {
    public var field: BonusTaxFilingColumn
    public var header: String

    public init(_ field: BonusTaxFilingColumn, header: String? = nil) {
        self.field = field
        self.header = header ?? field.templateHeader
    }
}
