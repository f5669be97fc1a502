import Diagnostics
import Exact
import Records
import Results

/// A test case of the annual article in a `.jifen-test` file: the months are given as the
/// month results they came to, one row per cadre and month, in a block `记录 月度结果`:
///
/// ```
/// 测试 年度优秀名额 {
///   记录 花名册 {                       （可省略：没有写出的人按 测试社区、网格员 补齐）
///     工号   社区
///     FM001  富民
///   }
///   记录 月度结果 {
///     工号   月份     得分  等次  排名  一票否决  绩效工资
///     FM001  2021-01  95    优秀  1     否        1000
///   }
///   期望 FM001 { 年度得分 = 95 分；年度等次 = 优秀；年度排名 = 1；在岗月数 = 1；年终绩效奖 = 750 元 }
/// }
/// ```
///
/// Columns of 月度结果: 工号 and 月份 (required), 得分, 等次, 排名 (空 or 0: not ranked),
/// 一票否决 (否 / 空, 是, or the names of the vetoes that applied, separated by 、), then any
/// 积分项 (points) or monthly pay line (yuan) the annual article reads. Expectations:
/// 得分 or 年度得分, 等次 or 年度等次, 排名 or 年度排名, 在岗月数, and the annual pay lines.
public enum YearTestCase {
    public static let monthsSource = "月度结果"

    public struct Failure: Sendable, Hashable {
        public var site: Site
        public var message: Localized
    }

    /// Whether the test gives month results (a year test) rather than records of a month.
    public static func isYearTest(_ t: TestCaseDeclaration) -> Bool {
        t.clauses.contains { if case .records(let r) = $0 { r.source.name == monthsSource } else { false } }
    }

    /// What a year test ran: the checks made, what failed (each at its test line), and the
    /// table rows (`表名#行`) and bracket rows the annual article used, for `jifen test --coverage`.
    public struct Outcome: Sendable {
        public var checks = 0
        public var failures: [Failure] = []
        public var tableRows: Set<String> = []
    }

    public static func run(_ t: TestCaseDeclaration, rules: CheckedRules, path: String) -> Outcome {
        let (checks, failures, rows) = runChecks(t, rules: rules, path: path)
        return Outcome(checks: checks, failures: failures, tableRows: rows)
    }

    static func runChecks(_ t: TestCaseDeclaration, rules: CheckedRules, path: String) -> (Int, [Failure], Set<String>) {
        var failures: [Failure] = []
        func fail(_ span: Span, _ zh: String, _ en: String) { failures.append(Failure(site: Site(path, span), message: Localized(zh: zh, en: en))) }
        var rules = rules
        for case .parameter(let p) in t.clauses {
            // A parameter given in a test holds for that test only.
            guard let value = p.values.first?.value, let (v, _) = Checker.constant(value) else { continue }
            if var existing = rules.parameters[p.name.name] {
                existing.values = [(since: nil, value: v)]
                rules.parameters[p.name.name] = existing
            } else {
                fail(p.name.span, "规则中没有参数“\(p.name.name)”", "the rules have no parameter '\(p.name.name)'")
            }
        }
        guard rules.hasYearAssessment else {
            fail(t.name.span, "规则里没有年度考核，不能运行给出月度结果的测试", "the rules have no 年度考核")
            return (0, failures, [])
        }
        var rosterBlock: RecordsBlock?
        var monthsBlock: RecordsBlock?
        for case .records(let r) in t.clauses {
            if r.source.name == monthsSource { monthsBlock = r } else if rules.rosterSource.map({ rules.sources[$0].name == r.source.name }) == true || r.source.name == "花名册" {
                rosterBlock = r
            } else {
                fail(r.source.span, "年度测试只能给出“花名册”和“月度结果”", "a year test gives only 花名册 and 月度结果")
            }
        }
        guard let monthsBlock else { return (0, failures, []) }
        let header = monthsBlock.header.map(\.text)
        guard let idColumn = header.firstIndex(of: "工号"), let monthColumn = header.firstIndex(of: "月份") else {
            fail(monthsBlock.source.span, "“月度结果”要有“工号”和“月份”两列", "月度结果 needs the columns 工号 and 月份")
            return (0, failures, [])
        }
        let needs = rules.yearInputNeeds(year: 0)
        let payLines = needs.payLines.map { name in MonthPayLineName(name: name, kind: .earning) }
        func blank(_ s: String) -> Bool { ["空", "none", "“”", "\"\""].contains(s) }
        // Cadres in the order they first appear (roster block first).
        var order: [String] = []
        var rosterRows: [String: [String: String]] = [:]
        if let r = rosterBlock {
            let h = r.header.map(\.text)
            for row in r.rows {
                var fields: [String: String] = [:]
                for (i, c) in row.enumerated() where i < h.count && !blank(c.text) { fields[h[i]] = c.text }
                guard let id = fields["工号"] else { continue }
                if !order.contains(id) { order.append(id) }
                rosterRows[id] = fields
            }
        }
        var monthsOf: [String: [MonthOfCadre]] = [:]
        var year: Int?
        for row in monthsBlock.rows {
            func cell(_ name: String) -> Cell? { header.firstIndex(of: name).flatMap { $0 < row.count ? row[$0] : nil } }
            let id = row[idColumn].text
            guard let month = YearMonth(row[monthColumn].text) else {
                fail(row[monthColumn].span, "月份“\(row[monthColumn].text)”应写成 2021-01", "month '\(row[monthColumn].text)' must read 2021-01")
                continue
            }
            if year == nil { year = month.year }
            if month.year != year {
                fail(row[monthColumn].span, "月度结果的月份不在同一年：\(month) 与 \(year!)", "months of different years")
                continue
            }
            var score = Fixed.zero
            if let c = cell("得分"), !blank(c.text) {
                guard let v = Fixed(c.text) else { fail(c.span, "得分“\(c.text)”不是数", "score '\(c.text)' is not a number"); continue }
                score = v
            }
            let tier = cell("等次").map(\.text).flatMap { blank($0) ? nil : $0 } ?? ""
            let rank = cell("排名").flatMap { Int($0.text) } ?? 0
            var vetoes: [String] = []
            if let c = cell("一票否决"), !blank(c.text), c.text != "否" {
                vetoes = c.text == "是" ? ["一票否决"] : c.text.split(separator: "、").map(String.init)
            }
            func amount(_ name: String) -> Fixed {
                guard let c = cell(name), !blank(c.text) else { return .zero }
                guard let v = Fixed(c.text) else {
                    fail(c.span, "“\(name)”的值“\(c.text)”不是数", "'\(c.text)' is not a number")
                    return .zero
                }
                return v
            }
            let items = needs.items.map { amount($0) }
            let pay = payLines.map { Money(amount($0.name), .halfUp) ?? .zero }
            if !order.contains(id) { order.append(id) }
            monthsOf[id, default: []].append(MonthOfCadre(month: month, score: score, tier: tier, rank: rank, vetoes: vetoes, items: items, pay: pay))
        }
        for h in monthsBlock.header where !["工号", "月份", "得分", "等次", "排名", "一票否决"].contains(h.text)
            && !needs.items.contains(h.text) && !needs.payLines.contains(h.text) {
            fail(h.span, "年度考核没有用到“\(h.text)”（可写的列：得分、等次、排名、一票否决，和年度考核读到的积分项、工资项目：\((needs.items + needs.payLines).joined(separator: "、"))）",
                 "the annual article does not read '\(h.text)'")
        }
        guard let year else { return (0, failures, []) }
        let cadres = order.enumerated().map { i, id -> Cadre in
            let f = rosterRows[id] ?? [:]
            let known: Set<String> = ["工号", "姓名", "社区", "网格", "岗位", "岗位等级", "入职日期", "离职日期"]
            return Cadre(id: id, name: f["姓名"] ?? "测试\(i + 1)", idNumber: "", community: f["社区"] ?? "测试社区", grid: f["网格"],
                         post: f["岗位"] ?? "网格员", level: f["岗位等级"].flatMap { Int($0) } ?? 1,
                         hiredOn: f["入职日期"].flatMap { DateParser.parse($0) } ?? CivilDate(year: 2015, month: 1, day: 1)!,
                         leftOn: f["离职日期"].flatMap { DateParser.parse($0) }, bankAccount: "",
                         origin: RowOrigin(path: path, line: 0), extra: f.filter { !known.contains($0.key) })
        }
        let input = YearInput(
            year: year, months: (1...12).map { YearMonthRun(month: YearMonth(year: year, month: $0)!, runID: 0, closed: true) },
            roster: Roster(cadres), itemNames: needs.items, payLines: payLines,
            cadres: order.map { CadreYear(months: (monthsOf[$0] ?? []).sorted { $0.month < $1.month }, yearEnd: nil) })
        let results: YearResults
        switch rules.assessYear(input) {
        case .success(let r): results = r
        case .failure(let f):
            fail(t.name.span, "年度考核算不出来：" + f.diagnostics.map(\.summary.zh).joined(separator: "；"), "the year cannot be assessed")
            return (0, failures, [])
        }
        // Coverage: the rows of tables by 年度等次 the annual pay lines read, and the rows of the
        // bracket tables met in the bonus taxes (both methods, taken or not).
        var rows: Set<String> = []
        var tables: [String] = []
        for l in rules.year?.payLines ?? [] {
            l.expression.walk { if case .lookup(let name, _, _) = $0 { tables.append(name) } }
        }
        for r in results.cadres {
            for name in tables {
                guard let table = rules.lookups[name]?.first, table.byTier else { continue }
                if let i = table.rows.firstIndex(where: { $0.key == .text(r.standing.tier) }) ?? table.rows.firstIndex(where: { $0.key == nil }) {
                    rows.insert("\(name)#\(i)")
                }
            }
            for c in r.bonusTax {
                for trace in [c.separateTrace, c.mergedTrace].compactMap({ $0 }) {
                    for step in trace.steps {
                        for note in step.notes { if case .bracket(let table, let row, _, _) = note { rows.insert("\(table.zh)#\(row)") } }
                    }
                }
            }
        }
        var checks = 0
        for case .expect(let e) in t.clauses {
            guard let r = results.cadres.first(where: { $0.cadreID == e.cadre.text }) else {
                fail(e.cadre.span, "结果中没有 \(e.cadre.text)", "no result for \(e.cadre.text)")
                continue
            }
            for check in e.checks {
                checks += 1
                if let (zh, en) = verify(check, r) { fail(check.span, zh, en) }
            }
        }
        return (checks, failures, rows)
    }

    static func verify(_ check: ExpectedValue, _ r: CadreYearResult) -> (String, String)? {
        func mismatch(_ what: String, _ expected: String, _ actual: String) -> (String, String) {
            ("\(r.cadreID) 的\(what)：期望 \(expected)，实际 \(actual)", "\(r.cadreID) \(what): expected \(expected), got \(actual)")
        }
        var target = check.target
        if case .name(let id) = target {
            switch id.name {
            case "年度得分": target = .score
            case "年度等次": target = .tier
            case "年度排名": target = .rank
            default: break
            }
        }
        switch target {
        case .score:
            if case .none = check.value.kind { return r.score == nil ? nil : mismatch("年度得分", "空", r.score!.description) }
            guard let v = number(check.value) else { return nil }
            return r.score == v ? nil : mismatch("年度得分", v.shortDescription, r.score?.description ?? "空")
        case .tier:
            var expected = ""
            switch check.value.kind {
            case .name(let id): expected = id.name
            case .string(let s): expected = s
            default: break
            }
            return r.standing.tier == expected ? nil : mismatch("年度等次", expected, r.standing.tier)
        case .rank:
            func shown(_ rank: Int) -> String { rank == 0 ? "空（不参加排名）" : "第 \(rank) 名" }
            var expected = 0
            if case .none = check.value.kind {} else if let v = number(check.value), let n = v.wholeValue { expected = Int(n) }
            return r.standing.rank == expected ? nil : mismatch("年度排名", shown(expected), shown(r.standing.rank))
        case .name(let id):
            guard let v = number(check.value) else { return nil }
            if id.name == YearWords.monthsInPost {
                return Fixed(r.monthsInPost) == v ? nil : mismatch("在岗月数", v.shortDescription, String(r.monthsInPost))
            }
            if let line = r.pay.lines.first(where: { $0.name == id.name }) {
                return line.amount.fixed == v ? nil : mismatch("“\(id.name)”", v.shortDescription + " 元", line.amount.description + " 元")
            }
            if let tax = r.bonusTax.first(where: { "\(BonusTaxDeclaration.taxCallWord)（\($0.line)）" == id.name }) {
                return tax.tax.fixed == v ? nil : mismatch("“\(id.name)”", v.shortDescription + " 元", tax.tax.description + " 元")
            }
            return ("没有名为“\(id.name)”的年度工资项目（可期望：年度得分、年度等次、年度排名、在岗月数和年度工资项目）", "no annual pay line named '\(id.name)'")
        }
    }

    static func number(_ e: Expression) -> Fixed? {
        switch e.kind {
        case .number(let n, let unit): return Checker.literal(n, unit).0
        case .unary(.negate, let x): return number(x)?.negated()
        case .parenthesized(let x): return number(x)
        case .none: return .zero
        default: return nil
        }
    }
}
