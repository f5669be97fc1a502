import Exact
import Results

/// 年终奖发放表: the year-end payment run's payroll for finance, one row per cadre of the year.
/// When the rules pay the bonus through a month's payroll, the subtitle says so
/// (`随 2022年1月工资发放`) and no bank file of the year is written.
///
/// Columns: 序号, 工号, 姓名, 社区, 岗位, 身份证号, 银行账号, 在岗月数, 年度得分, 年度等次, each
/// annual earning line (年终绩效奖), 应发合计, each annual deduction line (its tax), 扣款合计,
/// 实发金额, then for each bonus taxed as 全年一次性奖金 the tax both ways, the method taken and
/// why (单独计税税额, 并入综合所得税额, 计税方式, 选择依据; prefixed with the line's name when
/// there are several). A 合计 row of `SUM` formulas carries the exact totals as cached
/// values, and a 核对 row checks Σ 实发 + Σ 扣款 − Σ 应发 = 0.00.
struct YearBonusPayrollWorkbook {
    static let name = "年终奖发放表"
    let input: YearReportInput

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.name)
        let e0 = 10, e1 = e0 + input.earningNames.count
        let grossCol = e1, d0 = e1 + 1, d1 = d0 + input.deductionNames.count
        let deductionsCol = d1, netCol = d1 + 1, t0 = d1 + 2
        let prefix = input.bonusLines.count > 1
        var headers = ["序号", "工号", "姓名", "社区", "岗位", "身份证号", "银行账号", "在岗月数", "年度得分", "年度等次"]
        headers += input.earningNames + ["应发合计"] + input.deductionNames + ["扣款合计", "实发金额"]
        for line in input.bonusLines {
            let p = prefix ? line : ""
            headers += ["\(p)单独计税税额", "\(p)并入综合所得税额", "\(p)计税方式", "\(p)选择依据"]
        }
        var widths: [Double] = [6, 10, 9, 12, 12, 21, 23, 8, 9, 9]
        widths += Array(repeating: 12, count: netCol - e0 + 1)
        for _ in input.bonusLines { widths += [12, 14, 12, 40] }
        for (i, w) in widths.enumerated() { try ws.columnWidth(i, w) }

        let headerRow = 2, firstData = 3
        let cadres = input.results.cadres
        try ws.text(0, 0, input.title(Self.name), Styles.title)
        let paid = input.results.paidWithPayroll.map { "；随 \($0.year)年\($0.month)月工资发放" } ?? ""
        try ws.text(1, 0, input.subtitle + paid, Styles.subtitle)
        try ws.rowHeight(headerRow, 30)
        for (i, h) in headers.enumerated() { try ws.text(headerRow, i, h, Styles.header) }
        try ws.autofilter(firstRow: headerRow, firstCol: 0, lastRow: headerRow + cadres.count, lastCol: headers.count - 1)

        var separateTotals = Array(repeating: Money.zero, count: input.bonusLines.count)
        var mergedTotals = separateTotals
        var row = firstData
        for (n, c) in cadres.enumerated() {
            let payee = try input.payee(c)
            try ws.integer(row, 0, n + 1, Styles.integer)
            try ws.text(row, 1, c.cadreID, Styles.text)
            try ws.text(row, 2, c.name, Styles.text)
            try ws.text(row, 3, c.community, Styles.text)
            try ws.text(row, 4, c.post, Styles.text)
            try ws.text(row, 5, payee.idNumber, Styles.digits)
            try ws.text(row, 6, payee.bankAccount, Styles.digits)
            try ws.integer(row, 7, c.monthsInPost, Styles.integer)
            if let s = c.score { try ws.number(row, 8, s, Styles.points) } else { try ws.blank(row, 8, Styles.points) }
            try ws.text(row, 9, c.standing.tier, Styles.text)
            for (k, name) in input.earningNames.enumerated() {
                if let m = YearReportInput.amount(c, name, .earning) { try ws.money(row, e0 + k, m, Styles.money) } else { try ws.blank(row, e0 + k, Styles.money) }
            }
            try ws.money(row, grossCol, c.pay.gross, Styles.money)
            for (k, name) in input.deductionNames.enumerated() {
                if let m = YearReportInput.amount(c, name, .deduction) { try ws.money(row, d0 + k, m, Styles.money) } else { try ws.blank(row, d0 + k, Styles.money) }
            }
            try ws.money(row, deductionsCol, c.pay.deductions, Styles.money)
            try ws.money(row, netCol, c.pay.net, Styles.money)
            for (k, line) in input.bonusLines.enumerated() {
                let col = t0 + 4 * k
                guard let b = c.bonusTax.first(where: { $0.line == line }) else {
                    for j in 0..<4 { try ws.blank(row, col + j, j < 2 ? Styles.money : Styles.text) }
                    continue
                }
                if let s = b.separate { try ws.money(row, col, s, Styles.money); separateTotals[k] = separateTotals[k] + s } else { try ws.blank(row, col, Styles.money) }
                if let m = b.merged { try ws.money(row, col + 1, m, Styles.money); mergedTotals[k] = mergedTotals[k] + m } else { try ws.blank(row, col + 1, Styles.money) }
                try ws.text(row, col + 2, YearReportInput.method(b.chosen), Styles.text)
                try ws.text(row, col + 3, b.why, Styles.text)
            }
            row += 1
        }
        let lastData = row - 1
        let dataRows = lastData >= firstData ? firstData...lastData : nil

        // Totals: SUM formulas whose cached values are the exact sums in 分.
        let totalRow = row
        try ws.text(row, 0, "合计", Styles.totalLabel)
        try ws.blank(row, 1, Styles.totalLabel)
        try ws.text(row, 2, "\(cadres.count) 人", Styles.totalLabel)
        for col in 3..<e0 { try ws.blank(row, col, Styles.totalLabel) }
        for (k, name) in input.earningNames.enumerated() {
            try ws.formula(row, e0 + k, XlsxSheet.sum(col: e0 + k, rows: dataRows), cached: input.lineTotal(name, kind: .earning), Styles.totalMoney)
        }
        try ws.formula(row, grossCol, XlsxSheet.sum(col: grossCol, rows: dataRows), cached: input.gross, Styles.totalMoney)
        for (k, name) in input.deductionNames.enumerated() {
            try ws.formula(row, d0 + k, XlsxSheet.sum(col: d0 + k, rows: dataRows), cached: input.lineTotal(name, kind: .deduction), Styles.totalMoney)
        }
        try ws.formula(row, deductionsCol, XlsxSheet.sum(col: deductionsCol, rows: dataRows), cached: input.deductions, Styles.totalMoney)
        try ws.formula(row, netCol, XlsxSheet.sum(col: netCol, rows: dataRows), cached: input.net, Styles.totalMoney)
        for k in input.bonusLines.indices {
            let col = t0 + 4 * k
            try ws.formula(row, col, XlsxSheet.sum(col: col, rows: dataRows), cached: separateTotals[k], Styles.totalMoney)
            try ws.formula(row, col + 1, XlsxSheet.sum(col: col + 1, rows: dataRows), cached: mergedTotals[k], Styles.totalMoney)
            try ws.blank(row, col + 2, Styles.totalLabel)
            try ws.blank(row, col + 3, Styles.totalLabel)
        }
        row += 1

        // 实发 + 扣款 − 应发 must be 0.00: a formula over the totals with its cached value.
        let difference = input.net + input.deductions - input.gross
        try ws.text(row, 0, "核对", Styles.totalLabel)
        try ws.text(row, 2, "实发合计 + 扣款合计 − 应发合计", Styles.text)
        let f = "\(XlsxSheet.reference(totalRow, netCol))+\(XlsxSheet.reference(totalRow, deductionsCol))-\(XlsxSheet.reference(totalRow, grossCol))"
        try ws.formula(row, netCol, f, cached: difference, Styles.totalMoney)
        try ws.text(row, netCol + 1, difference == .zero ? "一致" : "不一致", Styles.text)

        ws.freeze(row: firstData, col: 3)
        try ws.printSetup(landscape: true, repeatRows: headerRow...headerRow, header: input.pageHeader(Self.name))
        try wb.close()
    }
}
