import Exact
import Results

/// 核对: the checks an auditor runs before money moves.
///
/// Sheets: 金额核对 (Σ 应发, Σ 扣款, Σ 实发, the bank file's total and the run summary's
/// figures, each difference as a formula with its cached value and a 一致/不一致 verdict;
/// 人数核对, the roster's cadres in post against the payroll's, with the cadres whose roster
/// row was rejected; then every pay line's total), 输入文件 (rows read, used, ignored and rejected per input
/// file, with a per-file balance and totals), 拒收行 (each rejected row with codes and
/// reasons; its cells are masked by the store already), 运行信息 (run, rules and engine
/// versions, rules hash, every input's SHA-256).
struct ReconciliationWorkbook {
    static let name = "核对"
    let input: ReportInput

    func write(to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        try writeMoney(try wb.addSheet("金额核对"))
        try writeFiles(try wb.addSheet("输入文件"))
        try writeRejected(try wb.addSheet("拒收行"))
        try writeRun(try wb.addSheet("运行信息"))
        try wb.close()
    }

    private func writeMoney(_ ws: XlsxSheet) throws(ReportError) {
        let s = input.summary
        let r = (gross: input.gross, deductions: input.deductions, net: input.net)
        // The bank file pays each cadre's net: its total is summed row by row as written.
        let bankTotal = input.results.cadres.map(\.pay.net).sum()
        try ws.text(0, 0, input.title("核对表"), Styles.title)
        try ws.text(1, 0, input.subtitle, Styles.subtitle)
        for (i, h) in ["项目", "金额", "核对", "说明"].enumerated() { try ws.text(2, i, h, Styles.header) }
        try ws.columnWidth(0, 30)
        try ws.columnWidth(1, 16)
        try ws.columnWidth(2, 10)
        try ws.columnWidth(3, 44)
        let rows: [(String, Money, String)] = [
            ("应发合计 Σ应发", r.gross, "工资表 应发合计列之和"),
            ("扣款合计 Σ扣款", r.deductions, "工资表 扣款合计列之和"),
            ("实发合计 Σ实发", r.net, "工资表 实发金额列之和"),
            ("银行代发合计", bankTotal, input.settings.banks.map { "\($0.map(\.fileName).joined(separator: "、")) 金额列之和" } ?? "银行代发.xlsx 金额列之和"),
            ("运行摘要 应发", s.gross, "运行记录中的应发合计"),
            ("运行摘要 扣款", s.deductions, "运行记录中的扣款合计"),
            ("运行摘要 实发", s.net, "运行记录中的实发合计"),
        ]
        for (k, (label, amount, note)) in rows.enumerated() {
            try ws.text(3 + k, 0, label, Styles.text)
            try ws.money(3 + k, 1, amount, Styles.money)
            try ws.blank(3 + k, 2, Styles.text)
            try ws.text(3 + k, 3, note, Styles.text)
        }
        // Checks: each difference must be 0.
        let B = { (row: Int) in XlsxSheet.reference(row, 1) }
        let checks: [(String, String, Money)] = [
            ("应发 − 扣款 − 实发", "\(B(3))-\(B(4))-\(B(5))", r.gross - r.deductions - r.net),
            ("实发 − 银行代发", "\(B(5))-\(B(6))", r.net - bankTotal),
            ("应发 − 运行摘要应发", "\(B(3))-\(B(7))", r.gross - s.gross),
            ("扣款 − 运行摘要扣款", "\(B(4))-\(B(8))", r.deductions - s.deductions),
            ("实发 − 运行摘要实发", "\(B(5))-\(B(9))", r.net - s.net),
        ]
        var row = 3 + rows.count
        for (label, formula, diff) in checks {
            try ws.text(row, 0, "差额：\(label)", Styles.totalLabel)
            try ws.formula(row, 1, formula, cached: diff, Styles.totalMoney)
            let ref = XlsxSheet.reference(row, 1)
            try ws.formula(row, 2, "IF(ROUND(\(ref),2)=0,\"一致\",\"不一致\")", cachedText: diff == .zero ? "一致" : "不一致", Styles.totalLabel)
            try ws.text(row, 3, "应为 0", Styles.totalLabel)
            row += 1
        }
        row = try writeHeadCount(ws, from: row + 1)
        // Per pay line totals.
        row += 1
        for (i, h) in ["类别", "项目", "合计", "笔数"].enumerated() { try ws.text(row, i, h, Styles.header) }
        row += 1
        let kinds: [(PayLineResult.Kind, String, [String])] = [
            (.earning, "应发项", input.earningNames), (.deduction, "扣款项", input.deductionNames), (.info, "说明项", input.infoNames),
        ]
        for (kind, label, names) in kinds {
            for name in names {
                try ws.text(row, 0, label, Styles.text)
                try ws.text(row, 1, name, Styles.text)
                let t = input.lineTotal(name, kind: kind)
                try ws.money(row, 2, t.total, Styles.money)
                try ws.integer(row, 3, t.lines, Styles.integer)
                row += 1
            }
        }
        // Corrections of closed months the run carries (docs/corrections.md).
        guard let c = s.corrections else { return }
        row += 1
        for (i, h) in ["关账后更正（补发补扣）", "金额", "核对", "说明"].enumerated() { try ws.text(row, i, h, Styles.header) }
        row += 1
        let first = row
        let figures: [(String, Money, String)] = [
            ("更正运行的差额合计", c.due, "本月计入的 \(c.count) 次更正，各项差额对实发的影响之和"),
            ("写入补发补扣的差额", c.carried, "在岗人员，补发补扣.csv 金额（应发为正、扣款为负）之和"),
            ("补发名单的差额", c.leavers, "已不在岗人员，补发名单.xlsx（追回为负）"),
            ("规则支付的补发补扣", c.paid, "汇总补发补扣数据源的工资项目，应发减扣款，全体之和"),
        ]
        for (label, amount, note) in figures {
            try ws.text(row, 0, label, Styles.text)
            try ws.money(row, 1, amount, Styles.money)
            try ws.blank(row, 2, Styles.text)
            try ws.text(row, 3, note, Styles.text)
            row += 1
        }
        let checks2: [(String, String, Money)] = [
            ("更正差额 − 补发补扣 − 补发名单", "\(B(first))-\(B(first + 1))-\(B(first + 2))", c.due - c.carried - c.leavers),
            ("规则支付 − 补发补扣", "\(B(first + 3))-\(B(first + 1))", c.paid - c.carried),
        ]
        for (label, formula, diff) in checks2 {
            try ws.text(row, 0, "差额：\(label)", Styles.totalLabel)
            try ws.formula(row, 1, formula, cached: diff, Styles.totalMoney)
            let ref = XlsxSheet.reference(row, 1)
            try ws.formula(row, 2, "IF(ROUND(\(ref),2)=0,\"一致\",\"不一致\")", cachedText: diff == .zero ? "一致" : "不一致", Styles.totalLabel)
            try ws.text(row, 3, "应为 0", Styles.totalLabel)
            row += 1
        }
    }

    /// 人数核对: the cadres in post by the roster against the payroll's, and every cadre
    /// whose roster row was rejected (`--skip-invalid`), who is in neither the payroll nor
    /// the bank file: the difference is theirs, and it is never 一致. Runs stored before the
    /// roster's count was kept have no such section. Returns the row after it.
    private func writeHeadCount(_ ws: XlsxSheet, from first: Int) throws(ReportError) -> Int {
        let s = input.summary
        guard let roster = s.rosterCadres else { return first - 1 }
        let left = s.leftOut ?? []
        let paid = input.results.cadres.count
        var row = first
        for (i, h) in ["人数核对", "人数", "核对", "说明"].enumerated() { try ws.text(row, i, h, Styles.header) }
        row += 1
        let top = row
        let figures: [(String, Int, String)] = [
            ("花名册人数（本月在职）", roster, left.isEmpty ? "花名册中本月在职的人员" : "花名册中本月在职的人员，含花名册行被拒收的 \(left.count) 人"),
            ("工资表人数", paid, "工资表、银行代发的人数"),
        ]
        for (label, n, note) in figures {
            try ws.text(row, 0, label, Styles.text)
            try ws.integer(row, 1, n, Styles.integer)
            try ws.blank(row, 2, Styles.text)
            try ws.text(row, 3, note, Styles.text)
            row += 1
        }
        let B = { (r: Int) in XlsxSheet.reference(r, 1) }
        try ws.text(row, 0, "差额：花名册人数 − 工资表人数", Styles.totalLabel)
        try ws.formula(row, 1, "\(B(top))-\(B(top + 1))", cached: Double(roster - paid), Styles.totalInteger)
        try ws.formula(row, 2, "IF(\(B(row))=0,\"一致\",\"不一致\")", cachedText: roster == paid ? "一致" : "不一致", Styles.totalLabel)
        try ws.text(row, 3, left.isEmpty ? "应为 0" : "应为 0；花名册行被拒收的 \(left.count) 人未计分、未计发，见下表", Styles.totalLabel)
        row += 1
        guard !left.isEmpty else { return row }
        row += 1
        try ws.text(row, 0, "未计分、未计发的人员（花名册行被拒收，改正后不加 --skip-invalid 重新运行本月）", Styles.header)
        row += 1
        for (i, h) in ["工号", "姓名", "问题代码", "花名册位置"].enumerated() { try ws.text(row, i, h, Styles.header) }
        row += 1
        for c in left {
            try ws.text(row, 0, c.id.isEmpty ? "（无工号）" : c.id, Styles.text)
            try ws.text(row, 1, c.name, Styles.text)
            try ws.text(row, 2, c.codes.joined(separator: ", "), Styles.text)
            try ws.text(row, 3, c.place, Styles.text)
            row += 1
        }
        return row
    }

    private func writeFiles(_ ws: XlsxSheet) throws(ReportError) {
        let headers = ["文件", "来源", "格式", "读取行", "采用行", "忽略行", "拒收行", "差额（读取−采用−忽略−拒收）"]
        for (i, h) in headers.enumerated() {
            try ws.text(0, i, h, Styles.header)
            try ws.columnWidth(i, i == 0 ? 20 : (i == 7 ? 16 : 10))
        }
        let files = input.summary.files
        for (k, f) in files.enumerated() {
            let row = k + 1
            try ws.text(row, 0, f.name, Styles.text)
            try ws.text(row, 1, f.source, Styles.text)
            try ws.text(row, 2, f.format, Styles.text)
            for (j, n) in [f.read, f.accepted, f.ignored, f.rejected].enumerated() { try ws.integer(row, 3 + j, n, Styles.integer) }
            let ref = { (c: Int) in XlsxSheet.reference(row, c) }
            try ws.formula(
                row, 7, "\(ref(3))-\(ref(4))-\(ref(5))-\(ref(6))", cached: Double(f.read - f.accepted - f.ignored - f.rejected), Styles.integer)
        }
        let total = files.count + 1
        let range = files.isEmpty ? nil : 1...files.count
        try ws.text(total, 0, "合计", Styles.totalLabel)
        try ws.blank(total, 1, Styles.totalLabel)
        try ws.blank(total, 2, Styles.totalLabel)
        let sums = [files.map(\.read), files.map(\.accepted), files.map(\.ignored), files.map(\.rejected)].map { $0.reduce(0, +) }
        for (j, n) in sums.enumerated() {
            try ws.formula(total, 3 + j, XlsxSheet.sum(col: 3 + j, rows: range), cached: Double(n), Styles.totalInteger)
        }
        try ws.formula(total, 7, XlsxSheet.sum(col: 7, rows: range), cached: Double(sums[0] - sums[1] - sums[2] - sums[3]), Styles.totalInteger)
        let s = input.summary
        try ws.text(total + 2, 0, "运行摘要：采用 \(s.rowsUsed) 行，忽略 \(s.rowsIgnored) 行，拒收 \(s.rowsRejected) 行")
        ws.freeze(row: 1)
    }

    private func writeRejected(_ ws: XlsxSheet) throws(ReportError) {
        let headers = ["文件", "行号", "代码", "原因", "内容"]
        let widths: [Double] = [18, 7, 14, 50, 60]
        for (i, h) in headers.enumerated() {
            try ws.text(0, i, h, Styles.header)
            try ws.columnWidth(i, widths[i])
        }
        let rows = input.rejected.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
        // In constant-memory mode a range must be set before its rows are flushed.
        if !rows.isEmpty { try ws.autofilter(firstRow: 0, firstCol: 0, lastRow: rows.count, lastCol: headers.count - 1) }
        for (k, r) in rows.enumerated() {
            try ws.text(k + 1, 0, r.file, Styles.text)
            try ws.integer(k + 1, 1, r.line, Styles.integer)
            try ws.text(k + 1, 2, r.codes.joined(separator: ", "), Styles.text)
            try ws.text(k + 1, 3, r.reasons.joined(separator: "；"), Styles.text)
            try ws.text(k + 1, 4, r.cells.joined(separator: " | "), Styles.text)
        }
        ws.freeze(row: 1)
    }

    private func writeRun(_ ws: XlsxSheet) throws(ReportError) {
        let run = input.run, s = input.summary
        try ws.columnWidth(0, 16)
        try ws.columnWidth(1, 24)
        try ws.columnWidth(2, 68)
        try ws.columnWidth(3, 10)
        let facts: [(String, String)] = [
            ("运行编号", "#\(run.id)"), ("月份", input.monthText), ("规则版本", run.rulesVersion), ("规则 SHA-256", run.rulesHash),
            ("引擎版本", run.engineVersion), ("运行时间", run.createdAt), ("县", input.settings.county), ("制表单位", input.settings.bureau),
        ]
        for (k, (label, value)) in facts.enumerated() {
            try ws.text(k, 0, label, Styles.header)
            try ws.text(k, 1, value, Styles.text)
        }
        var row = facts.count
        try ws.text(row, 0, "干部人数", Styles.header)
        try ws.integer(row, 1, s.cadres, Styles.integer)
        row += 1
        try ws.text(row, 0, "积分合计", Styles.header)
        try ws.number(row, 1, s.pointsTotal, Styles.points)
        row += 1
        let tiers = input.results.tierCounts(tierOrder: input.settings.tierOrder)
        for (tier, count) in tiers {
            try ws.text(row, 0, "等次：\(tier)", Styles.header)
            try ws.integer(row, 1, count, Styles.integer)
            row += 1
        }
        row += 1
        for (i, h) in ["输入文件", "类别", "SHA-256", "字节数"].enumerated() { try ws.text(row, i, h, Styles.header) }
        row += 1
        for f in run.inputs.sorted(by: { ($0.role, $0.name) < ($1.role, $1.name) }) {
            try ws.text(row, 0, f.name, Styles.text)
            try ws.text(row, 1, f.role == "rules" ? "规则" : (f.role == "data" ? "数据" : f.role), Styles.text)
            try ws.text(row, 2, f.sha256, Styles.digits)
            try ws.integer(row, 3, f.byteCount, Styles.integer)
            row += 1
        }
    }
}
