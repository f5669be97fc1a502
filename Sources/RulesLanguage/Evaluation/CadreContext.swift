import Exact
import Pay
import Records
import Results

/// What a cadre-level expression can read: the score, the items, pay lines computed so far,
/// parameters, the cadre's roster fields, aggregates and year-to-date totals.
struct CadreContext {
    var cadre: Int
    var score: Fixed
    var itemPoints: [String: Fixed]
    var lines: [String: Fixed]
    var prior: YearToDate
    var months: Int
    /// A precomputed pool share for the line being computed.
    var poolShare: Money?
    /// Steps of bracket-table and pool computations met while evaluating, for the trace.
    var extraSteps: [PayStep] = []
}

extension MonthScorer {
    /// A roster field's value for a cadre, typed as the rules declare it.
    func rosterValue(_ name: String, _ type: ValueType, cadre: Int) -> RowValue {
        let c = roster.cadres[cadre]
        let text: String?
        switch name {
        case "工号": text = c.id
        case "姓名": text = c.name
        case "社区": text = c.community
        case "网格": text = c.grid
        case "岗位": text = c.post
        case "开户行": text = c.bank
        case "岗位等级": return .number(Fixed(c.level))
        case "入职日期": return .date(c.hiredOn.daysSinceEpoch)
        case "离职日期": return c.leftOn.map { .date($0.daysSinceEpoch) } ?? .none
        case "专项附加扣除": return .number(c.specialDeduction?.fixed ?? .zero)
        default: text = c.extra[name]
        }
        guard let text else { return .none }
        switch type {
        case .enumeration(let values): return values.firstIndex(of: text).map { .code(Int64($0)) } ?? .text(text)
        case .count, .number, .money, .points: return Fixed(text).map { .number($0) } ?? .none
        case .date: return DateParser.parse(text).map { .date($0.daysSinceEpoch) } ?? .none
        default: return .text(text)
        }
    }

    /// Evaluates a cadre-level expression exactly. Errors of arithmetic (overflow, a
    /// quotient by zero) come back as `.none`, which the caller reports.
    func evaluate(_ e: TExpr, _ ctx: inout CadreContext) -> RowValue {
        switch e {
        case .number(let n, _): return .number(n)
        case .text(let s): return .text(s)
        case .date(let d): return .date(d.daysSinceEpoch)
        case .boolean(let b): return .boolean(b)
        case .none: return .none
        case .enumCode(let c, _): return .code(c)
        case .field: return .none
        case .score: return .number(ctx.score)
        case .item(let name): return .number(ctx.itemPoints[name] ?? .zero)
        case .payLine(let name, _): return .number(ctx.lines[name] ?? .zero)
        case .parameter(let name, _): return .number(rules.parameters[name] ?? .zero)
        case .rosterField(let name, let t): return rosterValue(name, t, cadre: ctx.cadre)
        case .monthsEmployed: return .number(Fixed(ctx.months))
        case .negate(let x, _): return evaluate(x, &ctx).number.map { .number($0.negated()) } ?? .none
        case .not(let x): return .boolean(!evaluate(x, &ctx).isTrue)
        case .logical(let op, let a, let b):
            let x = evaluate(a, &ctx).isTrue
            if op == .and { return .boolean(x && evaluate(b, &ctx).isTrue) }
            return .boolean(x || evaluate(b, &ctx).isTrue)
        case .arithmetic(let op, let a, let b, _):
            guard let x = evaluate(a, &ctx).number, let y = evaluate(b, &ctx).number else { return .none }
            return Arithmetic.apply(op, x, y).map { .number($0) } ?? .none
        case .compare(let first, let links):
            var left = evaluate(first, &ctx)
            for (op, x) in links {
                let right = evaluate(x, &ctx)
                if !RowValue.holds(op, left, right) { return .boolean(false) }
                left = right
            }
            return .boolean(true)
        case .member(let x, let options):
            let v = evaluate(x, &ctx)
            for o in options where RowValue.holds(.equal, v, evaluate(o, &ctx)) { return .boolean(true) }
            return .boolean(false)
        case .conditional(let c, let a, let b, _):
            return evaluate(c, &ctx).isTrue ? evaluate(a, &ctx) : evaluate(b, &ctx)
        case .aggregate(let i, _): return aggregate(i, cadre: ctx.cadre)
        case .lookup(let name, let key, _):
            guard let table = rules.lookups[name] else { return .none }
            let k = evaluate(key, &ctx)
            for row in table.rows {
                switch (row.key, k) {
                case (.number(let n)?, .number(let v)) where n == v: return .number(row.value)
                case (.text(let s)?, .text(let v)) where s == v: return .number(row.value)
                default: continue
                }
            }
            if let other = table.rows.first(where: { $0.key == nil }) { return .number(other.value) }
            return .none
        case .bracket(let name, let x):
            guard let table = rules.brackets[name], let v = evaluate(x, &ctx).number, let amount = Money(v, .halfUp),
                  let traced = try? table.tax(on: amount) else { return .none }
            ctx.extraSteps += traced.trace.steps
            return .number(traced.value.fixed)
        case .clamp(let v, let lo, let hi, _):
            guard let x = evaluate(v, &ctx).number, let a = evaluate(lo, &ctx).number, let b = evaluate(hi, &ctx).number else { return .none }
            return .number(max(a, min(b, x)))
        case .yearToDate(let name):
            return .number((ctx.prior[name].fixed) + (ctx.lines[name] ?? .zero))
        case .priorToDate(let name):
            return .number(ctx.prior[name].fixed)
        case .poolShare:
            return ctx.poolShare.map { .number($0.fixed) } ?? .none
        }
    }
}
