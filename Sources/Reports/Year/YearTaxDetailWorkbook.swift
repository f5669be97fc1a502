import Exact
import Results

/// 年度个税明细: per cadre, month by month, the pay lines the year lists
/// (`YearResults.monthPayLines`: income, social insurance and other deductions, the tax
/// withheld), a 全年合计 row per cadre, and the year-end bonus with its tax: what a cadre
/// needs for the annual 汇算 (综合所得年度汇算).
///
/// Laid out like 积分明细: a county sheet (全县) first, one row per cadre with the year's
/// totals (工号, 姓名, 社区, 在岗月数, each listed line, 全年一次性奖金, 奖金个税, 计税方式) and a
/// 合计 row; then one sheet per community in roster order with each cadre's months. A
/// header names the tax office's column the rules file a line under when that differs:
/// `养老保险（基本养老保险费）`. A month the cadre was not in post has no row. Each cadre's
/// 全年合计 row sums each earning and deduction line (`SUM` with its exact cached value;
/// information lines are not summed) and carries the bonus, its tax and the method.
///
/// One sheet for the whole county would hold 13 rows a cadre: past Excel's 1,048,576 rows at
/// about 80,000 cadres, and written by one thread only. Community sheets are written on two.
struct YearTaxDetailWorkbook {
    static let name = "年度个税明细"
    let input: YearReportInput

    /// The formats of the sheets, numbered before the community sheets are written.
    struct Formats: Sendable {
        let title, subtitle, header, text, integer, money, totalLabel, totalInteger, totalMoney: XlsxFormat

        init(_ wb: XlsxWorkbook) {
            title = wb.resolve(Styles.title)
            subtitle = wb.resolve(Styles.subtitle)
            header = wb.resolve(Styles.header)
            text = wb.resolve(Styles.text)
            integer = wb.resolve(Styles.integer)
            money = wb.resolve(Styles.money)
            totalLabel = wb.resolve(Styles.totalLabel)
            totalInteger = wb.resolve(Styles.totalInteger)
            totalMoney = wb.resolve(Styles.totalMoney)
        }

        func number() {
            for f in [title, subtitle, header, text, integer, money, totalLabel, totalInteger, totalMoney] { f.number() }
        }
    }

    /// `sheetsWritten` is called once every sheet is written, before the workbook is zipped.
    func write(to path: String, sheetsWritten: () -> Void = {}) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let names = SheetNames.unique(["全县"] + input.communities.map(\.name))
        let county = try wb.addSheet(names[0])
        var sheets: [XlsxSheet] = []
        sheets.reserveCapacity(input.communities.count)
        for k in input.communities.indices { sheets.append(try wb.addSheet(names[k + 1])) }
        let formats = Formats(wb)
        formats.number()
        try writeCounty(county, formats, path: path)
        let box = SheetList(sheets)
        let communities = input.communities
        try ParallelSheets.write(count: sheets.count, parallel: input.settings.writesInParallel) { [self] (k) throws(ReportError) in
            try writeCommunity(box.sheets[k], formats, name: communities[k].name, cadres: communities[k].cadres, path: path)
        }
        sheetsWritten()
        try wb.close()
    }

    /// 工号, 姓名, 社区, then `lead` (月份 or 在岗月数), each listed line, the bonus columns.
    private func headers(lead: String) -> [String] {
        var headers = ["工号", "姓名", "社区", lead]
        for l in input.results.monthPayLines {
            if let t = l.taxColumn, t.templateHeader != l.name { headers.append("\(l.name)（\(t.templateHeader)）") } else { headers.append(l.name) }
        }
        return headers + ["全年一次性奖金", "奖金个税", "计税方式"]
    }

    private func heading(_ ws: XlsxSheet, _ f: Formats, title: String, lead: String) throws(ReportError) {
        let headers = headers(lead: lead)
        let widths: [Double] = [10, 9, 12, 10] + Array(repeating: 13, count: input.results.monthPayLines.count) + [14, 12, 14]
        for (i, w) in widths.enumerated() { try ws.columnWidth(i, w) }
        try ws.text(0, 0, title, f.title)
        try ws.text(1, 0, input.subtitle + " · 供个人所得税综合所得年度汇算参考", f.subtitle)
        try ws.rowHeight(2, 30)
        for (i, h) in headers.enumerated() { try ws.text(2, i, h, f.header) }
    }

    /// The bonus, its tax and the method, or blanks for a cadre without a bonus.
    private func bonus(_ ws: XlsxSheet, _ row: Int, _ c: CadreYearResult, money: XlsxFormat, label: XlsxFormat) throws(ReportError) {
        let b0 = 4 + input.results.monthPayLines.count
        if c.bonusTax.isEmpty {
            for j in 0..<3 { try ws.blank(row, b0 + j, j < 2 ? money : label) }
        } else {
            try ws.money(row, b0, c.bonusTax.map(\.bonus).sum(), money)
            try ws.money(row, b0 + 1, c.bonusTax.map(\.tax).sum(), money)
            let methods = c.bonusTax.map { YearReportInput.method($0.chosen) }
            try ws.text(row, b0 + 2, Array(Set(methods)).count == 1 ? methods[0] : methods.joined(separator: "、"), label)
        }
    }

    /// Each line's total over the cadre's months.
    private func sums(_ c: CadreYearResult) -> [Money] {
        let lines = input.results.monthPayLines
        var sums = Array(repeating: Money.zero, count: lines.count)
        for m in c.months {
            for k in lines.indices where k < m.pay.count { sums[k] = sums[k] + m.pay[k] }
        }
        return sums
    }

    /// 全县: a row per cadre with the year's totals, then a 合计 row.
    private func writeCounty(_ ws: XlsxSheet, _ f: Formats, path: String) throws(ReportError) {
        try heading(ws, f, title: input.title(Self.name), lead: "在岗月数")
        let lines = input.results.monthPayLines
        let l0 = 4, b0 = l0 + lines.count
        let cadres = input.results.cadres
        let firstData = 3
        var row = firstData
        var county = Array(repeating: Money.zero, count: lines.count)
        var bonus = Money.zero, tax = Money.zero
        for c in cadres {
            try ws.text(row, 0, c.cadreID, f.text)
            try ws.text(row, 1, c.name, f.text)
            try ws.text(row, 2, c.community, f.text)
            try ws.integer(row, 3, c.months.count, f.integer)
            for (k, s) in sums(c).enumerated() {
                if lines[k].kind == .info {
                    try ws.blank(row, l0 + k, f.money)
                } else {
                    county[k] = county[k] + s
                    try ws.money(row, l0 + k, s, f.money)
                }
            }
            try self.bonus(ws, row, c, money: f.money, label: f.text)
            bonus = bonus + c.bonusTax.map(\.bonus).sum()
            tax = tax + c.bonusTax.map(\.tax).sum()
            row += 1
        }
        let rows = row > firstData ? firstData...(row - 1) : nil
        try ws.text(row, 0, "合计", f.totalLabel)
        for col in 1..<3 { try ws.blank(row, col, f.totalLabel) }
        try ws.formula(row, 3, XlsxSheet.sum(col: 3, rows: rows), cached: Double(cadres.map(\.months.count).reduce(0, +)), f.totalInteger)
        for (k, l) in lines.enumerated() {
            if l.kind == .info {
                try ws.blank(row, l0 + k, f.totalLabel)
            } else {
                try ws.formula(row, l0 + k, XlsxSheet.sum(col: l0 + k, rows: rows), cached: try ExcelNumber.double(county[k], file: path), f.totalMoney)
            }
        }
        try ws.formula(row, b0, XlsxSheet.sum(col: b0, rows: rows), cached: try ExcelNumber.double(bonus, file: path), f.totalMoney)
        try ws.formula(row, b0 + 1, XlsxSheet.sum(col: b0 + 1, rows: rows), cached: try ExcelNumber.double(tax, file: path), f.totalMoney)
        try ws.blank(row, b0 + 2, f.totalLabel)
        ws.freeze(row: firstData, col: 4)
        try ws.printSetup(landscape: true, repeatRows: 2...2, header: input.pageHeader(Self.name))
    }

    /// A community's sheet: each cadre's months and 全年合计 row.
    private func writeCommunity(_ ws: XlsxSheet, _ f: Formats, name: String, cadres: [Int], path: String) throws(ReportError) {
        try heading(ws, f, title: input.title("\(Self.name)（\(name)）"), lead: "月份")
        let lines = input.results.monthPayLines
        let l0 = 4
        var row = 3
        // The months' labels once, not a text per row (650,000 rows at 50,000 cadres).
        var labels: [YearMonth: String] = [:]
        for m in input.results.months { labels[m.month] = m.month.chineseDescription }
        for i in cadres {
            let c = input.results.cadres[i]
            let first = row
            for m in c.months {
                try ws.text(row, 0, c.cadreID, f.text)
                try ws.text(row, 1, c.name, f.text)
                try ws.text(row, 2, c.community, f.text)
                try ws.text(row, 3, labels[m.month] ?? m.month.chineseDescription, f.text)
                for k in lines.indices { try ws.money(row, l0 + k, k < m.pay.count ? m.pay[k] : .zero, f.money) }
                for j in 0..<3 { try ws.blank(row, l0 + lines.count + j, j < 2 ? f.money : f.text) }
                row += 1
            }
            let rows = row > first ? first...(row - 1) : nil
            try ws.text(row, 0, c.cadreID, f.totalLabel)
            try ws.text(row, 1, c.name, f.totalLabel)
            try ws.text(row, 2, c.community, f.totalLabel)
            try ws.text(row, 3, "全年合计", f.totalLabel)
            for (k, s) in sums(c).enumerated() {
                if lines[k].kind == .info {
                    try ws.blank(row, l0 + k, f.totalLabel)
                } else {
                    try ws.formula(row, l0 + k, XlsxSheet.sum(col: l0 + k, rows: rows), cached: try ExcelNumber.double(s, file: path), f.totalMoney)
                }
            }
            try bonus(ws, row, c, money: f.totalMoney, label: f.totalLabel)
            row += 1
        }
        ws.freeze(row: 3, col: 4)
        try ws.printSetup(landscape: true, repeatRows: 2...2, header: input.pageHeader("\(Self.name)（\(name)）"))
    }
}
