import Records

extension TExpr {
    /// The expressions directly inside this one.
    var children: [TExpr] {
        switch self {
        case .number, .text, .date, .time, .calendar, .boolean, .none, .field, .enumCode, .score, .tier, .rank, .item, .payLine, .parameter, .rosterField,
             .monthsEmployed, .aggregate, .yearToDate, .priorToDate, .grouping, .headcount, .previousYearMonths, .previousYearTotal, .previousYearAnnual:
            return []
        case .negate(let e, _), .not(let e), .lookup(_, let e, _), .bracket(_, let e): return [e]
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b): return [a, b]
        case .compare(let a, let rest): return [a] + rest.map(\.1)
        case .member(let a, let list): return [a] + list
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _): return [a, b, c]
        case .poolShare(let a, let b, let c): return [a, b] + c
        }
    }

    /// Every node of the expression, this one first.
    func walk(_ visit: (TExpr) -> Void) {
        visit(self)
        for c in children { c.walk(visit) }
    }
}

extension CheckedRules {
    /// The rules' corrections source (`数据源 补发补扣`): where a later month's run reads the
    /// differences of corrected closed months (docs/corrections.md).
    public var correctionsSource: (index: Int, schema: SourceSchema)? {
        guard let i = sources.firstIndex(where: { $0.schema.role == .corrections }) else { return nil }
        return (i, sources[i].schema)
    }

    /// The 应发项 and 扣款项 that read the corrections source: what a month pays of the
    /// corrections it carries.
    public var correctionPayingLines: [(name: String, isEarning: Bool)] {
        guard let corrections = correctionsSource?.index else { return [] }
        var seen: Set<String> = []
        var out: [(String, Bool)] = []
        for line in payLines where line.kind == .earning || line.kind == .withholding {
            var reads = false
            line.expression.walk { e in
                if case .aggregate(let a, _) = e, accumulators.indices.contains(a), accumulators[a].source == corrections { reads = true }
            }
            if reads && seen.insert(line.name).inserted { out.append((line.name, line.kind == .earning)) }
        }
        return out
    }

    /// The 应发项 and 扣款项 a correction of a closed month carries into a later month: every
    /// one except those whose value reads the year to date (本年累计, 此前累计, 本年任职月数,
    /// and the previous year's 上年累计, 上年任职月数 that decide the year's deductions),
    /// directly or through other lines — the income tax withheld cumulatively, which the
    /// paying month computes again with the correction as its income — and those that
    /// read the corrections source (a month's own 补发/补扣, never carried twice).
    public var correctedPayLines: [(name: String, isEarning: Bool)] {
        var reads: [String: Set<String>] = [:]
        var direct: Set<String> = []
        let corrections = correctionsSource?.index
        for line in payLines {
            line.expression.walk { e in
                switch e {
                case .payLine(let n, _): reads[line.name, default: []].insert(n)
                case .yearToDate, .priorToDate, .monthsEmployed, .previousYearMonths, .previousYearTotal: direct.insert(line.name)
                case .aggregate(let a, _) where accumulators.indices.contains(a) && accumulators[a].source == corrections: direct.insert(line.name)
                default: break
                }
            }
        }
        // Whatever reads a line that reads the year to date reads it too.
        var excluded = direct
        var changed = true
        while changed {
            changed = false
            for (name, inputs) in reads where !excluded.contains(name) && !inputs.isDisjoint(with: excluded) {
                excluded.insert(name)
                changed = true
            }
        }
        var seen: Set<String> = []
        var out: [(String, Bool)] = []
        for line in payLines where (line.kind == .earning || line.kind == .withholding) && !excluded.contains(line.name) && seen.insert(line.name).inserted {
            out.append((line.name, line.kind == .earning))
        }
        return out
    }
}
