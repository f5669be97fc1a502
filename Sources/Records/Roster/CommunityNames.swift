import Exact

/// A community name typed wrong on one roster row (`社区0O01` among 28 cadres of `社区0001`,
/// `富明社区` for `富民社区`) makes a community of its own: every quota, rank and head count
/// by 社区 then treats that cadre alone (an 优秀 quota of 20% of one person is none). Such a
/// community is found by two things together: it has very few cadres (one, or fewer than a
/// tenth of the median community's) and its name is a slip away from a larger community's
/// (`isNear`). It is a warning (D0307) at the odd rows: it may be a real, small community.
///
/// A county that declares its communities in the rules (`社区：枚举（富民、卧龙、…）`) has every
/// other name refused already (D0107).
public enum CommunityNames {
    /// The roster's communities with very few cadres whose name is near a larger one's,
    /// one problem each, located at the first of its rows.
    ///   - column: where each roster file holds 社区 (1-based), by path.
    public static func problems(_ roster: Roster, column: [String: Int]) -> [RecordProblem] {
        var rows: [String: [RowOrigin]] = [:]
        var order: [String] = []
        for c in roster.cadres where !c.community.isEmpty {
            if rows[c.community] == nil { order.append(c.community) }
            rows[c.community, default: []].append(c.origin)
        }
        guard order.count > 1 else { return [] }
        let sizes = order.map { rows[$0]!.count }.sorted()
        let median = sizes[sizes.count / 2]
        var out: [RecordProblem] = []
        for name in order {
            let odd = rows[name]!
            guard odd.count == 1 || odd.count * 10 < median else { continue }
            // The largest community whose name is a slip away.
            let near = order.filter { $0 != name && rows[$0]!.count > odd.count && isNear(name, $0) }
                .max { (rows[$0]!.count, $1) < (rows[$1]!.count, $0) }
            guard let other = near else { continue }
            let first = odd[0]
            out.append(.communityLikeAnother(
                Place(first, column: column[first.path], columnName: "社区"), community: name, rows: odd,
                other: other, otherCount: rows[other]!.count))
        }
        return out
    }

    /// Whether two community names differ by a slip: the same once full-width forms, case and
    /// spaces are set aside, or at most one character in four apart (at least one) by edit
    /// distance (a character typed, dropped or changed: `社区0O01`/`社区0001`, `富明`/`富民`).
    public static func isNear(_ a: String, _ b: String) -> Bool {
        let x = key(a), y = key(b)
        guard !x.isEmpty, !y.isEmpty else { return false }
        let allowed = max(1, min(x.count, y.count) / 4)
        guard abs(x.count - y.count) <= allowed else { return false }
        return distance(x, y) <= allowed
    }

    static func key(_ s: String) -> [Character] {
        Array(TextNormalizer.normalize(s).lowercased().filter { !$0.isWhitespace })
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...max(1, b.count) where j <= b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
