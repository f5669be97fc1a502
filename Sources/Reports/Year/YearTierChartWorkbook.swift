import Exact
import Results

/// 年度等次统计: the county's annual tiers by community, a table and native charts over it.
///
/// Sheet 等次统计: 社区, 人数, one column per tier (the rules' order, the too-few-months label
/// last), then a 全县 row of `SUM` formulas with cached counts. A stacked column chart shows
/// each community's tiers, and a clustered column chart the county's count per tier.
struct YearTierChartWorkbook {
    static let name = "年度等次统计"
    static let sheet = "等次统计"
    let input: YearReportInput

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.sheet)
        let tiers = input.tiers
        let cadres = input.results.cadres
        let headers = ["社区", "人数"] + tiers
        try ws.text(0, 0, input.title(Self.name), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        for (i, h) in headers.enumerated() {
            try ws.text(2, i, h, Styles.header)
            try ws.columnWidth(i, i == 0 ? 14 : 9)
        }
        var row = 3
        for community in input.communities {
            try ws.text(row, 0, community.name, Styles.text)
            try ws.integer(row, 1, community.cadres.count, Styles.integer)
            for (k, tier) in tiers.enumerated() {
                try ws.integer(row, 2 + k, community.cadres.filter { cadres[$0].standing.tier == tier }.count, Styles.integer)
            }
            row += 1
        }
        let lastData = row - 1
        let range = lastData >= 3 ? 3...lastData : nil
        try ws.text(row, 0, "全县", Styles.totalLabel)
        try ws.formula(row, 1, XlsxSheet.sum(col: 1, rows: range), cached: Double(cadres.count), Styles.totalInteger)
        for (k, tier) in tiers.enumerated() {
            let n = cadres.filter { $0.standing.tier == tier }.count
            try ws.formula(row, 2 + k, XlsxSheet.sum(col: 2 + k, rows: range), cached: Double(n), Styles.totalInteger)
        }
        let totalRow = row
        ws.freeze(row: 3, col: 1)
        try ws.printSetup(landscape: true, repeatRows: 2...2, header: input.pageHeader(Self.name))

        if lastData >= 3 {
            let stacked = try wb.addColumnChart(stacked: true)
            for (k, tier) in tiers.enumerated() {
                stacked.addSeries(
                    name: tier,
                    categories: XlsxSheet.range(sheet: Self.sheet, firstRow: 3, firstCol: 0, lastRow: lastData, lastCol: 0),
                    values: XlsxSheet.range(sheet: Self.sheet, firstRow: 3, firstCol: 2 + k, lastRow: lastData, lastCol: 2 + k))
            }
            stacked.setTitle("\(input.yearText)各社区等次分布", xAxis: "社区", yAxis: "人数")
            try ws.insertChart(stacked, row: totalRow + 2, col: 0)

            let county = try wb.addColumnChart(stacked: false)
            county.addSeries(
                name: "全县",
                categories: XlsxSheet.range(sheet: Self.sheet, firstRow: 2, firstCol: 2, lastRow: 2, lastCol: 1 + tiers.count),
                values: XlsxSheet.range(sheet: Self.sheet, firstRow: totalRow, firstCol: 2, lastRow: totalRow, lastCol: 1 + tiers.count))
            county.setTitle("\(input.yearText)全县等次人数", xAxis: "等次", yAxis: "人数")
            try ws.insertChart(county, row: totalRow + 2, col: 9)
        }
        try wb.close()
    }
}
