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

    public var gross: Money { cadres.map(\.pay.gross).sum() }
    public var deductions: Money { cadres.map(\.pay.deductions).sum() }
    public var net: Money { cadres.map(\.pay.net).sum() }

    /// Σ net + Σ deductions = Σ gross, per cadre and in total, to the 分.
    public var reconciles: Bool {
        cadres.allSatisfy { $0.pay.net + $0.pay.deductions == $0.pay.gross } && net + deductions == gross
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
