import Exact
import Pay
import Results

/// Everything an annual report reads, with the layout facts several reports share worked
/// out once: annual pay line columns, bonus lines, communities in order, titles.
struct YearReportInput: Sendable {
    var results: YearResults
    var run: YearReportRun
    var settings: ReportSettings
    var payees: [String: Payee]

    /// Annual earning and deduction line names, each in order of first appearance.
    let earningNames: [String]
    let deductionNames: [String]
    /// The bonus lines taxed as 全年一次性奖金, in order of first appearance.
    let bonusLines: [String]
    /// Communities in order of first appearance, each with the indices of its cadres.
    let communities: [(name: String, cadres: [Int])]
    /// The tiers for columns and counts: the results' order, then any other tier met.
    let tiers: [String]
    let gross: Money
    let deductions: Money
    let net: Money

    init(results: YearResults, run: YearReportRun, settings: ReportSettings, payees: [String: Payee]) {
        self.results = results
        self.run = run
        self.settings = settings
        self.payees = payees
        var earnings: [String] = [], deductions: [String] = [], bonus: [String] = [], tiers = results.tierOrder
        var seen: Set<String> = [], seenBonus: Set<String> = []
        var communities: [(name: String, cadres: [Int])] = [], groups: [String: Int] = [:]
        for (i, c) in results.cadres.enumerated() {
            for line in c.pay.lines where line.kind != .info && seen.insert("\(line.kind.rawValue)/\(line.name)").inserted {
                if line.kind == .earning { earnings.append(line.name) } else { deductions.append(line.name) }
            }
            for b in c.bonusTax where seenBonus.insert(b.line).inserted { bonus.append(b.line) }
            if !tiers.contains(c.standing.tier) { tiers.append(c.standing.tier) }
            if let g = groups[c.community] {
                communities[g].cadres.append(i)
            } else {
                groups[c.community] = communities.count
                communities.append((c.community, [i]))
            }
        }
        earningNames = earnings
        deductionNames = deductions
        bonusLines = bonus
        self.communities = communities
        self.tiers = tiers
        let t = results.totals
        gross = t.gross
        self.deductions = t.deductions
        net = t.net
    }

    /// 2021年度
    var yearText: String { "\(results.year)年度" }

    /// 榕江县2021年度社区干部年终奖发放表
    func title(_ report: String) -> String { "\(settings.county)\(yearText)社区干部\(report)" }

    /// 年度运行 #3（草稿）· 规则 2021.1（3f2a9c1d）· 制表：榕江县民政局
    var subtitle: String {
        let hash = String(run.rulesHash.prefix(8))
        let version: String
        if run.rulesVersion.isEmpty {
            version = hash
        } else {
            version = hash.isEmpty || run.rulesVersion.contains(hash) ? run.rulesVersion : "\(run.rulesVersion)（\(hash)）"
        }
        return "年度运行 #\(run.id)（\(run.state.label)）· 规则 \(version) · 制表：\(settings.bureau)" + monthsCaveat
    }

    /// For a year run with `--draft`: the months read before they were closed and the months
    /// with no stored run (` · 未关账：12月 · 无结果：11月`); empty when all twelve were closed.
    var monthsCaveat: String {
        let open = results.months.filter { !$0.closed }.map { "\($0.month.month)月" }
        let read = Set(results.months.map(\.month))
        let missing = monthsOfYear.filter { !read.contains($0) }.map { "\($0.month)月" }
        return (open.isEmpty ? "" : " · 未关账：" + open.joined(separator: "、")) + (missing.isEmpty ? "" : " · 无结果：" + missing.joined(separator: "、"))
    }

    /// The page header: county, year, report and run.
    func pageHeader(_ report: String) -> String { "\(settings.county) \(yearText) \(report) 年度运行 #\(run.id)" }

    func properties(_ report: String) -> DocumentProperties {
        DocumentProperties(
            title: title(report), subject: "\(settings.county) \(yearText) \(report)", author: settings.bureau,
            company: settings.bureau, category: "社区干部年度考核", keywords: "jifen, \(results.year), 年度运行 \(run.id), \(run.state.label)",
            comments: "年度运行 #\(run.id)（\(run.state.label)），规则 \(run.rulesVersion) sha256 \(run.rulesHash)，引擎 \(run.engineVersion)",
            created: run.createdSeconds)
    }

    func payee(_ c: CadreYearResult) throws(ReportError) -> Payee {
        guard let p = payees[c.cadreID] else { throw .missingPayee(cadreID: c.cadreID) }
        return p
    }

    /// A remark template with `{月份}` filled in with the year (2021年度).
    func remark(_ template: String) -> String { template.replacingOccurrences(of: "{月份}", with: yearText) }

    /// Σ of an annual pay line over all cadres.
    func lineTotal(_ name: String, kind: PayLineResult.Kind) -> Money {
        var sum = Money.zero
        for c in results.cadres {
            for l in c.pay.lines where l.kind == kind && l.name == name { sum = sum + l.amount }
        }
        return sum
    }

    /// The amount of an annual line of a kind, nil when the cadre does not have it.
    static func amount(_ c: CadreYearResult, _ name: String, _ kind: PayLineResult.Kind) -> Money? {
        var found: Money?
        for l in c.pay.lines where l.kind == kind && l.name == name { found = (found ?? .zero) + l.amount }
        return found
    }

    /// The months of the year, January to December.
    var monthsOfYear: [YearMonth] { (1...12).map { YearMonth(year: results.year, month: $0)! } }

    /// Rank for sorting: unranked (0) last.
    static func rankKey(_ c: CadreYearResult) -> Int { c.standing.rank > 0 ? c.standing.rank : Int.max }

    /// The annual score as text for cells that are not numbers.
    static func method(_ m: BonusTaxChoice.Method) -> String { m == .separate ? "单独计税" : "并入综合所得" }
}
