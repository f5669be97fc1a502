import Exact
import Results

/// 银行代发: the bank's batch-payroll import file, or one file per bank.
///
/// A header row and one row per cadre, nothing else: no title, no totals, no styling a
/// parser could trip on. The account and ID number are text; the amount is net pay as a
/// number with format `0.00` (no thousands separator). Rows follow the payroll, so Σ 金额
/// equals the payroll's 实发; cadres paid 0.00 have no row, and a negative net pay is refused.
/// Written without constant-memory mode so that strings go to the shared string table, as
/// Excel itself writes them: some bank import tools read only that form.
///
/// With `settings.banks`, cadres are split by the roster's 开户行 into one file per bank
/// (`银行代发-农商行.xlsx`), each with that bank's columns; a cadre no bank takes is refused
/// (the batch stops first, B0040), and the files' totals must add up to Σ 实发.
struct BankTransferWorkbook {
    static let name = "银行代发"
    let input: ReportInput

    /// The file names this workbook writes for `settings`.
    static func fileNames(_ settings: ReportSettings) -> [String] {
        settings.banks.map { $0.map(\.fileName) } ?? [ReportKind.bankTransfer.fileName]
    }

    /// Writes the file (or each bank's file) into `folder`; returns the paths in order.
    func write(into folder: String) throws(ReportError) -> [String] {
        guard let banks = input.settings.banks else {
            let path = folder + "/" + ReportKind.bankTransfer.fileName
            try write(to: path, cadres: Array(input.results.cadres.indices), columns: input.settings.bankColumns, remark: input.bankRemark)
            return [path]
        }
        guard !banks.isEmpty else { throw .invalidBankColumns(reason: "银行列表为空 / no bank is listed") }
        var byBank: [[Int]] = Array(repeating: [], count: banks.count)
        var total = Money.zero
        for (i, c) in input.results.cadres.enumerated() {
            if c.pay.net < .zero { throw .negativePay(cadreID: c.cadreID, net: c.pay.net.description) }
            // Nobody paid 0.00 is in any file, whatever his bank (as the batch's check, B0040).
            if c.pay.net == .zero { continue }
            guard let b = BankFile.index(of: input.payees[c.cadreID]?.bank, in: banks) else {
                throw .noBankFile(cadreID: c.cadreID, bank: input.payees[c.cadreID]?.bank ?? "")
            }
            byBank[b].append(i)
        }
        var paths: [String] = []
        for (b, bank) in banks.enumerated() {
            let path = folder + "/" + bank.fileName
            let written = try write(to: path, cadres: byBank[b], columns: bank.columns ?? input.settings.bankColumns,
                                    remark: input.remark(bank.remark ?? input.settings.bankRemark))
            total = total + written
            paths.append(path)
        }
        // The split is a partition of the payroll: Σ files = Σ 实发, or nothing is handed over.
        guard total == input.net else { throw .bankTotals(files: total.description, net: input.net.description) }
        return paths
    }

    /// One file: the given cadres' rows; returns its Σ 金额.
    @discardableResult
    func write(to path: String, cadres: [Int], columns: [BankColumn], remark: String) throws(ReportError) -> Money {
        // Nobody is paid a negative amount (a bank could read it as a debit), and a cadre
        // paid 0.00 has no transfer to make: such rows stay out (the batch warns, B0022).
        var rows: [Row] = []
        for k in cadres {
            let c = input.results.cadres[k]
            if c.pay.net < .zero { throw .negativePay(cadreID: c.cadreID, net: c.pay.net.description) }
            if c.pay.net == .zero { continue }
            rows.append(Row(cadreID: c.cadreID, name: c.name, amount: c.pay.net, payee: try input.payee(c)))
        }
        return try Self.write(to: path, rows: rows, columns: columns, remark: remark,
                              properties: input.properties(Self.name), temporaryDirectory: input.settings.temporaryDirectory)
    }

    /// A row of a bank file: who is paid how much, into which account.
    struct Row {
        var cadreID: String
        var name: String
        var amount: Money
        var payee: Payee
    }

    /// A bank file of `rows` (each paid, in order) in the bank's `columns`: the one writer of
    /// the month's and the year-end payment's bank files. Returns Σ 金额.
    static func write(to path: String, rows: [Row], columns: [BankColumn], remark: String, properties: DocumentProperties,
                      temporaryDirectory: String?) throws(ReportError) -> Money {
        guard columns.contains(where: { $0.field == .amount }), columns.contains(where: { $0.field == .account }) else {
            throw .invalidBankColumns(reason: "需要账号和金额两列 / the account and amount columns are required")
        }
        guard Set(columns.map(\.field)).count == columns.count else {
            throw .invalidBankColumns(reason: "有重复的列 / a column appears twice")
        }
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: temporaryDirectory)
        try wb.setProperties(properties)
        let ws = try wb.addSheet("代发")
        let textStyle = CellStyle(numberFormat: "@")
        let amountStyle = CellStyle(numberFormat: "0.00")
        for (i, col) in columns.enumerated() {
            try ws.text(0, i, col.header)
            try ws.columnWidth(i, width(col.field))
        }
        var total = Money.zero
        for (n, r) in rows.enumerated() {
            total = total + r.amount
            for (i, col) in columns.enumerated() {
                switch col.field {
                case .account: try ws.text(n + 1, i, r.payee.bankAccount, textStyle)
                case .accountName: try ws.text(n + 1, i, r.payee.accountName ?? r.name)
                case .amount: try ws.money(n + 1, i, r.amount, amountStyle)
                case .idNumber: try ws.text(n + 1, i, r.payee.idNumber, textStyle)
                case .remark: try ws.text(n + 1, i, remark)
                case .cadreID: try ws.text(n + 1, i, r.cadreID)
                }
            }
        }
        try wb.close()
        return total
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
