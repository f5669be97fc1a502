import Exact
import Results

/// 社区汇总: per community, cadres, average and spread of points, tier counts and pay
/// totals, with native charts.
///
/// Sheet 社区汇总: 社区, 人数, 平均分, 最高分, 最低分, 极差, one column per tier, 应发合计,
/// 实发合计, then a 全县 row (counts and money as `SUM` with cached values; the points
/// figures computed exactly over all cadres). A stacked column chart shows the tiers per
/// community. Sheet 积分分布: cadres per 10-point band, county and per community, with a
/// column chart of the county's distribution. Averages are rounded half-up to 0.01.
struct CommunitySummaryWorkbook {
    static let name = "社区汇总"
    let input: ReportInput

    struct Stats {
        var count: Int
        var average: Fixed
        var max: Fixed
        var min: Fixed
    }

    static func stats(_ points: [Fixed]) -> Stats? {
        guard let mx = points.max(), let mn = points.min() else { return nil }
        let sum = points.reduce(Fixed.zero, +)
        let avg = sum.dividing(by: Fixed(points.count), scale: 2, .halfUp) ?? .zero
        return Stats(count: points.count, average: avg, max: mx, min: mn)
    }

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet("社区汇总")
        let tiers = input.results.tierCounts(tierOrder: input.settings.tierOrder).map(\.tier)
        let headers = ["社区", "人数", "平均分", "最高分", "最低分", "极差"] + tiers + ["应发合计", "实发合计"]
        try ws.text(0, 0, input.title(Self.name), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        for (i, h) in headers.enumerated() {
            try ws.text(2, i, h, Styles.header)
            try ws.columnWidth(i, i == 0 ? 14 : (i >= headers.count - 2 ? 14 : 9))
        }
        let cadres = input.results.cadres
        var row = 3
        for community in input.communities {
            let members = community.cadres.map { cadres[$0] }
            try ws.text(row, 0, community.name, Styles.text)
            try writeStats(ws, row, members, tiers: tiers, styles: (Styles.integer, Styles.points, Styles.money))
            row += 1
        }
        let lastData = row - 1
        let range = lastData >= 3 ? 3...lastData : nil
        try ws.text(row, 0, "全县", Styles.totalLabel)
        try ws.formula(row, 1, XlsxSheet.sum(col: 1, rows: range), cached: Double(cadres.count), Styles.totalInteger)
        try writePoints(ws, row, cadres.map(\.score.total), style: Styles.totalPoints)
        for (k, tier) in tiers.enumerated() {
            let n = cadres.filter { $0.standing.tier == tier }.count
            try ws.formula(row, 6 + k, XlsxSheet.sum(col: 6 + k, rows: range), cached: Double(n), Styles.totalInteger)
        }
        let g = 6 + tiers.count
        try ws.formula(row, g, XlsxSheet.sum(col: g, rows: range), cached: input.gross, Styles.totalMoney)
        try ws.formula(row, g + 1, XlsxSheet.sum(col: g + 1, rows: range), cached: input.net, Styles.totalMoney)
        ws.freeze(row: 3, col: 1)
        try ws.printSetup(landscape: true, repeatRows: 2...2, header: input.pageHeader(Self.name))

        if lastData >= 3 {
            let chart = try wb.addColumnChart(stacked: true)
            for (k, tier) in tiers.enumerated() {
                chart.addSeries(
                    name: tier,
                    categories: XlsxSheet.range(sheet: "社区汇总", firstRow: 3, firstCol: 0, lastRow: lastData, lastCol: 0),
                    values: XlsxSheet.range(sheet: "社区汇总", firstRow: 3, firstCol: 6 + k, lastRow: lastData, lastCol: 6 + k))
            }
            chart.setTitle("各社区等次分布", xAxis: "社区", yAxis: "人数")
            try ws.insertChart(chart, row: row + 2, col: 0)
        }
        try writeDistribution(wb)
        try wb.close()
    }

    private func writeStats(
        _ ws: XlsxSheet, _ row: Int, _ members: [CadreResult], tiers: [String], styles: (CellStyle, CellStyle, CellStyle)
    ) throws(ReportError) {
        try ws.integer(row, 1, members.count, styles.0)
        try writePoints(ws, row, members.map(\.score.total), style: styles.1)
        for (k, tier) in tiers.enumerated() {
            try ws.integer(row, 6 + k, members.filter { $0.standing.tier == tier }.count, styles.0)
        }
        try ws.money(row, 6 + tiers.count, members.map(\.pay.gross).sum(), styles.2)
        try ws.money(row, 7 + tiers.count, members.map(\.pay.net).sum(), styles.2)
    }

    private func writePoints(_ ws: XlsxSheet, _ row: Int, _ points: [Fixed], style: CellStyle) throws(ReportError) {
        guard let s = Self.stats(points) else {
            for col in 2...5 { try ws.blank(row, col, style) }
            return
        }
        try ws.number(row, 2, s.average, style)
        try ws.number(row, 3, s.max, style)
        try ws.number(row, 4, s.min, style)
        try ws.number(row, 5, s.max - s.min, style)
    }

    /// Lower bounds of 10-point bands covering every total.
    static func bands(_ points: [Fixed]) -> [Int] {
        guard let mn = points.min(), let mx = points.max() else { return [] }
        func floor10(_ f: Fixed) -> Int {
            let whole = f.rounded(scale: 0, .floor).wholeValue ?? 0
            return Int(whole >= 0 ? whole / 10 : (whole - 9) / 10) * 10
        }
        return Array(stride(from: floor10(mn), through: floor10(mx), by: 10))
    }

    private func writeDistribution(_ wb: XlsxWorkbook) throws(ReportError) {
        let sheet = "积分分布"
        let ws = try wb.addSheet(sheet)
        let cadres = input.results.cadres
        let bands = Self.bands(cadres.map(\.score.total))
        let headers = ["分数段", "全县"] + input.communities.map(\.name)
        try ws.text(0, 0, input.title("积分分布"), Styles.title)
        try ws.text(1, 0, "每段含下限、不含上限", Styles.subtitle)
        for (i, h) in headers.enumerated() {
            try ws.text(2, i, h, Styles.header)
            try ws.columnWidth(i, i == 0 ? 12 : 10)
        }
        func inBand(_ p: Fixed, _ lower: Int) -> Bool { p >= Fixed(lower) && p < Fixed(lower + 10) }
        for (k, lower) in bands.enumerated() {
            let row = 3 + k
            try ws.text(row, 0, "\(lower)–\(lower + 10)", Styles.text)
            try ws.integer(row, 1, cadres.filter { inBand($0.score.total, lower) }.count, Styles.integer)
            for (j, community) in input.communities.enumerated() {
                try ws.integer(row, 2 + j, community.cadres.filter { inBand(cadres[$0].score.total, lower) }.count, Styles.integer)
            }
        }
        if !bands.isEmpty {
            let last = 2 + bands.count
            let chart = try wb.addColumnChart(stacked: false)
            chart.addSeries(
                name: "全县",
                categories: XlsxSheet.range(sheet: sheet, firstRow: 3, firstCol: 0, lastRow: last, lastCol: 0),
                values: XlsxSheet.range(sheet: sheet, firstRow: 3, firstCol: 1, lastRow: last, lastCol: 1))
            chart.setTitle("积分分布（全县）", xAxis: "分数段", yAxis: "人数")
            try ws.insertChart(chart, row: last + 2, col: 0)
        }
        try ws.printSetup(landscape: true, repeatRows: nil, header: input.pageHeader("积分分布"))
    }
}
