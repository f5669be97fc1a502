import Exact
import Results

/// 工资条: one slip per cadre, to print and cut, in one sheet grouped by community.
///
/// Each slip is a header row and a value row (工号, 姓名, 岗位, each earning, 应发合计, each
/// deduction, 扣款合计, 实发金额, each information line such as 分值, 积分, 等次) followed by
/// an empty row with a dashed bottom edge to cut along. Each community starts on a new page
/// under a heading with its name and headcount. No ID number or account: a slip is handed
/// to a person and may be seen by others.
struct PaySlipsWorkbook {
    static let name = "工资条"
    let input: ReportInput

    static let slipsPerPage = 6

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.name)
        // The slip's own totals are Σ 应发项, Σ 扣款项 and the net; a rules' information line
        // of the same name (a 计算项 应发合计 that leaves out 补发补扣) is told apart, or a cadre
        // would read two different 应发合计 on one slip.
        let totals = ["应发合计", "扣款合计", "实发金额"]
        let infoHeaders = input.infoNames.map { totals.contains($0) ? "\($0)（计算项）" : $0 }
        let headers = ["工号", "姓名", "岗位"] + input.earningNames + ["应发合计"] + input.deductionNames + ["扣款合计", "实发金额"]
            + infoHeaders + ["积分", "等次"]
        for i in headers.indices { try ws.columnWidth(i, i < 3 ? [10, 9, 12][i] : 11) }
        let slipHeader = CellStyle(bold: true, align: .center, wrap: true, border: true, fill: 0xF2F2F2)
        let cut = CellStyle(dashedBottom: true)

        try ws.text(0, 0, input.title(Self.name), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        // Formats resolved once: the loop below writes about 75 cells per cadre.
        let fHeader = wb.resolve(slipHeader), fCut = wb.resolve(cut), fText = wb.resolve(Styles.text)
        let fMoney = wb.resolve(Styles.money), fPoints = wb.resolve(Styles.points)
        let fNet = wb.resolve(CellStyle(numberFormat: "#,##0.00", bold: true, border: true))
        var row = 3
        var breaks: [Int] = []
        let cadres = input.results.cadres
        for (k, community) in input.communities.enumerated() {
            if k > 0 { breaks.append(row) }
            try ws.text(row, 0, "\(community.name)（\(community.cadres.count) 人）", CellStyle(bold: true, fontSize: 12))
            row += 2
            for (n, i) in community.cadres.enumerated() {
                // Six slips a page at most (each about 75 pt high), so a page break never
                // cuts through a slip; beyond Excel's 1,023 breaks, pages fall where they may.
                if n > 0 && n % Self.slipsPerPage == 0 { breaks.append(row) }
                let c = cadres[i]
                try ws.rowHeight(row, 28)
                for (col, h) in headers.enumerated() { try ws.text(row, col, h, fHeader) }
                row += 1
                var col = 0
                try ws.text(row, col, c.cadreID, fText); col += 1
                try ws.text(row, col, c.name, fText); col += 1
                try ws.text(row, col, c.post, fText); col += 1
                for name in input.earningNames { try amount(ws, row, col, c, .earning, name, fMoney); col += 1 }
                try ws.money(row, col, c.pay.gross, fMoney); col += 1
                for name in input.deductionNames { try amount(ws, row, col, c, .deduction, name, fMoney); col += 1 }
                try ws.money(row, col, c.pay.deductions, fMoney); col += 1
                try ws.money(row, col, c.pay.net, fNet); col += 1
                for name in input.infoNames { try amount(ws, row, col, c, .info, name, fMoney); col += 1 }
                try ws.number(row, col, c.score.total, fPoints); col += 1
                try ws.text(row, col, c.standing.tier, fText)
                row += 1
                // 补发/补扣 for corrected closed months: source month and reason, under the slip.
                if let notes = input.corrections[c.cadreID] {
                    let text = notes.map { "\($0.label) \($0.amount.fen >= 0 ? "+" : "")\($0.amount.grouped)（\($0.reason)）" }.joined(separator: "；")
                    try ws.text(row, 0, "补发补扣明细：" + text, fText)
                    row += 1
                }
                for col in headers.indices { try ws.blank(row, col, fCut) }
                row += 2
            }
        }
        try ws.printSetup(landscape: true, repeatRows: nil, header: input.pageHeader(Self.name))
        try ws.pageBreaks(before: breaks)
        try wb.close()
    }

    private func amount(
        _ ws: XlsxSheet, _ row: Int, _ col: Int, _ c: CadreResult, _ kind: PayLineResult.Kind, _ name: String, _ format: XlsxFormat
    ) throws(ReportError) {
        if let line = c.pay.lines.first(where: { $0.kind == kind && $0.name == name }) {
            try ws.money(row, col, line.amount, format)
        } else {
            try ws.blank(row, col, format)
        }
    }
}
