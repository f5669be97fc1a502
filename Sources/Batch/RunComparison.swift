import Exact
import Results
import Store

/// What changed between two results of a month, cadre by cadre: for `batch diff` and
/// `batch preview`.
public struct RunComparison: Sendable {
    public struct Change: Sendable, Hashable {
        public var cadreID: String
        public var name: String
        public var pointsBefore: Fixed?
        public var pointsAfter: Fixed?
        public var tierBefore: String?
        public var tierAfter: String?
        public var netBefore: Money?
        public var netAfter: Money?
    }

    public var changes: [Change]
    public var unchanged: Int
    public var rulesChanged: Bool
    /// Data files whose content differs (by name), or that one run has and the other lacks.
    public var dataChanged: [String]
    /// How the two runs' year to date differs, as a line for the clerk (`yearToDateDifference`):
    /// carried from different runs of the month before, or one of them out of date. nil: the
    /// same, or not known (runs stored before v14-month-stale).
    public var yearToDate: String? = nil

    public init(before: MonthResults, after: MonthResults, rulesChanged: Bool, dataChanged: [String]) {
        var byID: [String: CadreResult] = [:]
        for c in before.cadres { byID[c.cadreID] = c }
        var seen: Set<String> = []
        var changes: [Change] = []
        var unchanged = 0
        for a in after.cadres {
            seen.insert(a.cadreID)
            let b = byID[a.cadreID]
            if let b, b.score.total == a.score.total, b.standing.tier == a.standing.tier, b.pay.net == a.pay.net {
                unchanged += 1
                continue
            }
            changes.append(Change(cadreID: a.cadreID, name: a.name, pointsBefore: b?.score.total, pointsAfter: a.score.total,
                                  tierBefore: b?.standing.tier, tierAfter: a.standing.tier, netBefore: b?.pay.net, netAfter: a.pay.net))
        }
        for b in before.cadres where !seen.contains(b.cadreID) {
            changes.append(Change(cadreID: b.cadreID, name: b.name, pointsBefore: b.score.total, pointsAfter: nil,
                                  tierBefore: b.standing.tier, tierAfter: nil, netBefore: b.pay.net, netAfter: nil))
        }
        self.changes = changes.sorted { $0.cadreID < $1.cadreID }
        self.unchanged = unchanged
        self.rulesChanged = rulesChanged
        self.dataChanged = dataChanged
    }

    /// Which data inputs differ between two stored runs.
    public static func dataDifferences(_ a: RunRecord, _ b: RunRecord) -> [String] {
        let left = Dictionary(a.inputs.filter { $0.role == "data" }.map { ($0.name, $0.sha256) }, uniquingKeysWith: { x, _ in x })
        let right = Dictionary(b.inputs.filter { $0.role == "data" }.map { ($0.name, $0.sha256) }, uniquingKeysWith: { x, _ in x })
        return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
    }

    /// Why two runs' year to date (the cumulative withholding's input besides the files)
    /// differs: each was carried from a different run of an earlier month, or a run is stale.
    public static func yearToDateDifference(_ a: RunRecord, _ b: RunRecord) -> String? {
        var parts: [String] = []
        if let x = a.yearToDateRunID, let y = b.yearToDateRunID, x != y {
            parts.append("#\(a.id) 接续运行 #\(x) 的本年累计，#\(b.id) 接续运行 #\(y) 的本年累计")
        }
        for r in [a, b] {
            if let reason = r.staleReason { parts.append("#\(r.id) 已过期：\(reason)") }
        }
        return parts.isEmpty ? nil : "本年累计（个税累计预扣的依据）不同：" + parts.joined(separator: "；")
    }

    /// The comparison as the lines a clerk reads.
    public func text(before: String, after: String) -> String {
        var out = "比较 \(before) → \(after)：规则\(rulesChanged ? "有变化" : "相同")；数据"
        out += dataChanged.isEmpty ? "相同\n" : "有变化（\(dataChanged.joined(separator: "、"))）\n"
        if let yearToDate { out += yearToDate + "\n" }
        out += "变化 \(changes.count) 人，未变 \(unchanged) 人\n"
        func f(_ x: Fixed?) -> String { x?.shortDescription ?? "—" }
        func m(_ x: Money?) -> String { x?.grouped ?? "—" }
        for c in changes {
            var parts: [String] = []
            if c.pointsBefore != c.pointsAfter { parts.append("积分 \(f(c.pointsBefore)) → \(f(c.pointsAfter))") }
            if c.tierBefore != c.tierAfter { parts.append("等次 \(c.tierBefore ?? "—") → \(c.tierAfter ?? "—")") }
            if c.netBefore != c.netAfter {
                let delta = (c.netAfter ?? .zero) - (c.netBefore ?? .zero)
                parts.append("实发 \(m(c.netBefore)) → \(m(c.netAfter))（\(delta.fen >= 0 ? "+" : "")\(delta.grouped)）")
            }
            out += "  \(c.cadreID) \(c.name)：\(parts.joined(separator: "；"))\n"
        }
        return out
    }
}
