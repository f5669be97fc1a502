import Exact
import Pay
import Records
import Results

/// What a cadre-level expression can read: the score, the items, parameters, the cadre's
/// roster fields, aggregates and, while the payroll runs, the cadre's pay sheet (pay lines
/// computed so far, year-to-date totals, months employed, a pool share).
struct CadreContext {
    var cadre: Int
    var score: Fixed
    var itemPoints: [String: Fixed]
    var sheet: PaySheet
    /// The final tier and the rank in the group, once the tiers are decided (pay only).
    var tier: String?
    var rank: Int?

    init(cadre: Int, score: Fixed, itemPoints: [String: Fixed], sheet: PaySheet = PaySheet(), tier: String? = nil, rank: Int? = nil) {
        self.cadre = cadre
        self.score = score
        self.itemPoints = itemPoints
        self.sheet = sheet
        self.tier = tier
        self.rank = rank
    }
}

/// A cadre as the interpreter reads it, with the scorer's totals and the rules' tables.
struct CadreScope: EvaluationScope {
    unowned(unsafe) let scorer: MonthScorer
    var context: CadreContext
    /// Whether some arithmetic came to a value beyond exact numbers (`noteUnrepresentable`).
    var unrepresentable = false

    mutating func noteUnrepresentable() { unrepresentable = true }

    func value(of name: TExpr) -> RowValue {
        switch name {
        case .score: return .number(context.score)
        case .tier(let names):
            guard let t = context.tier, let i = names.firstIndex(of: t) else { return .none }
            return .code(Int64(i))
        case .rank: return context.rank.map { .number(Fixed($0)) } ?? .none
        case .item(let n): return .number(context.itemPoints[n] ?? .zero)
        case .payLine(let n, _): return .number(context.sheet.lines[n] ?? .zero)
        case .parameter(let n, _): return scorer.tables.parameter(n)
        case .rosterField(let n, let t): return scorer.rosterValue(n, t, cadre: context.cadre)
        case .monthsEmployed: return .number(Fixed(context.sheet.months))
        case .aggregate(let i, _): return scorer.aggregate(i, cadre: context.cadre)
        case .yearToDate(let n): return .number((context.sheet.prior[n] ?? .zero).fixed + (context.sheet.lines[n] ?? .zero))
        case .priorToDate(let n): return .number((context.sheet.prior[n] ?? .zero).fixed)
        case .previousYearMonths: return .number(Fixed(context.sheet.previousYearMonths))
        case .previousYearTotal(let n): return .number((context.sheet.previousYear[n] ?? .zero).fixed)
        case .previousYearAnnual(let n): return .number((context.sheet.previousYearAnnual[n] ?? .zero).fixed)
        case .poolShare: return context.sheet.poolShare.map { .number($0.fixed) } ?? .none
        case .grouping(let n, _): return scorer.groupCode(n, cadre: context.cadre).map { .code(Int64($0)) } ?? .none
        case .calendar(let v): return scorer.calendar(v, cadre: context.cadre)
        case .headcount(let keys): return .number(Fixed(scorer.headcount(keys, cadre: context.cadre)))
        default: return .none
        }
    }

    func lookup(_ name: String) -> CheckedLookup? { scorer.tables.lookups[name] }
    func brackets(_ name: String) -> BracketTable? { scorer.tables.brackets[name] }
    mutating func keep(_ steps: [PayStep]) { context.sheet.steps += steps }
}

extension MonthScorer {
    static let categoryNames: Set<String> = Set(StandardSchemas.specialDeductionCategories.map(\.name))

    /// 在岗天数, 本月天数, 本月入职, 本月离职 for a cadre, from 入职日期 and 离职日期 (the
    /// last day in post), both counted as days in post (`EmploymentChanges`).
    func calendar(_ v: CalendarValue, cadre: Int) -> RowValue {
        let c = roster.cadres[cadre], month = rules.month
        switch v {
        case .daysInMonth: return .number(Fixed(EmploymentChanges.daysInMonth(month)))
        case .daysInPost: return .number(Fixed(EmploymentChanges.daysInPost(c, in: month)))
        case .joinedThisMonth: return .boolean(EmploymentChanges.joined(c, in: month))
        case .leftThisMonth: return .boolean(EmploymentChanges.left(c, in: month))
        }
    }

    /// A roster field's value for a cadre, typed as the rules declare it.
    func rosterValue(_ name: String, _ type: ValueType, cadre: Int) -> RowValue {
        let c = roster.cadres[cadre]
        switch name {
        case "岗位等级": return .number(Fixed(c.level))
        case "入职日期": return .date(c.hiredOn.daysSinceEpoch)
        case "离职日期": return c.leftOn.map { .date($0.daysSinceEpoch) } ?? .none
        case "专项附加扣除": return .number(c.specialDeduction?.fixed ?? .zero)
        // A category of 专项附加扣除 left blank is 0, like the total.
        case _ where Self.categoryNames.contains(name): return .number(c.extra[name].flatMap { Fixed($0) } ?? .zero)
        default: break
        }
        guard let text = Self.rosterText(name, c) else { return .none }
        switch type {
        case .enumeration(let values): return values.firstIndex(of: text).map { .code(Int64($0)) } ?? .text(text)
        case .count, .number, .money, .points: return Fixed(text).map { .number($0) } ?? .none
        case .date: return DateParser.parse(text).map { .date($0.daysSinceEpoch) } ?? .none
        default: return .text(text)
        }
    }

    /// `rosterValue(name, type, cadre:)` with the name and type looked at once: what a
    /// compiled pay formula calls per cadre (`PayCompiler`).
    func rosterReader(_ name: String, _ type: ValueType) -> (Int) -> RowValue {
        let cadres = roster.cadres
        switch name {
        case "岗位等级": return { .number(Fixed(cadres[$0].level)) }
        case "入职日期": return { .date(cadres[$0].hiredOn.daysSinceEpoch) }
        case "离职日期": return { cadres[$0].leftOn.map { .date($0.daysSinceEpoch) } ?? .none }
        case "专项附加扣除": return { .number(cadres[$0].specialDeduction?.fixed ?? .zero) }
        case _ where Self.categoryNames.contains(name): return { .number(cadres[$0].extra[name].flatMap { Fixed($0) } ?? .zero) }
        default: break
        }
        let text: (Cadre) -> String?
        switch name {
        case "工号": text = { $0.id }
        case "姓名": text = { $0.name }
        case "社区": text = { $0.community }
        case "网格": text = { $0.grid }
        case "岗位": text = { $0.post }
        case "开户行": text = { $0.bank }
        default: text = { $0.extra[name] }
        }
        switch type {
        case .enumeration(let values):
            return { k in text(cadres[k]).map { t in values.firstIndex(of: t).map { .code(Int64($0)) } ?? .text(t) } ?? .none }
        case .count, .number, .money, .points: return { k in text(cadres[k]).flatMap { Fixed($0) }.map { .number($0) } ?? .none }
        case .date: return { k in text(cadres[k]).flatMap { DateParser.parse($0) }.map { .date($0.daysSinceEpoch) } ?? .none }
        default: return { k in text(cadres[k]).map { .text($0) } ?? .none }
        }
    }

    /// A text roster field of a cadre (工号, 社区, 岗位, a county's own column …); 岗位等级 as
    /// its digits. nil where the cell is empty.
    static func rosterText(_ name: String, _ c: Cadre) -> String? {
        switch name {
        case "工号": c.id
        case "姓名": c.name
        case "社区": c.community
        case "网格": c.grid
        case "岗位": c.post
        case "开户行": c.bank
        case "岗位等级": String(c.level)
        default: c.extra[name]
        }
    }

    /// Evaluates a cadre-level expression with the reference interpreter. Errors of
    /// arithmetic (overflow, a quotient by zero) come back as `.none`, which the caller
    /// reports.
    func evaluate(_ e: TExpr, _ context: inout CadreContext) -> RowValue {
        // The context moves into the scope and back, so no dictionary is copied.
        var scope = CadreScope(scorer: self, context: CadreContext(cadre: 0, score: .zero, itemPoints: [:]))
        swap(&scope.context, &context)
        defer { swap(&scope.context, &context) }
        return Interpreter.evaluate(e, in: &scope)
    }

    /// `evaluate`, telling apart a blank that arithmetic beyond exact numbers gave (`nil`:
    /// the caller stops the month, B0007) from every other blank (no records, a quotient by
    /// zero), which is a value.
    func evaluateExactly(_ e: TExpr, _ context: inout CadreContext) -> RowValue? {
        var scope = CadreScope(scorer: self, context: CadreContext(cadre: 0, score: .zero, itemPoints: [:]))
        swap(&scope.context, &context)
        defer { swap(&scope.context, &context) }
        let value = Interpreter.evaluate(e, in: &scope)
        return scope.unrepresentable ? nil : value
    }
}
