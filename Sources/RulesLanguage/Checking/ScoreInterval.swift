import Exact

/// The range of total scores a tier's condition admits, when the condition is a plain chain
/// of comparisons between 得分 and numbers; used to find tiers that overlap or leave gaps.
struct ScoreInterval: CustomStringConvertible {
    struct Bound {
        var value: Fixed
        var inclusive: Bool
    }
    var lower: Bound?
    var upper: Bound?

    init(lower: Bound?, upper: Bound?) {
        self.lower = lower
        self.upper = upper
    }

    /// Nil when the condition is anything else than comparisons of 得分 with constants.
    init?(_ e: TExpr) {
        var result = ScoreInterval(lower: nil, upper: nil)
        func constant(_ x: TExpr) -> Fixed? {
            if case .number(let v, _) = x { return v }
            return nil
        }
        func isScore(_ x: TExpr) -> Bool {
            if case .score = x { return true }
            return false
        }
        func apply(_ a: TExpr, _ op: ComparisonOperator, _ b: TExpr) -> Bool {
            if isScore(a), let v = constant(b) { return result.constrain(scoreOp: op, v) }
            if isScore(b), let v = constant(a) { return result.constrain(scoreOp: op.flipped, v) }
            return false
        }
        switch e {
        case .compare(let first, let links):
            var left = first
            for (op, right) in links {
                guard apply(left, op, right) else { return nil }
                left = right
            }
        case .logical(.and, let a, let b):
            guard let x = ScoreInterval(a), let y = ScoreInterval(b) else { return nil }
            result = x.intersection(y)
        default:
            return nil
        }
        self = result
    }

    /// Narrows the interval by `得分 op v`.
    mutating func constrain(scoreOp op: ComparisonOperator, _ v: Fixed) -> Bool {
        switch op {
        case .greater: lower = tighterLower(Bound(value: v, inclusive: false))
        case .greaterEqual: lower = tighterLower(Bound(value: v, inclusive: true))
        case .less: upper = tighterUpper(Bound(value: v, inclusive: false))
        case .lessEqual: upper = tighterUpper(Bound(value: v, inclusive: true))
        case .equal:
            lower = tighterLower(Bound(value: v, inclusive: true))
            upper = tighterUpper(Bound(value: v, inclusive: true))
        case .notEqual: return false
        }
        return true
    }

    func tighterLower(_ b: Bound) -> Bound {
        guard let l = lower else { return b }
        if b.value > l.value || (b.value == l.value && !b.inclusive) { return b }
        return l
    }

    func tighterUpper(_ b: Bound) -> Bound {
        guard let u = upper else { return b }
        if b.value < u.value || (b.value == u.value && !b.inclusive) { return b }
        return u
    }

    func intersection(_ o: ScoreInterval) -> ScoreInterval {
        var r = self
        if let l = o.lower { r.lower = r.tighterLower(l) }
        if let u = o.upper { r.upper = r.tighterUpper(u) }
        return r
    }

    var isEmpty: Bool {
        guard let l = lower, let u = upper else { return false }
        return l.value > u.value || (l.value == u.value && !(l.inclusive && u.inclusive))
    }

    func intersects(_ o: ScoreInterval) -> Bool { !intersection(o).isEmpty }

    var description: String {
        let lo = lower.map { ($0.inclusive ? "[" : "(") + $0.value.shortDescription } ?? "(-∞"
        let hi = upper.map { $0.value.shortDescription + ($0.inclusive ? "]" : ")") } ?? "+∞)"
        return "\(lo), \(hi)"
    }

    /// Every range of scores no interval covers, as text, lowest first; empty when they
    /// cover all.
    static func gaps(_ intervals: [ScoreInterval]) -> [String] {
        let sorted = intervals.filter { !$0.isEmpty }.sorted { a, b in
            switch (a.lower, b.lower) {
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): return x.value < y.value || (x.value == y.value && x.inclusive && !y.inclusive)
            }
        }
        guard let first = sorted.first else { return ["(-∞, +∞)"] }
        var out: [String] = []
        if let l = first.lower { out.append("(-∞, \(l.value.shortDescription)\(l.inclusive ? ")" : "]")") }
        // How far up the scores are covered so far; nil: to +∞.
        var reach = first.upper
        for next in sorted.dropFirst() {
            guard let r = reach else { return out }
            if let l = next.lower {
                // Covered when the next starts before the reach, or at it with one side inclusive.
                let touches = l.value < r.value || (l.value == r.value && (l.inclusive || r.inclusive))
                if !touches {
                    out.append("\(r.inclusive ? "(" : "[")\(r.value.shortDescription), \(l.value.shortDescription)\(l.inclusive ? ")" : "]")")
                }
            }
            // The reach grows to the next's upper end when that is higher.
            if let u = next.upper {
                if u.value > r.value || (u.value == r.value && u.inclusive) { reach = u }
            } else {
                reach = nil
            }
        }
        if let r = reach { out.append("\(r.inclusive ? "(" : "[")\(r.value.shortDescription), +∞)") }
        return out
    }
}

extension ComparisonOperator {
    var flipped: ComparisonOperator {
        switch self {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        case .equal, .notEqual: self
        }
    }
}
