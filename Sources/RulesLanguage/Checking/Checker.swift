import Diagnostics
import Exact
import Pay
import Records

/// Checks parsed rules without reading any data: resolves every name, types every
/// expression with its unit, orders the pay lines, and reports every problem at once.
///
/// ```swift
/// let project = try RulesProject.load(directory: URL(fileURLWithPath: "rules"))
/// let (rules, diagnostics) = Checker.check(project.files)
/// ```
public struct Checker {
    var rules = CheckedRules()
    var errors: [CheckError] = []
    var path = ""
    var used: Set<String> = []
    /// Where each 对照表 is first declared, and the tables already found to lack an
    /// enumeration's value (R0322, reported once per table).
    var lookupSites: [String: Site] = [:]
    var enumTablesReported: Set<String> = []

    /// Names that mean something in every cadre-level expression.
    static let scoreNames: Set<String> = ["得分", "总分", "score"]
    static let monthsEmployedNames: Set<String> = ["本年任职月数", "months_employed"]
    static let previousYearMonthsNames: Set<String> = ["上年任职月数", "previous_year_months"]
    /// The whole county as the group of 在岗人数（全县）.
    static let countyNames: Set<String> = ["全县", "county"]
    /// Roster fields that are personal or unique to each cadre: no group to count.
    static let headcountExcluded: Set<String> = Set(["工号", "姓名", "身份证号", "银行账号", "手机", "入职日期", "离职日期", "专项附加扣除", "开户行"])
        .union(StandardSchemas.specialDeductionCategories.map(\.name))

    public static func check(_ files: [RuleFile]) -> (CheckedRules, [Diagnostic]) {
        var c = Checker()
        c.run(files)
        return (c.rules, c.errors.map(\.diagnostic))
    }

    // MARK: - Declarations

    struct Decl<T> {
        var path: String
        var value: T
    }

    mutating func run(_ files: [RuleFile]) {
        var sources: [Decl<SourceDeclaration>] = []
        var items: [Decl<ItemDeclaration>] = []
        var vetoes: [Decl<VetoDeclaration>] = []
        var bases: [Decl<BaseScoreDeclaration>] = []
        var ranges: [Decl<ScoreRangeDeclaration>] = []
        var groupCaps: [Decl<GroupCapDeclaration>] = []
        var tiers: [Decl<TierDeclaration>] = []
        var params: [Decl<ParameterDeclaration>] = []
        var tables: [Decl<LookupTableDeclaration>] = []
        var brackets: [Decl<BracketTableDeclaration>] = []
        var lines: [Decl<PayLineDeclaration>] = []
        var groupings: [Decl<GroupingDeclaration>] = []
        var years: [Decl<YearDeclaration>] = []
        for f in files {
            for d in f.declarations {
                switch d {
                case .source(let x): sources.append(Decl(path: f.path, value: x))
                case .item(let x): items.append(Decl(path: f.path, value: x))
                case .veto(let x): vetoes.append(Decl(path: f.path, value: x))
                case .baseScore(let x): bases.append(Decl(path: f.path, value: x))
                case .scoreRange(let x): ranges.append(Decl(path: f.path, value: x))
                case .groupCap(let x): groupCaps.append(Decl(path: f.path, value: x))
                case .tiers(let x): tiers.append(Decl(path: f.path, value: x))
                case .parameter(let x): params.append(Decl(path: f.path, value: x))
                case .table(let x): tables.append(Decl(path: f.path, value: x))
                case .brackets(let x): brackets.append(Decl(path: f.path, value: x))
                case .payLine(let x): lines.append(Decl(path: f.path, value: x))
                case .grouping(let x): groupings.append(Decl(path: f.path, value: x))
                case .year(let x): years.append(Decl(path: f.path, value: x))
                case .test: break
                }
            }
        }
        checkVersions(sources.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(items.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(vetoes.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(params.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(tables.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(brackets.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(lines.map { ($0.path, $0.value.name, $0.value.attributes) })
        checkVersions(groupings.map { ($0.path, $0.value.name, $0.value.attributes) })

        for s in sources { path = s.path; declareSource(s.value) }
        if rules.rosterSource == nil {
            // The roster's fixed core is always known to the language.
            rules.sources.insert(CheckedSource(name: StandardSchemas.roster.name, schema: StandardSchemas.roster,
                                               types: StandardSchemas.roster.fields.map { Self.valueType($0.type) }, site: nil), at: 0)
            rules.rosterSource = 0
        }
        for p in params { path = p.path; declareParameter(p.value) }
        for t in tables { path = t.path; declareLookup(t.value) }
        for b in brackets { path = b.path; declareBrackets(b.value) }
        groupingNames = Set(groupings.map(\.value.name.name))
        // Items before tiers and pay: tiers and pay refer to items by name.
        itemNames = Set(items.map(\.value.name.name))
        payLineNames = Dictionary(lines.map { ($0.value.name.name, $0.value.kind) }, uniquingKeysWith: { a, _ in a })
        tierNames = Set(tiers.flatMap { $0.value.rules.map(\.tier.name) })
        for t in tiers { for r in t.value.rules where !tierOrderNames.contains(r.tier.name) { tierOrderNames.append(r.tier.name) } }
        for t in tables { path = t.path; checkTierTable(t.value) }
        tierBlockedBy = "分组"
        for g in groupings { path = g.path; checkGrouping(g.value) }
        tierBlockedBy = "基础分"
        for b in bases { path = b.path; checkBase(b.value) }
        tierBlockedBy = "总分范围"
        for r in ranges { path = r.path; checkScoreRange(r.value) }
        tierBlockedBy = "积分项"
        for i in items { path = i.path; checkItem(i.value) }
        for g in groupCaps { path = g.path; checkGroupCap(g.value, items: items.map(\.value)) }
        tierBlockedBy = "一票否决"
        for v in vetoes { path = v.path; checkVeto(v.value) }
        tierBlockedBy = "等次评定"
        for t in tiers { path = t.path; checkTiers(t.value) }
        tierBlockedBy = nil
        var checkedLines: [CheckedPayLine] = []
        var lineSites: [String: Site] = [:]
        for l in lines {
            path = l.path
            if let c = checkPayLine(l.value) { checkedLines.append(c) }
            lineSites[l.value.name.name] = Site(l.path, l.value.name.span)
        }
        rules.payLines = orderPayLines(checkedLines, sites: lineSites)
        checkYears(years, tables: tables)
        checkPreviousYearAnnual(years)
        reportPayLinesReadBeforeTiers()
        let nets = lines.filter { $0.value.kind == .net }
        if nets.count != 1, !lines.isEmpty {
            let site = nets.count > 1 ? Site(nets[1].path, nets[1].value.name.span) : Site(lines[0].path, lines[0].value.name.span)
            errors.append(.netLineCount(site, count: nets.count))
        }
        reportUnused(params: params, tables: tables, brackets: brackets, sources: sources, lines: lines)
        checkOpeningColumns(sources)
    }

    /// Each money column `累计X` of the opening balances feeds pay line X's year to date
    /// (`MonthEvaluation.addOpening`); one that names no pay line would be read and dropped
    /// without a word, and the year's tax would start from too little (R0320).
    mutating func checkOpeningColumns(_ sources: [Decl<SourceDeclaration>]) {
        guard !payLineNames.isEmpty else { return }
        for s in sources {
            guard let checked = rules.sources.first(where: { $0.name == s.value.name.name }), checked.schema.role == .opening else { continue }
            for f in s.value.fields where f.name.name.hasPrefix("累计") && f.name.name != "累计月数" {
                guard case .money = f.type.kind else { continue }
                let line = String(f.name.name.dropFirst(2))
                if payLineNames[line] != nil { continue }
                // A pay line the column's name begins with or contains: 累计专项附加扣除 → 专项附加.
                let near = payLineNames.keys.filter { line.hasPrefix($0) || $0.hasPrefix(line) }.max { $0.count < $1.count }
                path = s.path
                errors.append(.openingWithoutPayLine(site(f.name.span), column: f.name.name, line: line, near: near))
            }
        }
    }

    var itemNames: Set<String> = []
    /// Where tiers and pay lines are checked: the month (`.cadre`) or the annual article (`.year`).
    var declarationContext: ExprContext = .cadre
    /// While checking the annual article: its state (`Checker+Year`).
    var year = YearCheckState()
    /// 分组 declared by the rules: names usable wherever a roster field is.
    var groupingNames: Set<String> = []
    var payLineNames: [String: PayLineDeclaration.Kind] = [:]
    /// Every 上年年度（X） read by the month's pay lines, checked against 年度考核 (R0345).
    var previousYearAnnualReads: [(name: String, site: Site)] = []
    var tierNames: Set<String> = []
    /// The tiers the rules declare, best first: the values of `等次`.
    var tierOrderNames: [String] = []
    /// While checking what decides the tiers (the score, vetoes, the tiers themselves), the
    /// name of that part: 等次 and 排名 cannot be read there. Nil in pay.
    var tierBlockedBy: String? = nil
    /// Pay lines read while the tiers are being decided, where they would not yet be paid.
    var payLinesReadBeforeTiers: [(line: String, site: Site, place: String)] = []

    func site(_ span: Span) -> Site { Site(path, span) }

    static func period(_ a: Attributes) -> Period { Period(since: a.since?.date, until: a.until?.date) }

    /// Declarations with one name are versions: their periods must not overlap (R0307) nor
    /// leave a gap between them (R0306); two without periods are simply duplicates (R0106).
    mutating func checkVersions(_ decls: [(String, Identifier, Attributes)]) {
        var byName: [String: [(String, Identifier, Attributes)]] = [:]
        for d in decls { byName[d.1.name, default: []].append(d) }
        for (name, group) in byName.sorted(by: { $0.key < $1.key }) {
            for d in group {
                for date in [d.2.since, d.2.until].compactMap({ $0 }) where date.date.day != 1 && d.2.since == date {
                    errors.append(.midMonthDate(Site(d.0, date.span), date: date.date.description))
                }
            }
            guard group.count > 1 else { continue }
            let sorted = group.sorted { ($0.2.since?.date.daysSinceEpoch ?? Int32.min) < ($1.2.since?.date.daysSinceEpoch ?? Int32.min) }
            for i in 1..<sorted.count {
                let a = sorted[i - 1], b = sorted[i]
                let pa = Self.period(a.2), pb = Self.period(b.2)
                if pa == .always && pb == .always {
                    errors.append(.duplicateDeclaration(Site(b.0, b.1.span), name: name, first: Site(a.0, a.1.span)))
                } else if pa.overlaps(pb) {
                    errors.append(.versionOverlap(Site(b.0, b.1.span), name: name, other: Site(a.0, a.1.span)))
                } else if let end = pa.until, let start = pb.since, end.advanced(by: 1) < start {
                    errors.append(.versionGap(Site(b.0, b.1.span), name: name, from: end.advanced(by: 1).description, to: start.advanced(by: -1).description))
                }
            }
        }
    }

    // MARK: - Sources

    static func valueType(_ t: Records.FieldType) -> ValueType {
        switch t {
        case .text, .idNumber, .bankAccount, .phone: .text
        case .integer: .count
        case .decimal: .number
        case .money: .money
        case .date: .date
        case .time: .time
        case .boolean: .boolean
        case .enumeration(let v): .enumeration(v)
        case .enumerationOrScore: .text
        }
    }

    mutating func declareSource(_ d: SourceDeclaration) {
        let name = d.name.name
        let stems = d.attributes.files.map(\.text)
        // Start from the standard source of that name (its ranges and roles), then take the
        // rules' declarations of the fields. The roster, adjustments and opening balances are
        // also found by their files (a county may call its roster 人员名单); an activity
        // ledger is the county's own unless it has the standard's name: a 考勤 read from
        // `duty.csv` must not take on the fields of Rongjiang's 值班.
        let standard = StandardSchemas.all.first {
            $0.name == name || ($0.role != .activity && !Set($0.fileStems).isDisjoint(with: stems))
        }
        var fields: [FieldSpec] = []
        for f in d.fields {
            // Opening balances are named by the rules themselves: `累计X` feeds pay line X,
            // so their declared names are kept rather than mapped to the standard ones.
            let base = standard?.role == .opening
                ? standard?.fields.first { $0.name == f.name.name }
                : standard?.fields.first { $0.name == f.name.name || $0.aliases.contains(f.name.name) }
            var type: Records.FieldType
            switch f.type.kind {
            case .text: type = base.map { b in if case .text = b.type { b.type } else if b.type.isPersonal { b.type } else { .text } } ?? .text
            case .integer, .count, .days: type = base.map { b in if case .integer = b.type { b.type } else { .integer(min: nil, max: nil) } } ?? .integer(min: nil, max: nil)
            case .decimal: type = base.map { b in if case .decimal = b.type { b.type } else { .decimal(scale: 4, min: nil, max: nil) } } ?? .decimal(scale: 4, min: nil, max: nil)
            case .points: type = .decimal(scale: 2, min: nil, max: nil)
            case .money: type = .money
            case .date: type = .date
            case .time: type = .time
            case .boolean: type = .boolean
            case .enumeration(let values): type = .enumeration(values.map(\.name))
            }
            type = rangedType(type, f, kind: f.type.kind, narrowOnly: standard?.role == .roster)
            // A field declared by one of a standard field's aliases keeps the standard name,
            // so both spellings of the header are accepted.
            let name = base?.name ?? f.name.name
            let aliases = (base?.aliases ?? []) + (base != nil && base!.name != f.name.name ? [f.name.name] : [])
            fields.append(FieldSpec(name, aliases: Array(Set(aliases)).sorted(), type, required: !f.isOptional || (base?.isRequired ?? false), optionalValue: f.isOptional,
                                    nonNegative: type == .money && (base?.nonNegative == true || standard?.role == .opening)))
        }
        var schema: SourceSchema
        if let standard, standard.role == .activity {
            // A ledger named as one of Rongjiang's (值班, 服务台账, 培训) is still the county's
            // own: exactly the fields the rules declare, none of the standard's added (its
            // required 班次, 开始, 结束 would be demanded of a file the rules never asked for).
            // A declared field of the standard's name and kind keeps its checks (培训.学时's
            // two places and [0.01, 24]) unless the rules state a range; the standard's
            // roles of fields (key, date, shift) hold only for fields declared.
            let names = Set(fields.map(\.name))
            schema = standard
            schema.fileStems = stems.isEmpty ? standard.fileStems : stems
            schema.fields = fields
            schema.cadreField = standard.cadreField.flatMap { names.contains($0) ? $0 : nil }
            schema.dateField = standard.dateField.flatMap { names.contains($0) ? $0 : nil }
            schema.keyField = standard.keyField.flatMap { names.contains($0) ? $0 : nil }
            schema.shift = standard.shift.flatMap { names.contains($0.start) && names.contains($0.end) ? $0 : nil }
        } else if let standard {
            schema = standard
            schema.fileStems = stems.isEmpty ? standard.fileStems : stems
            // Declared fields replace the standard ones; standard fields not declared stay
            // (the roster's fixed core, a duty file's 结束日期).
            var merged = standard.role == .opening
                ? standard.fields.filter { s in s.name == standard.cadreField || s.name == "累计月数" || fields.contains { $0.name == s.name } }
                    .map { s in fields.first { $0.name == s.name } ?? s }
                : standard.fields.map { s in fields.first { $0.name == s.name } ?? s }
            for f in fields where !merged.contains(where: { $0.name == f.name }) { merged.append(f) }
            schema.fields = merged
        } else {
            let names = Set(fields.map(\.name))
            let role: SourceRole = name.contains("调整") ? .adjustments : name.contains("补发") ? .corrections : .activity
            schema = SourceSchema(
                name: name, fileStems: stems.isEmpty ? [name] : stems, role: role, fields: fields,
                cadreField: names.contains("工号") ? "工号" : nil, dateField: names.contains("日期") ? "日期" : nil,
                keyField: names.contains("编号") ? "编号" : nil,
                shift: names.contains("开始") && names.contains("结束")
                    ? .init(start: "开始", end: "结束", endDate: names.contains("结束日期") ? "结束日期" : nil, status: names.contains("状态") ? "状态" : nil,
                            absentStatuses: ["缺勤", "请假"])
                    : nil)
        }
        if rules.sources.contains(where: { $0.name == name }) { return }
        // The rules' own words for a field's kind win: 积分型 is points, not a plain number.
        var declared: [String: FieldType.Kind] = [:]
        for f in d.fields {
            let canonical = standard?.fields.first { $0.name == f.name.name || $0.aliases.contains(f.name.name) }?.name ?? f.name.name
            declared[canonical] = f.type.kind
        }
        let types = schema.fields.map { f -> ValueType in
            switch declared[f.name] {
            case .points?: .points
            case .money?: .money
            case .integer?, .count?, .days?: .count
            case .decimal?: .number
            default: Self.valueType(f.type)
            }
        }
        rules.sources.append(CheckedSource(name: name, schema: schema, types: types, site: site(d.name.span)))
        if schema.role == .roster { rules.rosterSource = rules.sources.count - 1 }
    }

    /// `type` with the range the rules state for field `f` (`，最低 0.01，最高 24`), which
    /// replaces a standard field's; unchanged when none is stated or it is wrong (R0321).
    /// On the roster a stated range only narrows the fixed one (岗位等级 stays within 1–99).
    mutating func rangedType(_ type: Records.FieldType, _ f: FieldDeclaration, kind: FieldType.Kind, narrowOnly: Bool = false) -> Records.FieldType {
        guard f.minimum != nil || f.maximum != nil else { return type }
        let places: Int
        switch type {
        case .integer: places = 0
        case .decimal(let scale, _, _): places = scale
        default:
            errors.append(.fieldRange(site((f.minimum ?? f.maximum)!.span), field: f.name.name, problem: .notNumeric(type: Self.kindName(kind))))
            return type
        }
        var failed = false
        /// A bound as written: a plain number, negative with a minus sign, of the column's places.
        func bound(_ e: Expression?) -> Fixed? {
            guard let e else { return nil }
            var negative = false
            var x = e
            if case .unary(.negate, let inner) = x.kind {
                negative = true
                x = inner
            }
            guard case .number(let n, nil) = x.kind else {
                errors.append(.fieldRange(site(e.span), field: f.name.name, problem: .notANumber(written: Self.excerpt(e))))
                failed = true
                return nil
            }
            if n.rounded(scale: min(n.scale, places), .down) != n {
                errors.append(.fieldRange(site(e.span), field: f.name.name, problem: .tooManyPlaces(written: Self.excerpt(e), places: places)))
                failed = true
                return nil
            }
            return negative ? n.negated() : n
        }
        let lo = bound(f.minimum), hi = bound(f.maximum)
        if failed { return type }
        if let lo, let hi, lo > hi {
            errors.append(.fieldRange(site(f.maximum!.span), field: f.name.name, problem: .empty(minimum: lo.shortDescription, maximum: hi.shortDescription)))
            return type
        }
        func narrowed<T: Comparable>(_ stated: T?, _ fixed: T?, _ pick: (T, T) -> T) -> T? {
            guard narrowOnly, let fixed else { return stated }
            return stated.map { pick($0, fixed) } ?? fixed
        }
        switch type {
        case .integer(let fixedLo, let fixedHi):
            func whole(_ v: Fixed?) -> Int64? { v.flatMap { Int64($0.rounded(scale: 0, .down).shortDescription) } }
            return .integer(min: narrowed(whole(lo), fixedLo, max), max: narrowed(whole(hi), fixedHi, min))
        case .decimal(let scale, let fixedLo, let fixedHi):
            return .decimal(scale: scale, min: narrowed(lo, fixedLo, max), max: narrowed(hi, fixedHi, min))
        default:
            return type
        }
    }

    /// A field's kind as the rules write it, for messages: `金额型`, `枚举`.
    static func kindName(_ k: FieldType.Kind) -> String {
        switch k {
        case .text: Keyword.text.chinese
        case .integer: Keyword.integer.chinese
        case .decimal: Keyword.decimal.chinese
        case .date: Keyword.date.chinese
        case .time: Keyword.time.chinese
        case .money: Keyword.money.chinese
        case .boolean: Keyword.boolean.chinese
        case .points: Keyword.points.chinese
        case .days: Keyword.days.chinese
        case .count: Keyword.times.chinese
        case .enumeration: Keyword.enumeration.chinese
        }
    }

    /// An expression as written, for a message.
    static func excerpt(_ e: Expression) -> String {
        switch e.kind {
        case .number(let n, let unit): n.shortDescription + (unit.map { u in u.keyword.map { " " + $0.chinese } ?? (u == .percent ? "%" : "") } ?? "")
        case .unary(.negate, let inner): "-" + excerpt(inner)
        case .name(let id): id.name
        case .string(let s): "“" + s + "”"
        default: "这个算式"
        }
    }

    // MARK: - Parameters and tables

    mutating func declareParameter(_ d: ParameterDeclaration) {
        var values: [(CivilDate?, Fixed)] = []
        var type: ValueType = .unknown
        for v in d.values {
            guard let (value, t) = Self.constant(v.value) else {
                errors.append(.notConstant(site(v.value.span), what: "参数“\(d.name.name)”的值"))
                continue
            }
            if type == .unknown { type = t } else if t != type { errors.append(.mixedUnits(site(v.value.span), op: "比", left: type, right: t)) }
            values.append((v.since?.date, value))
            if let s = v.since, s.date.day != 1 { errors.append(.midMonthDate(site(s.span), date: s.date.description)) }
        }
        if var existing = rules.parameters[d.name.name] {
            existing.values += values.map { (since: $0.0, value: $0.1) }
            rules.parameters[d.name.name] = existing
        } else {
            rules.parameters[d.name.name] = CheckedParameter(name: d.name.name, citation: d.attributes.citation?.text, values: values.map { (since: $0.0, value: $0.1) }, type: type)
        }
    }

    /// The value and type of a constant a parameter or table row may hold: a number with
    /// its unit, or a time of day (held as minutes after midnight).
    public static func constant(_ e: Expression) -> (Fixed, ValueType)? {
        switch e.kind {
        case .number(let n, let unit): return literal(n, unit)
        case .time(let t): return (Fixed(Int(t.minutes)), .time)
        default: return nil
        }
    }

    /// A literal's value and type from its unit: 分 points, 元 money, % a rate (÷100).
    public static func literal(_ n: Fixed, _ unit: Unit?) -> (Fixed, ValueType) {
        switch unit {
        case .points?: (n, .points)
        case .yuan?: (n, .money)
        case .percent?: (n.dividing(by: Fixed(100), scale: min(n.scale + 2, Fixed.maxScale), .halfUp) ?? n, .number)
        case .days?, .times?, .months?, .persons?: (n, .count)
        case .hours?, .minutes?, nil: (n, .number)
        }
    }

    mutating func declareLookup(_ d: LookupTableDeclaration) {
        var rows: [(key: CheckedLookup.Key?, value: Fixed)] = []
        var valueType: ValueType = .unknown
        var seen: Set<CheckedLookup.Key> = []
        for r in d.rows {
            var key: CheckedLookup.Key? = nil
            if let k = r.key {
                switch k.kind {
                case .number(let n, _): key = .number(n)
                case .string(let s): key = .text(s)
                case .name(let id): key = .text(id.name)
                default: errors.append(.notConstant(site(k.span), what: "对照表的键"))
                }
                if let key, !seen.insert(key).inserted {
                    let shown: String =
                        switch key {
                        case .number(let n): n.description
                        case .text(let t): t
                        }
                    errors.append(.duplicateTableKey(site(k.span), table: d.name.name, key: shown))
                }
            }
            guard let (v, t) = Self.constant(r.value) else {
                errors.append(.notConstant(site(r.value.span), what: "对照表的值"))
                continue
            }
            if valueType == .unknown {
                valueType = t
            } else if (t == .time) != (valueType == .time) {
                // A table of times (应到时间) cannot also hold numbers.
                errors.append(.mixedUnits(site(r.value.span), op: "比", left: valueType, right: t))
            }
            rows.append((key, v))
        }
        if lookupSites[d.name.name] == nil { lookupSites[d.name.name] = site(d.name.span) }
        rules.lookups[d.name.name, default: []].append(CheckedLookup(name: d.name.name, citation: d.attributes.citation?.text, period: Self.period(d.attributes), rows: rows, valueType: valueType))
    }

    mutating func declareBrackets(_ d: BracketTableDeclaration) {
        var rows: [BracketTable.Row] = []
        for r in d.rows {
            func money(_ e: Expression?) -> Money? {
                guard let e else { return nil }
                guard case .number(let n, let unit) = e.kind, unit == .yuan || unit == nil, let m = Money(n, .halfUp), n.scale <= 2 else {
                    errors.append(.notConstant(site(e.span), what: "累进表的金额"))
                    return nil
                }
                return m
            }
            guard case .number(let rateN, let rateUnit) = r.rate.kind else {
                errors.append(.notConstant(site(r.rate.span), what: "累进表的税率"))
                continue
            }
            let rate = Self.literal(rateN, rateUnit).0
            rows.append(BracketTable.Row(upTo: money(r.upTo), rate: rate, quickDeduction: money(r.quickDeduction) ?? .zero))
        }
        let table = BracketTable(name: PayText(zh: d.name.name, en: d.name.name), rows: rows)
        for p in table.validate() {
            let (index, zh, en) = Self.describe(p)
            let span = index.map { $0 < d.rows.count ? d.rows[$0].span : d.name.span } ?? d.name.span
            errors.append(.bracketProblem(site(span), table: d.name.name, problem: zh, problemEN: en))
        }
        rules.brackets[d.name.name, default: []].append(CheckedBrackets(name: d.name.name, citation: d.attributes.citation?.text, period: Self.period(d.attributes), table: table))
    }
}

extension Checker {
    /// The row (0-based) and wording of a bracket-table problem.
    static func describe(_ p: BracketTableProblem) -> (Int?, String, String) {
        switch p {
        case .empty: return (nil, "没有任何一档", "it has no rows")
        case .negativeBound(let r, let b): return (r, "第 \(r + 1) 档的下限 \(b) 为负数", "row \(r + 1) has a negative bound \(b)")
        case .gap(let r, let from, let to): return (r, "第 \(r + 1) 档与上一档之间缺少 \(from) 至 \(to)", "row \(r + 1) leaves a gap from \(from) to \(to)")
        case .overlap(let r, let lower, let prev): return (r, "第 \(r + 1) 档的下限 \(lower) 与上一档的上限 \(prev) 重叠", "row \(r + 1) starts at \(lower), inside the previous row (up to \(prev))")
        case .nonIncreasingBound(let r, let upper, let prev): return (r, "第 \(r + 1) 档的上限 \(upper) 不大于上一档的 \(prev)", "row \(r + 1)'s bound \(upper) does not exceed the previous \(prev)")
        case .openEndNotLast(let r): return (r, "第 \(r + 1) 档没有上限，却不是最后一档", "row \(r + 1) is open-ended but not last")
        case .boundedLastRow(let r, let upper): return (r, "最后一档有上限 \(upper)，超过它的收入没有税率", "the last row stops at \(upper); income above it has no rate")
        case .rateOutOfRange(let r, let rate): return (r, "第 \(r + 1) 档的税率 \(rate) 不在 0 至 100% 之间", "row \(r + 1)'s rate \(rate) is not between 0 and 100%")
        case .inconsistentQuickDeduction(let r, let declared, let expected):
            return (r, "第 \(r + 1) 档的速算扣除数为 \(declared)，按税率应为 \(expected.shortDescription)", "row \(r + 1)'s quick deduction is \(declared); the rates give \(expected.shortDescription)")
        }
    }
}
