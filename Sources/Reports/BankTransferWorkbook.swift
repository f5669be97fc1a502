import Exact
import Results

/// 银行代发: the bank's batch-payroll import file.
///
/// A header row and one row per cadre, nothing else: no title, no totals, no styling a
/// parser could trip on. The account and ID number are text; the amount is net pay as a
/// number with format `0.00` (no thousands separator). Rows follow the payroll, so Σ 金额
/// equals the payroll's 实发; cadres paid 0.00 have no row, and a negative net pay is refused. Written without constant-memory mode so that
/// strings go to the shared string table, as Excel itself writes them: some bank import
/// tools read only that form.
struct BankTransferWorkbook {
    static let name = "银行代发"
    let input: ReportInput

    func write(to path: String) throws(ReportError) {
        let columns = input.settings.bankColumns
        guard columns.contains(where: { $0.field == .amount }), columns.contains(where: { $0.field == .account }) else {
            throw .invalidBankColumns(reason: "需要账号和金额两列 / the account and amount columns are required")
        }
        guard Set(columns.map(\.field)).count == columns.count else {
            throw .invalidBankColumns(reason: "有重复的列 / a column appears twice")
        }
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet("代发")
        let textStyle = CellStyle(numberFormat: "@")
        let amountStyle = CellStyle(numberFormat: "0.00")
        for (i, col) in columns.enumerated() {
            try ws.text(0, i, col.header)
            try ws.columnWidth(i, Self.width(col.field))
        }
        let remark = input.bankRemark
        // Nobody is paid a negative amount (a bank could read it as a debit), and a cadre
        // paid 0.00 has no transfer to make: such rows stay out (the batch warns, B0022).
        var n = -1
        for c in input.results.cadres {
            if c.pay.net < .zero { throw .negativePay(cadreID: c.cadreID, net: c.pay.net.description) }
            if c.pay.net == .zero { continue }
            n += 1
            let payee = try input.payee(c)
            for (i, col) in columns.enumerated() {
                switch col.field {
                case .account: try ws.text(n + 1, i, payee.bankAccount, textStyle)
                case .accountName: try ws.text(n + 1, i, payee.accountName ?? c.name)
                case .amount: try ws.money(n + 1, i, c.pay.net, amountStyle)
                case .idNumber: try ws.text(n + 1, i, payee.idNumber, textStyle)
                case .remark: try ws.text(n + 1, i, remark)
                case .cadreID: try ws.text(n + 1, i, c.cadreID)
                }
            }
        }
        try wb.close()
    }

    static func width(_ f: BankColumn.Field) -> Double {
        switch f {
        case .account: 24
        case .idNumber: 21
        case .remark: 24
        case .amount: 12
        case .accountName, .cadreID: 10
        }
    }
}
