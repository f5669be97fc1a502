import Diagnostics
import Exact
import Pay

/// What the checker keeps while it reads the annual article.
struct YearCheckState {
    /// The annual pay lines by name.
    var payLineNames: [String: PayLineDeclaration.Kind] = [:]
    /// The annual tiers best first, then the too-few-months label: the values of 等次 in the
    /// annual article.
    var tierNames: [String] = []
    var aggregates: [YearAggregate] = []
    var itemsRead: [String] = []
    var payLinesRead: [String] = []
    /// While checking 年度得分: 得分 outside a statistic is the score being defined.
    var scoreBlocked = false
    /// The bonus lines with a 奖金计税: `奖金个税（X）` reads their tax.
    var bonusTaxed: Set<String> = []
}

extension Checker {
    /// The annual articles: at most one (R0106), with 年度得分 and 等次评定 (R0342).
    mutating func checkYears(_ years: [Decl<YearDeclaration>], tables: [Decl<LookupTableDeclaration>]) {
        guard let first = years.first else { return }
        for extra in years.dropFirst() {
            errors.append(.duplicateDeclaration(Site(extra.path, Span(start: extra.value.span.start, end: extra.value.span.start + Keyword.yearAssessment.chinese.utf8.count)),
                                                name: Keyword.yearAssessment.chinese, first: Site(first.path, first.value.span)))
        }
        path = first.path
        checkYear(first.value, tables: tables)
    }

    mutating func checkYear(_ d: YearDeclaration, tables: [Decl<LookupTableDeclaration>]) {
        let head = Span(start: d.span.start, end: d.span.start + Keyword.yearAssessment.chinese.utf8.count)
        let yearPath = path
        var scoreClause: (Expression, ScoreRounding?)?
        var minimum: (Expression, Identifier)?
        var vetoes: [(Identifier, Expression, Identifier)] = []
        var tierDecl: TierDeclaration?
        var lines: [PayLineDeclaration] = []
        var taxes: [BonusTaxDeclaration] = []
        var payment: Expression??
        for c in d.clauses {
            switch c {
            case .score(let f, let r, let span):
                if scoreClause != nil { errors.append(.duplicateDeclaration(site(span), name: YearWords.score, first: site(d.span))) }
                scoreClause = (f, r)
            case .minimumMonths(let m, let label, let span):
                if minimum != nil { errors.append(.duplicateDeclaration(site(span), name: YearWords.minimum, first: site(d.span))) }
                minimum = (m, label)
            case .veto(let n, let cond, let t, _): vetoes.append((n, cond, t))
            case .tiers(let t):
                if tierDecl != nil { errors.append(.duplicateDeclaration(site(t.span), name: Keyword.tiers.chinese, first: site(d.span))) }
                tierDecl = tierDecl ?? t
            case .payLine(let p): lines.append(p)
            case .bonusTax(let b): taxes.append(b)
            case .payment(let m, let span):
                if payment != nil {
                    errors.append(.duplicateDeclaration(site(span), name: YearWords.payment, first: site(d.span)))
                } else {
                    payment = .some(m)
                }
            }
        }
        guard let (scoreFormula, scoreRounding) = scoreClause else {
            errors.append(.yearIncomplete(site(head), missing: YearWords.score, help: "写一行“年度得分 = 平均（得分），舍入 四舍五入 到 0.01 分”。"))
            return
        }
        guard let tierDecl else {
            errors.append(.yearIncomplete(site(head), missing: Keyword.tiers.chinese, help: "写“等次评定 { 优秀：得分 ≥ 90 分 … 不称职：其余 }”，规定全年的等次。"))
            return
        }
        year = YearCheckState()
        year.payLineNames = Dictionary(lines.map { ($0.name.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        year.bonusTaxed = Set(taxes.map(\.bonus.name))
        var tierOrder: [String] = []
        for r in tierDecl.rules where !tierOrder.contains(r.tier.name) { tierOrder.append(r.tier.name) }
        let label = minimum?.1.name
        year.tierNames = tierOrder + (label.map { tierOrder.contains($0) ? [] : [$0] } ?? [])

        // The annual score.
        let savedBlock = tierBlockedBy
        tierBlockedBy = YearWords.score
        year.scoreBlocked = true
        let score = check(scoreFormula, .year)
        year.scoreBlocked = false
        if score.type != .points && score.type != .number && score.type != .unknown {
            errors.append(.expectedType(site(scoreFormula.span), expected: .points, found: score.type, role: YearWords.score))
        }
        var rounding = RoundingSpec(.halfUp, scale: 2)
        if let r = scoreRounding {
            rounding.rule = r.mode
            if let step = r.step {
                if case .number(let n, let unit) = step.kind, unit == nil || unit == .points, let scale = Self.stepScale(n) {
                    rounding.scale = scale
                } else {
                    errors.append(.scoreRoundingStep(site(step.span), written: Self.shown(step)))
                }
            }
        }

        // Minimum months in post.
        var minimumMonths: Int?
        if let (m, l) = minimum {
            if case .number(let n, let unit) = m.kind, unit == nil || unit == .months, let whole = n.wholeValue, whole >= 0 {
                minimumMonths = Int(whole)
            } else {
                errors.append(.notConstant(site(m.span), what: "在岗不足的月数"))
            }
            if tierOrder.contains(l.name) {
                errors.append(.yearIncomplete(site(l.span), missing: "不定等次的名称",
                                              help: "“在岗不足 … 定为”后面写一个不是等次的名称，例如“不定等次”；“\(l.name)”已是等次评定中的等次。"))
            }
        }

        // Vetoes over the months.
        tierBlockedBy = "年度考核的一票否决"
        var checkedVetoes: [CheckedYearVeto] = []
        for (name, condition, tier) in vetoes {
            let v = check(condition, .year)
            requireCondition(v, condition.span)
            if !tierOrder.contains(tier.name) { errors.append(.unknownTier(site(tier.span), name: tier.name, known: tierOrder)) }
            checkedVetoes.append(CheckedYearVeto(name: name.name, citation: d.attributes.citation?.text, condition: v, tier: tier.name))
        }

        // The annual tiers, as the monthly ones, in the annual context.
        tierBlockedBy = "年度等次评定"
        declarationContext = .year
        let before = rules.tiers.count
        let savedTierNames = tierNames
        tierNames = Set(tierOrder)
        checkTiers(tierDecl)
        tierNames = savedTierNames
        let tiers = rules.tiers.count > before ? rules.tiers.removeLast() : CheckedTiers(period: .always, rules: [], ordering: [])
        if tiers.exclusions.joined || tiers.exclusions.left, let span = tierDecl.rankExclusionsSpan {
            errors.append(.unknownRankExclusion(site(span), word: tiers.exclusions.joined ? "本月入职" : "本月离职"))
        }

        // Tables by the annual tier.
        for t in tables where t.value.key?.name == YearWords.yearTier {
            path = t.path
            if var versions = rules.lookups[t.value.name.name] {
                for i in versions.indices { versions[i].byTier = true }
                rules.lookups[t.value.name.name] = versions
            }
            var written: Set<String> = []
            for r in t.value.rows {
                guard let k = r.key else { continue }
                var name = ""
                switch k.kind {
                case .name(let id): name = id.name
                case .string(let s): name = s
                default: break
                }
                if !year.tierNames.contains(name) { errors.append(.unknownTier(site(k.span), name: name, known: year.tierNames)) }
                written.insert(name)
            }
            let missing = year.tierNames.filter { !written.contains($0) }
            if !missing.isEmpty, !t.value.rows.contains(where: { $0.key == nil }) {
                errors.append(.tierTableMissing(site(t.value.name.span), table: t.value.name.name, missing: missing, tiers: year.tierNames))
            }
        }
        path = yearPath

        // Annual pay lines.
        tierBlockedBy = nil
        var checkedLines: [CheckedPayLine] = []
        var sites: [String: Site] = [:]
        for l in lines {
            if let c = checkPayLine(l) { checkedLines.append(c) }
            sites[l.name.name] = site(l.name.span)
        }
        var ordered = orderPayLines(checkedLines, sites: sites)
        // A tax line comes after its bonus.
        for tax in taxes {
            let call = "\(BonusTaxDeclaration.taxCallWord)（\(tax.bonus.name)）"
            guard let b = ordered.firstIndex(where: { $0.name == tax.bonus.name }) else { continue }
            if let t = ordered.firstIndex(where: { l in var n: [String] = []; Self.collectLines(l.expression, into: &n); return n.contains(call) }), t < b {
                let line = ordered.remove(at: t)
                ordered.insert(line, at: b)
            }
        }
        let nets = lines.filter { $0.kind == .net }
        if !lines.isEmpty, nets.count != 1 {
            errors.append(.netLineCount(nets.count > 1 ? site(nets[1].name.span) : site(head), count: nets.count))
        }

        // Bonus taxes.
        var checkedTaxes: [CheckedBonusTax] = []
        for t in taxes {
            let bonus = t.bonus.name
            if year.payLineNames[bonus] != .earning {
                errors.append(.bonusTaxProblem(site(t.bonus.span), bonus: bonus, problem: "不是年度考核里的应发项"))
            }
            var method = CheckedBonusTax.Method.lower
            if let m = t.method {
                switch m.name {
                case BonusTaxDeclaration.separateWord: method = .separate
                case BonusTaxDeclaration.mergedWord: method = .merged
                case BonusTaxDeclaration.lowerWord: method = .lower
                default: errors.append(.bonusTaxProblem(site(m.span), bonus: bonus, problem: "的方式“\(m.name)”不认识（可为 单独计税、并入综合所得、取低者）"))
                }
            } else {
                errors.append(.bonusTaxProblem(site(t.bonus.span), bonus: bonus, problem: "没有写方式"))
            }
            func table(_ id: Identifier?) -> String? {
                guard let id else { return nil }
                if rules.brackets[id.name] == nil {
                    errors.append(.bonusTaxProblem(site(id.span), bonus: bonus, problem: "的“\(id.name)”不是累进表"))
                    return nil
                }
                used.insert("table:" + id.name)
                return id.name
            }
            let separate = table(t.separateTable), merged = table(t.mergedTable)
            var taxable: TExpr?
            if let x = t.taxable {
                let v = check(x, .year)
                if v.type != .money && v.type != .unknown {
                    errors.append(.expectedType(site(x.span), expected: .money, found: v.type, role: "应纳税所得额"))
                }
                taxable = v
            }
            if method != .merged, t.separateTable == nil {
                errors.append(.bonusTaxProblem(site(t.bonus.span), bonus: bonus, problem: "缺少“单独计税 按 …”（单独计税用的月度税率表）"))
            }
            if method != .separate, t.mergedTable == nil || t.taxable == nil {
                errors.append(.bonusTaxProblem(site(t.bonus.span), bonus: bonus, problem: t.mergedTable == nil
                    ? "缺少“并入综合所得 按 …”（并入综合所得用的年度税率表）" : "缺少“应纳税所得额 = …”（不含奖金的全年应纳税所得额）"))
            }
            checkedTaxes.append(CheckedBonusTax(bonus: bonus, method: method, separateTable: separate, mergedTable: merged, taxable: taxable))
        }
        var payrollMonth: Int?
        if case .some(.some(let m)) = payment {
            if case .number(let n, nil) = m.kind, let whole = n.wholeValue, (1...12).contains(whole) {
                payrollMonth = Int(whole)
            } else {
                errors.append(.notConstant(site(m.span), what: "随工资发放的月份（1 至 12）"))
            }
        }
        tierBlockedBy = savedBlock
        declarationContext = .cadre
        rules.year = CheckedYear(
            citation: d.attributes.citation?.text, score: score, scoreRounding: rounding, minimumMonths: minimumMonths,
            tooFewLabel: minimumMonths == nil ? nil : label, vetoes: checkedVetoes, tiers: tiers, tierOrder: year.tierNames,
            payLines: ordered, bonusTaxes: checkedTaxes, aggregates: year.aggregates,
            itemsRead: year.itemsRead, payLinesRead: year.payLinesRead, payrollMonth: payrollMonth, site: site(d.span))
    }

    /// 上年年度（X） in the month's pay lines: X must be an annual pay line of 年度考核, and
    /// the article must say the bonus is paid through the payroll (R0345).
    mutating func checkPreviousYearAnnual(_ years: [Decl<YearDeclaration>]) {
        guard !previousYearAnnualReads.isEmpty else { return }
        let clauses = years.first?.value.clauses ?? []
        var known: [String] = []
        var throughPayroll = false
        for c in clauses {
            if case .payLine(let p) = c, !known.contains(p.name.name) { known.append(p.name.name) }
            if case .payment(let m, _) = c { throughPayroll = m != nil }
        }
        var separateSaid = false
        for (name, at) in previousYearAnnualReads {
            if !known.contains(name) {
                errors.append(.notAnnualPayLine(at, name: name, known: known, separate: false))
            } else if !throughPayroll && !separateSaid {
                separateSaid = true
                errors.append(.notAnnualPayLine(at, name: name, known: known, separate: true))
            }
        }
    }

    /// The scale of a rounding step 1, 0.1, 0.01 …; nil for any other step.
    static func stepScale(_ n: Fixed) -> Int? {
        for scale in 0...6 {
            if n == Fixed(units: 1, scale: scale) { return scale }
        }
        return nil
    }

    static func shown(_ e: Expression) -> String {
        if case .number(let n, let unit) = e.kind { return n.description + (unit == .points ? " 分" : "") }
        return "这个值"
    }

    // MARK: - Expressions of the annual article

    /// 月数（…）, 平均（…）, 合计（…）, 最高（…）, 最低（…） in the annual article.
    mutating func yearAggregate(_ kind: YearAggregate.Kind, _ args: [Expression], _ span: Span) -> TExpr {
        guard args.count == 1 else {
            errors.append(.argumentCount(site(span), name: kind.word, expected: "1", found: args.count))
            return .number(.zero, .unknown)
        }
        let v = check(args[0], .yearMonth)
        let type: ValueType
        if kind == .count {
            requireCondition(v, args[0].span)
            type = .count
        } else {
            if !v.type.isNumeric, v.type != .unknown {
                errors.append(.expectedType(site(args[0].span), expected: .number, found: v.type, role: "\(kind.word)的参数"))
            }
            type = v.type
        }
        let a = YearAggregate(kind: kind, argument: v)
        if let i = year.aggregates.firstIndex(of: a) { return .aggregate(i, type) }
        year.aggregates.append(a)
        return .aggregate(year.aggregates.count - 1, type)
    }

    /// A name in the annual article (`.year`) or inside a statistic over the months (`.yearMonth`).
    mutating func resolveYear(_ id: Identifier, month: Bool) -> TExpr {
        let name = id.name
        if month {
            if Self.scoreNames.contains(name) { return .score }
            if name == YearWords.veto { return .field(YearAggregate.vetoField, .boolean) }
            if name == YearWords.month { return .field(YearAggregate.monthField, .count) }
            if itemNames.contains(name) {
                if !year.itemsRead.contains(name) { year.itemsRead.append(name) }
                return .item(name)
            }
            if payLineNames[name] != nil {
                used.insert("line:" + name)
                if !year.payLinesRead.contains(name) { year.payLinesRead.append(name) }
                return .payLine(name, .money)
            }
            if name == YearWords.monthsInPost || year.payLineNames[name] != nil {
                errors.append(.annualInsideMonths(site(id.span), name: name))
                return .number(.zero, .unknown)
            }
        } else {
            if Self.scoreNames.contains(name) {
                if year.scoreBlocked {
                    errors.append(.monthlyOutsideMonths(site(id.span), name: name))
                    return .number(.zero, .unknown)
                }
                return .score
            }
            if name == YearWords.monthsInPost { return .monthsEmployed }
            if let kind = year.payLineNames[name] {
                if let place = tierBlockedBy { payLinesReadBeforeTiers.append((name, site(id.span), place)) }
                used.insert("line:" + name)
                return .payLine(name, kind == .value ? .unknown : .money)
            }
            if itemNames.contains(name) || payLineNames[name] != nil || name == YearWords.veto || name == YearWords.month {
                errors.append(.monthlyOutsideMonths(site(id.span), name: name))
                return .number(.zero, .unknown)
            }
        }
        if groupingNames.contains(name) {
            used.insert("grouping:" + name)
            return .grouping(name, rules.groupings[name]?.labels ?? [])
        }
        if let t = rosterFieldType(name) { return .rosterField(name, t) }
        var all = Array(rules.parameters.keys) + (rules.rosterSource.map { rules.sources[$0].schema.fields.map(\.name) } ?? [])
        all += month ? Array(itemNames) + Array(payLineNames.keys) + ["得分", "等次", "排名", YearWords.veto, YearWords.month]
            : Array(year.payLineNames.keys) + [YearWords.monthsInPost, "得分", "等次", "排名"]
        let suggestions = all.filter { c in c.contains { name.contains($0) } }.sorted()
        errors.append(.unknownName(site(id.span), name: name, context: month ? "当月的得分、等次、积分项、工资项目和花名册字段" : "年度考核的得分、等次、在岗月数、年度工资项目、参数和花名册字段",
                                   suggestions: Array(suggestions.prefix(5))))
        return .number(.zero, .unknown)
    }

    /// A call in the annual article: a statistic over the months, 奖金个税（…）, 年末（…），
    /// or a table.
    mutating func yearCall(_ id: Identifier, _ args: [Expression], month: Bool, _ span: Span) -> TExpr? {
        let kind: YearAggregate.Kind?
        switch id.name {
        case YearWords.monthCount: kind = .count
        case YearWords.mean: kind = .mean
        case YearWords.highest: kind = .max
        case YearWords.lowest: kind = .min
        default: kind = nil
        }
        if let kind {
            if month {
                errors.append(.annualInsideMonths(site(span), name: "\(kind.word)（…）"))
                return .number(.zero, .unknown)
            }
            return yearAggregate(kind, args, span)
        }
        if id.name == BonusTaxDeclaration.taxCallWord {
            guard !month, args.count == 1, case .name(let b) = args[0].kind, year.bonusTaxed.contains(b.name) else {
                errors.append(.bonusTaxProblem(site(span), bonus: args.first.map(Self.writtenName) ?? "", problem: "没有声明（先写“奖金计税 年终绩效奖 { … }”，再用“奖金个税（年终绩效奖）”）"))
                return .number(.zero, .money)
            }
            return .payLine("\(BonusTaxDeclaration.taxCallWord)（\(b.name)）", .money)
        }
        if id.name == YearWords.yearEnd {
            return builtin(.yearToDate, args, month ? .yearMonth : .year, span)
        }
        return nil
    }

    static func writtenName(_ e: Expression) -> String {
        if case .name(let id) = e.kind { return id.name }
        return "括号里的算式"
    }
}
