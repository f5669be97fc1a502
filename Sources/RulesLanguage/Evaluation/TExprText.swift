import Exact

/// Writes a checked expression back as a clerk reads it, for formulas in explanations:
/// `得分 × 分值`, `条数（值班 其中 班次 = 夜班）`.
struct TExprText {
    let rules: CheckedRules
    /// The source whose fields `.field` nodes name, in record context.
    var source: Int?
    /// Aggregates written without their records (an item's own: 天数（日期）, 条数).
    var shortAggregates = false
    /// An expression of the annual article: `.aggregate` is a statistic over the months,
    /// `.monthsEmployed` 在岗月数, `.field` a month's 一票否决 or 月份.
    var inYear = false

    init(rules: CheckedRules, source: Int? = nil, shortAggregates: Bool = false, inYear: Bool = false) {
        self.rules = rules
        self.source = source
        self.shortAggregates = shortAggregates
        self.inYear = inYear
    }

    func text(_ e: TExpr) -> String {
        switch e {
        case .number(let n, let t):
            switch t {
            case .points: return "\(n.shortDescription) 分"
            case .money: return "\(n.shortDescription) 元"
            default: return n.shortDescription
            }
        case .text(let s): return "“\(s)”"
        case .date(let d): return d.description
        case .time(let t): return t.description
        case .calendar(let v): return v.keyword.chinese
        case .boolean(let b): return b ? "是" : "否"
        case .none: return "空"
        case .field(let i, _) where inYear: return i == YearAggregate.vetoField ? YearWords.veto : YearWords.month
        case .monthsEmployed where inYear: return YearWords.monthsInPost
        case .aggregate(let i, _) where inYear:
            guard let a = rules.year?.aggregates[i] else { return "?" }
            return "\(a.kind.word)（\(text(a.argument))）"
        case .yearToDate(let n) where inYear: return "\(YearWords.yearEnd)（\(n)）"
        case .field(let i, _):
            guard let s = source else { return "字段\(i)" }
            return rules.sources[s].schema.fields[i].name
        case .enumCode(_, let name): return name
        case .score: return "得分"
        case .tier: return "等次"
        case .rank: return "排名"
        case .item(let n), .payLine(let n, _), .parameter(let n, _), .rosterField(let n, _): return n
        case .monthsEmployed: return "本年任职月数"
        case .previousYearMonths: return "上年任职月数"
        case .negate(let x, _): return "-" + wrapped(x)
        case .not(let x): return "非 " + wrapped(x)
        case .arithmetic(let op, let a, let b, _):
            // Parentheses only where precedence needs them: a + b + c reads without.
            let additive = op == .add || op == .subtract
            let left = additive ? text(a) : wrapped(a)
            let right = additive && op == .add ? (isAdditive(b) ? "（\(text(b))）" : text(b)) : wrapped(b)
            return "\(left) \(symbol(op)) \(right)"
        case .logical(let op, let a, let b): return "\(text(a)) \(op == .and ? "且" : "或") \(text(b))"
        case .compare(let first, let links):
            return ([text(first)] + links.map { "\(symbol($0.0)) \(text($0.1))" }).joined(separator: " ")
        case .member(let x, let options): return "\(text(x)) 属于（\(options.map(text).joined(separator: "、"))）"
        case .conditional(let c, let a, let b, _): return "若 \(text(c)) 则 \(text(a)) 否则 \(text(b))"
        case .aggregate(let i, _):
            let acc = rules.accumulators[i]
            let inner = TExprText(rules: rules, source: acc.source)
            let what = acc.argument.map { inner.text($0) } ?? ""
            let filter = acc.filter.map { " 其中 " + inner.text($0) } ?? ""
            let name: String
            switch acc.kind {
            case .count: name = "条数"
            case .sum: name = "合计"
            case .distinctDays: name = "天数"
            case .max: name = "最大"
            case .min: name = "最小"
            }
            if shortAggregates { return what.isEmpty || acc.kind == .count ? name : "\(name)（\(what)）" }
            let from = "\(rules.sources[acc.source].name)\(filter)"
            return what.isEmpty || acc.kind == .count ? "\(name)（\(from)）" : "\(name)（\(what)，\(from)）"
        case .lookup(let name, let key, _): return "\(name)（\(text(key))）"
        case .bracket(let name, let x): return "\(name)（\(text(x))）"
        case .clamp(let v, let lo, let hi, _): return "限于（\(text(v))，\(text(lo))，\(text(hi))）"
        case .yearToDate(let n): return "本年累计（\(n)）"
        case .priorToDate(let n): return "此前累计（\(n)）"
        case .previousYearTotal(let n): return "上年累计（\(n)）"
        case .previousYearAnnual(let n): return "上年年度（\(n)）"
        case .poolShare(let p, let w, let g): return "按比例分配（\(text(p))，\(text(w))\(g.isEmpty ? "" : "，" + g.map(text).joined(separator: "、"))）"
        case .grouping(let n, _): return n
        case .headcount(let keys): return Self.headcountText(keys)
        }
    }

    static func headcountText(_ keys: [String]) -> String {
        "在岗人数（\(keys.isEmpty ? "全县" : keys.joined(separator: "、"))）"
    }

    func isAdditive(_ e: TExpr) -> Bool {
        if case .arithmetic(let op, _, _, _) = e { return op == .add || op == .subtract }
        return false
    }

    func wrapped(_ e: TExpr) -> String {
        if case .arithmetic(let op, _, _, _) = e, op == .add || op == .subtract { return "（\(text(e))）" }
        return text(e)
    }

    func symbol(_ op: BinaryOperator) -> String {
        switch op {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "×"
        case .divide: "÷"
        case .and: "且"
        case .or: "或"
        }
    }

    func symbol(_ op: ComparisonOperator) -> String {
        switch op {
        case .equal: "="
        case .notEqual: "≠"
        case .less: "<"
        case .lessEqual: "≤"
        case .greater: ">"
        case .greaterEqual: "≥"
        }
    }

    /// The aggregates an expression reads, each once, in order.
    static func aggregates(_ e: TExpr, into out: inout [Int]) {
        switch e {
        case .aggregate(let i, _): if !out.contains(i) { out.append(i) }
        case .negate(let x, _), .not(let x), .lookup(_, let x, _), .bracket(_, let x): aggregates(x, into: &out)
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b):
            aggregates(a, into: &out)
            aggregates(b, into: &out)
        case .compare(let a, let links):
            aggregates(a, into: &out)
            for (_, x) in links { aggregates(x, into: &out) }
        case .member(let a, let xs):
            aggregates(a, into: &out)
            for x in xs { aggregates(x, into: &out) }
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _):
            aggregates(a, into: &out)
            aggregates(b, into: &out)
            aggregates(c, into: &out)
        default: break
        }
    }

    /// The names an expression reads, for a trace's inputs.
    static func names(_ e: TExpr, into out: inout [(String, TExpr)]) {
        switch e {
        case .score: out.append(("得分", e))
        case .item(let n), .payLine(let n, _), .parameter(let n, _), .rosterField(let n, _): out.append((n, e))
        case .monthsEmployed: out.append(("本年任职月数", e))
        case .previousYearMonths: out.append(("上年任职月数", e))
        case .rank: out.append(("排名", e))
        case .calendar(let v): out.append((v.keyword.chinese, e))
        case .headcount(let keys): out.append((headcountText(keys), e))
        // A table of the tiers shows the value it gave (等次系数（等次） 1.2); the tier
        // itself is told in the line's notes.
        case .lookup(_, let key, _) where key.readsTier: out.append(("", e))
        // Any other table shows what it was looked up by, then the value it gave
        // (岗位等级 = 10, 岗位工资标准（岗位等级） = 2,700.00).
        case .lookup(_, let key, _):
            names(key, into: &out)
            out.append(("", e))
        case .aggregate, .yearToDate, .priorToDate, .previousYearTotal, .previousYearAnnual: out.append(("", e))
        case .negate(let x, _), .not(let x), .bracket(_, let x): names(x, into: &out)
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b):
            names(a, into: &out)
            names(b, into: &out)
        case .compare(let a, let links):
            names(a, into: &out)
            for (_, x) in links { names(x, into: &out) }
        case .member(let a, let xs):
            names(a, into: &out)
            for x in xs { names(x, into: &out) }
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _):
            names(a, into: &out)
            names(b, into: &out)
            names(c, into: &out)
        case .poolShare(let a, let b, let c):
            names(a, into: &out)
            names(b, into: &out)
            for x in c { names(x, into: &out) }
        default: break
        }
    }
}
