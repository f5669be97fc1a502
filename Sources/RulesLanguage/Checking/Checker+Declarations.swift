import Results
import Diagnostics
import Exact
import Pay
import Records

extension Checker {
    mutating func constantPoints(_ e: Expression, what: String) -> Fixed? {
        guard case .number(let n, let unit) = e.kind else {
            errors.append(.notConstant(site(e.span), what: what))
            return nil
        }
        let (v, t) = Self.literal(n, unit)
        if t != .points && t != .number { errors.append(.expectedType(site(e.span), expected: .points, found: t, role: what)) }
        return v
    }

    mutating func checkBase(_ d: BaseScoreDeclaration) {
        guard let v = constantPoints(d.amount, what: "基础分") else { return }
        rules.base.append((Self.period(d.attributes), v, d.attributes.citation?.text))
    }

    /// `总分范围 { 最低 0 分，最高 100 分 }`: fixed points, the floor not above the ceiling.
    mutating func checkScoreRange(_ d: ScoreRangeDeclaration) {
        let floor = d.floor.flatMap { constantPoints($0, what: "总分的最低分") }
        let ceiling = d.ceiling.flatMap { constantPoints($0, what: "总分的最高分") }
        if let lo = floor, let hi = ceiling, lo > hi, let e = d.ceiling {
            errors.append(.emptyScoreRange(site(e.span), floor: lo.shortDescription, ceiling: hi.shortDescription))
        }
        rules.scoreRanges.append((Self.period(d.attributes), floor, ceiling, d.attributes.citation?.text))
    }

    /// `合计上限`: named items of one kind (all 积分项 or all 扣分项), a fixed cap in points.
    mutating func checkGroupCap(_ d: GroupCapDeclaration, items: [ItemDeclaration]) {
        var kinds: [(String, ItemDeclaration.Kind)] = []
        for id in d.items {
            guard let item = items.first(where: { $0.name.name == id.name }) else {
                let names = Array(Set(items.map(\.name.name))).sorted()
                errors.append(.unknownName(site(id.span), name: id.name, context: "积分项和扣分项", suggestions: names.filter { c in c.contains { id.name.contains($0) } }))
                continue
            }
            if item.kind == .adjustment || kinds.contains(where: { $0.1 != item.kind }) {
                errors.append(.groupCapMixed(site(id.span), group: d.name.name, item: id.name))
                continue
            }
            kinds.append((id.name, item.kind))
        }
        guard let c = d.cap, let cap = constantPoints(c, what: "合计上限") else { return }
        rules.groupCaps.append(CheckedGroupCap(name: d.name.name, citation: d.attributes.citation?.text, period: Self.period(d.attributes),
                                               items: d.items.map(\.name), cap: cap))
    }

    mutating func checkItem(_ d: ItemDeclaration) {
        guard let selection = d.selection, let source = resolveSource(selection.source) else { return }
        let period = Self.period(d.attributes)
        let filter = selection.filter.map { f -> TExpr in
            let v = check(f, .record(source: source))
            requireCondition(v, f.span)
            return v
        }
        var scoring = CheckedItem.Scoring.each(.number(.zero, .points))
        if let s = d.scoring {
            switch s.mode {
            case .eachRecord:
                let amount = check(s.amount, .record(source: source))
                if amount.type != .points && amount.type != .unknown {
                    errors.append(.expectedType(site(s.amount.span), expected: .points, found: amount.type, role: "每条记录的分值"))
                }
                scoring = .each(amount)
            case .total:
                let amount = check(s.amount, .selection(source: source, filter: filter, period: period))
                if amount.type != .points && amount.type != .unknown {
                    errors.append(.expectedType(site(s.amount.span), expected: .points, found: amount.type, role: "积分项的分值"))
                }
                scoring = .total(amount)
            }
        }
        var daily: Fixed?, monthly: Fixed?
        for cap in d.caps {
            let v = constantPoints(cap.amount, what: "上限")
            if cap.period == .day { daily = v } else { monthly = v }
        }
        var floor: Fixed? = nil
        if let f = d.floor {
            floor = f.amount.flatMap { constantPoints($0, what: "下限") } ?? .zero
            // An adjustment counts as written: a floor there would silently do nothing.
            if d.kind == .adjustment {
                errors.append(.floorCannotApply(site(f.span), item: d.name.name, clause: f.amount == nil ? "扣完为止" : "下限"))
                floor = nil
            }
        }
        let schema = rules.sources[source].schema
        var requires: [Int] = []
        for r in d.requiredFields {
            if let i = schema.fieldIndex(r.name) { requires.append(i) } else {
                errors.append(.unknownField(site(r.span), name: r.name, source: schema.name, known: schema.fields.map(\.name)))
            }
        }
        if d.kind == .adjustment, !d.requiredFields.contains(where: { $0.name == "原因" || $0.name == "reason" }) {
            errors.append(.adjustmentWithoutReason(site(d.name.span), item: d.name.name))
        }
        rules.items.append(CheckedItem(
            name: d.name.name, kind: d.kind, citation: d.attributes.citation?.text, period: period, source: source,
            filter: filter, scoring: scoring, dailyCap: daily, monthlyCap: monthly, floor: floor, requires: requires,
            site: site(d.name.span)))
    }

    mutating func checkVeto(_ d: VetoDeclaration) {
        let period = Self.period(d.attributes)
        var source: Int? = nil
        var filter: TExpr? = nil
        var ctx = ExprContext.cadre
        if let s = d.selection, let src = resolveSource(s.source) {
            source = src
            filter = s.filter.map { f in
                let v = check(f, .record(source: src))
                requireCondition(v, f.span)
                return v
            }
            ctx = .selection(source: src, filter: filter, period: period)
        }
        guard let c = d.condition else { return }
        let condition = check(c, ctx)
        requireCondition(condition, c.span)
        guard let tier = d.tier else { return }
        if !tierNames.contains(tier.name) {
            errors.append(.unknownTier(site(tier.span), name: tier.name, known: tierNames.sorted()))
        }
        rules.vetoes.append(CheckedVeto(name: d.name.name, citation: d.attributes.citation?.text, period: period, source: source, filter: filter, condition: condition, tier: tier.name))
    }

    // MARK: - Tiers

    mutating func checkTiers(_ d: TierDeclaration) {
        var checked: [CheckedTierRule] = []
        var quotaTotals: [String: Fixed] = [:]
        var intervals: [(tier: String, interval: ScoreInterval, span: Span)] = []
        var analyzable = true
        var hasOtherwise = false
        for r in d.rules {
            var condition: TExpr? = nil
            if let c = r.condition {
                let v = check(c, declarationContext)
                requireCondition(v, c.span)
                condition = v
                if let i = ScoreInterval(v) { intervals.append((r.tier.name, i, r.span)) } else { analyzable = false }
            } else {
                hasOtherwise = true
            }
            var quota: (Fixed, [String])? = nil
            if let q = r.quota {
                let share = check(q.share, declarationContext)
                let keys = q.groups.names.map(\.name)
                let label = keys.isEmpty ? GroupKeys.countyWord : keys.joined(separator: "、")
                if case .number(let v, _) = share, v > .zero, v <= Fixed(1) {
                    quota = (v, keys)
                    quotaTotals[label, default: .zero] = quotaTotals[label, default: .zero] + v
                } else {
                    errors.append(.quotaShare(site(q.share.span)))
                }
                for id in q.groups.names { _ = checkGroupKey(id) }
            }
            checked.append(CheckedTierRule(tier: r.tier.name, condition: condition, quota: quota.map { (share: $0.0, groups: $0.1) },
                                           conditionText: r.condition.map { _ in "" } ?? "其余"))
        }
        for (group, total) in quotaTotals where total > Fixed(1) {
            errors.append(.quotasOverHundred(site(d.span), total: "\((total * Fixed(100)).shortDescription)% （\(group)）"))
        }
        if analyzable {
            // Overlaps: any two tiers whose score ranges meet.
            for i in 0..<intervals.count {
                for j in (i + 1)..<max(i + 1, intervals.count) where intervals[i].interval.intersects(intervals[j].interval) {
                    errors.append(.tiersOverlap(site(intervals[j].span), first: intervals[i].tier, second: intervals[j].tier,
                                                range: intervals[i].interval.intersection(intervals[j].interval).description))
                }
            }
            // Every gap at once, lowest first: the check promises all problems in one run.
            if !hasOtherwise {
                for gap in ScoreInterval.gaps(intervals.map(\.interval)) { errors.append(.tiersGap(site(d.span), range: gap)) }
            }
        }
        var ordering: [(TExpr, Bool, String)] = []
        for k in d.ordering {
            let v = check(k.key, declarationContext)
            if case .boolean = v.type { errors.append(.expectedType(site(k.key.span), expected: .number, found: .boolean, role: "排序依据")) }
            ordering.append((v, k.direction == .descending, ""))
        }
        var rankGroups: [String]? = nil
        if let g = d.rankGroups {
            for id in g.names { _ = checkGroupKey(id) }
            rankGroups = g.names.map(\.name)
        }
        var exclusions = RankExclusions()
        for w in d.rankExclusions {
            switch w.name {
            case "一票否决者", "一票否决", "veto", "vetoed": exclusions.vetoed = true
            case "本月入职", "joined_this_month": exclusions.joined = true
            case "本月离职", "left_this_month": exclusions.left = true
            default: errors.append(.unknownRankExclusion(site(w.span), word: w.name))
            }
        }
        rules.tiers.append(CheckedTiers(period: Self.period(d.attributes), citation: d.attributes.citation?.text, rules: checked,
                                        ordering: ordering.map { (key: $0.0, descending: $0.1, text: $0.2) },
                                        rankGroups: rankGroups, exclusions: exclusions))
    }

    /// A group key of a quota, a rank or a headcount: a roster field or a 分组 (全县 is
    /// handled by the caller). False, with R0103, when it is neither.
    mutating func checkGroupKey(_ id: Identifier) -> Bool {
        if groupingNames.contains(id.name) {
            used.insert("grouping:" + id.name)
            return true
        }
        if rosterFieldType(id.name) != nil { return true }
        let fields = rules.rosterSource.map { rules.sources[$0].schema.fields.map(\.name) } ?? []
        let known = groupingNames.sorted() + ["社区", GroupKeys.countyWord] + fields.filter { $0 != "社区" }
        errors.append(.unknownField(site(id.span), name: id.name, source: "花名册", known: known))
        return false
    }

    /// `分组 考核组 { 正职：岗位 属于（书记、主任）；其他组：其余 }`: conditions on the roster
    /// and parameters only (R0330), the last group `其余` (R0331).
    mutating func checkGrouping(_ d: GroupingDeclaration) {
        var labels: [String] = []
        var conditions: [TExpr?] = []
        for g in d.groups {
            var condition: TExpr? = nil
            if let c = g.condition {
                let v = check(c, .cadre)
                requireCondition(v, c.span)
                if let read = Self.nonRosterRead(v) {
                    errors.append(.groupingNotRoster(site(c.span), grouping: d.name.name, read: read))
                }
                condition = v
            }
            labels.append(g.label.name)
            conditions.append(condition)
        }
        if d.groups.last?.condition != nil || d.groups.isEmpty {
            errors.append(.groupingWithoutOtherwise(site(d.name.span), grouping: d.name.name))
        }
        rules.groupings[d.name.name] = CheckedGrouping(name: d.name.name, citation: d.attributes.citation?.text, labels: labels, conditions: conditions)
    }

    /// The first thing an expression reads that is not on the roster (nor a parameter or a
    /// literal): what a grouping may not depend on. Pay lines and the tier are reported
    /// apart (R0315).
    static func nonRosterRead(_ e: TExpr) -> String? {
        switch e {
        case .number, .text, .date, .time, .calendar, .boolean, .none, .enumCode, .parameter, .rosterField, .payLine, .tier, .rank: return nil
        case .score: return "得分"
        case .item(let n): return n
        case .monthsEmployed: return "本年任职月数"
        case .aggregate: return "记录的统计"
        case .grouping(let n, _): return n
        case .headcount: return "在岗人数"
        case .yearToDate: return "本年累计"
        case .priorToDate: return "此前累计"
        case .previousYearMonths: return "上年任职月数"
        case .previousYearTotal: return "上年累计"
        case .previousYearAnnual: return "上年年度"
        case .poolShare: return "按比例分配"
        case .bracket(let n, _): return n
        case .field: return "记录的字段"
        case .negate(let x, _), .not(let x), .lookup(_, let x, _): return nonRosterRead(x)
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b): return nonRosterRead(a) ?? nonRosterRead(b)
        case .compare(let a, let links): return nonRosterRead(a) ?? links.lazy.compactMap { nonRosterRead($0.1) }.first
        case .member(let a, let xs): return nonRosterRead(a) ?? xs.lazy.compactMap { nonRosterRead($0) }.first
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _): return nonRosterRead(a) ?? nonRosterRead(b) ?? nonRosterRead(c)
        }
    }

    /// `对照表 … 按 等次`: every row a declared tier, and every declared tier a row (or a
    /// `其余` row for the rest).
    mutating func checkTierTable(_ d: LookupTableDeclaration) {
        guard d.key?.name == Keyword.tier.chinese else { return }
        if var tables = rules.lookups[d.name.name] {
            for i in tables.indices { tables[i].byTier = true }
            rules.lookups[d.name.name] = tables
        }
        guard !tierOrderNames.isEmpty else {
            errors.append(.tierTooEarly(site(d.key!.span), word: "等次", place: ""))
            return
        }
        var written: Set<String> = []
        for r in d.rows {
            guard let k = r.key else { continue }
            let name: String
            switch k.kind {
            case .name(let id): name = id.name
            case .string(let s): name = s
            default:
                errors.append(.unknownTier(site(k.span), name: "这一行的键", known: tierOrderNames))
                continue
            }
            if !tierNames.contains(name) { errors.append(.unknownTier(site(k.span), name: name, known: tierOrderNames)) }
            written.insert(name)
        }
        let missing = tierOrderNames.filter { !written.contains($0) }
        if !missing.isEmpty, !d.rows.contains(where: { $0.key == nil }) {
            errors.append(.tierTableMissing(site(d.name.span), table: d.name.name, missing: missing, tiers: tierOrderNames))
        }
    }

    /// A pay line read by the score, a veto or the tiers would not be paid yet there (pay
    /// comes after the tiers); one that reads the tier itself is a cycle.
    mutating func reportPayLinesReadBeforeTiers() {
        var reads: [String: TExpr] = [:]
        for l in rules.payLines { reads[l.name] = l.expression }
        var exemptions: [String: [TExpr]] = [:]
        for l in rules.payLines { exemptions[l.name] = l.exemptions.map(\.0) }
        /// The chain of lines from `name` to one that reads 等次 or 排名, if any.
        func path(_ name: String, _ seen: Set<String>) -> [String]? {
            guard let e = reads[name], !seen.contains(name) else { return nil }
            let all = [e] + (exemptions[name] ?? [])
            if all.contains(where: \.readsTier) { return [name] }
            var names: [String] = []
            for x in all { Self.collectLines(x, into: &names) }
            for n in names { if let p = path(n, seen.union([name])) { return [name] + p } }
            return nil
        }
        for r in payLinesReadBeforeTiers {
            if let p = path(r.line, []) {
                errors.append(.tierCycle(r.site, path: ["等次"] + p + ["等次"], place: r.place))
            } else {
                errors.append(.payLineBeforeTiers(r.site, line: r.line, place: r.place))
            }
        }
    }

    // MARK: - Pay lines

    mutating func checkPayLine(_ d: PayLineDeclaration) -> CheckedPayLine? {
        let e = check(d.formula, declarationContext)
        var type = e.type
        if d.kind != .value, type != .money, type != .unknown {
            errors.append(.expectedType(site(d.formula.span), expected: .money, found: type, role: "工资项目“\(d.name.name)”"))
            type = .money
        }
        let exemptions = d.exemptions.map { x -> (TExpr, String) in
            let v = check(x, declarationContext)
            requireCondition(v, x.span)
            return (v, "")
        }
        var floor: Fixed? = nil
        for case .floor(let f) in d.clauses {
            if let a = f.amount, case .number(let n, let unit) = a.kind { floor = Self.literal(n, unit).0 } else if f.amount == nil { floor = .zero }
        }
        var rounding: RoundingSpec? = nil
        if let r = d.rounding {
            let scale: Int
            switch r.place {
            case .fen: scale = 2
            case .jiao: scale = 1
            case .yuan: scale = 0
            }
            rounding = RoundingSpec(r.mode, scale: scale)
        }
        if rounding == nil, type == .money, maxScale(e) > 2 {
            errors.append(.needsRounding(site(d.name.span), line: d.name.name))
        }
        var taxColumn: TaxFilingColumn?
        if let c = d.taxColumn {
            taxColumn = TaxFilingColumn(ruleName: c.text)
            if taxColumn == nil {
                errors.append(.unknownTaxColumn(site(c.span), name: c.text, known: TaxFilingColumn.amountNames))
            } else if type != .money, type != .unknown {
                errors.append(.expectedType(site(d.formula.span), expected: .money, found: type, role: "个税申报的“\(c.text)”"))
            }
        }
        return CheckedPayLine(
            name: d.name.name, kind: d.kind, citation: d.attributes.citation?.text, period: Self.period(d.attributes),
            expression: e, formula: "", type: type == .unknown ? .money : type, rounding: rounding, exemptions: exemptions, floor: floor,
            taxColumn: taxColumn)
    }

    /// The most decimal places an expression's value can have; 99 when a quotient may not
    /// terminate. A money line over 2 places must declare how it rounds.
    func maxScale(_ e: TExpr) -> Int {
        switch e {
        case .number(let n, _): return n.normalized.scale
        case .parameter(let name, _): return rules.parameters[name]?.values.map { $0.value.normalized.scale }.max() ?? 0
        case .lookup(let name, _, _): return rules.lookups[name]?.flatMap { $0.rows.map { $0.value.normalized.scale } }.max() ?? 0
        case .field(_, let t), .rosterField(_, let t), .aggregate(_, let t): return t == .money ? 2 : (t == .count ? 0 : 4)
        case .score, .item: return 2
        case .payLine, .bracket, .yearToDate, .priorToDate, .poolShare, .previousYearTotal, .previousYearAnnual: return 2
        case .monthsEmployed, .rank, .headcount, .previousYearMonths: return 0
        case .negate(let x, _): return maxScale(x)
        case .arithmetic(let op, let a, let b, _):
            switch op {
            case .multiply: return maxScale(a) + maxScale(b)
            case .divide: return 99
            default: return max(maxScale(a), maxScale(b))
            }
        case .conditional(_, let a, let b, _): return max(maxScale(a), maxScale(b))
        case .clamp(let a, let b, let c, _): return max(maxScale(a), maxScale(b), maxScale(c))
        default: return 0
        }
    }

    /// Pay lines in an order where each comes after the lines it uses (declaration order
    /// otherwise); a cycle is reported with its path.
    mutating func orderPayLines(_ lines: [CheckedPayLine], sites: [String: Site]) -> [CheckedPayLine] {
        var deps: [String: [String]] = [:]
        for l in lines {
            var names: [String] = []
            Self.collectLines(l.expression, into: &names)
            for (x, _) in l.exemptions { Self.collectLines(x, into: &names) }
            deps[l.name, default: []] += names
        }
        var order: [CheckedPayLine] = []
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var reported = false
        func visit(_ name: String, _ stack: [String], _ c: inout Checker) {
            if state[name] == 2 { return }
            if state[name] == 1 {
                if !reported, let i = stack.firstIndex(of: name) {
                    reported = true
                    c.errors.append(.cycle(sites[name] ?? Site(c.path, Span.at(0)), names: Array(stack[i...]) + [name]))
                }
                return
            }
            state[name] = 1
            for d in deps[name] ?? [] where deps[d] != nil { visit(d, stack + [name], &c) }
            state[name] = 2
            for l in lines where l.name == name { order.append(l) }
        }
        for l in lines where state[l.name] == nil { visit(l.name, [], &self) }
        return order
    }

    /// Same-month dependencies: `此前累计（X）` reads earlier months only, so it is not one.
    static func collectLines(_ e: TExpr, into names: inout [String]) {
        switch e {
        case .payLine(let n, _), .yearToDate(let n): names.append(n)
        case .negate(let x, _), .not(let x), .lookup(_, let x, _), .bracket(_, let x): collectLines(x, into: &names)
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b):
            collectLines(a, into: &names)
            collectLines(b, into: &names)
        case .compare(let a, let links):
            collectLines(a, into: &names)
            for (_, x) in links { collectLines(x, into: &names) }
        case .member(let a, let xs):
            collectLines(a, into: &names)
            for x in xs { collectLines(x, into: &names) }
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _):
            collectLines(a, into: &names)
            collectLines(b, into: &names)
            collectLines(c, into: &names)
        case .poolShare(let a, let b, let c):
            collectLines(a, into: &names)
            collectLines(b, into: &names)
            for x in c { collectLines(x, into: &names) }
        default: break
        }
    }

    mutating func reportUnused(
        params: [Decl<ParameterDeclaration>], tables: [Decl<LookupTableDeclaration>], brackets: [Decl<BracketTableDeclaration>],
        sources: [Decl<SourceDeclaration>], lines: [Decl<PayLineDeclaration>]
    ) {
        var seen: Set<String> = []
        for p in params where !used.contains("param:" + p.value.name.name) && !CheckedRules.adjustmentLimitNames.contains(p.value.name.name)
            && seen.insert("p" + p.value.name.name).inserted {
            errors.append(.unused(Site(p.path, p.value.name.span), kind: "参数", name: p.value.name.name))
        }
        for t in tables where !used.contains("table:" + t.value.name.name) && seen.insert("t" + t.value.name.name).inserted {
            errors.append(.unused(Site(t.path, t.value.name.span), kind: "对照表", name: t.value.name.name))
        }
        for b in brackets where !used.contains("table:" + b.value.name.name) && seen.insert("b" + b.value.name.name).inserted {
            errors.append(.unused(Site(b.path, b.value.name.span), kind: "累进表", name: b.value.name.name))
        }
        for s in sources where !used.contains("source:" + s.value.name.name) {
            let role = rules.source(named: s.value.name.name).map { rules.sources[$0].schema.role }
            if role == .activity { errors.append(.unused(Site(s.path, s.value.name.span), kind: "数据源", name: s.value.name.name)) }
        }
        for l in lines where l.value.kind == .value && !used.contains("line:" + l.value.name.name) {
            errors.append(.unused(Site(l.path, l.value.name.span), kind: "计算项", name: l.value.name.name))
        }
    }
}
