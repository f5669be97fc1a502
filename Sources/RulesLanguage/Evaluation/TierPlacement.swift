import Exact
import Results

/// The part of 等次评定 the month and the year share: places in groups, and quotas that
/// admit ⌊share × group size⌋ of those who reached a tier, in the stated order, moving the
/// rest one tier down, where the next quota (if any) takes them in turn.
enum TierPlacement {
    /// Place (1-based) of each participant in its group, and each group's size, for
    /// participants already in order.
    static func places(_ sorted: [Int], group: (Int) -> String) -> (rank: [Int: Int], size: [String: Int]) {
        var rank: [Int: Int] = [:]
        var size: [String: Int] = [:]
        for c in sorted {
            let g = group(c)
            size[g, default: 0] += 1
            rank[c] = size[g]!
        }
        return (rank, size)
    }

    /// Why the score reached rule `i`: its condition met (`threshold`), or for the rules'
    /// `其余` (no condition) the condition of the lowest tier above it, not met (`otherwise`);
    /// nil for an 其余 with no tier above it.
    static func reason(_ rules: [CheckedTierRule], reached i: Int, text: TExprText) -> TierReason? {
        if let condition = rules[i].condition { return .threshold(tier: rules[i].tier, condition: text.text(condition)) }
        guard let above = rules[..<i].last(where: { $0.condition != nil }), let condition = above.condition else { return nil }
        return .otherwise(tier: rules[i].tier, missed: above.tier, condition: text.text(condition))
    }

    /// The most cadres a tie-break reason names; a larger tie names the cadres nearest in the
    /// order (half before, half after) and says how many tied in all.
    static let tieNamesShown = 10

    /// Tie-break reasons for cadres tied on points, `same` in their final order: each names
    /// the others when there are at most `tieNamesShown` of them, else its neighbours in the
    /// order and the count (`tieBreakAmong`). Linear in the tie's size: a county-wide ranking of
    /// 50,000 cadres on half points ties hundreds at a score, and naming everyone to everyone
    /// was quadratic (thousands of IDs per reason).
    static func tieReasons(_ same: [Int], rule: String, id: (Int) -> String, into reasons: inout [Int: [TierReason]]) {
        guard same.count > 1 else { return }
        if same.count - 1 <= tieNamesShown {
            for c in same { reasons[c, default: []].append(.tieBreak(rule: rule, with: same.filter { $0 != c }.map(id))) }
            return
        }
        let ids = same.map(id)
        let half = tieNamesShown / 2
        for (i, c) in same.enumerated() {
            // The window of `tieNamesShown` others around i, shifted inside the tie at its ends.
            let start = max(0, min(i - half, same.count - 1 - tieNamesShown))
            let window = (start...(start + tieNamesShown)).filter { $0 != i }.prefix(tieNamesShown)
            reasons[c, default: []].append(.tieBreakAmong(rule: rule, nearest: window.map { ids[$0] }, tied: same.count - 1))
        }
    }

    /// Applies the quotas of `rules` best first to the participants in `sorted` order, whose
    /// reached rule is `tentative` (an index in `rules`); says why in `reasons`.
    static func applyQuotas(
        _ rules: [CheckedTierRule], sorted: [Int], tentative: inout [Int: Int], reasons: inout [Int: [TierReason]],
        groupKey: ([String], Int) -> String
    ) {
        for (i, rule) in rules.enumerated() {
            guard let q = rule.quota else { continue }
            let p = places(sorted) { groupKey(q.groups, $0) }
            var used: [String: Int] = [:]
            for c in sorted where tentative[c] == i {
                let g = groupKey(q.groups, c)
                let placesInGroup = (q.share * Fixed(p.size[g] ?? 0)).rounded(scale: 0, .down).wholeValue.map(Int.init) ?? 0
                let rank = p.rank[c] ?? 0
                if used[g, default: 0] < placesInGroup {
                    used[g, default: 0] += 1
                    reasons[c, default: []].append(.withinQuota(tier: rule.tier, share: q.share, places: placesInGroup, rank: rank))
                } else {
                    let next = i + 1 < rules.count ? i + 1 : nil
                    reasons[c, default: []].append(.quotaFull(tier: rule.tier, share: q.share, places: placesInGroup, rank: rank,
                                                             to: next.map { rules[$0].tier } ?? ""))
                    tentative[c] = next
                }
            }
        }
    }

    /// The first rule at or below `index` without a quota: where a cadre left out of the
    /// ranking goes.
    static func firstWithoutQuota(_ rules: [CheckedTierRule], from index: Int?) -> Int? {
        var index = index
        while let i = index, rules[i].quota != nil { index = i + 1 < rules.count ? i + 1 : nil }
        return index
    }
}
