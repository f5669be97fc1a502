import Exact
import Pay
import Results

extension MonthScorer {
    /// The month's pay lines described for the payroll (`Pay.PayrollLine`: kind, rounding,
    /// floor and the texts of their traces, worked out once), and beside them the parts of
    /// each line's formula the payroll will ask for.
    func payroll() -> ([PayrollLine], [PayLineFormulas.Parts]) {
        let text = TExprText(rules: rules.checked)
        var lines: [PayrollLine] = []
        var parts: [PayLineFormulas.Parts] = []
        for line in rules.payLines {
            let shape = PayLineShape(line, text: text) { l in rules.payLines.first { $0.name == l }?.type }
            var pool: (TExpr, TExpr, [TExpr])? = nil
            if case .poolShare(let p, let w, let g)? = Self.findPool(line.expression) { pool = (p, w, g) }
            lines.append(PayrollLine(
                name: line.name, kind: shape.kind, citation: line.citation, isMoney: line.type == .money, rounding: line.rounding,
                floor: line.floor, formula: text.text(line.expression), inputs: shape.inputs,
                exemptions: line.exemptions.map { text.text($0.0) }, isQuotient: shape.dividend != nil, sharesPool: pool != nil))
            parts.append(PayLineFormulas.Parts(
                formula: line.expression, dividend: shape.dividend, divisor: shape.divisor, inputs: shape.inputExpressions,
                exemptions: line.exemptions.map(\.0), pool: pool))
        }
        return (lines, parts)
    }

    /// By line: whether it reads 等次 or 排名, directly or through a line the slip does not
    /// show (a non-money 计算项 such as 等次系数值).
    func linesReadingTier() -> [Bool] {
        var reads: [String: Bool] = [:]
        var out: [Bool] = []
        for line in rules.payLines {
            var names: [String] = []
            Checker.collectLines(line.expression, into: &names)
            for (x, _) in line.exemptions { Checker.collectLines(x, into: &names) }
            let direct = line.expression.readsTier || line.exemptions.contains { $0.0.readsTier }
            let through = names.contains { n in reads[n] == true && rules.payLines.first { $0.name == n }.map { $0.kind == .value && $0.type != .money } == true }
            reads[line.name] = direct || through
            out.append(direct || through)
        }
        return out
    }

    /// Why the tier is what it is, in a line: 等次 称职：得分 91 分；满足“得分 ≥ 90 分” → 优秀；
    /// 优秀名额 20%（1 个）已满，排第 2 名，顺延为称职.
    static func tierNote(_ s: Standing, score: Fixed) -> PayNote {
        func words(_ language: TraceLanguage) -> String {
            let e = Explanation(language: language)
            let reasons = s.reasons.filter {
                switch $0 {
                case .tieBreak, .tieBreakAmong: false
                default: true
                }
            }.map(e.reasonText)
            let zh = language == .zh
            let head = zh ? "等次 \(s.tier)\(Explanation.standingText(s, zh: true))：得分 \(score.shortDescription) 分"
                : "tier \(s.tier) \(Explanation.standingText(s, zh: false)): score \(score.shortDescription)"
            let rest = reasons.isEmpty ? (zh ? "其余 → \(s.tier)" : "otherwise → \(s.tier)") : reasons.joined(separator: zh ? "；" : "; ")
            return head + (zh ? "；" : "; ") + rest
        }
        return .remark(text: PayText(zh: words(.zh), en: words(.en)))
    }

    /// The 按比例分配 inside a formula, where a line shares a pool.
    static func findPool(_ e: TExpr) -> TExpr? {
        switch e {
        case .poolShare: return e
        case .arithmetic(_, let a, let b, _): return findPool(a) ?? findPool(b)
        case .negate(let x, _): return findPool(x)
        case .conditional(_, let a, let b, _): return findPool(a) ?? findPool(b)
        case .clamp(let a, _, _, _): return findPool(a)
        default: return nil
        }
    }
}

/// The pay lines' formulas for a scored month, evaluated for one cadre at a time when the
/// payroll asks: 得分, items, roster fields and aggregates from the scorer, pay lines and
/// year-to-date totals from the cadre's pay sheet.
public struct PayLineFormulas: PayFormulas {
    /// The expressions of one line the payroll may ask for.
    struct Parts {
        var formula: TExpr
        var dividend: TExpr?
        var divisor: TExpr?
        var inputs: [TExpr]
        var exemptions: [TExpr]
        var pool: (pool: TExpr, weight: TExpr, groups: [TExpr])?
    }

    let scorer: MonthScorer
    let lines: [Parts]
    /// By the payroll's cadre index: roster index, score and item points.
    let cadres: [Int]
    let scores: [Fixed]
    let itemPoints: [[String: Fixed]]
    /// By the payroll's cadre index: the final tier and the rank in its group.
    let tiers: [String]
    let ranks: [Int]
    /// Why each cadre's tier is what it is, for the notes of lines that read it.
    let tierNotes: [PayNote]
    /// By line: whether the line reads 等次 or 排名 (itself or through a 计算项 that is not
    /// shown on the slip).
    let readsTier: [Bool]
    /// By line: the calendar values its formula and exemptions read that a note explains
    /// (all but 本月天数), found once rather than per cadre.
    let calendarReads: [[CalendarValue]]
    /// By line: its parts compiled (`PayCompiler`), what the payroll evaluates.
    let programs: [Programs]

    /// The compiled parts of one line, shaped as `Parts`.
    struct Programs {
        var formula: PayCode
        var dividend: PayCode?
        var divisor: PayCode?
        var inputs: [PayCode]
        var exemptions: [PayCode]
        var pool: PayCode?
        var weight: PayCode?
        var groups: [PayCode]
    }

    init(scorer: MonthScorer, lines: [Parts], cadres: [Int], scores: [Fixed], itemPoints: [[String: Fixed]], tiers: [String],
         ranks: [Int], tierNotes: [PayNote], readsTier: [Bool]) {
        self.scorer = scorer
        self.lines = lines
        self.cadres = cadres
        self.scores = scores
        self.itemPoints = itemPoints
        self.tiers = tiers
        self.ranks = ranks
        self.tierNotes = tierNotes
        self.readsTier = readsTier
        calendarReads = lines.map { p in
            var read: [CalendarValue] = []
            for e in [p.formula] + p.exemptions { Self.calendarValues(e, into: &read) }
            return read.filter { $0 != .daysInMonth }
        }
        // The parts are the month's pay lines', in the payroll's order (`payroll()`).
        let names = scorer.rules.payLines.map(\.name)
        precondition(names.count == lines.count, "the pay lines' parts are the month's pay lines")
        programs = lines.enumerated().map { l, p in
            let c = PayCompiler(scorer: scorer, lineNames: names, line: l)
            return Programs(
                formula: c.compile(p.formula), dividend: p.dividend.map(c.compile), divisor: p.divisor.map(c.compile),
                inputs: p.inputs.map(c.compile), exemptions: p.exemptions.map(c.compile), pool: p.pool.map { c.compile($0.pool) },
                weight: p.pool.map { c.compile($0.weight) }, groups: p.pool?.groups.map(c.compile) ?? [])
        }
    }

    /// The lines paid so far are read by position (`PayCompiler`).
    public var readsLinesByName: Bool { false }

    public func notes(ofLine line: Int, cadre: Int) -> [PayNote] {
        var out: [PayNote] = readsTier[line] && cadre < tierNotes.count ? [tierNotes[cadre]] : []
        // How the roster's dates give the month's days in post, joining or leaving.
        for v in calendarReads[line] { out.append(calendarNote(v, cadre: cadre)) }
        return out
    }

    /// `在岗天数 22 天（2020-12-10 至 2020-12-31）`, `本月入职：是（入职日期 2020-12-10）`.
    func calendarNote(_ v: CalendarValue, cadre k: Int) -> PayNote {
        let c = scorer.roster.cadres[cadres[k]]
        let hired = "入职日期 \(c.hiredOn)", hiredEN = "hired \(c.hiredOn)"
        let left = c.leftOn.map { "离职日期 \($0)" } ?? "未填离职日期", leftEN = c.leftOn.map { "left \($0)" } ?? "no leaving date"
        let value = scorer.calendar(v, cadre: cadres[k])
        let yes = value.isTrue
        switch v {
        case .daysInPost:
            let days = value.number ?? .zero
            let range = EmploymentChanges.daysInPostRange(c, in: scorer.rules.month)
            let span = range.map { "\($0.from) 至 \($0.to)；" } ?? "", spanEN = range.map { "\($0.from) to \($0.to); " } ?? ""
            return .remark(text: PayText(zh: "在岗天数 \(days) 天（\(span)\(hired)，\(left)）",
                                         en: "days in post \(days) (\(spanEN)\(hiredEN), \(leftEN))"))
        case .joinedThisMonth:
            return .remark(text: PayText(zh: "本月入职：\(yes ? "是" : "否")（\(hired)）", en: "joined this month: \(yes ? "yes" : "no") (\(hiredEN))"))
        case .leftThisMonth:
            return .remark(text: PayText(zh: "本月离职：\(yes ? "是" : "否")（\(left)）", en: "left this month: \(yes ? "yes" : "no") (\(leftEN))"))
        case .daysInMonth:
            return .remark(text: PayText(zh: "本月天数 \(value.text) 天", en: "days in the month \(value.text)"))
        }
    }

    /// The calendar values an expression reads, each once, in order.
    static func calendarValues(_ e: TExpr, into out: inout [CalendarValue]) {
        switch e {
        case .calendar(let v): if !out.contains(v) { out.append(v) }
        case .negate(let x, _), .not(let x), .lookup(_, let x, _), .bracket(_, let x): calendarValues(x, into: &out)
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b):
            calendarValues(a, into: &out)
            calendarValues(b, into: &out)
        case .compare(let a, let links):
            calendarValues(a, into: &out)
            for (_, x) in links { calendarValues(x, into: &out) }
        case .member(let a, let xs):
            calendarValues(a, into: &out)
            for x in xs { calendarValues(x, into: &out) }
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _):
            calendarValues(a, into: &out)
            calendarValues(b, into: &out)
            calendarValues(c, into: &out)
        case .poolShare(let a, let b, let c):
            calendarValues(a, into: &out)
            calendarValues(b, into: &out)
            for x in c { calendarValues(x, into: &out) }
        default: break
        }
    }

    public func number(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Fixed? {
        compiled(part, ofLine: line, cadre: cadre, sheet: &sheet)?.number
    }

    public func exempts(_ index: Int, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Bool {
        programs[line].exemptions[index](&sheet, payCadre(cadre)).isTrue
    }

    /// The cadre's group of a pool line: the values of its group expressions, each as its
    /// word (an enumeration or 分组 by its name), joined with “·”.
    public func poolGroup(ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> String {
        guard let groups = lines[line].pool?.groups, !groups.isEmpty else { return "" }
        let c = payCadre(cadre)
        return zip(groups, programs[line].groups).map { g, code -> String in
            let v = code(&sheet, c)
            if case .code(let c) = v, let w = Interpreter.word(c, of: g) { return w }
            return v.text
        }.joined(separator: "·")
    }

    /// The cadre at `k` in the payroll, as the compiled formulas read it.
    @inline(__always)
    func payCadre(_ k: Int) -> PayCadre {
        PayCadre(cadre: cadres[k], score: scores[k], itemPoints: itemPoints[k], tier: k < tiers.count ? tiers[k] : nil,
                 rank: k < ranks.count ? ranks[k] : nil)
    }

    /// A part of a line evaluated by the reference interpreter, the lines paid so far read by
    /// name from the sheet (what the programs must agree with: `PayProgramTests`).
    func interpreted(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> RowValue? {
        part.of(lines[line]).map { evaluate($0, cadre, &sheet) }
    }

    /// A part of a line evaluated by its program: the one program asked for, not a copy of
    /// the line's parts.
    func compiled(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> RowValue? {
        part.of(programs[line]).map { $0(&sheet, payCadre(cadre)) }
    }

    func evaluate(_ e: TExpr, _ k: Int, _ sheet: inout PaySheet) -> RowValue {
        var scope = CadreScope(scorer: scorer, context: CadreContext(
            cadre: cadres[k], score: scores[k], itemPoints: itemPoints[k], tier: k < tiers.count ? tiers[k] : nil, rank: k < ranks.count ? ranks[k] : nil))
        // The sheet moves into the scope and back, so no dictionary is copied.
        swap(&scope.context.sheet, &sheet)
        defer { swap(&scope.context.sheet, &sheet) }
        return Interpreter.evaluate(e, in: &scope)
    }
}

extension PayrollLine.Part {
    /// This part of a line's parts (`PayLineFormulas.Parts` of expressions, or `.Programs`
    /// of their programs); nil where the line has none.
    func of(_ p: PayLineFormulas.Parts) -> TExpr? {
        switch self {
        case .formula: p.formula
        case .dividend: p.dividend
        case .divisor: p.divisor
        case .input(let i): p.inputs[i]
        case .pool: p.pool?.pool
        case .weight: p.pool?.weight
        }
    }

    func of(_ p: PayLineFormulas.Programs) -> PayCode? {
        switch self {
        case .formula: p.formula
        case .dividend: p.dividend
        case .divisor: p.divisor
        case .input(let i): p.inputs[i]
        case .pool: p.pool
        case .weight: p.weight
        }
    }
}

/// What the payroll needs to know of a checked pay line besides its name and rounding, the
/// same for the month's lines and the annual article's: the inputs its trace shows (each
/// named value once, in formula order, with how it is shown), the dividend and divisor of a
/// quotient line (rounded once), and its kind.
struct PayLineShape {
    var inputs: [PayrollLine.Input] = []
    var inputExpressions: [TExpr] = []
    var dividend: TExpr?
    var divisor: TExpr?
    var kind: PayrollLine.Kind

    /// `lineType` gives the type of a pay line the formula reads, when it is known better than
    /// the reference's own (a month's line read by name); nil keeps the reference's.
    init(_ line: CheckedPayLine, text: TExprText, lineType: (String) -> ValueType? = { _ in nil }) {
        var names: [(String, TExpr)] = []
        TExprText.names(line.expression, into: &names)
        for (name, e) in names {
            let shown = name.isEmpty ? text.text(e) : name
            if inputs.contains(where: { $0.name == shown }) { continue }
            var type = e.type
            if case .payLine(let l, _) = e { type = lineType(l) ?? type }
            inputs.append(PayrollLine.Input(name: shown, shown: type == .money ? .money : type == .count ? .count : .number))
            inputExpressions.append(e)
        }
        if case .arithmetic(.divide, let a, let b, _) = line.expression {
            dividend = a
            divisor = b
        }
        switch line.kind {
        case .earning: kind = .earning
        case .withholding: kind = .withholding
        case .net: kind = .net
        case .value: kind = .value
        }
    }
}
