import Diagnostics
import Exact
import Foundation
import Records
import Results
import RulesLanguage
import Store

/// Runs the bureau's test cases (`*.jifen-test`): each holds its records as a small month's
/// files in memory (never written out), runs the real validation and scoring, and compares
/// what it expects.
public struct RulesTestRunner {
    public var rules: CheckedRules
    public var project: RulesProject

    public init(rules: CheckedRules, project: RulesProject) {
        self.rules = rules
        self.project = project
    }

    public struct Failure: Sendable, Hashable {
        public var site: Site
        public var message: Localized
    }

    public struct CaseResult: Sendable {
        public var name: String
        public var path: String
        public var failures: [Failure]
        public var checks: Int
        public var passed: Bool { failures.isEmpty }
    }

    public struct Report: Sendable {
        public var cases: [CaseResult]
        public var coverage: Coverage
    }

    /// What the tests exercised; `uncovered` lists what none did.
    public struct Coverage: Sendable {
        public var items: Set<String> = []
        public var tiers: Set<String> = []
        public var payLines: Set<String> = []
        public var tableRows: Set<String> = []
        public var vetoes: Set<String> = []

        public func uncovered(_ rules: CheckedRules) -> [(kind: Localized, name: String)] {
            var out: [(Localized, String)] = []
            for name in Self.unique(rules.items.map(\.name)) where !items.contains(name) {
                out.append((Localized(zh: "积分项", en: "item"), name))
            }
            for v in Self.unique(rules.vetoes.map(\.name)) where !vetoes.contains(v) { out.append((Localized(zh: "一票否决", en: "veto"), v)) }
            for t in rules.tierOrder where !tiers.contains(t) { out.append((Localized(zh: "等次", en: "tier"), t)) }
            for (name, versions) in rules.lookups.sorted(by: { $0.key < $1.key }) {
                for (i, row) in (versions.first?.rows ?? []).enumerated() where !tableRows.contains("\(name)#\(i)") {
                    out.append((Localized(zh: "对照表行", en: "table row"), "\(name)：\(Self.keyText(row.key))"))
                }
            }
            for (name, versions) in rules.brackets.sorted(by: { $0.key < $1.key }) {
                for i in (versions.first?.table.rows ?? []).indices where !tableRows.contains("\(name)#\(i)") {
                    out.append((Localized(zh: "累进表档次", en: "bracket"), "\(name)：第 \(i + 1) 档"))
                }
            }
            for line in Self.unique(rules.payLines.map(\.name)) where !payLines.contains(line) {
                out.append((Localized(zh: "工资项目", en: "pay line"), line))
            }
            return out
        }

        static func unique(_ names: [String]) -> [String] {
            var seen: Set<String> = []
            return names.filter { seen.insert($0).inserted }
        }

        static func keyText(_ k: CheckedLookup.Key?) -> String {
            switch k {
            case .number(let n)?: n.shortDescription
            case .text(let s)?: s
            case nil: "其余"
            }
        }
    }

    public func run() -> Report {
        var cases: [CaseResult] = []
        var coverage = Coverage()
        for file in project.testFiles {
            for case .test(let t) in file.declarations {
                cases.append(runCase(t, path: file.path, coverage: &coverage))
            }
        }
        return Report(cases: cases, coverage: coverage)
    }

    func runCase(_ t: TestCaseDeclaration, path: String, coverage: inout Coverage) -> CaseResult {
        // A test that gives month results (`记录 月度结果`) tests the annual article.
        if YearTestCase.isYearTest(t) {
            let outcome = YearTestCase.run(t, rules: rules, path: path)
            coverage.tableRows.formUnion(outcome.tableRows)
            return CaseResult(name: t.name.name, path: path, failures: outcome.failures.map { Failure(site: $0.site, message: $0.message) },
                              checks: outcome.checks)
        }
        var failures: [Failure] = []
        var month = YearMonth(year: 2020, month: 12)!
        var checked = rules
        for clause in t.clauses {
            switch clause {
            case .month(let m, _): month = m
            case .parameter(let p):
                // A parameter given in a test holds for that test only.
                if let value = p.values.first?.value, let (v, _) = Checker.constant(value) {
                    if var existing = checked.parameters[p.name.name] {
                        existing.values = [(since: nil, value: v)]
                        checked.parameters[p.name.name] = existing
                    } else {
                        failures.append(Failure(site: Site(path, p.name.span), message: Localized(zh: "规则中没有参数“\(p.name.name)”", en: "the rules have no parameter '\(p.name.name)'")))
                    }
                }
            default: break
            }
        }
        // The test's records as the month's files, held in memory (a later block of a source
        // replaces an earlier one, as a file of the same name would).
        let folder = month.description
        var files: [String: InputSet.File] = [:]
        var blocks: [String: RecordsBlock] = [:]
        var evaluation = MonthEvaluation(rules: checked, month: month)
        for case .records(let block) in t.clauses {
            // `记录 上年 { 工号 任职月数 收入 … }`: the previous year's year-end figures the batch
            // reads from the store (上年任职月数, 上年累计（收入）), given by the test.
            if block.source.name == Self.previousYearBlock {
                failures += Self.previousYear(block, path: path, into: &evaluation.previousYear)
                continue
            }
            // `记录 上年年度考核 { 工号 年终绩效奖 年终奖个税 … }`: the previous year's closed annual pay
            // lines (上年年度（…）), given by the test.
            if block.source.name == Self.previousYearAnnualBlock {
                let (annual, problems) = Self.previousYearAnnual(block, path: path, year: month.year - 1)
                evaluation.previousYearAnnual = annual
                failures += problems
                continue
            }
            guard let schema = evaluation.schemas.first(where: { $0.name == block.source.name }) else {
                failures.append(Failure(site: Site(path, block.source.span), message: Localized(zh: "没有数据源“\(block.source.name)”", en: "no source '\(block.source.name)'")))
                continue
            }
            let path = folder + "/" + (schema.fileStems.first ?? schema.name) + ".csv"
            files[path] = InputSet.File(path: path, bytes: Array(Self.csv(block, schema: schema).utf8))
            blocks[path] = block
        }
        let outcome = evaluation.run(inputs: InputSet(folder: folder, files: files.keys.sorted().map { files[$0]! }))
        guard let results = outcome.results else {
            // A problem in a record row points at that row of the .jifen-test file (the cell
            // when it names a column); the others are listed at the test's name.
            var unplaced: [Diagnostic] = []
            for d in outcome.diagnostics.filter(\.isError).prefix(5) {
                if let cell = Self.cell(of: d.location, in: blocks) {
                    // The value is shown unless the problem's words already show it.
                    let zh = d.summary.zh.contains(cell.text) ? "" : "（“\(cell.text)”）"
                    let en = d.summary.en.contains(cell.text) ? "" : " ('\(cell.text)')"
                    failures.append(Failure(site: Site(path, cell.span), message: Localized(
                        zh: "测试记录有错误（\(d.code)）：\(d.summary.zh)\(zh)", en: "the test's record has an error (\(d.code)): \(d.summary.en)\(en)")))
                } else {
                    unplaced.append(d)
                }
            }
            if !unplaced.isEmpty {
                let renderer = DiagnosticRenderer(language: .zh)
                let text = unplaced.map { renderer.header($0) }.joined(separator: "\n")
                let en = DiagnosticRenderer(language: .en)
                let textEN = unplaced.map { en.header($0) }.joined(separator: "\n")
                failures.append(Failure(site: Site(path, t.name.span), message: Localized(zh: "测试记录有错误：\n\(text)", en: "the test's records have errors:\n\(textEN)")))
            }
            return CaseResult(name: t.name.name, path: path, failures: failures, checks: 0)
        }
        record(results, into: &coverage)
        var checks = 0
        for case .expect(let e) in t.clauses {
            let id = e.cadre.text
            guard let r = results.cadres.first(where: { $0.cadreID == id }) else {
                failures.append(Failure(site: Site(path, e.cadre.span), message: Localized(zh: "结果中没有 \(id)", en: "no result for \(id)")))
                continue
            }
            for check in e.checks {
                checks += 1
                if let f = verify(check, r, path: path) { failures.append(f) }
            }
        }
        return CaseResult(name: t.name.name, path: path, failures: failures, checks: checks)
    }

    /// The name of the records block that gives the previous year's closed annual pay lines.
    static let previousYearAnnualBlock = "上年年度考核"

    /// Reads a `记录 上年年度考核` block: a 工号 column and one column per annual pay line of the
    /// previous year's closed year run (in 元), what 上年年度（…） reads.
    static func previousYearAnnual(_ block: RecordsBlock, path: String, year: Int) -> (ClosedYearPay, [Failure]) {
        var failures: [Failure] = []
        var out = ClosedYearPay(year: year, yearRunID: 0, byCadre: [:])
        let names = block.header.map(\.text)
        guard let idColumn = names.firstIndex(of: "工号") else {
            return (out, [Failure(site: Site(path, block.source.span), message: Localized(
                zh: "“记录 上年年度考核”需要“工号”列（另有上一年各年度工资项目的金额）",
                en: "'记录 上年年度考核' needs a 工号 column (and the previous year's annual pay lines)"))])
        }
        for row in block.rows where row.count == names.count {
            var lines: [String: Money] = [:]
            for (k, cell) in row.enumerated() where k != idColumn {
                if let amount = Money(cell.text.replacingOccurrences(of: "元", with: "").trimmingCharacters(in: .whitespaces)) {
                    lines[names[k]] = amount
                } else {
                    failures.append(Failure(site: Site(path, cell.span), message: Localized(
                        zh: "“\(names[k])”应为金额（“\(cell.text)”）", en: "'\(names[k])' must be an amount ('\(cell.text)')")))
                }
            }
            out.byCadre[row[idColumn].text] = lines
        }
        return (out, failures)
    }

    /// The name of the records block that gives the previous year's figures.
    static let previousYearBlock = "上年"

    /// Reads a `记录 上年` block: a 工号 column, a 任职月数 column (months employed by this
    /// payer in the previous year) and one column per pay line (its total that year, in 元).
    static func previousYear(_ block: RecordsBlock, path: String, into out: inout [String: YearToDate]) -> [Failure] {
        var failures: [Failure] = []
        let names = block.header.map(\.text)
        guard let idColumn = names.firstIndex(of: "工号") else {
            return [Failure(site: Site(path, block.source.span), message: Localized(
                zh: "“记录 上年”需要“工号”列（另有“任职月数”和各工资项目的上年累计）",
                en: "'记录 上年' needs a 工号 column (and 任职月数 and the pay lines' totals of the previous year)"))]
        }
        for row in block.rows where row.count == names.count {
            var ytd = YearToDate()
            for (k, cell) in row.enumerated() where k != idColumn {
                if names[k] == "任职月数" {
                    guard let n = Int(cell.text), (0...12).contains(n) else {
                        failures.append(Failure(site: Site(path, cell.span), message: Localized(
                            zh: "任职月数应为 0 至 12 的整数（“\(cell.text)”）", en: "任职月数 must be a whole number 0–12 ('\(cell.text)')")))
                        continue
                    }
                    ytd.months = n
                } else if let amount = Money(cell.text.replacingOccurrences(of: "元", with: "").trimmingCharacters(in: .whitespaces)) {
                    ytd.totals[names[k]] = amount
                } else {
                    failures.append(Failure(site: Site(path, cell.span), message: Localized(
                        zh: "“\(names[k])”应为金额（“\(cell.text)”）", en: "'\(names[k])' must be an amount ('\(cell.text)')")))
                }
            }
            out[row[idColumn].text] = ytd
        }
        return failures
    }

    /// The cell of a test's records block a problem points at: line 1 of a file is the
    /// block's header, line 2 its first row; the column when the problem names one the block
    /// has (filled-in roster columns do not), else the row's first cell.
    static func cell(of location: Location, in blocks: [String: RecordsBlock]) -> Cell? {
        guard case .row(let file, let line, let column, _) = location, let block = blocks[file] else { return nil }
        if line == 1 { return column.flatMap { $0 >= 1 && $0 <= block.header.count ? block.header[$0 - 1] : nil } ?? block.header.first }
        guard line >= 2, line - 2 < block.rows.count else { return nil }
        let row = block.rows[line - 2]
        return column.flatMap { $0 >= 1 && $0 <= row.count ? row[$0 - 1] : nil } ?? row.first
    }

    func verify(_ check: ExpectedValue, _ r: CadreResult, path: String) -> Failure? {
        let site = Site(path, check.span)
        func fail(_ what: String, _ expected: String, _ actual: String) -> Failure {
            Failure(site: site, message: Localized(zh: "\(r.cadreID) 的\(what)：期望 \(expected)，实际 \(actual)", en: "\(r.cadreID) \(what): expected \(expected), got \(actual)"))
        }
        switch check.target {
        case .score:
            guard let v = Self.number(check.value) else { return nil }
            return r.score.total == v ? nil : fail("得分", v.shortDescription, r.score.total.shortDescription)
        case .tier:
            let expected = Self.word(check.value)
            return r.standing.tier == expected ? nil : fail("等次", expected, r.standing.tier)
        case .rank:
            // A cadre the rules leave out of the ranking (排名不含) has no rank: `排名 = 空`.
            func shown(_ rank: Int) -> String { rank == 0 ? "空（不参加排名）" : "第 \(rank) 名" }
            let expected: Int
            if case .none = check.value.kind { expected = 0 } else {
                guard let v = Self.number(check.value), let n = Int(v.shortDescription), n >= 1 else {
                    return Failure(site: site, message: Localized(zh: "排名应写成正整数（如 排名 = 1）或 空", en: "a rank is a positive whole number (排名 = 1) or 空"))
                }
                expected = n
            }
            return r.standing.rank == expected ? nil : fail("排名", shown(expected), shown(r.standing.rank))
        case .name(let id):
            guard let v = Self.number(check.value) else { return nil }
            if let line = r.score.lines.first(where: { $0.name == id.name }) {
                let actual = line.kind == .deduction ? line.points.negated() : line.points
                return actual == v ? nil : fail("“\(id.name)”", v.shortDescription + " 分", actual.shortDescription + " 分")
            }
            if let pay = r.pay.lines.first(where: { $0.name == id.name }) {
                return pay.amount.fixed == v ? nil : fail("“\(id.name)”", v.shortDescription + " 元", pay.amount.description + " 元")
            }
            return Failure(site: site, message: Localized(zh: "没有名为“\(id.name)”的积分项或工资项目", en: "no item or pay line named '\(id.name)'"))
        }
    }

    func record(_ results: MonthResults, into c: inout Coverage) {
        for r in results.cadres {
            for line in r.score.lines where !line.records.isEmpty || !line.raw.isZero { c.items.insert(line.name) }
            c.tiers.insert(r.standing.tier)
            for reason in r.standing.reasons { if case .veto(let name, _, _, _) = reason { c.vetoes.insert(name) } }
            for line in r.pay.lines where line.amount != .zero { c.payLines.insert(line.name) }
            for line in r.pay.lines {
                for step in line.trace.steps {
                    for note in step.notes {
                        if case .bracket(let table, let row, _, _) = note { c.tableRows.insert("\(table.zh)#\(row)") }
                    }
                }
                // Lookup rows: the value a table gave is in the formula's inputs.
                c.tableRows.formUnion(lookupRows(line))
                // A table by 等次 gave the row of the cadre's tier (or its 其余 row).
                if let decl = rules.payLines.first(where: { $0.name == line.name }) {
                    var calls: [(String, String)] = []
                    Self.lookups(decl.expression, into: &calls)
                    for (table, key) in calls where key == "等次" {
                        guard let rows = rules.lookups[table]?.first?.rows else { continue }
                        if let i = rows.firstIndex(where: { $0.key == .text(r.standing.tier) }) ?? rows.firstIndex(where: { $0.key == nil }) {
                            c.tableRows.insert("\(table)#\(i)")
                        }
                    }
                }
            }
        }
    }

    /// The rows of lookup tables a pay line read, found from its inputs (the key's value).
    func lookupRows(_ line: PayLineResult) -> Set<String> {
        var out: Set<String> = []
        guard let decl = rules.payLines.first(where: { $0.name == line.name }) else { return out }
        var calls: [(String, String)] = []
        Self.lookups(decl.expression, into: &calls)
        for (table, keyName) in calls {
            guard let rows = rules.lookups[table]?.first?.rows else { continue }
            let input = line.trace.steps.last?.inputs.first { $0.name.zh == keyName }
            guard case .count(let n)? = input?.value else {
                if case .number(let f)? = input?.value, let i = rows.firstIndex(where: { $0.key == .number(f) }) { out.insert("\(table)#\(i)") }
                continue
            }
            if let i = rows.firstIndex(where: { $0.key == .number(Fixed(n)) }) { out.insert("\(table)#\(i)") } else if let i = rows.firstIndex(where: { $0.key == nil }) {
                out.insert("\(table)#\(i)")
            }
        }
        return out
    }

    static func lookups(_ e: TExpr, into out: inout [(String, String)]) {
        switch e {
        case .lookup(let name, let key, _):
            switch key {
            case .rosterField(let k, _), .parameter(let k, _), .payLine(let k, _), .item(let k): out.append((name, k))
            case .tier: out.append((name, "等次"))
            default: break
            }
        case .arithmetic(_, let a, let b, _):
            lookups(a, into: &out)
            lookups(b, into: &out)
        case .conditional(_, let a, let b, _):
            lookups(a, into: &out)
            lookups(b, into: &out)
        default: break
        }
    }

    static func number(_ e: RulesLanguage.Expression) -> Fixed? {
        switch e.kind {
        case .number(let n, let unit): return Checker.literal(n, unit).0
        case .unary(.negate, let x): return number(x)?.negated()
        case .parenthesized(let x): return number(x)
        default: return nil
        }
    }

    static func word(_ e: RulesLanguage.Expression) -> String {
        switch e.kind {
        case .name(let id): return id.name
        case .string(let s): return s
        default: return ""
        }
    }

    /// The block as CSV, with the roster's fixed core filled in where a test leaves it out
    /// (a valid ID number and account per row), so tests need write only what they are about.
    static func csv(_ block: RecordsBlock, schema: SourceSchema) -> String {
        var header = block.header.map(\.text)
        var rows = block.rows.map { $0.map { blank($0.text) ? "" : $0.text } }
        if schema.role == .roster {
            let fillers: [(String, (Int) -> String)] = [
                ("姓名", { "测试\($0 + 1)" }), ("社区", { _ in "测试社区" }), ("岗位", { _ in "网格员" }), ("岗位等级", { _ in "1" }),
                ("入职日期", { _ in "2015-01-01" }), ("身份证号", { idNumber($0) }), ("银行账号", { "62170000\(String(format: "%011d", $0 + 1))" }),
            ]
            for (name, value) in fillers where !header.contains(name) && schema.fieldIndex(name) != nil {
                header.append(name)
                for i in rows.indices { rows[i].append(value(i)) }
            }
        }
        func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Whether a test record's cell stands for an empty cell: `空` (or `none`), or empty
    /// quotes `“”`.
    static func blank(_ text: String) -> Bool {
        ["空", "none", "NONE", "None", "“”", "\"\"", "「」", "”“", "\u{201C}\u{201C}", "\u{201D}\u{201D}"].contains(text)
    }

    /// A valid ID number for a test row (born 1990-01-01, Rongjiang's area code).
    static func idNumber(_ i: Int) -> String {
        let body = Array("52263219900101" + String(format: "%03d", i % 1000))
        let bytes = body.map { UInt8($0.asciiValue!) }
        return String(body) + String(IDNumber.checkCharacter(bytes)!)
    }
}
