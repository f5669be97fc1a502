import Exact
import Records

/// Groups other than the community: 分组 declared by the rules (考核组 = 正职 for 书记、主任,
/// else 其他组), group keys of quotas, ranks and pools (`按 社区、考核组`, `按 全县`) and the
/// headcounts `在岗人数（社区、考核组）` read.
extension MonthScorer {
    /// Works out every cadre's 分组 groups, and the headcounts the rules read (each list of
    /// keys the checker saw in a 在岗人数（…）) over the cadres in post this month (`employed`:
    /// on at least one of its days). Called once at the end of `init`: groupings read the
    /// roster and parameters only.
    func prepareGroups(employed: [Int]) {
        var codes: [String: [Int32]] = [:]
        for (name, g) in rules.checked.groupings {
            var column = [Int32](repeating: -1, count: roster.count)
            // Every cadre on the roster, in post or not: a group is a function of the roster.
            for c in roster.cadres.indices {
                var ctx = CadreContext(cadre: c, score: .zero, itemPoints: [:])
                for (i, condition) in g.conditions.enumerated() where condition.map({ evaluate($0, &ctx).isTrue }) ?? true {
                    column[c] = Int32(i)
                    break
                }
            }
            codes[name] = column
        }
        groupCodes = codes
        var counts: [[String]: [String: Int]] = [:]
        for keys in rules.checked.headcountGroups {
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

    /// 在岗人数（keys）: cadres in post this month in the cadre's group (all of them for
    /// 全县, no keys). A cadre whose field is blank is counted with the others whose field
    /// is blank, as quotas and pools group them.
    func headcount(_ keys: [String], cadre: Int) -> Int {
        headcounts[keys]?[groupKey(keys, cadre: cadre)] ?? 0
    }
}
