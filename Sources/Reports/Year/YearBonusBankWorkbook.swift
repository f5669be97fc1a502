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

    /// One file with the given cadres' rows (the monthly bank file's writer); returns its Σ 金额.
    func write(to path: String, cadres: [Int], columns: [BankColumn], remark: String) throws(ReportError) -> Money {
        var rows: [BankTransferWorkbook.Row] = []
        for k in cadres {
            let c = input.results.cadres[k]
            rows.append(BankTransferWorkbook.Row(cadreID: c.cadreID, name: c.name, amount: c.pay.net, payee: try input.payee(c)))
        }
        return try BankTransferWorkbook.write(to: path, rows: rows, columns: columns, remark: remark, properties: input.properties(Self.name),
                                              temporaryDirectory: input.settings.temporaryDirectory)
    }
}
