import Exact
import Results

/// 年度公示表: the annual results posted for 三公开, print-ready, masked as the monthly 公示表.
///
/// Columns: 序号, 姓名, (编号 if configured: the 工号 or the ID number masked to its first 6
/// and last 4 digits), 社区, 岗位, 在岗月数, 年度得分, 年度等次, (年终绩效奖, i.e. the annual
/// 应发, when the bureau shows pay on its notices: `noticeShowsPerformancePay`), grouped by
/// community in roster order and by annual rank within it (unranked last); then the 公示
/// period, where to object, and the bureau. Never an ID number, account or phone.
struct YearNoticeWorkbook {
    static let name = "年度公示表"
    let input: YearReportInput

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
        headers += ["社区", "岗位", "在岗月数", "年度得分", "年度等次"]
        let bonusHeader = input.earningNames.count == 1 ? input.earningNames[0] : "年终奖应发"
        if s.noticeShowsPerformancePay { headers.append(bonusHeader) }
        let widths: [String: Double] = ["序号": 6, "姓名": 10, "社区": 14, "岗位": 14, "在岗月数": 8, "年度得分": 9, "年度等次": 9, "工号": 10, "身份证号（部分隐藏）": 21]
        for (i, h) in headers.enumerated() { try ws.columnWidth(i, widths[h] ?? 12) }

        try ws.text(0, 0, "\(s.county)\(input.yearText)社区干部考核结果公示", CellStyle(bold: true, fontSize: 16))
        try ws.text(1, 0, "现将\(input.yearText)社区干部考核结果予以公示，接受群众监督。", Styles.subtitle)
        for (i, h) in headers.enumerated() { try ws.text(2, i, h, Styles.header) }
        let cadres = input.results.cadres
        try ws.autofilter(firstRow: 2, firstCol: 0, lastRow: 2 + cadres.count, lastCol: headers.count - 1)

        var row = 3, n = 1
        for community in input.communities {
            let ordered = community.cadres.sorted { a, b in
                let x = YearReportInput.rankKey(cadres[a]), y = YearReportInput.rankKey(cadres[b])
                return x != y ? x < y : a < b
            }
            for i in ordered {
                let c = cadres[i]
                var col = 0
                try ws.integer(row, col, n, Styles.integer); col += 1
                try ws.text(row, col, c.name, Styles.text); col += 1
                switch s.noticeIdentifier {
                case .none: break
                case .maskedIDNumber:
                    try ws.text(row, col, input.payees[c.cadreID].map { Payee.masked($0.idNumber) } ?? "", Styles.text); col += 1
                case .cadreID:
                    try ws.text(row, col, c.cadreID, Styles.text); col += 1
                }
                try ws.text(row, col, c.community, Styles.text); col += 1
                try ws.text(row, col, c.post, Styles.text); col += 1
                try ws.integer(row, col, c.monthsInPost, Styles.integer); col += 1
                if let score = c.score { try ws.number(row, col, score, Styles.points) } else { try ws.blank(row, col, Styles.points) }
                col += 1
                try ws.text(row, col, c.standing.tier, Styles.text); col += 1
                if s.noticeShowsPerformancePay { try ws.money(row, col, c.pay.gross, Styles.money) }
                row += 1
                n += 1
            }
        }
        row += 1
        if let p = s.noticePeriod {
            try ws.text(row, 0, "公示期：\(p.from.chineseDescription)至\(p.to.chineseDescription)（共 \(p.from.distance(to: p.to) + 1) 天）")
            row += 1
        } else if let days = s.noticeWorkingDays {
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
}
