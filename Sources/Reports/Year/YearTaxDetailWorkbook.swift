import Exact
import Results

/// 年度个税明细: per cadre, month by month, the pay lines the year lists
/// (`YearResults.monthPayLines`: income, social insurance and other deductions, the tax
/// withheld), a 全年合计 row per cadre, and the year-end bonus with its tax: what a cadre
/// needs for the annual 汇算 (综合所得年度汇算).
///
/// Columns: 工号, 姓名, 社区, 月份, each listed line (a header names the tax office's column
/// the rules file it under when that differs: `养老保险（基本养老保险费）`), 全年一次性奖金,
/// 奖金个税, 计税方式. A month the cadre was not in post has no row. The 全年合计 row sums
/// each earning and deduction line (`SUM` with its exact cached value; information lines are
/// not summed) and carries the bonus, its tax and the method.
struct YearTaxDetailWorkbook {
    static let name = "年度个税明细"
    let input: YearReportInput

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.name)
        let lines = input.results.monthPayLines
        let l0 = 4, b0 = l0 + lines.count
        var headers = ["工号", "姓名", "社区", "月份"]
        for l in lines {
            if let t = l.taxColumn, t.templateHeader != l.name { headers.append("\(l.name)（\(t.templateHeader)）") } else { headers.append(l.name) }
        }
        headers += ["全年一次性奖金", "奖金个税", "计税方式"]
        let widths: [Double] = [10, 9, 12, 10] + Array(repeating: 13, count: lines.count) + [14, 12, 14]
        for (i, w) in widths.enumerated() { try ws.columnWidth(i, w) }

        let headerRow = 2, firstData = 3
        let cadres = input.results.cadres
        try ws.text(0, 0, input.title(Self.name), Styles.title)
        try ws.text(1, 0, input.subtitle + " · 供个人所得税综合所得年度汇算参考", Styles.subtitle)
        try ws.rowHeight(headerRow, 30)
        for (i, h) in headers.enumerated() { try ws.text(headerRow, i, h, Styles.header) }

        let text = ws.workbook.resolve(Styles.text), money = ws.workbook.resolve(Styles.money)
        let totalLabel = ws.workbook.resolve(Styles.totalLabel), totalMoney = ws.workbook.resolve(Styles.totalMoney)
        var row = firstData
        for c in cadres {
            let first = row
            var sums = Array(repeating: Money.zero, count: lines.count)
            for m in c.months {
                try ws.text(row, 0, c.cadreID, text)
                try ws.text(row, 1, c.name, text)
                try ws.text(row, 2, c.community, text)
                try ws.text(row, 3, m.month.chineseDescription, text)
                for k in lines.indices {
                    let amount = k < m.pay.count ? m.pay[k] : .zero
                    sums[k] = sums[k] + amount
                    try ws.money(row, l0 + k, amount, money)
                }
                for j in 0..<3 { try ws.blank(row, b0 + j, j < 2 ? money : text) }
                row += 1
            }
            let rows = row > first ? first...(row - 1) : nil
            try ws.text(row, 0, c.cadreID, totalLabel)
            try ws.text(row, 1, c.name, totalLabel)
            try ws.text(row, 2, c.community, totalLabel)
            try ws.text(row, 3, "全年合计", totalLabel)
            for (k, l) in lines.enumerated() {
                if l.kind == .info {
                    try ws.blank(row, l0 + k, totalLabel)
                } else {
                    try ws.formula(row, l0 + k, XlsxSheet.sum(col: l0 + k, rows: rows), cached: try ExcelNumber.double(sums[k], file: path), totalMoney)
                }
            }
            if c.bonusTax.isEmpty {
                for j in 0..<3 { try ws.blank(row, b0 + j, j < 2 ? totalMoney : totalLabel) }
            } else {
                try ws.money(row, b0, c.bonusTax.map(\.bonus).sum(), totalMoney)
                try ws.money(row, b0 + 1, c.bonusTax.map(\.tax).sum(), totalMoney)
                let methods = c.bonusTax.map { YearReportInput.method($0.chosen) }
                try ws.text(row, b0 + 2, Array(Set(methods)).count == 1 ? methods[0] : methods.joined(separator: "、"), totalLabel)
            }
            row += 1
        }
        ws.freeze(row: firstData, col: 4)
        try ws.printSetup(landscape: true, repeatRows: headerRow...headerRow, header: input.pageHeader(Self.name))
        try wb.close()
    }
}
