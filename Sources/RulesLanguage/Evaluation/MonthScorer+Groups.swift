import Exact
import Records

/// Groups other than the community: 分组 declared by the rules (考核组 = 正职 for 书记、主任,
/// else 其他组), group keys of quotas, ranks and pools (`按 社区、考核组`, `按 全县`) and the
/// headcounts `人数（社区、考核组）` read.
extension MonthScorer {
    /// Works out every cadre's 分组 groups and the headcounts the rules read, for the
    /// cadres employed this month. Called once by `finish()` before scoring.
    func prepareGroups(employed: [Int]) {
        var codes: [String: [Int32]] = [:]
        for (name, g) in rules.checked.groupings {
            var column = [Int32](repeating: -1, count: roster.count)
            for c in employed {
                var ctx = CadreContext(cadre: c, score: .zero, itemPoints: [:])
                for (i, condition) in g.conditions.enumerated() where condition.map({ evaluate($0, &ctx).isTrue }) ?? true {
                    column[c] = Int32(i)
                    break
                }
            }
            codes[name] = column
        }
        groupCodes = codes
        var wanted: Set<[String]> = []
        func walk(_ e: TExpr) {
            switch e {
            case .headcount(let keys): wanted.insert(keys)
            case .negate(let x, _), .not(let x), .lookup(_, let x, _), .bracket(_, let x): walk(x)
            case .arithmetic(_, let a, let b, _), .logical(_, let a, let b):
                walk(a)
                walk(b)
            case .compare(let a, let links):
                walk(a)
                for (_, x) in links { walk(x) }
            case .member(let a, let xs):
                walk(a)
                for x in xs { walk(x) }
            case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _):
                walk(a)
                walk(b)
                walk(c)
            case .poolShare(let a, let b, let cs):
                walk(a)
                walk(b)
                for x in cs { walk(x) }
            default: break
            }
        }
        for l in rules.payLines {
            walk(l.expression)
            for (x, _) in l.exemptions { walk(x) }
        }
        for v in rules.vetoes { walk(v.condition) }
        for t in rules.tiers?.rules ?? [] { if let c = t.condition { walk(c) } }
        var counts: [[String]: [String: Int]] = [:]
        for keys in wanted {
            var byGroup: [String: Int] = [:]
            for c in employed { byGroup[groupKey(keys, cadre: c), default: 0] += 1 }
            counts[keys] = byGroup
        }
        headcounts = counts
    }

    /// The cadre's group in 分组 `name`, as its index in the labels.
    func groupCode(_ name: String, cadre: Int) -> Int? {
        guard let column = groupCodes[name], cadre < column.count, column[cadre] >= 0 else { return nil }
        return Int(column[cadre])
    }

    /// The cadre's value of one group key (a 分组's label or a roster field's text).
    func groupValue(_ key: String, cadre: Int) -> String {
        if let g = rules.checked.groupings[key] {
            return groupCode(key, cadre: cadre).map { g.labels[$0] } ?? ""
        }
        return rosterValue(key, .text, cadre: cadre).text
    }

    /// The cadre's group for these keys, as shown: `富民·正职`; `全县` for no keys.
    func groupKey(_ keys: [String], cadre: Int) -> String {
        keys.isEmpty ? "全县" : keys.map { groupValue($0, cadre: cadre) }.joined(separator: "·")
    }

    /// 人数（keys）: cadres employed this month in the cadre's group.
    func headcount(_ keys: [String], cadre: Int) -> Int {
        headcounts[keys]?[groupKey(keys, cadre: cadre)] ?? 0
    }
}
