import Exact
import Pay

/// What an expression reads from outside itself. A record's scope answers its fields; a
/// cadre's scope answers 得分, items, pay lines, roster fields, aggregates and year-to-date
/// totals; both answer parameters and tables.
protocol EvaluationScope {
    /// The value of a name the tree does not hold: `.field`, `.parameter`, `.score`,
    /// `.item`, `.payLine`, `.rosterField`, `.monthsEmployed`, `.aggregate`, `.yearToDate`,
    /// `.priorToDate` or `.poolShare`. `.none` where the scope has no such name (a cadre's
    /// scope has no record fields, a record's no pay lines).
    func value(of name: TExpr) -> RowValue
    func lookup(_ name: String) -> CheckedLookup?
    func brackets(_ name: String) -> BracketTable?
    /// Keeps the steps of a bracket table met while evaluating, for the pay line's trace.
    mutating func keep(_ steps: [PayStep])
    /// Notes that arithmetic on two numbers came to a value beyond exact numbers (the
    /// result is blank, as for a quotient by zero, but unlike that it is never meant).
    mutating func noteUnrepresentable()
}

extension EvaluationScope {
    mutating func keep(_ steps: [PayStep]) {}
    mutating func noteUnrepresentable() {}
}

/// The reference interpreter of rule expressions: a plain walk over the checked tree, one
/// case per node, exact arithmetic. Every faster way of evaluating an expression (the
/// closures of `RecordCompiler`, the `FilterOp` and `AmountOp` programs, the scorer's
/// running aggregates) must give what this gives, value for value and blank for blank;
/// `InterpreterDifferentialTests` checks that on thousands of generated expressions.
///
/// The semantics, in one place:
/// - A blank (空, `.none`) is what an empty cell, a missing value or a failed computation
///   gives. Arithmetic and 限于 with a blank operand are blank; so is arithmetic that
///   overflows or divides by zero (a pay line reports that as B0002).
/// - A condition holds only when it is `是`: a blank or any other value is not true, so
///   `非 空` holds and `空 且 …` does not.
/// - Comparisons: `空` equals only `空`, and a blank is unequal to every value and neither
///   below nor above it. Values of different kinds are unequal and unordered, except that
///   an enumeration value meets text by its word (`班次 = 备注`, `“夜班” = 班次`).
///   Enumeration values are ordered as the enumeration lists them; text by its Unicode
///   scalars, so text equal as Swift strings but written with other scalars differs.
/// - Quotients inside an expression are carried to ten places, half up (`Arithmetic`).
enum Interpreter {
    static func evaluate<Scope: EvaluationScope>(_ e: TExpr, in scope: inout Scope) -> RowValue {
        switch e {
        case .number(let n, _): return .number(n)
        case .text(let s): return .text(s)
        case .date(let d): return .date(d.daysSinceEpoch)
        case .time(let t): return .time(t.minutes)
        case .boolean(let b): return .boolean(b)
        case .none: return .none
        case .enumCode(let c, _): return .code(c)
        case .field, .parameter, .score, .tier, .rank, .item, .payLine, .rosterField, .monthsEmployed, .aggregate, .yearToDate,
             .priorToDate, .poolShare, .grouping, .calendar, .headcount, .previousYearMonths, .previousYearTotal, .previousYearAnnual:
            return scope.value(of: e)
        case .negate(let x, _):
            guard let n = evaluate(x, in: &scope).number else { return .none }
            return .number(n.negated())
        case .not(let x):
            return .boolean(!evaluate(x, in: &scope).isTrue)
        case .logical(let op, let a, let b):
            let x = evaluate(a, in: &scope).isTrue
            if op == .and { return .boolean(x && evaluate(b, in: &scope).isTrue) }
            return .boolean(x || evaluate(b, in: &scope).isTrue)
        case .arithmetic(let op, let a, let b, _):
            let x = evaluate(a, in: &scope), y = evaluate(b, in: &scope)
            let result = Arithmetic.apply(op, x, y)
            if case .none = result, case .number = x, case .number(let d) = y, !(op == .divide && d.units == 0) {
                scope.noteUnrepresentable()
            }
            return result
        case .compare(let first, let links):
            var left = evaluate(first, in: &scope)
            var leftExpression = first
            for (op, x) in links {
                let right = evaluate(x, in: &scope)
                if !holds(op, left, leftExpression, right, x) { return .boolean(false) }
                left = right
                leftExpression = x
            }
            return .boolean(true)
        case .member(let x, let options):
            let v = evaluate(x, in: &scope)
            for o in options where holds(.equal, v, x, evaluate(o, in: &scope), o) { return .boolean(true) }
            return .boolean(false)
        case .conditional(let c, let a, let b, _):
            return evaluate(c, in: &scope).isTrue ? evaluate(a, in: &scope) : evaluate(b, in: &scope)
        case .lookup(let name, let key, _):
            guard let table = scope.lookup(name) else { return .none }
            return lookup(table, evaluate(key, in: &scope), key)
        case .bracket(let name, let x):
            guard let table = scope.brackets(name), let v = evaluate(x, in: &scope).number, let amount = Money(v, .halfUp),
                  let traced = try? table.tax(on: amount) else { return .none }
            scope.keep(traced.trace.steps)
            return .number(traced.value.fixed)
        case .clamp(let v, let lo, let hi, _):
            guard let x = evaluate(v, in: &scope).number, let a = evaluate(lo, in: &scope).number,
                  let b = evaluate(hi, in: &scope).number else { return .none }
            return .number(max(a, min(b, x)))
        }
    }

    /// Whether `a op b` holds, `a` and `b` being the values of `x` and `y`.
    static func holds(_ op: ComparisonOperator, _ a: RowValue, _ x: TExpr, _ b: RowValue, _ y: TExpr) -> Bool {
        switch (a, b) {
        case (.code(let c), .text):
            if let w = word(c, of: x) { return RowValue.holds(op, .text(w), b) }
        case (.text, .code(let c)):
            if let w = word(c, of: y) { return RowValue.holds(op, a, .text(w)) }
        default: break
        }
        return RowValue.holds(op, a, b)
    }

    /// The word of enumeration code `code`, the value of `e`: a literal names its word, a
    /// field or roster field of an enumeration lists them.
    static func word(_ code: Int64, of e: TExpr) -> String? {
        switch e {
        case .enumCode(_, let w): return w
        case .field(_, .enumeration(let words)), .rosterField(_, .enumeration(let words)), .tier(let words), .grouping(_, let words):
            return code >= 0 && code < words.count ? words[Int(code)] : nil
        case .conditional(_, let a, let b, _):
            // The branch that gave the code is not known here; both name the same words
            // when they are fields of one enumeration.
            let w = word(code, of: a)
            return w == word(code, of: b) ? w : nil
        default: return nil
        }
    }

    /// A lookup table's value for `key` (the value of `keyExpression`): the row with that
    /// key, else the `其余` row, else blank. An enumeration value is looked up by its word.
    static func lookup(_ table: CheckedLookup, _ key: RowValue, _ keyExpression: TExpr) -> RowValue {
        var k = key
        if case .code(let c) = key, let w = word(c, of: keyExpression) { k = .text(w) }
        for row in table.rows {
            switch (row.key, k) {
            case (.number(let n)?, .number(let v)) where n == v: return table.value(row.value)
            case (.text(let s)?, .text(let v)) where RowValue.compareText(s, v) == 0: return table.value(row.value)
            default: continue
            }
        }
        if let other = table.rows.first(where: { $0.key == nil }) { return table.value(other.value) }
        return .none
    }
}

/// Exact arithmetic for evaluation. Quotients inside an expression are carried to ten
/// places (四舍五入); a pay line's own division rounds once, as the line declares.
enum Arithmetic {
    static let quotientScale = Payroll.quotientScale

    /// `a op b` on two values: numbers, or two times subtracted to the minutes between them
    /// (`开始 - 应到时间`, negative when 开始 is earlier); anything else is blank.
    @inline(__always)
    static func apply(_ op: BinaryOperator, _ a: RowValue, _ b: RowValue) -> RowValue {
        switch (a, b) {
        case (.number(let x), .number(let y)): return apply(op, x, y).map { .number($0) } ?? .none
        case (.time(let x), .time(let y)) where op == .subtract: return .number(Fixed(Int(x) - Int(y)))
        default: return .none
        }
    }

    static func apply(_ op: BinaryOperator, _ a: Fixed, _ b: Fixed) -> Fixed? {
        switch op {
        case .add: return a.adding(b)
        case .subtract: return a.subtracting(b)
        case .multiply: return a.multiplying(b)
        case .divide: return a.dividing(by: b, scale: quotientScale, .halfUp)
        case .and, .or: return nil
        }
    }
}

extension CheckedLookup {
    /// A row's value as the table's type: a table of times (应到时间) gives times.
    @inline(__always)
    func value(_ v: Fixed) -> RowValue {
        valueType == .time ? .time(Int16(truncatingIfNeeded: v.units)) : .number(v)
    }
}
