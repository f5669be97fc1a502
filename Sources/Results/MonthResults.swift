import Exact
import Pay

/// The results of one month's run: every cadre's result, in roster order.
public struct MonthResults: Sendable, Hashable, Codable {
    public var month: YearMonth
    public var cadres: [CadreResult]

    public init(month: YearMonth, cadres: [CadreResult]) {
        self.month = month
        self.cadres = cadres
    }

    public var gross: Money { totals.gross }
    public var deductions: Money { totals.deductions }
    public var net: Money { totals.net }

    /// Σ gross, Σ deductions and Σ net in one pass over the cadres, by index (no copies).
    public var totals: (gross: Money, deductions: Money, net: Money) {
        var g = Money.zero, d = Money.zero, n = Money.zero
        for i in cadres.indices {
            g = g + cadres[i].pay.gross
            d = d + cadres[i].pay.deductions
            n = n + cadres[i].pay.net
        }
        return (g, d, n)
    }

    /// Σ net + Σ deductions = Σ gross, per cadre and in total, to the 分.
    public var reconciles: Bool {
        for i in cadres.indices where cadres[i].pay.net + cadres[i].pay.deductions != cadres[i].pay.gross { return false }
        let t = totals
        return t.net + t.deductions == t.gross
    }

    /// Cadres per tier, in order of first appearance in `tierOrder`.
    public func tierCounts(tierOrder: [String]) -> [(tier: String, count: Int)] {
        var counts: [String: Int] = [:]
        for c in cadres { counts[c.standing.tier, default: 0] += 1 }
        let known = tierOrder.map { ($0, counts[$0] ?? 0) }
        let other = counts.keys.filter { !tierOrder.contains($0) }.sorted().map { ($0, counts[$0]!) }
        return known + other
    }
}
