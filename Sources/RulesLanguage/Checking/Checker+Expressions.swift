import Diagnostics
import Exact
import Records

/// Where an expression is evaluated, which decides what its names mean.
enum ExprContext {
    /// One record of a source: fields, enumeration values, parameters.
    case record(source: Int)
    /// All of a cadre's records selected by an item or veto: aggregates over them
    /// (条数, 合计（学时）), parameters.
    case selection(source: Int, filter: TExpr?, period: Period)
    /// The cadre: 得分, items, pay lines, parameters, roster fields.
    case cadre
    /// The annual article: the annual 得分, 等次, 排名, 在岗月数, annual pay lines, statistics
    /// over the months, parameters, roster fields.
    case year
    /// One month inside a statistic of the annual article: the month's 得分, 等次, 排名,
    /// 一票否决, 月份, items and pay lines.
    case yearMonth

    var isYear: Bool {
        switch self {
        case .year, .yearMonth: true
        default: false
        }
    }
}

extension Checker {
    mutating func check(_ e: Expression, _ ctx: ExprContext) -> TExpr {
        switch e.kind {
        case .number(let n, let unit):
            let (v, t) = Self.literal(n, unit)
            return .number(v, t)
        case .string(let s): return .text(s)
        case .date(let d): return .date(d)
        case .time(let t): return .time(t)
        case .calendar(let v):
            if ctx.isYear {
                errors.append(.unknownName(site(e.span), name: v.keyword.chinese, context: "年度考核", suggestions: [YearWords.monthsInPost]))
                return .number(.zero, .unknown)
            }
            if case .record = ctx {
                errors.append(.unknownName(site(e.span), name: v.keyword.chinese, context: "记录", suggestions: []))
                return .number(.zero, .unknown)
            }
            return .calendar(v)
        case .month: return .unknown(errors: &errors, site(e.span), "月份")
        case .boolean(let b): return .boolean(b)
        case .none: return .none
        case .score:
            if case .year = ctx { return resolveYear(Identifier(name: "得分", span: e.span), month: false) }
            if case .yearMonth = ctx { return .score }
            if case .cadre = ctx { return .score }
            errors.append(.unknownName(site(e.span), name: "得分", context: "记录", suggestions: []))
            return .number(.zero, .unknown)
        case .tier, .rank:
            let word = e.kind == .tier ? "等次" : "排名"
            if case .yearMonth = ctx { return e.kind == .tier ? .tier(tierOrderNames) : .rank }
            if case .year = ctx {
                if let place = tierBlockedBy {
                    errors.append(.tierTooEarly(site(e.span), word: word, place: place))
                    return .number(.zero, .unknown)
                }
                return e.kind == .tier ? .tier(year.tierNames) : .rank
            }
            guard case .cadre = ctx, tierBlockedBy == nil else {
                let place: String
                if case .cadre = ctx { place = tierBlockedBy ?? "" } else { place = "记录的条件和分值" }
                errors.append(.tierTooEarly(site(e.span), word: word, place: place))
                return .number(.zero, .unknown)
            }
            if tierOrderNames.isEmpty {
                errors.append(.tierTooEarly(site(e.span), word: word, place: ""))
                return .number(.zero, .unknown)
            }
            return e.kind == .tier ? .tier(tierOrderNames) : .rank
        case .parenthesized(let inner): return check(inner, ctx)
        case .name(let id): return resolve(id, ctx)
        case .unary(let op, let x):
            let v = check(x, ctx)
            switch op {
            case .negate:
                if !v.type.isNumeric { errors.append(.expectedType(site(x.span), expected: .number, found: v.type, role: "负号后")) }
                return .negate(v, v.type)
            case .not:
                requireCondition(v, x.span)
                return .not(v)
            }
        case .binary(let op, let l, let r):
            let a = check(l, ctx), b = check(r, ctx)
            switch op {
            case .and, .or:
                requireCondition(a, l.span)
                requireCondition(b, r.span)
                return .logical(op, a, b)
            default:
                // Two times subtract to the minutes between them: 开始 - 应到时间（班次）.
                if op == .subtract, a.type == .time, b.type == .time || b.type == .unknown { return .arithmetic(op, a, b, .number) }
                return .arithmetic(op, a, b, arithmeticType(op, a.type, b.type, e.span))
            }
        case .comparison(let first, let rest):
            var links: [(ComparisonOperator, TExpr)] = []
            var left: TExpr
            var remaining = rest[...]
            if case .name(let id) = first.kind, !isKnownName(id.name, ctx), let r0 = rest.first,
               case .name(let other) = r0.operand.kind, isKnownName(other.name, ctx) {
                // `夜班 = 班次`: an enumeration value written before the field.
                let right = check(r0.operand, ctx)
                left = checkAgainst(first, right.type, ctx, field: Self.fieldName(r0.operand))
                links.append((r0.op, right))
                remaining = rest.dropFirst()
            } else {
                left = check(first, ctx)
            }
            let firstT = left
            if let last = links.last { left = last.1 }
            var leftExpression = rest.count > remaining.count ? rest[0].operand : first
            for link in remaining {
                let right = checkAgainst(link.operand, left.type, ctx, field: Self.fieldName(leftExpression))
                leftExpression = link.operand
                if !left.type.isComparable(with: right.type) {
                    errors.append(.incomparable(site(link.operand.span), left: left.type, right: right.type))
                }
                links.append((link.op, right))
                left = right
            }
            return .compare(firstT, links)
        case .membership(let x, let options):
            let v = check(x, ctx)
            let opts = options.map { o -> TExpr in
                let t = checkAgainst(o, v.type, ctx, field: Self.fieldName(x))
                if !v.type.isComparable(with: t.type) { errors.append(.incomparable(site(o.span), left: v.type, right: t.type)) }
                return t
            }
            return .member(v, opts)
        case .conditional(let c, let a, let b):
            let cond = check(c, ctx)
            requireCondition(cond, c.span)
            let x = check(a, ctx), y = check(b, ctx)
            var t = x.type
            if x.type != y.type {
                if x.type == .number || x.type == .unknown { t = y.type } else if !(y.type == .number || y.type == .unknown) {
                    errors.append(.mixedUnits(site(b.span), op: "比", left: x.type, right: y.type))
                }
            }
            return .conditional(cond, x, y, t)
        case .aggregate(let kind, let argument, let from):
            if ctx.isYear {
                let k: YearAggregate.Kind? = kind == .sum ? .sum : kind == .max ? .max : kind == .min ? .min : nil
                guard let k, from == nil else {
                    errors.append(.annualInsideMonths(site(e.span), name: kind.keyword.chinese + (from == nil ? "" : "（来自 …）")))
                    return .number(.zero, .unknown)
                }
                if case .yearMonth = ctx {
                    errors.append(.annualInsideMonths(site(e.span), name: "\(k.word)（…）"))
                    return .number(.zero, .unknown)
                }
                return yearAggregate(k, argument.map { [$0] } ?? [], e.span)
            }
            return aggregate(kind, argument, from, ctx, e.span)
        case .call(let id, let args):
            if ctx.isYear, let v = yearCall(id, args, month: { if case .yearMonth = ctx { true } else { false } }(), e.span) { return v }
            return call(id, args, ctx, e.span)
        case .builtin(let b, let args):
            return builtin(b, args, ctx, e.span)
        }
    }

    /// Checks `e` where a value of type `expected` is wanted: a bare name that is one of an
    /// enumeration's values becomes that value.
    /// The field an enumeration value is compared with, named in R0107.
    static func fieldName(_ e: Expression) -> String {
        if case .name(let id) = e.kind { return id.name }
        if case .tier = e.kind { return "等次" }
        return ""
    }

    mutating func checkAgainst(_ e: Expression, _ expected: ValueType, _ ctx: ExprContext, field: String = "") -> TExpr {
        // The other side was already reported unknown (`班别 = 白班`): a bare name here is
        // most likely its value, and a second error would only repeat the first.
        if expected == .unknown, case .name(let id) = e.kind, !isKnownName(id.name, ctx) {
            return .number(.zero, .unknown)
        }
        if case .enumeration(let values) = expected {
            switch e.kind {
            case .name(let id) where !isKnownName(id.name, ctx):
                if let i = values.firstIndex(of: id.name) { return .enumCode(Int64(i), id.name) }
                errors.append(.notAnEnumerationValue(site(id.span), value: id.name, field: field, allowed: values))
                return .number(.zero, .unknown)
            case .string(let s):
                if let i = values.firstIndex(of: s) { return .enumCode(Int64(i), s) }
                errors.append(.notAnEnumerationValue(site(e.span), value: s, field: field, allowed: values))
                return .number(.zero, .unknown)
            default: break
            }
        }
        return check(e, ctx)
    }

    func isKnownName(_ name: String, _ ctx: ExprContext) -> Bool {
        switch ctx {
        case .record(let s), .selection(let s, _, _):
            return rules.sources[s].schema.fieldIndex(name) != nil || rules.parameters[name] != nil
        case .year:
            return Self.scoreNames.contains(name) || year.payLineNames[name] != nil || name == YearWords.monthsInPost
                || rules.parameters[name] != nil || rosterFieldType(name) != nil || groupingNames.contains(name)
        case .yearMonth:
            return Self.scoreNames.contains(name) || itemNames.contains(name) || payLineNames[name] != nil || name == YearWords.veto
                || name == YearWords.month || rules.parameters[name] != nil || rosterFieldType(name) != nil || groupingNames.contains(name)
        case .cadre:
            return Self.scoreNames.contains(name) || itemNames.contains(name) || payLineNames[name] != nil
                || rules.parameters[name] != nil || rosterFieldType(name) != nil || groupingNames.contains(name)
        }
    }

    func rosterFieldType(_ name: String) -> ValueType? {
        guard let r = rules.rosterSource, let i = rules.sources[r].schema.fieldIndex(name) else { return nil }
        return rules.sources[r].types[i]
    }

    mutating func resolve(_ id: Identifier, _ ctx: ExprContext) -> TExpr {
        let name = id.name
        // A record's own fields come first: 调整's 分值 field, not the 分值 parameter.
        if case .record(let s) = ctx, let i = rules.sources[s].schema.fieldIndex(name) {
            return .field(i, rules.sources[s].types[i])
        }
        if let p = rules.parameters[name] {
            used.insert("param:" + name)
            return .parameter(name, p.type)
        }
        switch ctx {
        case .year: return resolveYear(id, month: false)
        case .yearMonth: return resolveYear(id, month: true)
        case .record(let s):
            let source = rules.sources[s]
            if let i = source.schema.fieldIndex(name) { return .field(i, source.types[i]) }
            errors.append(.unknownField(site(id.span), name: name, source: source.name, known: source.schema.fields.map(\.name)))
            return .number(.zero, .unknown)
        case .selection(let s, _, _):
            let source = rules.sources[s]
            errors.append(.unknownName(site(id.span), name: name, context: "“\(source.name)”的统计（如 条数、合计（字段））",
                                       suggestions: source.schema.fieldIndex(name) != nil ? ["合计（\(name)）", "最大（\(name)）"] : []))
            return .number(.zero, .unknown)
        case .cadre:
            if Self.scoreNames.contains(name) { return .score }
            if Self.monthsEmployedNames.contains(name) { return .monthsEmployed }
            if Self.previousYearMonthsNames.contains(name) { return .previousYearMonths }
            if itemNames.contains(name) { return .item(name) }
            if let kind = payLineNames[name] {
                used.insert("line:" + name)
                if let place = tierBlockedBy { payLinesReadBeforeTiers.append((name, site(id.span), place)) }
                return .payLine(name, kind == .value ? .unknown : .money)
            }
            if groupingNames.contains(name) {
                used.insert("grouping:" + name)
                return .grouping(name, rules.groupings[name]?.labels ?? [])
            }
            if let t = rosterFieldType(name) { return .rosterField(name, t) }
            let all = Array(itemNames) + Array(payLineNames.keys) + Array(rules.parameters.keys)
                + (rules.rosterSource.map { rules.sources[$0].schema.fields.map(\.name) } ?? [])
            let suggestions = all.filter { c in c.contains { name.contains($0) } }.sorted()
            errors.append(.unknownName(site(id.span), name: name, context: "积分项、工资项目、参数和花名册字段", suggestions: Array(suggestions.prefix(5))))
            return .number(.zero, .unknown)
        }
    }

    mutating func requireCondition(_ v: TExpr, _ span: Span) {
        if v.type != .boolean && v.type != .unknown { errors.append(.expectedCondition(site(span), found: v.type)) }
    }

    mutating func arithmeticType(_ op: BinaryOperator, _ a: ValueType, _ b: ValueType, _ span: Span) -> ValueType {
        if a == .unknown || b == .unknown { return .unknown }
        guard a.isNumeric, b.isNumeric else {
            errors.append(op == .divide ? .divisionOfNonNumbers(site(span)) : .mixedUnits(site(span), op: Self.opName(op), left: a, right: b))
            return .unknown
        }
        if let result = Self.arithmeticResult(op, a, b) { return result }
        errors.append(.mixedUnits(site(span), op: Self.opName(op), left: a, right: b))
        return .unknown
    }

    /// The unit of `a op b` for two numeric types, nil where the units do not mix (the
    /// language's whole arithmetic table; the differential tests generate from it too).
    static func arithmeticResult(_ op: BinaryOperator, _ a: ValueType, _ b: ValueType) -> ValueType? {
        switch op {
        case .add, .subtract:
            if a == b { return a }
            if a == .number { return b }
            if b == .number { return a }
        case .multiply:
            if a == .number { return b }
            if b == .number { return a }
            if a == .count { return b }
            if b == .count { return a }
            if (a == .points && b == .money) || (a == .money && b == .points) { return .money }
        case .divide:
            if b == .number || b == .count { return a }
            if a == b { return .number }
            if a == .money && b == .points { return .money }
        default: break
        }
        return nil
    }

    static func opName(_ op: BinaryOperator) -> String {
        switch op {
        case .add: "加"
        case .subtract: "减"
        case .multiply: "乘"
        case .divide: "除"
        case .and, .or: "连接"
        }
    }

    mutating func aggregate(_ kind: Aggregate, _ argument: Expression?, _ from: Selection?, _ ctx: ExprContext, _ span: Span) -> TExpr {
        var source: Int
        var filter: TExpr?
        var period = Period.always
        if let from {
            guard let s = resolveSource(from.source) else { return .number(.zero, .unknown) }
            source = s
            filter = from.filter.map { f in
                let v = check(f, .record(source: s))
                requireCondition(v, f.span)
                return v
            }
        } else if case .selection(let s, let f, let p) = ctx {
            source = s
            filter = f
            period = p
        } else {
            errors.append(.aggregateWithoutRecords(site(span), name: kind.keyword.chinese))
            return .number(.zero, .unknown)
        }
        var arg: TExpr? = argument.map { check($0, .record(source: source)) }
        let type: ValueType
        switch kind {
        case .count:
            type = .count
        case .distinctDays:
            if arg == nil, let d = rules.sources[source].schema.dateField, let i = rules.sources[source].schema.fieldIndex(d) {
                arg = .field(i, .date)
            }
            if let a = arg, a.type != .date, a.type != .unknown {
                errors.append(.expectedType(site(argument?.span ?? span), expected: .date, found: a.type, role: "天数的参数"))
            }
            type = .count
        case .sum, .max, .min:
            guard let a = arg else {
                errors.append(.argumentCount(site(span), name: kind.keyword.chinese, expected: "1", found: 0))
                return .number(.zero, .unknown)
            }
            if !a.type.isNumeric && !(kind != .sum && (a.type == .date || a.type == .time)) {
                errors.append(.expectedType(site(argument!.span), expected: .number, found: a.type, role: "\(kind.keyword.chinese)的参数"))
            }
            type = a.type
        }
        let acc = Accumulator(source: source, filter: filter, kind: kind, argument: arg, period: period)
        used.insert("source:" + rules.sources[source].name)
        if let i = rules.accumulators.firstIndex(of: acc) { return .aggregate(i, type) }
        rules.accumulators.append(acc)
        return .aggregate(rules.accumulators.count - 1, type)
    }

    mutating func resolveSource(_ id: Identifier) -> Int? {
        if let s = rules.source(named: id.name) {
            used.insert("source:" + id.name)
            return s
        }
        errors.append(.unknownSource(site(id.span), name: id.name, known: rules.sources.map(\.name)))
        return nil
    }

    mutating func call(_ id: Identifier, _ args: [Expression], _ ctx: ExprContext, _ span: Span) -> TExpr {
        if let tables = rules.lookups[id.name] {
            used.insert("table:" + id.name)
            guard args.count == 1 else {
                errors.append(.argumentCount(site(span), name: id.name, expected: "1", found: args.count))
                return .number(.zero, .unknown)
            }
            let key = check(args[0], ctx)
            if tables[0].byTier, key.type != .unknown, !key.readsTier {
                errors.append(.expectedType(site(args[0].span), expected: .enumeration(tierOrderNames), found: key.type, role: "按等次的对照表“\(id.name)”的参数"))
            }
            // Looked up by an enumeration (`夜班分值（日期类型）`), every value is known now: a
            // version of the table without a row for one of them and without 其余 would find
            // nothing for its records, which would count nothing and vanish from the
            // explanation.
            if !tables[0].byTier, case .enumeration(let values) = key.type, !enumTablesReported.contains(id.name) {
                var missing: [String] = []
                for t in tables where !t.rows.contains(where: { $0.key == nil }) {
                    for v in values where !missing.contains(v) && !t.rows.contains(where: { $0.key == .text(v) }) { missing.append(v) }
                }
                if !missing.isEmpty {
                    enumTablesReported.insert(id.name)
                    errors.append(.enumTableMissing(lookupSites[id.name] ?? site(args[0].span), table: id.name, key: Self.excerpt(args[0]),
                                                    missing: missing, values: values))
                }
            }
            return .lookup(id.name, key, tables[0].valueType)
        }
        if rules.brackets[id.name] != nil {
            used.insert("table:" + id.name)
            guard args.count == 1 else {
                errors.append(.argumentCount(site(span), name: id.name, expected: "1", found: args.count))
                return .number(.zero, .unknown)
            }
            let a = check(args[0], ctx)
            if a.type != .money && a.type != .unknown { errors.append(.expectedType(site(args[0].span), expected: .money, found: a.type, role: "累进表的参数")) }
            return .bracket(id.name, a)
        }
        errors.append(.unknownTable(site(id.span), name: id.name))
        return .number(.zero, .unknown)
    }

    mutating func builtin(_ b: Builtin, _ args: [Expression], _ ctx: ExprContext, _ span: Span) -> TExpr {
        let name = b.keyword.chinese
        switch b {
        case .clamp:
            guard args.count == 3 else {
                errors.append(.argumentCount(site(span), name: name, expected: "3", found: args.count))
                return .number(.zero, .unknown)
            }
            let v = check(args[0], ctx), lo = check(args[1], ctx), hi = check(args[2], ctx)
            for (x, e) in [(lo, args[1]), (hi, args[2])] where !v.type.isComparable(with: x.type) {
                errors.append(.incomparable(site(e.span), left: v.type, right: x.type))
            }
            return .clamp(v, lo, hi, v.type)
        case .yearToDate, .priorToDate, .previousYearTotal:
            if ctx.isYear, b == .priorToDate || b == .previousYearTotal || { if case .yearMonth = ctx { true } else { false } }() {
                errors.append(.annualInsideMonths(site(span), name: name))
                return .number(.zero, .money)
            }
            guard args.count == 1 else {
                errors.append(.argumentCount(site(span), name: name, expected: "1", found: args.count))
                return .number(.zero, .money)
            }
            guard case .name(let id) = args[0].kind, payLineNames[id.name] != nil else {
                // Name what was written when it is a name; anything else is shown by its place.
                let written: String
                if case .name(let id) = args[0].kind { written = id.name } else { written = "括号里的算式" }
                errors.append(.unknownPayLine(site(args[0].span), name: written))
                return .number(.zero, .money)
            }
            used.insert("line:" + id.name)
            if ctx.isYear, !year.payLinesRead.contains(id.name) { year.payLinesRead.append(id.name) }
            switch b {
            case .yearToDate: return .yearToDate(id.name)
            case .previousYearTotal: return .previousYearTotal(id.name)
            default: return .priorToDate(id.name)
            }
        case .previousYearAnnual:
            if ctx.isYear {
                errors.append(.annualInsideMonths(site(span), name: name))
                return .number(.zero, .money)
            }
            guard args.count == 1 else {
                errors.append(.argumentCount(site(span), name: name, expected: "1", found: args.count))
                return .number(.zero, .money)
            }
            guard case .name(let id) = args[0].kind else {
                errors.append(.notAnnualPayLine(site(args[0].span), name: "括号里的算式", known: [], separate: false))
                return .number(.zero, .money)
            }
            // Checked against 年度考核 once it is read (`checkPreviousYearAnnual`).
            previousYearAnnualReads.append((id.name, site(id.span)))
            return .previousYearAnnual(id.name)
        case .poolShare:
            if ctx.isYear {
                errors.append(.annualInsideMonths(site(span), name: name))
                return .number(.zero, .money)
            }
            guard args.count >= 2 else {
                errors.append(.argumentCount(site(span), name: name, expected: "2 或更多", found: args.count))
                return .number(.zero, .money)
            }
            let pool = check(args[0], ctx), weight = check(args[1], ctx)
            if pool.type != .money && pool.type != .unknown { errors.append(.expectedType(site(args[0].span), expected: .money, found: pool.type, role: "奖励池")) }
            if !weight.type.isNumeric { errors.append(.expectedType(site(args[1].span), expected: .points, found: weight.type, role: "分配权重")) }
            let groups = args.dropFirst(2).map { a -> TExpr in
                if case .name(let id) = a.kind, id.name == GroupKeys.countyWord { return .text(GroupKeys.countyWord) }
                return check(a, ctx)
            }
            return .poolShare(pool, weight, groups)
        case .headcount:
            // 在岗人数（全县）, 在岗人数（社区）, 在岗人数（社区、考核组）: the groups are named
            // (roster fields or 分组), never computed.
            if case .record = ctx {
                errors.append(.unknownName(site(span), name: name, context: "记录", suggestions: []))
                return .number(.zero, .count)
            }
            if ctx.isYear {
                errors.append(.annualInsideMonths(site(span), name: name))
                return .number(.zero, .count)
            }
            guard !args.isEmpty else {
                errors.append(.argumentCount(site(span), name: name, expected: "1 或更多", found: 0))
                return .number(.zero, .count)
            }
            let fields = (rules.rosterSource.map { rules.sources[$0].schema.fields.map(\.name) } ?? []).filter { !Self.headcountExcluded.contains($0) }
            let groups = groupingNames.sorted() + fields
            var keys: [String] = []
            var valid = true
            for a in args {
                guard case .name(let id) = a.kind else {
                    errors.append(.unknownHeadcountGroup(site(a.span), written: "括号里的算式", groups: groups))
                    valid = false
                    continue
                }
                if Self.countyNames.contains(id.name) { continue }
                if groupingNames.contains(id.name) {
                    used.insert("grouping:" + id.name)
                } else if rosterFieldType(id.name) == nil || Self.headcountExcluded.contains(id.name) {
                    errors.append(.unknownHeadcountGroup(site(a.span), written: id.name, groups: groups))
                    valid = false
                    continue
                }
                if !keys.contains(id.name) { keys.append(id.name) }
            }
            guard valid else { return .number(.zero, .count) }
            if !rules.headcountGroups.contains(keys) { rules.headcountGroups.append(keys) }
            return .headcount(keys)
        }
    }
}

extension TExpr {
    static func unknown(errors: inout [CheckError], _ site: Site, _ what: String) -> TExpr {
        errors.append(.notConstant(site, what: what))
        return .number(.zero, .unknown)
    }

}
