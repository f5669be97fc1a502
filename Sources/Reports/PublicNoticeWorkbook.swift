import Exact
import Results

/// 公示表: the results posted for 三公开, print-ready.
///
/// Columns: 序号, 姓名, (编号 if configured), 社区, 岗位, 总分, 等次, (绩效报酬 if the bureau
/// chooses), grouped by community in roster order and by rank within it, cadres left out of
/// the ranking (joined or left this month, vetoed) after the ranked in roster order; then the
/// 公示 period, where to raise an objection, and the bureau. It never holds an ID number, bank
/// account or phone: the only identifier it may show is the 工号 or an ID number masked to
/// its first 6 and last 4 digits (个人信息保护法 art. 28).
struct PublicNoticeWorkbook {
    static let name = "公示表"
    let input: ReportInput

    func write(to path: String) throws(ReportError) {
        let s = input.settings
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: s.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.name)
        var headers = ["序号", "姓名"]
        switch s.noticeIdentifier {
        case .none: break
        case .maskedIDNumber: headers.append("身份证号（部分隐藏）")
        case .cadreID: headers.append("工号")
        }
        let identifierColumn = headers.count - 1
        headers += ["社区", "岗位", "总分", "等次"]
        if s.noticeShowsPerformancePay { headers.append(s.performancePayLine) }
        let widths: [String: Double] = ["序号": 6, "姓名": 10, "社区": 14, "岗位": 14, "总分": 8, "等次": 9, "工号": 10, "身份证号（部分隐藏）": 21]
        for (i, h) in headers.enumerated() { try ws.columnWidth(i, widths[h] ?? 12) }

        try ws.text(0, 0, "\(s.county)\(input.monthText)社区干部积分考核结果公示", CellStyle(bold: true, fontSize: 16))
        try ws.text(1, 0, "现将\(input.monthText)社区干部积分考核结果予以公示，接受群众监督。", Styles.subtitle)
        for (i, h) in headers.enumerated() { try ws.text(2, i, h, Styles.header) }
        // In constant-memory mode a range must be set before its rows are flushed.
        try ws.autofilter(firstRow: 2, firstCol: 0, lastRow: 2 + input.results.cadres.count, lastCol: headers.count - 1)

        var row = 3, n = 1
        let cadres = input.results.cadres
        for community in input.communities {
            for i in input.rankOrder(community.cadres) {
                let c = cadres[i]
                var col = 0
                try ws.integer(row, col, n, Styles.integer); col += 1
                try ws.text(row, col, c.name, Styles.text); col += 1
                switch s.noticeIdentifier {
                case .none: break
                case .maskedIDNumber:
                    try ws.text(row, identifierColumn, payeeMaskedID(c), Styles.text); col += 1
                case .cadreID:
                    try ws.text(row, identifierColumn, c.cadreID, Styles.text); col += 1
                }
                try ws.text(row, col, c.community, Styles.text); col += 1
                try ws.text(row, col, c.post, Styles.text); col += 1
                try ws.number(row, col, c.score.total, Styles.points); col += 1
                try ws.text(row, col, c.standing.tier, Styles.text); col += 1
                if s.noticeShowsPerformancePay {
                    if let amount = c.pay.amount(of: s.performancePayLine) {
                        try ws.money(row, col, amount, Styles.money)
                    } else {
                        try ws.blank(row, col, Styles.money)
                    }
                }
                row += 1
                n += 1
            }
        }
        row += 1
        if let p = s.noticePeriod {
            try ws.text(row, 0, "公示期：\(p.from.chineseDescription)至\(p.to.chineseDescription)（共 \(p.from.distance(to: p.to) + 1) 天）")
            row += 1
        } else if let days = s.noticeWorkingDays {
            // Written before publication: the dates are not known yet, the length is.
            try ws.text(row, 0, "公示期：自发布之日起 \(days) 个工作日")
            row += 1
        }
        if !s.objectionContact.isEmpty {
            try ws.text(row, 0, "如有异议，请在公示期内向以下渠道反映：\(s.objectionContact)")
            row += 1
        }
        try ws.text(row + 1, headers.count - 1, s.bureau, CellStyle(align: .right))
        try ws.printSetup(landscape: false, repeatRows: 2...2, header: input.pageHeader(Self.name))
        try wb.close()
    }

    /// The payee's ID number masked; a cadre without a payee record shows nothing.
    private func payeeMaskedID(_ c: CadreResult) -> String {
        input.payees[c.cadreID].map { Payee.masked($0.idNumber) } ?? ""
    }
}
