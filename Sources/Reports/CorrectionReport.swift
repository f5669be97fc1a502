import Exact
import Results

/// 补发/补扣 a month's run carries for corrected closed months, as the reports show them:
/// under each cadre's pay slip (source month and reason), and, for cadres no longer on the
/// roster, on the 补发名单 (`补发名单.xlsx`: what to pay them, and what finance recovers).
public struct CorrectionReport: Sendable, Hashable {
    public struct Note: Sendable, Hashable {
        public var cadreID: String
        public var name: String
        /// `补发 2020年11月 夜班补贴`.
        public var label: String
        /// What it does to net pay: positive is owed to the cadre.
        public var amount: Money
        public var reason: String
        public var correctionID: Int64
        public var sourceMonth: YearMonth

        public init(cadreID: String, name: String, label: String, amount: Money, reason: String, correctionID: Int64, sourceMonth: YearMonth) {
            self.cadreID = cadreID
            self.name = name
            self.label = label
            self.amount = amount
            self.reason = reason
            self.correctionID = correctionID
            self.sourceMonth = sourceMonth
        }
    }

    /// Lines of cadres on the roster, paid on their slip.
    public var notes: [Note]
    /// Lines of cadres no longer on the roster.
    public var leavers: [Note]
    /// Where finance pays a leaver (bank and account from the roster of the month corrected),
    /// by 工号; a leaver missing here is listed with the account blank and a note.
    public var leaverPayees: [String: Payee] = [:]

    public init(notes: [Note], leavers: [Note]) {
        self.notes = notes
        self.leavers = leavers
    }

    public static let leaversFileName = "补发名单.xlsx"
}

/// 补发名单: corrections owed to or by cadres no longer in post, one row per cadre and
/// correction. Sheet 补发名单 lists a net owed to the cadre (finance pays it outside the
/// month's bank file); sheet 追回名单 an overpayment to recover. Each row names the lines,
/// source month and reason; a total row closes each sheet.
struct LeaversWorkbook {
    let input: ReportInput
    let leavers: [CorrectionReport.Note]
    var leaverPayees: [String: Payee] = [:]

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties("补发名单"))
        // One row per cadre and correction: the net and the lines behind it.
        var groups: [(key: String, notes: [CorrectionReport.Note])] = []
        for n in leavers {
            let key = "\(n.cadreID)#\(n.correctionID)"
            if let i = groups.firstIndex(where: { $0.key == key }) { groups[i].notes.append(n) } else { groups.append((key, [n])) }
        }
        let rows = groups.map { g in (notes: g.notes, net: g.notes.reduce(Money.zero) { $0 + $1.amount }) }
        for (sheet, owed) in [("补发名单", true), ("追回名单", false)] {
            let ws = try wb.addSheet(sheet)
            try ws.text(0, 0, input.title(sheet), Styles.title)
            try ws.text(1, 0, owed ? "已不在岗人员的更正差额，应补发（不在本月银行代发文件中，由财务另行支付）"
                                   : "已不在岗人员的更正差额，已多发，由财务追回", Styles.subtitle)
            // The account is the roster's of the month corrected: finance pays (or recovers
            // from) the leaver outside the month's bank file.
            let headers = ["序号", "工号", "姓名", "开户银行", "银行账号", "来源月份", owed ? "补发金额" : "追回金额", "明细", "原因", "更正编号"]
            for (i, h) in headers.enumerated() {
                try ws.text(2, i, h, Styles.header)
                try ws.columnWidth(i, [6, 10, 9, 12, 24, 10, 12, 48, 30, 9][i])
            }
            var r = 3, total = Money.zero, k = 0
            for row in rows where owed ? row.net.fen > 0 : row.net.fen < 0 {
                k += 1
                let n = row.notes[0]
                let amount = owed ? row.net : .zero - row.net
                total = total + amount
                try ws.number(r, 0, Fixed(k), Styles.integer)
                try ws.text(r, 1, n.cadreID, Styles.text)
                try ws.text(r, 2, n.name, Styles.text)
                let payee = leaverPayees[n.cadreID]
                try ws.text(r, 3, payee?.bank ?? "", Styles.text)
                // Text, never a number: a 19-digit account loses digits as a number.
                try ws.text(r, 4, payee?.bankAccount ?? "（花名册中没有，请财务核实）", Styles.text)
                try ws.text(r, 5, n.sourceMonth.description, Styles.text)
                try ws.money(r, 6, amount, Styles.money)
                try ws.text(r, 7, row.notes.map { "\($0.label) \($0.amount.fen >= 0 ? "+" : "")\($0.amount.grouped)" }.joined(separator: "；"), Styles.text)
                try ws.text(r, 8, n.reason, Styles.text)
                try ws.text(r, 9, "更正#\(n.correctionID)", Styles.text)
                r += 1
            }
            try ws.text(r, 0, "合计", Styles.totalLabel)
            try ws.formula(r, 6, XlsxSheet.sum(col: 6, rows: r > 3 ? 3...(r - 1) : nil), cached: total, Styles.totalMoney)
        }
        try wb.close()
    }
}
