import Pay

/// Why writing a report failed, as facts; the CLI words it through its diagnostics.
///
/// Never holds an ID number or bank account: a missing payee is named by 工号.
public enum ReportError: Error, Sendable, Hashable {
    /// The output folder could not be created.
    case cannotCreateFolder(path: String, reason: String)
    /// libxlsxwriter returned an error code from `operation`.
    case xlsx(file: String, operation: String, code: Int32, message: String)
    /// A sheet name Excel does not accept (too long, a reserved character, a duplicate).
    case invalidSheetName(file: String, name: String, message: String)
    /// A cadre in the results has no payee record (ID number, account) to pay into.
    case missingPayee(cadreID: String)
    /// A bank column is configured twice or names nothing.
    case invalidBankColumns(reason: String)
    /// An amount too large to store exactly in a spreadsheet cell (beyond 2⁵³ units).
    case numberTooLarge(file: String, value: String)
    /// The finished workbook could not be rewritten (shortest numbers).
    case cannotWrite(path: String, reason: String)
    /// A net pay below zero would reach the bank file. The batch refuses such a run before
    /// storing it (B0020); this is the last line of defence for runs stored before that check.
    case negativePay(cadreID: String, net: String)
    /// With one bank file per bank, a cadre whose 开户行 no bank takes (the batch stops first, B0040).
    case noBankFile(cadreID: String, bank: String)
    /// The bank files' totals do not add up to Σ 实发 (the batch stops first, B0041).
    case bankTotals(files: String, net: String)
    /// The tax file's columns are configured twice or lack an identifying column.
    case invalidTaxColumns(reason: String)

    /// A one-line summary in Chinese and English.
    public var summary: PayText {
        switch self {
        case .cannotCreateFolder(let path, let reason):
            PayText(zh: "无法创建报表目录 '\(path)'：\(reason)", en: "cannot create the report folder '\(path)': \(reason)")
        case .xlsx(let file, let op, let code, let message):
            PayText(zh: "写入 '\(file)' 失败（\(op)，错误 \(code)：\(message)）", en: "cannot write '\(file)' (\(op), error \(code): \(message))")
        case .invalidSheetName(let file, let name, let message):
            PayText(zh: "'\(file)' 的工作表名 '\(name)' 无效：\(message)", en: "sheet name '\(name)' in '\(file)' is not valid: \(message)")
        case .missingPayee(let id):
            PayText(zh: "干部 '\(id)' 没有身份证号和银行账号，无法制作工资表和代发文件", en: "cadre '\(id)' has no ID number or bank account for the payroll and bank file")
        case .invalidBankColumns(let reason):
            PayText(zh: "银行代发列设置有误：\(reason)", en: "the bank file's columns are wrong: \(reason)")
        case .cannotWrite(let path, let reason):
            PayText(zh: "无法改写 '\(path)'：\(reason)", en: "cannot rewrite '\(path)': \(reason)")
        case .negativePay(let id, let net):
            PayText(zh: "干部 '\(id)' 的实发工资为 \(net) 元，负数不能写入银行代发文件", en: "cadre '\(id)' has a negative net pay of \(net); it cannot go into a bank file")
        case .noBankFile(let id, let bank):
            PayText(zh: "干部 '\(id)' 的开户行“\(bank)”不属于任何一个银行代发文件", en: "cadre '\(id)''s bank '\(bank)' belongs to no bank file")
        case .bankTotals(let files, let net):
            PayText(zh: "各银行代发文件合计 \(files) 元，不等于实发合计 \(net) 元", en: "the bank files total \(files), not the net pay total \(net)")
        case .invalidTaxColumns(let reason):
            PayText(zh: "个税扣缴申报列设置有误：\(reason)", en: "the tax file's columns are wrong: \(reason)")
        case .numberTooLarge(let file, let value):
            PayText(zh: "'\(file)' 中的数值 \(value) 过大，表格无法精确保存", en: "the value \(value) in '\(file)' is too large to store exactly")
        }
    }
}
