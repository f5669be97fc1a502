import Diagnostics
import Exact
import Pay
import Records
import Results

/// The annual article (年度考核) as the batch calls it. CONTRACT between the year's parts:
/// the batch (`jifen year run`) asks which items and pay lines to read, builds a `YearInput`
/// from the store and asks for the `YearResults`.
extension CheckedRules {
    /// Whether the rules declare a 年度考核.
    public var hasYearAssessment: Bool { year != nil }

    /// The score lines and pay lines the annual article reads from each month (and the pay
    /// lines 年度个税明细 lists: every monthly earning, deduction and net line), so the store
    /// reads only those.
    public func yearInputNeeds(year: Int) -> (items: [String], payLines: [String]) {
        guard let y = self.year else { return ([], []) }
        var lines = y.payLinesRead
        for l in payLines where l.type == .money && l.kind != .value && !lines.contains(l.name) { lines.append(l.name) }
        return (y.itemsRead, lines)
    }

    /// Assesses the year: annual scores, tiers, ranks and the annual pay lines with their
    /// traces; or the problems that stop it (each a located `Diagnostic`).
    ///   - chunks: how the per-cadre work is spread over threads (the results are the same).
    public func assessYear(_ input: YearInput, chunks: CadreChunks = CadreChunks()) -> Result<YearResults, YearAssessmentFailure> {
        guard let y = year else {
            return .failure(YearAssessmentFailure(diagnostics: [Diagnostic(
                .error, code: "B0068", at: .file(path: ""),
                summary: Localized(zh: "规则里没有年度考核", en: "the rules have no 年度考核"),
                help: Localized(zh: "在规则里写“年度考核 { … }”（见 docs/rules-language.md 的“年度考核”一章）。", en: "Declare 年度考核 { … } in the rules."))]))
        }
        return YearAssessor(rules: self, year: y, input: input, chunks: chunks).run()
    }
}

/// Why a year could not be assessed: every problem at once.
public struct YearAssessmentFailure: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}

/// One year's assessment: the state the annual expressions read.
final class YearAssessor {
    let rules: CheckedRules
    let year: CheckedYear
    let input: YearInput
    let lastDay: CivilDate
    let parameters: [String: Fixed]
    let lookups: [String: CheckedLookup]
    let brackets: [String: BracketTable]
    let itemIndex: [String: Int]
    let payIndex: [String: Int]
    var groupCodes: [String: [Int32]] = [:]
    /// Annual scores by cadre (nil: no month).
    var scores: [Fixed?] = []
    var tiers: [String] = []
    var ranks: [Int] = []
    /// How the per-cadre work is spread over threads; the results are the same whatever it is.
    let chunks: CadreChunks

    init(rules: CheckedRules, year: CheckedYear, input: YearInput, chunks: CadreChunks = CadreChunks()) {
        self.rules = rules
        self.chunks = chunks
        self.year = year
        self.input = input
        let last = CivilDate(year: input.year, month: 12, day: 31)!
        lastDay = last
        func inForce(_ p: Period) -> Bool { (p.since.map { $0 <= last } ?? true) && (p.until.map { last <= $0 } ?? true) }
        var params: [String: Fixed] = [:]
        for (n, p) in rules.parameters {
            let v = p.values.filter { $0.since.map { $0 <= last } ?? true }
                .max { ($0.since ?? CivilDate(daysSinceEpoch: Int32.min)) < ($1.since ?? CivilDate(daysSinceEpoch: Int32.min)) }
            if let v { params[n] = v.value }
        }
        parameters = params
        lookups = rules.lookups.compactMapValues { $0.first { inForce($0.period) } }
        brackets = rules.brackets.compactMapValues { $0.first { inForce($0.period) }?.table }
        itemIndex = Dictionary(input.itemNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        payIndex = Dictionary(input.payLines.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let n = input.roster.cadres.count
        scores = Array(repeating: nil, count: n)
        tiers = Array(repeating: "", count: n)
        ranks = Array(repeating: 0, count: n)
        for (name, g) in rules.groupings {
            var column = [Int32](repeating: -1, count: n)
            for c in 0..<n {
                var scope = YearScope(assessor: self, cadre: c)
                for (i, condition) in g.conditions.enumerated() where condition.map({ Interpreter.evaluate($0, in: &scope).isTrue }) ?? true {
                    column[c] = Int32(i)
                    break
                }
            }
            groupCodes[name] = column
        }
    }

    func evaluate(_ e: TExpr, cadre: Int, month: Int? = nil, sheet: PaySheet = PaySheet()) -> RowValue {
        var scope = YearScope(assessor: self, cadre: cadre, month: month, sheet: sheet)
        return Interpreter.evaluate(e, in: &scope)
    }

    // MARK: - Roster

    func rosterValue(_ name: String, _ type: ValueType, cadre: Int) -> RowValue {
        let c = input.roster.cadres[cadre]
        switch name {
        case "岗位等级": return .number(Fixed(c.level))
        case "入职日期": return .date(c.hiredOn.daysSinceEpoch)
        case "离职日期": return c.leftOn.map { .date($0.daysSinceEpoch) } ?? .none
        case "专项附加扣除": return .number(c.specialDeduction?.fixed ?? .zero)
        case _ where MonthScorer.categoryNames.contains(name): return .number(c.extra[name].flatMap { Fixed($0) } ?? .zero)
        default: break
        }
        guard let text = MonthScorer.rosterText(name, c) else { return .none }
        switch type {
        case .enumeration(let values): return values.firstIndex(of: text).map { .code(Int64($0)) } ?? .text(text)
        case .count, .number, .money, .points: return Fixed(text).map { .number($0) } ?? .none
        case .date: return DateParser.parse(text).map { .date($0.daysSinceEpoch) } ?? .none
        default: return .text(text)
        }
    }

    func groupValue(_ key: String, cadre: Int) -> String {
        if let g = rules.groupings[key] {
            guard let column = groupCodes[key], column[cadre] >= 0 else { return "" }
            return g.labels[Int(column[cadre])]
        }
        return MonthScorer.rosterText(key, input.roster.cadres[cadre]) ?? ""
    }

    func groupKey(_ keys: [String], cadre: Int) -> String {
        keys.isEmpty ? GroupKeys.countyWord : keys.map { groupValue($0, cadre: cadre) }.joined(separator: "·")
    }

    // MARK: - Statistics over the months

    func aggregate(_ i: Int, cadre: Int) -> RowValue {
        let a = year.aggregates[i]
        let months = input.cadres[cadre].months
        var values: [Fixed] = []
        var count = 0
        for m in months.indices {
            let v = evaluate(a.argument, cadre: cadre, month: m)
            if a.kind == .count {
                if v.isTrue { count += 1 }
            } else if let n = v.number {
                values.append(n)
            }
        }
        switch a.kind {
        case .count: return .number(Fixed(count))
        case .sum: return .number(values.reduce(Fixed.zero) { $0.adding($1) ?? $0 })
        case .mean:
            guard !values.isEmpty else { return .none }
            let sum = values.reduce(Fixed.zero) { $0.adding($1) ?? $0 }
            return sum.dividing(by: Fixed(values.count), scale: Arithmetic.quotientScale, .halfUp).map { .number($0) } ?? .none
        case .max: return values.max().map { .number($0) } ?? .none
        case .min: return values.min().map { .number($0) } ?? .none
        }
    }

    /// The months of the cadre that meet the conditions of the 月数（…） an expression reads:
    /// the months a veto names.
    func monthsMeeting(_ e: TExpr, cadre: Int) -> [YearMonth] {
        var ids: [Int] = []
        TExprText.aggregates(e, into: &ids)
        let months = input.cadres[cadre].months
        var out: [YearMonth] = []
        for m in months.indices {
            let hit = ids.contains { i in year.aggregates[i].kind == .count && evaluate(year.aggregates[i].argument, cadre: cadre, month: m).isTrue }
            if hit { out.append(months[m].month) }
        }
        return out
    }

    // MARK: - The run

    func run() -> Result<YearResults, YearAssessmentFailure> {
        let n = input.roster.cadres.count
        let text = TExprText(rules: rules, inYear: true)
        // Each cadre's annual score on every core (a cadre's reads only their own months);
        // a score that cannot be computed is named in cadre order.
        var computed = [(score: Fixed, text: String)?](repeating: nil, count: n)
        var failed = [Bool](repeating: false, count: n)
        computed.withUnsafeMutableBufferPointer { scoreSlots in
            failed.withUnsafeMutableBufferPointer { failedSlots in
                nonisolated(unsafe) let scoreSlots = scoreSlots, failedSlots = failedSlots
                chunks.run(count: n) { range in
                    for c in range where !input.cadres[c].months.isEmpty {
                        guard let exact = evaluate(year.score, cadre: c).number, let (rounded, _) = try? year.scoreRounding.apply(exact) else {
                            failedSlots[c] = true
                            continue
                        }
                        scoreSlots[c] = (rounded, scoreText(cadre: c, exact: exact, rounded: rounded, text: text))
                    }
                }
            }
        }
        let diagnostics = failed.indices.filter { failed[$0] }.map { c in
            Diagnostic(.error, code: "B0069", at: year.location,
                       summary: Localized(zh: "\(input.roster.cadres[c].id) 的年度得分算不出来", en: "the annual score of \(input.roster.cadres[c].id) cannot be computed"),
                       help: Localized(zh: "检查年度得分的算式（除数为 0 或没有可统计的月份）。", en: "Check the formula of 年度得分."))
        }
        if !diagnostics.isEmpty { return .failure(YearAssessmentFailure(diagnostics: diagnostics)) }
        scores = computed.map { $0?.score }
        let scoreTexts = computed.map { $0?.text }
        let standings = self.standings(text: text)
        for c in 0..<n {
            tiers[c] = standings[c].tier
            ranks[c] = standings[c].rank
        }
        let paid: [Payroll.Slip]
        do {
            paid = try pay(text: text)
        } catch {
            return .failure(YearAssessmentFailure(diagnostics: [Self.payDiagnostic(error, at: year.location)]))
        }
        // Each cadre's result on every core: the annual state is settled and only read now.
        var built = [CadreYearResult?](repeating: nil, count: n)
        let monthPayLines = input.payLines
        built.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            chunks.run(count: n) { range in
                for c in range { slots[c] = result(cadre: c, standing: standings[c], paid: paid.isEmpty ? nil : paid[c], score: scores[c], scoreText: scoreTexts[c]) }
            }
        }
        let cadres = built.map { $0! }
        return .success(YearResults(year: input.year, months: input.months, tierOrder: year.tierOrder, monthPayLines: monthPayLines, cadres: cadres,
                                   paidWithPayroll: year.payrollMonth.flatMap { YearMonth(year: input.year + 1, month: $0) }))
    }

    /// A cadre's year as stored and reported, from the assessment's state.
    private func result(cadre c: Int, standing: Standing, paid: Payroll.Slip?, score: Fixed?, scoreText: String?) -> CadreYearResult {
        let r = input.roster.cadres[c]
        let months = input.cadres[c].months.map { m in
            MonthOfYear(month: m.month, score: m.score, tier: m.tier, rank: m.rank, vetoes: m.vetoes, pay: m.pay)
        }
        let slip = PaySlip(lines: (paid?.lines ?? []).map { l in
            PayLineResult(name: l.name, kind: l.kind == .earning ? .earning : l.kind == .deduction ? .deduction : .info,
                          amount: l.amount, citation: l.citation, trace: l.trace)
        })
        var sheet = PaySheet()
        for l in slip.lines { sheet.lines[l.name] = l.amount.fixed }
        let choices = year.bonusTaxes.compactMap { t in (try? bonusTax(t, cadre: c, sheet: sheet))?.choice }
        return CadreYearResult(
            cadreID: r.id, name: r.name, community: r.community, grid: r.grid, post: r.post, level: r.level, months: months,
            monthsInPost: months.count, score: score, scoreText: scoreText, standing: standing, pay: slip, bonusTax: choices)
    }

    static func payDiagnostic(_ error: any Error, at location: Location) -> Diagnostic {
        let what: String
        switch error {
        case PayrollError.payLine(let cadre, let line): what = "\(cadre) 的年度工资项目“\(line)”算不出来（空值、溢出或除数为 0）"
        case PayrollError.netMismatch(let cadre, let net, let expected): what = "\(cadre) 的年度实发 \(net) 元不等于应发减扣款 \(expected) 元"
        default: what = "\(error)"
        }
        return Diagnostic(.error, code: "B0002", at: location, summary: Localized(zh: "年度考核：" + what, en: "annual article: " + what),
                          help: Localized(zh: "检查年度考核里工资项目的算式和所用的对照表、累进表。", en: "Check the annual pay lines' formulas and tables."))
    }

    /// `平均（得分）=（88 + 92 + 90）÷ 3 = 90 → 90.00`, or for any other formula its text,
    /// the statistics it read and the result.
    func scoreText(cadre c: Int, exact: Fixed, rounded: Fixed, text: TExprText) -> String {
        let result = "\(exact.normalized.shortDescription) → \(rounded.description)"
        if case .aggregate(let i, _) = year.score, year.aggregates[i].kind != .count {
            let a = year.aggregates[i]
            let values = input.cadres[c].months.indices.compactMap { evaluate(a.argument, cadre: c, month: $0).number?.normalized.shortDescription }
            let head = "\(a.kind.word)（\(text.text(a.argument))）"
            switch a.kind {
            case .mean: return "\(head)=（\(values.joined(separator: " + "))）÷ \(values.count) = \(result)"
            case .sum: return "\(head)= \(values.joined(separator: " + ")) = \(result)"
            default: return "\(head)= \(a.kind.word)（\(values.joined(separator: "、"))）= \(result)"
            }
        }
        var ids: [Int] = []
        TExprText.aggregates(year.score, into: &ids)
        let parts = ids.map { "\(text.text(.aggregate($0, .number))) = \(aggregate($0, cadre: c).number?.normalized.shortDescription ?? "空")" }
        return "\(text.text(year.score))" + (parts.isEmpty ? "" : "（\(parts.joined(separator: "，"))）") + " = \(result)"
    }

    // MARK: - Standing

    func standings(text: TExprText) -> [Standing] {
        let n = input.roster.cadres.count
        let tiers = year.tiers
        let rankKeys = tiers.rankGroups ?? tiers.rules.compactMap({ $0.quota?.groups }).first ?? []
        var reasons: [Int: [TierReason]] = [:]
        var final: [Int: String] = [:]
        var vetoed: [Int: CheckedYearVeto] = [:]
        var reached: [Int: Int?] = [:]
        var excluded: Set<Int> = []
        for c in 0..<n {
            let months = input.cadres[c].months.count
            if let minimum = year.minimumMonths, let label = year.tooFewLabel, months < minimum {
                reasons[c, default: []].append(.tooFewMonths(months: months, minimum: minimum, tier: label))
                final[c] = label
                excluded.insert(c)
                continue
            }
            if let v = year.vetoes.first(where: { evaluate($0.condition, cadre: c).isTrue }) {
                vetoed[c] = v
                reasons[c, default: []].append(.monthVeto(name: v.name, citation: v.citation, months: monthsMeeting(v.condition, cadre: c), tier: v.tier))
                final[c] = v.tier
                if tiers.exclusions.vetoed {
                    excluded.insert(c)
                    reasons[c, default: []].append(.notRanked(why: "一票否决", tier: v.tier))
                }
                continue
            }
            reached[c] = tiers.rules.firstIndex { r in r.condition.map { evaluate($0, cadre: c).isTrue } ?? true }
        }
        let ordering = tiers.ordering
        var orderParts = ordering.map { "\(text.text($0.key)) \($0.descending ? "从高到低" : "从低到高")" }
        if orderParts.last != "工号 从低到高" { orderParts.append("工号 从低到高") }
        let orderText = orderParts.joined(separator: "、")
        var keys: [Int: [RowValue]] = [:]
        let participants = (0..<n).filter { !excluded.contains($0) }
        for c in participants {
            keys[c] = (ordering.isEmpty ? [scores[c].map { .number($0) } ?? .none] : ordering.map { evaluate($0.key, cadre: c) })
                + [.text(input.roster.cadres[c].id)]
        }
        let descending = (ordering.isEmpty ? [true] : ordering.map(\.descending)) + [false]
        let sorted = participants.sorted { a, b in
            for (i, d) in descending.enumerated() {
                let x = RowValue.compare(keys[a]![i], keys[b]![i]) ?? 0
                if x != 0 { return d ? x > 0 : x < 0 }
            }
            return false
        }
        let ranking = TierPlacement.places(sorted) { self.groupKey(rankKeys, cadre: $0) }
        var byScore: [String: [Int]] = [:]
        for c in sorted { byScore["\(groupKey(rankKeys, cadre: c))\u{1F}\(scores[c]?.description ?? "")", default: []].append(c) }
        for (_, same) in byScore where same.count > 1 {
            TierPlacement.tieReasons(same, rule: orderText, id: { input.roster.cadres[$0].id }, into: &reasons)
        }
        var tentative: [Int: Int] = [:]
        for c in sorted where vetoed[c] == nil && final[c] == nil {
            if let i = reached[c] ?? nil {
                tentative[c] = i
                if let reason = TierPlacement.reason(tiers.rules, reached: i, text: text) { reasons[c, default: []].append(reason) }
            }
        }
        TierPlacement.applyQuotas(tiers.rules, sorted: sorted, tentative: &tentative, reasons: &reasons) { self.groupKey($0, cadre: $1) }
        for c in sorted where vetoed[c] == nil && final[c] == nil { final[c] = tentative[c].map { tiers.rules[$0].tier } ?? "" }
        return (0..<n).map { c in
            let g = groupKey(rankKeys, cadre: c)
            return Standing(group: g, rank: ranking.rank[c] ?? 0, groupSize: ranking.size[g] ?? 0, tier: final[c] ?? "", reasons: reasons[c] ?? [])
        }
    }

    // MARK: - Pay

    func pay(text: TExprText) throws -> [Payroll.Slip] {
        guard !year.payLines.isEmpty else { return [] }
        var lines: [PayrollLine] = []
        var parts: [YearFormulas.Parts] = []
        for line in year.payLines {
            // The annual lines' references keep their own types (the month's override is for
            // the month's lines).
            let shape = PayLineShape(line, text: text)
            let (kind, inputs, inputExpressions, dividend, divisor) = (shape.kind, shape.inputs, shape.inputExpressions, shape.dividend, shape.divisor)
            var read: [String] = []
            Checker.collectLines(line.expression, into: &read)
            for (x, _) in line.exemptions { Checker.collectLines(x, into: &read) }
            let taxes = year.bonusTaxes.filter { read.contains($0.taxLineName) }
            lines.append(PayrollLine(
                name: line.name, kind: kind, citation: line.citation ?? year.citation, isMoney: line.type == .money, rounding: line.rounding,
                floor: line.floor, formula: text.text(line.expression), inputs: inputs,
                exemptions: line.exemptions.map { text.text($0.0) }, isQuotient: dividend != nil, sharesPool: false))
            parts.append(YearFormulas.Parts(formula: line.expression, dividend: dividend, divisor: divisor, inputs: inputExpressions,
                                            exemptions: line.exemptions.map(\.0), taxes: taxes, readsTier: line.expression.readsTier))
        }
        let payroll = Payroll(month: YearMonth(year: input.year, month: 12)!, lines: lines)
        let cadres = input.roster.cadres.indices.map { c in
            Payroll.Cadre(id: input.roster.cadres[c].id, hiredOn: input.roster.cadres[c].hiredOn, priorMonths: max(0, input.cadres[c].months.count - 1))
        }
        return try payroll.pay(cadres, formulas: YearFormulas(assessor: self, lines: parts))
    }

    /// The tax of a bonus line both ways the rules allow, and the one taken.
    func bonusTax(_ t: CheckedBonusTax, cadre c: Int, sheet: PaySheet) throws -> (tax: Money, steps: [PayStep], choice: BonusTaxChoice) {
        let bonus = Money(sheet.lines[t.bonus] ?? .zero, .halfUp) ?? .zero
        var separate: Traced<Money>?
        var separateUnavailable = false
        if t.method != .merged, let name = t.separateTable {
            if let table = brackets[name] {
                separate = try BonusTax.separate(bonus: bonus, table: table)
            } else {
                separateUnavailable = true
            }
        }
        var merged: Traced<Money>?
        if t.method != .separate || separateUnavailable, let name = t.mergedTable, let table = brackets[name] {
            let taxable = t.taxable.flatMap { evaluate($0, cadre: c, sheet: sheet).number }.flatMap { Money($0, .halfUp) } ?? .zero
            merged = try BonusTax.merged(bonus: bonus, taxable: taxable, table: table)
        }
        let chosen: BonusTaxChoice.Method
        var why: String
        switch (separate, merged) {
        case (let s?, let m?) where t.method == .lower:
            let pick = BonusTax.lower(separate: s.value, merged: m.value)
            chosen = pick.method == .separate ? .separate : .merged
            why = pick.why.zh
        case (.some, _):
            chosen = .separate
            why = "规则规定：单独计税"
        case (nil, .some):
            chosen = .merged
            why = separateUnavailable
                ? "单独计税的“\(t.separateTable ?? "")”在 \(input.year)-12-31 不施行（财政部 税务总局公告2023年第30号 规定至 2027-12-31），只能并入综合所得"
                : "规则规定：并入综合所得"
        default:
            throw PayrollError.payLine(cadre: input.roster.cadres[c].id, line: t.taxLineName)
        }
        let choice = BonusTaxChoice(line: t.bonus, bonus: bonus, separate: separate?.value, separateTrace: separate?.trace,
                                    merged: merged?.value, mergedTrace: merged?.trace, chosen: chosen, why: why)
        var steps = (chosen == .separate ? separate?.trace.steps : merged?.trace.steps) ?? []
        steps.append(PayStep(label: PayText(zh: t.taxLineName, en: "bonus tax of \(t.bonus)"), formula: PayText(zh: why, en: why), inputs: [],
                             result: .money(choice.tax), notes: [.remark(text: PayText(
                                zh: "单独计税 \(separate.map { $0.value.grouped + " 元" } ?? "不适用")；并入综合所得 \(merged.map { $0.value.grouped + " 元" } ?? "不适用")",
                                en: "separate \(separate.map { $0.value.grouped } ?? "n/a"); merged \(merged.map { $0.value.grouped } ?? "n/a")"))]))
        return (choice.tax, steps, choice)
    }
}

/// What an annual expression reads: the annual score, tier, rank, months in post and pay
/// lines; inside a statistic (`month` set) that month's values.
struct YearScope: EvaluationScope {
    unowned(unsafe) let assessor: YearAssessor
    var cadre: Int
    var month: Int? = nil
    var sheet = PaySheet()

    func value(of name: TExpr) -> RowValue {
        let a = assessor
        let cy = a.input.cadres[cadre]
        if let m = month {
            let mo = cy.months[m]
            switch name {
            case .score: return .number(mo.score)
            case .tier: return .text(mo.tier)
            case .rank: return mo.rank > 0 ? .number(Fixed(mo.rank)) : .none
            case .item(let n): return a.itemIndex[n].map { .number(mo.items[$0]) } ?? .number(.zero)
            case .payLine(let n, _): return a.payIndex[n].map { .number(mo.pay[$0].fixed) } ?? .number(.zero)
            case .field(let i, _): return i == YearAggregate.vetoField ? .boolean(!mo.vetoes.isEmpty) : .number(Fixed(mo.month.month))
            default: break
            }
        }
        switch name {
        case .score: return a.scores[cadre].map { .number($0) } ?? .none
        case .tier(let names):
            let t = a.tiers[cadre]
            return names.firstIndex(of: t).map { .code(Int64($0)) } ?? (t.isEmpty ? .none : .text(t))
        case .rank: return a.ranks[cadre] > 0 ? .number(Fixed(a.ranks[cadre])) : .none
        case .payLine(let n, _): return .number(sheet.lines[n] ?? .zero)
        case .parameter(let n, _): return a.parameters[n].map { .number($0) } ?? .none
        case .rosterField(let n, let t): return a.rosterValue(n, t, cadre: cadre)
        case .grouping(let n, _):
            guard let column = a.groupCodes[n], column[cadre] >= 0 else { return .none }
            return .code(Int64(column[cadre]))
        case .monthsEmployed: return .number(Fixed(cy.months.count))
        case .aggregate(let i, _): return a.aggregate(i, cadre: cadre)
        case .yearToDate(let n):
            if let end = cy.yearEnd { return .number(end[n].fixed) }
            guard let p = a.payIndex[n] else { return .number(.zero) }
            return .number(cy.months.reduce(Money.zero) { $0 + $1.pay[p] }.fixed)
        default: return .none
        }
    }

    func lookup(_ name: String) -> CheckedLookup? { assessor.lookups[name] }
    func brackets(_ name: String) -> BracketTable? { assessor.brackets[name] }
    mutating func keep(_ steps: [PayStep]) { sheet.steps += steps }
}

/// The annual pay lines' formulas, for `Payroll`.
struct YearFormulas: PayFormulas {
    struct Parts {
        var formula: TExpr
        var dividend: TExpr?
        var divisor: TExpr?
        var inputs: [TExpr]
        var exemptions: [TExpr]
        /// The bonus taxes the line reads (`奖金个税（年终绩效奖）`).
        var taxes: [CheckedBonusTax]
        var readsTier: Bool
    }

    let assessor: YearAssessor
    let lines: [Parts]

    func number(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Fixed? {
        let p = lines[line]
        // A bonus's tax is worked out once, before the line reads it; its steps lead the trace.
        for t in p.taxes where sheet.lines[t.taxLineName] == nil {
            guard let (tax, steps, _) = try? assessor.bonusTax(t, cadre: cadre, sheet: sheet) else { return nil }
            sheet.lines[t.taxLineName] = tax.fixed
            sheet.steps += steps
        }
        let e: TExpr?
        switch part {
        case .formula: e = p.formula
        case .dividend: e = p.dividend
        case .divisor: e = p.divisor
        case .input(let i): e = p.inputs[i]
        case .pool, .weight: e = nil
        }
        guard let e else { return nil }
        return evaluate(e, cadre, &sheet).number
    }

    func exempts(_ index: Int, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Bool {
        evaluate(lines[line].exemptions[index], cadre, &sheet).isTrue
    }

    func poolGroup(ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> String { "" }

    func notes(ofLine line: Int, cadre: Int) -> [PayNote] {
        guard lines[line].readsTier else { return [] }
        let a = assessor
        let months = a.input.cadres[cadre].months.count
        return [.remark(text: PayText(zh: "年度等次 \(a.tiers[cadre])，在岗 \(months) 个月", en: "annual tier \(a.tiers[cadre]), \(months) months in post"))]
    }

    func evaluate(_ e: TExpr, _ cadre: Int, _ sheet: inout PaySheet) -> RowValue {
        var scope = YearScope(assessor: assessor, cadre: cadre)
        swap(&scope.sheet, &sheet)
        defer { swap(&scope.sheet, &sheet) }
        return Interpreter.evaluate(e, in: &scope)
    }
}
