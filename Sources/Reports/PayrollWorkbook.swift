import Exact
import Results

/// 工资表: one row per cadre for finance, every pay line, with a totals row of `SUM`
/// formulas that carry their cached values.
///
/// Columns: 序号, 工号, 姓名, 社区, 岗位, 岗位等级, 身份证号, 银行账号, each earning line,
/// 应发合计, each deduction line, 扣款合计, 实发金额, 积分, 等次. A line a cadre does not have
/// is left blank (not 0.00), so "not applicable" stays apart from "computed as 0".
struct PayrollWorkbook {
    static let name = "工资表"
    let input: ReportInput

    /// Column indices of the pay columns, which depend on the lines the month has.
    struct Layout {
        let earnings: Range<Int>
        let gross: Int
        let deductions: Range<Int>
        let totalDeductions: Int
        let net: Int
        let points: Int
        let tier: Int
    }

    var layout: Layout {
        let e0 = 8, e1 = e0 + input.earningNames.count
        let d0 = e1 + 1, d1 = d0 + input.deductionNames.count
        return Layout(earnings: e0..<e1, gross: e1, deductions: d0..<d1, totalDeductions: d1, net: d1 + 1, points: d1 + 2, tier: d1 + 3)
    }

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.name)
        let L = layout
        let headers = ["序号", "工号", "姓名", "社区", "岗位", "岗位等级", "身份证号", "银行账号"] + input.earningNames + ["应发合计"]
            + input.deductionNames + ["扣款合计", "实发金额", "积分", "等次"]
        let widths: [Double] = [6, 10, 9, 12, 12, 8, 21, 23] + Array(repeating: 12, count: headers.count - 10) + [8, 9]
        for (i, w) in widths.enumerated() { try ws.columnWidth(i, w) }

        let headerRow = 2, firstData = 3
        try ws.text(0, 0, input.title(Self.name), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        try ws.rowHeight(headerRow, 30)
        for (i, h) in headers.enumerated() { try ws.text(headerRow, i, h, Styles.header) }
        // In constant-memory mode a range must be set before its rows are flushed.
        try ws.autofilter(firstRow: headerRow, firstCol: 0, lastRow: headerRow + input.results.cadres.count, lastCol: headers.count - 1)

        var row = firstData
        for (n, c) in input.results.cadres.enumerated() {
            let payee = try input.payee(c)
            try ws.integer(row, 0, n + 1, Styles.integer)
            try ws.text(row, 1, c.cadreID, Styles.text)
            try ws.text(row, 2, c.name, Styles.text)
            try ws.text(row, 3, c.community, Styles.text)
            try ws.text(row, 4, c.post, Styles.text)
            try ws.integer(row, 5, c.level, Styles.integer)
            try ws.text(row, 6, payee.idNumber, Styles.digits)
            try ws.text(row, 7, payee.bankAccount, Styles.digits)
            try writeLines(ws, row, c, kind: .earning, names: input.earningNames, at: L.earnings.lowerBound)
            try ws.money(row, L.gross, c.pay.gross, Styles.money)
            try writeLines(ws, row, c, kind: .deduction, names: input.deductionNames, at: L.deductions.lowerBound)
            try ws.money(row, L.totalDeductions, c.pay.deductions, Styles.money)
            try ws.money(row, L.net, c.pay.net, Styles.money)
            try ws.number(row, L.points, c.score.total, Styles.points)
            try ws.text(row, L.tier, c.standing.tier, Styles.text)
            row += 1
        }
        let lastData = row - 1
        let dataRows = lastData >= firstData ? firstData...lastData : nil

        // Totals: SUM formulas whose cached values are the exact sums in 分.
        try ws.text(row, 0, "合计", Styles.totalLabel)
        try ws.text(row, 1, "", Styles.totalLabel)
        try ws.text(row, 2, "\(input.results.cadres.count) 人", Styles.totalLabel)
        for col in 3..<8 { try ws.blank(row, col, Styles.totalLabel) }
        for (k, name) in input.earningNames.enumerated() {
            let col = L.earnings.lowerBound + k
            try ws.formula(row, col, XlsxSheet.sum(col: col, rows: dataRows), cached: input.lineTotal(name, kind: .earning).total, Styles.totalMoney)
        }
        try ws.formula(row, L.gross, XlsxSheet.sum(col: L.gross, rows: dataRows), cached: input.gross, Styles.totalMoney)
        for (k, name) in input.deductionNames.enumerated() {
            let col = L.deductions.lowerBound + k
            try ws.formula(row, col, XlsxSheet.sum(col: col, rows: dataRows), cached: input.lineTotal(name, kind: .deduction).total, Styles.totalMoney)
        }
        try ws.formula(row, L.totalDeductions, XlsxSheet.sum(col: L.totalDeductions, rows: dataRows), cached: input.deductions, Styles.totalMoney)
        try ws.formula(row, L.net, XlsxSheet.sum(col: L.net, rows: dataRows), cached: input.net, Styles.totalMoney)
        try ws.blank(row, L.points, Styles.totalLabel)
        try ws.blank(row, L.tier, Styles.totalLabel)

        ws.freeze(row: firstData, col: 3)
        try ws.printSetup(landscape: true, repeatRows: headerRow...headerRow, header: input.pageHeader(Self.name))
        try wb.close()
    }

    private func writeLines(_ ws: XlsxSheet, _ row: Int, _ c: CadreResult, kind: PayLineResult.Kind, names: [String], at first: Int) throws(ReportError) {
        for (k, name) in names.enumerated() {
            if let line = c.pay.lines.first(where: { $0.kind == kind && $0.name == name }) {
                try ws.money(row, first + k, line.amount, Styles.money)
            } else {
                try ws.blank(row, first + k, Styles.money)
            }
        }
    }
}
