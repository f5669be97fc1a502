import Exact
import Foundation
import Results

/// 积分明细: where every cadre's points came from.
///
/// A county sheet (全县) first, one row per cadre: base, each item's points, deductions,
/// adjustments, the 总分范围 bound when it moved anyone's total (its own column, as the
/// community sheets give it its own row), total, rank, tier. The rank column is headed by
/// what it counts in (`ReportInput.rankColumn`: 社区排名, 全县排名, or 组内排名 with the
/// group beside it) and blank for a cadre the rules leave out of the ranking. Then one sheet
/// per community in roster order, one row per score line — category, item, article, raw
/// points, the cap or floor that applied and what it clipped, points counted, records,
/// adjustment reason and approver — and per cadre a 合计 row whose `SUM` (with its cached
/// value) must equal the total, with rank, tier and the reasons for the tier. Cadres are in
/// rank order there, the unranked after the ranked in roster order (`ReportInput.rankOrder`).
struct ScoreBreakdownWorkbook {
    static let name = "积分明细"
    let input: ReportInput

    /// The formats of the community sheets, made before any of them is written.
    struct Formats {
        let title, subtitle, header, text, points, integer, totalLabel, totalPoints, totalInteger: XlsxFormat

        init(_ wb: XlsxWorkbook) {
            title = wb.resolve(Styles.title)
            subtitle = wb.resolve(Styles.subtitle)
            header = wb.resolve(Styles.header)
            text = wb.resolve(Styles.text)
            points = wb.resolve(Styles.points)
            integer = wb.resolve(Styles.integer)
            totalLabel = wb.resolve(Styles.totalLabel)
            totalPoints = wb.resolve(Styles.totalPoints)
            totalInteger = wb.resolve(Styles.totalInteger)
        }

        /// Gives each format its number in the file now, in the order the county sheet and then
        /// the first community sheet would first use them, so that the sheets can then be
        /// written in any order (and on several threads) without touching the workbook.
        func number() {
            for f in [title, subtitle, header, text, points, integer, totalLabel, totalPoints, totalInteger] { f.number() }
        }
    }

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let names = SheetNames.unique(["全县"] + input.communities.map(\.name))
        let county = try wb.addSheet(names[0])
        var sheets: [XlsxSheet] = []
        sheets.reserveCapacity(input.communities.count)
        for k in input.communities.indices { sheets.append(try wb.addSheet(names[k + 1])) }
        let formats = Formats(wb)
        try writeCounty(county, wb)
        formats.number()
        try writeCommunities(sheets, formats, parallel: input.settings.writesInParallel)
        try wb.close()
    }

    /// Writes the community sheets, on two threads when `parallel` (`ParallelSheets`, which
    /// says why that is safe and the bytes the same): 积分明细 is by far the largest report (a
    /// row per score line), and one thread writing it would be the whole stage's critical path.
    private func writeCommunities(_ sheets: [XlsxSheet], _ formats: Formats, parallel: Bool) throws(ReportError) {
        let communities = input.communities
        let box = SheetList(sheets)
        try ParallelSheets.write(count: sheets.count, parallel: parallel) { [self] (k) throws(ReportError) in
            try writeCommunity(box.sheets[k], formats, name: communities[k].name, cadres: communities[k].cadres)
        }
    }

    private func writeCounty(_ ws: XlsxSheet, _ wb: XlsxWorkbook) throws(ReportError) {
        var itemNames: [String] = []
        var seen: Set<String> = []
        for c in input.results.cadres {
            for l in c.score.lines where l.kind == .item && seen.insert(l.name).inserted { itemNames.append(l.name) }
        }
        // 总分范围 gets a column of its own when it moved a total, so that 调整合计 is only the
        // adjustments (as the community sheets list the bound as a row of its own) and the
        // value columns still add up to 总分.
        let bounded = input.results.cadres.contains { c in c.score.lines.contains { $0.kind == .bound } }
        let rank = input.rankColumn
        let headers = ["工号", "姓名", "社区", "岗位", "基础分"] + itemNames + ["扣分合计", "调整合计"] + (bounded ? [ScoreText.kind(.bound)] : [])
            + ["总分", rank.header] + (rank.showsGroup ? ["排名分组"] : []) + ["等次"]
        try ws.text(0, 0, input.title("积分明细（全县）"), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        for (i, h) in headers.enumerated() {
            try ws.text(2, i, h, Styles.header)
            try ws.columnWidth(i, i < 4 ? [10, 9, 12, 12][i] : 10)
        }
        // In constant-memory mode a range must be set before its rows are flushed.
        try ws.autofilter(firstRow: 2, firstCol: 0, lastRow: 2 + input.results.cadres.count, lastCol: headers.count - 1)
        // Value columns: base, each item, deductions, adjustments, the bound; a column a cadre
        // has no line for stays blank.
        var itemColumn: [String: Int] = [:]
        for (k, name) in itemNames.enumerated() { itemColumn[name] = 1 + k }
        let adjustmentColumn = itemNames.count + 2
        let valueCount = itemNames.count + (bounded ? 4 : 3)
        let text = wb.resolve(Styles.text), points = wb.resolve(Styles.points), integer = wb.resolve(Styles.integer)
        var values = [Fixed?](repeating: nil, count: valueCount)
        var row = 3
        for c in input.results.cadres {
            for k in values.indices { values[k] = nil }
            for l in c.score.lines {
                let k: Int
                switch l.kind {
                case .base: k = 0
                case .item: k = itemColumn[l.name]!
                case .deduction: k = adjustmentColumn - 1
                case .adjustment: k = adjustmentColumn
                case .bound: k = adjustmentColumn + 1
                }
                values[k] = (values[k] ?? .zero) + l.points
            }
            try ws.text(row, 0, c.cadreID, text)
            try ws.text(row, 1, c.name, text)
            try ws.text(row, 2, c.community, text)
            try ws.text(row, 3, c.post, text)
            for (k, v) in values.enumerated() {
                if let v { try ws.number(row, 4 + k, v, points) } else { try ws.blank(row, 4 + k, points) }
            }
            var t = 4 + values.count
            try ws.number(row, t, c.score.total, points)
            t += 1
            if c.standing.rank > 0 { try ws.integer(row, t, c.standing.rank, integer) } else { try ws.blank(row, t, integer) }
            t += 1
            if rank.showsGroup {
                try ws.text(row, t, c.standing.group, text)
                t += 1
            }
            try ws.text(row, t, c.standing.tier, text)
            row += 1
        }
        ws.freeze(row: 3, col: 2)
        try ws.printSetup(landscape: true, repeatRows: 2...2, header: input.pageHeader("积分明细 全县"))
    }

    /// The community sheets' columns; the rank's header is `ReportInput.rankColumn`'s, and
    /// 排名分组 follows it when the rules rank in groups other than the community or county.
    static func detailHeaders(rank: (header: String, showsGroup: Bool)) -> [String] {
        ["工号", "姓名", "岗位", "类别", "项目", "条款", "原始分", "封顶/保底", "削减分", "计入分", "记录数", "调整原因", "审批人", "总分", rank.header]
            + (rank.showsGroup ? ["排名分组"] : []) + ["等次", "等次依据"]
    }

    private func writeCommunity(_ ws: XlsxSheet, _ f: Formats, name: String, cadres: [Int]) throws(ReportError) {
        let rank = input.rankColumn
        let headers = Self.detailHeaders(rank: rank)
        let widths: [Double] = [10, 9, 12, 8, 16, 14, 8, 20, 8, 8, 7, 20, 9, 8, 8] + (rank.showsGroup ? [14] : []) + [9, 40]
        // Columns after the rank move one right when the group is shown.
        let g = rank.showsGroup ? 1 : 0
        try ws.text(0, 0, input.title("积分明细（\(name)）"), f.title)
        try ws.text(1, 0, input.subtitle, f.subtitle)
        for (i, h) in headers.enumerated() {
            try ws.text(2, i, h, f.header)
            try ws.columnWidth(i, widths[i])
        }
        let lineCount = cadres.map { input.results.cadres[$0].score.lines.count + 1 }.reduce(0, +)
        try ws.autofilter(firstRow: 2, firstCol: 0, lastRow: 2 + lineCount, lastCol: headers.count - 1)
        let ordered = input.rankOrder(cadres)
        let text = f.text, points = f.points, integer = f.integer
        let totalLabel = f.totalLabel, totalPoints = f.totalPoints, totalInteger = f.totalInteger
        var row = 3
        for i in ordered {
            let c = input.results.cadres[i]
            let first = row
            let id = c.cadreID, cadreName = c.name, post = c.post
            var sum = Fixed.zero, records = 0
            for line in c.score.lines {
                try ws.text(row, 0, id, text)
                try ws.text(row, 1, cadreName, text)
                try ws.text(row, 2, post, text)
                try ws.text(row, 3, ScoreText.kind(line.kind), text)
                try ws.text(row, 4, line.name, text)
                try ws.text(row, 5, line.citation ?? "", text)
                try ws.number(row, 6, line.raw, points)
                if line.clips.isEmpty {
                    try ws.blank(row, 7, text)
                    try ws.blank(row, 8, points)
                } else {
                    try ws.text(row, 7, ScoreText.clips(line.clips), text)
                    if let removed = ScoreText.removed(line.clips) { try ws.number(row, 8, removed, points) } else { try ws.blank(row, 8, points) }
                }
                try ws.number(row, 9, line.points, points)
                try ws.integer(row, 10, line.recordCount, integer)
                try ws.text(row, 11, line.reason ?? "", text)
                try ws.text(row, 12, line.approvedBy ?? "", text)
                for col in 13..<headers.count { try ws.blank(row, col, text) }
                sum = sum + line.points
                records += line.recordCount
                row += 1
            }
            try ws.text(row, 0, id, totalLabel)
            try ws.text(row, 1, cadreName, totalLabel)
            try ws.text(row, 2, post, totalLabel)
            try ws.text(row, 3, "合计", totalLabel)
            for col in 4...8 { try ws.blank(row, col, totalLabel) }
            let range = row > first ? first...(row - 1) : nil
            try ws.formula(row, 9, XlsxSheet.sum(col: 9, rows: range), cached: try ExcelNumber.double(sum, file: name), totalPoints)
            try ws.integer(row, 10, records, totalInteger)
            try ws.blank(row, 11, totalLabel)
            try ws.blank(row, 12, totalLabel)
            try ws.number(row, 13, c.score.total, totalPoints)
            if c.standing.rank > 0 { try ws.integer(row, 14, c.standing.rank, totalInteger) } else { try ws.blank(row, 14, totalInteger) }
            if rank.showsGroup { try ws.text(row, 15, c.standing.group, totalLabel) }
            try ws.text(row, 15 + g, c.standing.tier, totalLabel)
            try ws.text(row, 16 + g, ScoreText.reasons(c.standing.reasons), totalLabel)
            row += 1
            // 补发/补扣 this month pays for corrected closed months: source month and reason.
            if let notes = input.corrections[c.cadreID] {
                try ws.text(row, 0, id, text)
                try ws.text(row, 1, cadreName, text)
                try ws.text(row, 2, post, text)
                try ws.text(row, 3, "补发补扣", text)
                try ws.text(row, 11, notes.map { "\($0.label) \($0.amount.fen >= 0 ? "+" : "")\($0.amount.grouped)（\($0.reason)）" }.joined(separator: "；"), text)
                row += 1
            }
        }
        ws.freeze(row: 3, col: 2)
        try ws.printSetup(landscape: true, repeatRows: 2...2, header: input.pageHeader("积分明细 \(name)"))
    }
}
