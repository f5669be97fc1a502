import Exact
import Results

/// 年度考核表: one row per cadre of the year, every month's score and tier (blank in a month
/// the cadre was not in post), months in post, the annual score, tier, rank and why.
///
/// Columns: 序号, 工号, 姓名, 社区, 岗位, 1月得分, 1月等次 … 12月得分, 12月等次, 在岗月数,
/// 年度得分, 年度等次, 排名, 评定依据, 得分计算. A 合计 row counts the cadres in post each month
/// (`COUNT`) and sums the months in post (`SUM`), with cached values; below it one line per
/// tier counts the cadres (`COUNTIF`). No personal data.
struct YearAssessmentWorkbook {
    static let name = "年度考核表"
    let input: YearReportInput

    static let firstMonthColumn = 5

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.name)
        let months = input.monthsOfYear
        let m0 = Self.firstMonthColumn
        let inPostCol = m0 + 24, scoreCol = inPostCol + 1, tierCol = inPostCol + 2, rankCol = inPostCol + 3
        let reasonsCol = inPostCol + 4, scoreTextCol = inPostCol + 5
        var headers = ["序号", "工号", "姓名", "社区", "岗位"]
        for m in months { headers += ["\(m.month)月得分", "\(m.month)月等次"] }
        headers += ["在岗月数", "年度得分", "年度等次", "排名", "评定依据", "得分计算"]
        let widths: [Double] = [6, 10, 9, 12, 12] + Array(repeating: 7, count: 24) + [8, 9, 10, 6, 40, 40]
        for (i, w) in widths.enumerated() { try ws.columnWidth(i, w) }

        let headerRow = 2, firstData = 3
        let cadres = input.results.cadres
        try ws.text(0, 0, input.title(Self.name), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        try ws.rowHeight(headerRow, 30)
        for (i, h) in headers.enumerated() { try ws.text(headerRow, i, h, Styles.header) }
        try ws.autofilter(firstRow: headerRow, firstCol: 0, lastRow: headerRow + cadres.count, lastCol: headers.count - 1)

        let text = ws.workbook.resolve(Styles.text), points = ws.workbook.resolve(Styles.points), integer = ws.workbook.resolve(Styles.integer)
        var row = firstData
        var inPost = Array(repeating: 0, count: 12)
        var monthsInPost = 0
        for (n, c) in cadres.enumerated() {
            try ws.integer(row, 0, n + 1, integer)
            try ws.text(row, 1, c.cadreID, text)
            try ws.text(row, 2, c.name, text)
            try ws.text(row, 3, c.community, text)
            try ws.text(row, 4, c.post, text)
            for k in 0..<12 {
                if let m = c.months.first(where: { $0.month == months[k] }) {
                    try ws.number(row, m0 + 2 * k, m.score, points)
                    try ws.text(row, m0 + 2 * k + 1, m.tier, text)
                    inPost[k] += 1
                } else {
                    try ws.blank(row, m0 + 2 * k, points)
                    try ws.blank(row, m0 + 2 * k + 1, text)
                }
            }
            monthsInPost += c.monthsInPost
            try ws.integer(row, inPostCol, c.monthsInPost, integer)
            if let s = c.score { try ws.number(row, scoreCol, s, points) } else { try ws.blank(row, scoreCol, points) }
            try ws.text(row, tierCol, c.standing.tier, text)
            if c.standing.rank > 0 { try ws.integer(row, rankCol, c.standing.rank, integer) } else { try ws.blank(row, rankCol, integer) }
            try ws.text(row, reasonsCol, ScoreText.reasons(c.standing.reasons), text)
            try ws.text(row, scoreTextCol, c.scoreText ?? "", text)
            row += 1
        }
        let lastData = row - 1
        let dataRows = lastData >= firstData ? firstData...lastData : nil

        // Totals: how many cadres were in post each month, and the months in post.
        try ws.text(row, 0, "合计", Styles.totalLabel)
        try ws.blank(row, 1, Styles.totalLabel)
        try ws.text(row, 2, "\(cadres.count) 人", Styles.totalLabel)
        try ws.text(row, 3, "各月在岗人数", Styles.totalLabel)
        try ws.blank(row, 4, Styles.totalLabel)
        for k in 0..<12 {
            let col = m0 + 2 * k
            let f = dataRows.map { "COUNT(\(XlsxSheet.reference($0.lowerBound, col)):\(XlsxSheet.reference($0.upperBound, col)))" } ?? "0"
            try ws.formula(row, col, f, cached: Double(inPost[k]), Styles.totalInteger)
            try ws.blank(row, col + 1, Styles.totalLabel)
        }
        try ws.formula(row, inPostCol, XlsxSheet.sum(col: inPostCol, rows: dataRows), cached: Double(monthsInPost), Styles.totalInteger)
        for col in scoreCol...scoreTextCol { try ws.blank(row, col, Styles.totalLabel) }
        row += 2

        // One line per tier: how many cadres it has.
        try ws.text(row, 1, "年度等次", Styles.header)
        try ws.text(row, 2, "人数", Styles.header)
        row += 1
        let tierLetter = XlsxSheet.columnName(tierCol)
        for tier in input.tiers {
            let count = cadres.filter { $0.standing.tier == tier }.count
            try ws.text(row, 1, tier, text)
            let f = dataRows.map { "COUNTIF(\(tierLetter)\($0.lowerBound + 1):\(tierLetter)\($0.upperBound + 1),\"\(tier.replacingOccurrences(of: "\"", with: "\"\""))\")" } ?? "0"
            try ws.formula(row, 2, f, cached: Double(count), Styles.integer)
            row += 1
        }

        ws.freeze(row: firstData, col: 3)
        try ws.printSetup(landscape: true, repeatRows: headerRow...headerRow, header: input.pageHeader(Self.name))
        try wb.close()
    }
}
