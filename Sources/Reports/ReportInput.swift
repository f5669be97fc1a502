import Exact
import Pay
import Results

/// Everything a report reads, with the layout facts several reports share worked out once:
/// pay line columns, communities in order, titles.
struct ReportInput: Sendable {
    var results: MonthResults
    var summary: RunSummary
    var run: ReportRun
    var rejected: [StoredRejectedRow]
    var settings: ReportSettings
    var payees: [String: Payee]
    /// 补发/补扣 the run carries, by cadre (shown under the cadre's pay slip).
    var corrections: [String: [CorrectionReport.Note]] = [:]

    /// Earning, deduction and info line names, each in order of first appearance in roster order.
    let earningNames: [String]
    let deductionNames: [String]
    let infoNames: [String]
    /// Communities in order of first appearance, each with the indices of its cadres.
    let communities: [(name: String, cadres: [Int])]
    /// Σ 应发, Σ 扣款, Σ 实发 over all cadres, summed once.
    let gross: Money
    let deductions: Money
    let net: Money
    private let lineIndex: [LineKey: Int]
    private let lineTotals: [(total: Money, lines: Int)]

    private struct LineKey: Hashable {
        var kind: PayLineResult.Kind
        var name: String
    }

    init(
        results: MonthResults, summary: RunSummary, run: ReportRun, rejected: [StoredRejectedRow],
        settings: ReportSettings, payees: [String: Payee]
    ) {
        self.results = results
        self.summary = summary
        self.run = run
        self.rejected = rejected
        self.settings = settings
        self.payees = payees
        var names: [PayLineResult.Kind: [String]] = [:]
        var lineIndex: [LineKey: Int] = [:]
        var lineTotals: [(total: Money, lines: Int)] = []
        var groups: [String: Int] = [:]
        var gross = Money.zero, deductions = Money.zero
        var communities: [(name: String, cadres: [Int])] = []
        // Cadres mostly have the same lines in the same order: the previous cadre's k-th line
        // is tried before hashing the name.
        var previous: [(kind: PayLineResult.Kind, name: String, index: Int)] = []
        for (i, c) in results.cadres.enumerated() {
            for (n, line) in c.pay.lines.enumerated() {
                switch line.kind {
                case .earning: gross = gross + line.amount
                case .deduction: deductions = deductions + line.amount
                case .info: break
                }
                if n < previous.count, previous[n].kind == line.kind, previous[n].name == line.name {
                    let k = previous[n].index
                    lineTotals[k].total = lineTotals[k].total + line.amount
                    lineTotals[k].lines += 1
                    continue
                }
                let key = LineKey(kind: line.kind, name: line.name)
                let k: Int
                if let found = lineIndex[key] {
                    k = found
                    lineTotals[k].total = lineTotals[k].total + line.amount
                    lineTotals[k].lines += 1
                } else {
                    k = lineTotals.count
                    lineIndex[key] = lineTotals.count
                    lineTotals.append((line.amount, 1))
                    names[line.kind, default: []].append(line.name)
                }
                let entry = (line.kind, line.name, k)
                if n < previous.count { previous[n] = entry } else { previous.append(entry) }
            }
            // Roster order keeps a community's cadres together, so the last group usually matches.
            if let last = communities.indices.last, communities[last].name == c.community {
                communities[last].cadres.append(i)
            } else if let g = groups[c.community] {
                communities[g].cadres.append(i)
            } else {
                groups[c.community] = communities.count
                communities.append((c.community, [i]))
            }
        }
        self.gross = gross
        self.deductions = deductions
        self.net = gross - deductions
        self.lineIndex = lineIndex
        self.lineTotals = lineTotals
        earningNames = names[.earning] ?? []
        deductionNames = names[.deduction] ?? []
        infoNames = names[.info] ?? []
        self.communities = communities
    }

    /// `cadres` (indices into `results.cadres`) as the 公示表 and 积分明细's community sheets
    /// list them: the ranked by rank (ties, which ranks in separate groups can make, in roster
    /// order), then those the rules leave out of the ranking (rank 0: joined or left this
    /// month, vetoed) in roster order.
    func rankOrder(_ cadres: [Int]) -> [Int] {
        let all = results.cadres
        return cadres.sorted { a, b in
            let x = all[a].standing.rank, y = all[b].standing.rank
            if (x == 0) != (y == 0) { return y == 0 }
            return x != y ? x < y : a < b
        }
    }

    /// What the rank column holds, by the group the rules rank in (`Standing.group`): the
    /// community (社区排名), the whole county (`按 全县`: 全县排名), or other groups such as
    /// `按 社区、考核组` (组内排名, with a 排名分组 column beside it naming the group).
    var rankColumn: (header: String, showsGroup: Bool) {
        let cadres = results.cadres
        if cadres.allSatisfy({ $0.standing.group == $0.community }) { return ("社区排名", false) }
        if cadres.allSatisfy({ $0.standing.group == "全县" }) { return ("全县排名", false) }
        return ("组内排名", true)
    }

    /// 2020年12月
    var monthText: String { "\(results.month.year)年\(results.month.month)月" }

    /// 榕江县 2020年12月 社区干部工资表
    func title(_ report: String) -> String { "\(settings.county)\(monthText)社区干部\(report)" }

    /// 运行 #12 · 规则 2020.12（3f2a9c1d）· 制表：榕江县民政局. A batch's version already ends
    /// in the hash (自 2021-01-01（3f2a9c1d）), which is then not written twice.
    var subtitle: String {
        let hash = String(run.rulesHash.prefix(8))
        let version = hash.isEmpty || run.rulesVersion.contains(hash) ? run.rulesVersion : "\(run.rulesVersion)（\(hash)）"
        return "运行 #\(run.id) · 规则 \(version)· 制表：\(settings.bureau)"
    }

    /// The page header: county, month, report and run.
    func pageHeader(_ report: String) -> String { "\(settings.county) \(monthText) \(report) 运行 #\(run.id)" }

    func properties(_ report: String) -> DocumentProperties {
        DocumentProperties(
            title: title(report), subject: "\(settings.county) \(monthText) \(report)", author: settings.bureau,
            company: settings.bureau, category: "社区干部积分考核", keywords: "jifen, \(results.month), 运行 \(run.id)",
            comments: "运行 #\(run.id)，规则 \(run.rulesVersion) sha256 \(run.rulesHash)，引擎 \(run.engineVersion)",
            created: run.createdSeconds)
    }

    func payee(_ c: CadreResult) throws(ReportError) -> Payee {
        guard let p = payees[c.cadreID] else { throw .missingPayee(cadreID: c.cadreID) }
        return p
    }

    /// The bank file's remark with the month filled in.
    var bankRemark: String { remark(settings.bankRemark) }

    /// A remark template with `{月份}` filled in.
    func remark(_ template: String) -> String { template.replacingOccurrences(of: "{月份}", with: monthText) }

    /// Sum of one pay line over all cadres, in 分, and how many lines it has.
    func lineTotal(_ name: String, kind: PayLineResult.Kind) -> (total: Money, lines: Int) {
        lineIndex[LineKey(kind: kind, name: name)].map { lineTotals[$0] } ?? (.zero, 0)
    }
}

/// The styles reports share.
enum Styles {
    static let title = CellStyle(bold: true, fontSize: 16)
    static let subtitle = CellStyle(fontSize: 10)
    static let header = CellStyle(bold: true, align: .center, wrap: true, border: true, fill: 0xDDEBF7)
    static let text = CellStyle(border: true)
    /// Text kept as text when edited (ID numbers, accounts).
    static let digits = CellStyle(numberFormat: "@", border: true)
    static let integer = CellStyle(numberFormat: "0", border: true)
    static let money = CellStyle(numberFormat: "#,##0.00", border: true)
    static let points = CellStyle(numberFormat: "0.00", border: true)
    static let percent = CellStyle(numberFormat: "0.0%", border: true)
    static let totalLabel = CellStyle(bold: true, border: true, topBorder: true)
    static let totalMoney = CellStyle(numberFormat: "#,##0.00", bold: true, border: true, topBorder: true)
    static let totalInteger = CellStyle(numberFormat: "0", bold: true, border: true, topBorder: true)
    static let totalPoints = CellStyle(numberFormat: "0.00", bold: true, border: true, topBorder: true)
    static let note = CellStyle(wrap: true)
}
