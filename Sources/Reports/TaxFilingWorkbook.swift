import Exact
import Results

/// 个人所得税扣缴申报: the import file of the tax office's withholding client, sheet
/// 正常工资薪金收入, one row per cadre on the month's payroll.
///
/// Like the bank file: a header row and the rows, no title, no totals, strings in the shared
/// string table; 工号, 姓名, 证件类型, 证件号码 and 备注 are text (`@`), amounts numbers with
/// format `0.00`. The columns are the client template's 24 in its order unless
/// `settings.taxColumns` renames or reorders them.
///
/// Amounts come from the pay lines the rules declare with `个税申报 “<column>”`, summed when
/// several lines name one column: a 累计… column takes each line's year-to-date total (this
/// month included), every other column the month's amount. 本期收入 is 应发合计 when no line
/// names it. A column no line names is left blank (the client reads a blank as 0).
struct TaxFilingWorkbook {
    static let name = "个人所得税扣缴申报"
    static let sheet = "正常工资薪金收入"
    let input: ReportInput

    /// Each cadre's amount per column, in payroll order: what the file holds, for its check.
    static func amounts(_ input: ReportInput) -> [[TaxFilingColumn: Money]] {
        let filing = input.summary.taxFiling ?? []
        let incomeDeclared = filing.contains { $0.column == .income }
        return input.results.cadres.map { c in
            var out: [TaxFilingColumn: Money] = [:]
            for f in filing {
                let month = c.pay.amount(of: f.line) ?? .zero
                let amount = f.column.isCumulative ? (c.yearToDate?.totals[f.line] ?? month) : month
                out[f.column] = (out[f.column] ?? .zero) + amount
            }
            if !incomeDeclared { out[.income] = c.pay.gross }
            return out
        }
    }

    func write(to path: String) throws(ReportError) {
        let columns = input.settings.taxColumns
        guard columns.contains(where: { $0.field == .idNumber }), columns.contains(where: { $0.field == .name }),
              columns.contains(where: { $0.field == .income }) else {
            throw .invalidTaxColumns(reason: "需要姓名、证件号码和本期收入三列 / the name, ID number and income columns are required")
        }
        guard Set(columns.map(\.field)).count == columns.count else {
            throw .invalidTaxColumns(reason: "有重复的列 / a column appears twice")
        }
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.sheet)
        let textStyle = CellStyle(numberFormat: "@")
        let amountStyle = CellStyle(numberFormat: "0.00")
        for (i, col) in columns.enumerated() {
            try ws.text(0, i, col.header, textStyle)
            try ws.columnWidth(i, col.field == .idNumber ? 21 : col.field.isAmount ? 14 : 10)
        }
        let amounts = Self.amounts(input)
        for (k, c) in input.results.cadres.enumerated() {
            let row = k + 1
            let payee = try input.payee(c)
            for (i, col) in columns.enumerated() {
                switch col.field {
                case .cadreID: try ws.text(row, i, c.cadreID, textStyle)
                case .name: try ws.text(row, i, c.name, textStyle)
                case .idType: try ws.text(row, i, input.settings.taxIDType, textStyle)
                case .idNumber: try ws.text(row, i, payee.idNumber, textStyle)
                case .remark: break
                default:
                    if let m = amounts[k][col.field] { try ws.money(row, i, m, amountStyle) }
                }
            }
        }
        try wb.close()
    }
}
