import Exact
import Pay

/// One cadre as a compiled pay formula reads it: who, the score and items, and (once tiers
/// are decided) the tier and rank. The sheet, which changes as lines are paid, is passed
/// beside it.
struct PayCadre {
    /// The roster index.
    var cadre: Int
    var score: Fixed
    var itemPoints: [String: Fixed]
    var tier: String?
    var rank: Int?
}

/// A pay formula compiled for one line of the payroll.
typealias PayCode = (inout PaySheet, borrowing PayCadre) -> RowValue

/// Compiles the cadre-level expressions of one pay line into closures, once per payroll,
/// so that nothing is looked up by name while cadres are paid: the reference interpreter
/// (`Interpreter` over `CadreScope`) hashes every pay line, parameter and table name it
/// reads, and a Chinese name is hashed through Unicode normalization (a province month's
/// payroll spent two fifths of its instructions there).
///
/// It gives what the interpreter gives, value for value, blank for blank and bracket step
/// for bracket step (`PayProgramTests` compares the two on every line of the sample rules
/// and on generated expressions):
/// - a pay line is read by its position: the last earlier line of that name, which is what
///   the sheet holds under the name while line `line` is computed (lines are paid in order;
///   none: 0); `PaySheet.values` holds them by position;
/// - parameters are the month's constants, tables are found once;
/// - every other name is read as `CadreScope.value(of:)` reads it.
struct PayCompiler {
    unowned(unsafe) let scorer: MonthScorer
    /// Every pay line's name, in the payroll's order.
    let lineNames: [String]
    /// The line whose formulas are compiled.
    let line: Int

    /// Where the value a line name has while `line` is computed sits on the sheet: the last
    /// line of that name before `line`.
    func position(of name: String) -> Int? {
        lineNames[..<min(line, lineNames.count)].lastIndex(of: name)
    }

    /// A line's value on the sheet: by position when the payroll keeps them (`values`),
    /// else by name (a sheet made by hand).
    @inline(__always)
    static func lineValue(_ sheet: borrowing PaySheet, at position: Int?, name: String) -> Fixed {
        guard let position else { return .zero }
        if position < sheet.values.count { return sheet.values[position] }
        return sheet.lines[name] ?? .zero
    }

    func compile(_ e: TExpr) -> PayCode {
        let scorer = self.scorer
        switch e {
        // Constants.
        case .number(let n, _):
            let v = RowValue.number(n)
            return { _, _ in v }
        case .text(let s):
            let v = RowValue.text(s)
            return { _, _ in v }
        case .date(let d):
            let v = RowValue.date(d.daysSinceEpoch)
            return { _, _ in v }
        case .time(let t):
            let v = RowValue.time(t.minutes)
            return { _, _ in v }
        case .boolean(let b):
            let v = RowValue.boolean(b)
            return { _, _ in v }
        case .none:
            return { _, _ in .none }
        case .enumCode(let c, _):
            let v = RowValue.code(c)
            return { _, _ in v }
        case .parameter(let n, _):
            let v = scorer.tables.parameter(n)
            return { _, _ in v }

        // Names, as `CadreScope.value(of:)` reads them.
        case .score:
            return { _, c in .number(c.score) }
        case .tier(let names):
            return { _, c in
                guard let t = c.tier, let i = names.firstIndex(of: t) else { return .none }
                return .code(Int64(i))
            }
        case .rank:
            return { _, c in c.rank.map { .number(Fixed($0)) } ?? .none }
        case .item(let n):
            return { _, c in .number(c.itemPoints[n] ?? .zero) }
        case .payLine(let n, _):
            let at = position(of: n)
            guard at != nil else { return { _, _ in .number(.zero) } }
            return { s, _ in .number(Self.lineValue(s, at: at, name: n)) }
        case .yearToDate(let n):
            let at = position(of: n)
            return { s, _ in .number((s.prior[n] ?? .zero).fixed + Self.lineValue(s, at: at, name: n)) }
        case .priorToDate(let n):
            return { s, _ in .number((s.prior[n] ?? .zero).fixed) }
        case .rosterField(let n, let t):
            let read = scorer.rosterReader(n, t)
            return { _, c in read(c.cadre) }
        case .monthsEmployed:
            return { s, _ in .number(Fixed(s.months)) }
        case .aggregate(let i, _):
            return { _, c in scorer.aggregate(i, cadre: c.cadre) }
        case .previousYearMonths:
            return { s, _ in .number(Fixed(s.previousYearMonths)) }
        case .previousYearTotal(let n):
            return { s, _ in .number((s.previousYear[n] ?? .zero).fixed) }
        case .previousYearAnnual(let n):
            return { s, _ in .number((s.previousYearAnnual[n] ?? .zero).fixed) }
        case .poolShare:
            return { s, _ in s.poolShare.map { .number($0.fixed) } ?? .none }
        case .grouping(let n, _):
            return { _, c in scorer.groupCode(n, cadre: c.cadre).map { .code(Int64($0)) } ?? .none }
        case .calendar(let v):
            return { _, c in scorer.calendar(v, cadre: c.cadre) }
        case .headcount(let keys):
            return { _, c in .number(Fixed(scorer.headcount(keys, cadre: c.cadre))) }
        case .field:
            // A cadre has no record fields.
            return { _, _ in .none }

        // Operators, as `Interpreter.evaluate` applies them (operands in the same order, the
        // same short cuts: a bracket table met keeps its steps only when evaluated).
        case .negate(let x, _):
            let f = compile(x)
            return { s, c in
                guard let n = f(&s, c).number else { return .none }
                return .number(n.negated())
            }
        case .not(let x):
            let f = compile(x)
            return { s, c in .boolean(!f(&s, c).isTrue) }
        case .logical(let op, let a, let b):
            let f = compile(a), g = compile(b)
            if op == .and { return { s, c in .boolean(f(&s, c).isTrue && g(&s, c).isTrue) } }
            return { s, c in .boolean(f(&s, c).isTrue || g(&s, c).isTrue) }
        case .arithmetic(let op, let a, let b, _):
            let f = compile(a), g = compile(b)
            return { s, c in
                let x = f(&s, c)
                return Arithmetic.apply(op, x, g(&s, c))
            }
        case .compare(let first, let links):
            let f = compile(first)
            let rest = links.map { (op: $0.0, code: compile($0.1), expression: $0.1) }
            return { s, c in
                var left = f(&s, c)
                var leftExpression = first
                for link in rest {
                    let right = link.code(&s, c)
                    if !Interpreter.holds(link.op, left, leftExpression, right, link.expression) { return .boolean(false) }
                    left = right
                    leftExpression = link.expression
                }
                return .boolean(true)
            }
        case .member(let x, let options):
            let f = compile(x)
            let each = options.map { (code: compile($0), expression: $0) }
            return { s, c in
                let v = f(&s, c)
                for o in each where Interpreter.holds(.equal, v, x, o.code(&s, c), o.expression) { return .boolean(true) }
                return .boolean(false)
            }
        case .conditional(let condition, let a, let b, _):
            let test = compile(condition), f = compile(a), g = compile(b)
            return { s, c in test(&s, c).isTrue ? f(&s, c) : g(&s, c) }
        case .lookup(let name, let key, _):
            guard let table = scorer.tables.lookups[name] else { return { _, _ in .none } }
            let f = compile(key)
            return { s, c in Interpreter.lookup(table, f(&s, c), key) }
        case .bracket(let name, let x):
            guard let table = scorer.tables.brackets[name] else { return { _, _ in .none } }
            let f = compile(x)
            return { s, c in
                guard let v = f(&s, c).number, let amount = Money(v, .halfUp), let traced = try? table.tax(on: amount) else { return .none }
                s.steps += traced.trace.steps
                return .number(traced.value.fixed)
            }
        case .clamp(let v, let lo, let hi, _):
            let f = compile(v), low = compile(lo), high = compile(hi)
            return { s, c in
                guard let x = f(&s, c).number, let a = low(&s, c).number, let b = high(&s, c).number else { return .none }
                return .number(max(a, min(b, x)))
            }
        }
    }
}
