import Exact
import Results

/// 年终奖银行代发: the bank's batch-payroll import file for the year-end payment, or one file
/// per bank (`年终奖银行代发-农商行.xlsx`) when `settings.banks` lists them. The same format
/// rules as the monthly 银行代发: a header row in the bank's template and one row per cadre
/// paid, nothing else; the account and ID number text, the amount (annual 实发) a number
/// with format `0.00`; strings in the shared string table. A cadre paid exactly 0.00 has no
/// row (a warning says so), a negative net pay is refused, and with several banks a cadre
/// no bank takes is refused and the files must add up to Σ 实发.
struct YearBonusBankWorkbook {
    static let name = "年终奖银行代发"
    let input: YearReportInput

    /// Writes the file(s) into `folder`; returns the paths in order and the cadres left out
    /// for being paid 0.00.
    func write(into folder: String) throws(ReportError) -> (paths: [String], zero: [String]) {
        let cadres = input.results.cadres
        var paid: [Int] = [], zero: [String] = []
        for (i, c) in cadres.enumerated() {
            if c.pay.net < .zero { throw .negativePay(cadreID: c.cadreID, net: c.pay.net.description) }
            if c.pay.net == .zero { zero.append(c.cadreID) } else { paid.append(i) }
        }
        guard let banks = input.settings.banks else {
            let path = folder + "/" + YearReportKind.bonusBank.fileName
            try write(to: path, cadres: paid, columns: input.settings.bankColumns, remark: input.remark(input.settings.bankRemark))
            return ([path], zero)
        }
        guard !banks.isEmpty else { throw .invalidBankColumns(reason: "银行列表为空 / no bank is listed") }
        var byBank: [[Int]] = Array(repeating: [], count: banks.count)
        for i in paid {
            let bank = input.payees[cadres[i].cadreID]?.bank
            guard let b = BankFile.index(of: bank, in: banks) else { throw .noBankFile(cadreID: cadres[i].cadreID, bank: bank ?? "") }
            byBank[b].append(i)
        }
        var paths: [String] = [], total = Money.zero
        let names = YearReportKind.bonusBank.fileNames(input.settings)
        for (b, bank) in banks.enumerated() {
            let path = folder + "/" + names[b]
            total = total + (try write(to: path, cadres: byBank[b], columns: bank.columns ?? input.settings.bankColumns,
                                       remark: input.remark(bank.remark ?? input.settings.bankRemark)))
            paths.append(path)
        }
        guard total == input.net else { throw .bankTotals(files: total.description, net: input.net.description) }
        return (paths, zero)
    }

    /// One file with the given cadres' rows; returns its Σ 金额.
    func write(to path: String, cadres: [Int], columns: [BankColumn], remark: String) throws(ReportError) -> Money {
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
            try ws.columnWidth(i, BankTransferWorkbook.width(col.field))
        }
        var total = Money.zero
        for (n, k) in cadres.enumerated() {
            let c = input.results.cadres[k]
            total = total + c.pay.net
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
        return total
    }
}
