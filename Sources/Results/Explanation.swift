import Exact
import Pay

/// A cadre's result told in words: every point with the records behind it and what caps
/// clipped, the tier and why, and every yuan with its formula, inputs and rounding.
public struct Explanation {
    public var language: TraceLanguage
    /// Whether to list every record behind each item (a pay slip summary leaves them out).
    public var showRecords: Bool

    public init(language: TraceLanguage = .zh, showRecords: Bool = true) {
        self.language = language
        self.showRecords = showRecords
    }

    public func render(_ r: CadreResult, month: YearMonth) -> String {
        let zh = language == .zh
        var out = zh
            ? "\(r.community) · \(r.name)（\(r.cadreID)，\(r.post)，\(r.level) 级） \(month.chineseDescription)\n"
            : "\(r.community) · \(r.name) (\(r.cadreID), \(r.post), level \(r.level)) \(month)\n"
        // The score and how it adds up.
        let sum = { (k: ScoreLine.Kind) in r.score.lines.filter { $0.kind == k }.map(\.points).reduce(Fixed.zero, +) }
        let bounded = r.score.lines.contains { $0.kind == .bound }
        out += zh
            ? "\n总分 \(pts(r.score.total)) = 基础分 \(pts(sum(.base))) + 加分 \(pts(sum(.item))) − 扣分 \(pts(sum(.deduction).negated())) + 调整 \(pts(sum(.adjustment)))"
                + (bounded ? "，按总分范围 \(signed(sum(.bound)))" : "") + "\n"
            : "\nTotal \(pts(r.score.total)) = base \(pts(sum(.base))) + items \(pts(sum(.item))) − deductions \(pts(sum(.deduction).negated())) + adjustments \(pts(sum(.adjustment)))"
                + (bounded ? ", score range \(signed(sum(.bound)))" : "") + "\n"
        for line in r.score.lines {
            out += "  \(line.name)  \(signed(line.points))"
            if line.clipped != .zero && line.kind != .bound { out += zh ? "（原始 \(signed(line.raw))）" : " (raw \(signed(line.raw)))" }
            if let c = line.citation { out += zh ? "  依据 \(c)" : "  per \(c)" }
            out += "\n"
            for clip in line.clips { out += "    " + clipText(clip, line.kind) + "\n" }
            if let reason = line.reason, !reason.isEmpty, line.kind == .adjustment {
                out += (zh ? "    原因：" : "    reason: ") + reason
                if let by = line.approvedBy { out += zh ? "（批准人：\(by)）" : " (approved by \(by))" }
                out += "\n"
            }
            if let counting = line.counting { out += (zh ? "    计：" : "    counted: ") + counting + "\n" }
            if showRecords {
                // Records of an item counted as a whole (计 天数（日期） × 0.5 分) earn nothing
                // one by one: each shows whether its day was counted.
                let byDay = line.counting?.contains("天数") == true
                var days: Set<CivilDate> = []
                for rec in line.records {
                    let date = rec.date.map { "\($0)  " } ?? ""
                    let mark: String
                    if line.counting == nil {
                        mark = signed(line.kind == .deduction ? rec.points.negated() : rec.points)
                    } else if byDay, let d = rec.date {
                        mark = days.insert(d).inserted ? (zh ? "计 1 天" : "1 day") : (zh ? "同一天，不重复计" : "same day, not counted again")
                    } else {
                        mark = zh ? "计入" : "counted"
                    }
                    out += "    \(rec.file):\(rec.line)  \(date)\(rec.summary)  \(mark)\n"
                }
            } else if !line.records.isEmpty {
                out += zh ? "    （\(line.records.count) 条记录）\n" : "    (\(line.records.count) records)\n"
            }
        }
        // The tier.
        let s = r.standing
        out += "\n" + (zh ? "等次：" : "Tier: ") + s.tier + (zh ? "" : " ") + Self.standingText(s, zh: zh) + "\n"
        for reason in s.reasons { out += "  · " + reasonText(reason) + "\n" }
        // Pay.
        out += zh ? "\n报酬\n" : "\nPay\n"
        for line in r.pay.lines {
            let kind: String
            switch line.kind {
            case .earning: kind = zh ? "应发" : "earning"
            case .deduction: kind = zh ? "扣款" : "deduction"
            case .info: kind = zh ? "计算" : "value"
            }
            out += "  [\(kind)] \(line.name)  \(line.amount.grouped) \(zh ? "元" : "yuan")"
            if let c = line.citation { out += zh ? "  依据 \(c)" : "  per \(c)" }
            out += "\n"
            for l in line.trace.rendered(language).split(separator: "\n") { out += "      " + l + "\n" }
        }
        out += zh
            ? "\n应发合计 \(r.pay.gross.grouped) 元 − 扣款合计 \(r.pay.deductions.grouped) 元 = 实发金额 \(r.pay.net.grouped) 元\n"
            : "\nGross \(r.pay.gross.grouped) − deductions \(r.pay.deductions.grouped) = net \(r.pay.net.grouped) yuan\n"
        return out
    }

    func pts(_ f: Fixed) -> String { language == .zh ? "\(f.shortDescription) 分" : "\(f.shortDescription) pts" }

    func signed(_ f: Fixed) -> String { (f.isNegative ? "−" + f.negated().shortDescription : "+" + f.shortDescription) + (language == .zh ? " 分" : " pts") }

    public func clipText(_ c: Clip, _ kind: ScoreLine.Kind) -> String {
        let zh = language == .zh
        switch c.scope {
        case .day(let d): return zh ? "每日上限 \(pts(c.limit))：\(d) 扣减 \(pts(c.removed))" : "daily cap \(pts(c.limit)): \(d) clipped \(pts(c.removed))"
        case .month: return zh ? "每月上限 \(pts(c.limit))：扣减 \(pts(c.removed))" : "monthly cap \(pts(c.limit)): clipped \(pts(c.removed))"
        case .group(let g):
            return zh ? "合计上限“\(g)” \(pts(c.limit))：按规定的顺序，前面的项目已用去额度，本项扣减 \(pts(c.removed))"
                : "group cap '\(g)' \(pts(c.limit)): the items before it used the allowance; clipped \(pts(c.removed))"
        case .ceiling:
            return zh ? "总分最高 \(pts(c.limit))：减去 \(pts(c.removed))" : "score at most \(pts(c.limit)): lowered by \(pts(c.removed))"
        case .floor where kind == .bound:
            return zh ? "总分最低 \(pts(c.limit))：补足 \(pts(c.removed))" : "score at least \(pts(c.limit)): raised by \(pts(c.removed))"
        case .floor:
            return kind == .deduction
                ? (zh ? "扣完为止（不低于 \(pts(c.limit))）：少扣 \(pts(c.removed))" : "floor \(pts(c.limit)): \(pts(c.removed)) not deducted")
                : (zh ? "下限 \(pts(c.limit))：补足 \(pts(c.removed))" : "floor \(pts(c.limit)): raised by \(pts(c.removed))")
        }
    }

    /// `（富民第 2 名，共 5 人）`, or for a cadre the rules leave out of the ranking
    /// `（富民，不参加排名，共 5 人参加）`.
    public static func standingText(_ s: Standing, zh: Bool) -> String {
        if s.rank == 0 {
            return zh ? "（\(s.group)，不参加排名，共 \(s.groupSize) 人参加）" : "(\(s.group): not ranked; \(s.groupSize) ranked)"
        }
        return zh ? "（\(s.group)第 \(s.rank) 名，共 \(s.groupSize) 人）" : "(rank \(s.rank) of \(s.groupSize) in \(s.group))"
    }

    public func reasonText(_ r: TierReason) -> String {
        let zh = language == .zh
        switch r {
        case .threshold(let tier, let condition): return zh ? "满足“\(condition)” → \(tier)" : "meets \(condition) → \(tier)"
        case .otherwise(let tier, let missed, let condition):
            return zh ? "未达到\(missed)的条件“\(condition)” → \(tier)" : "does not meet \(missed)'s condition \(condition) → \(tier)"
        case .withinQuota(let tier, let share, let places, let rank):
            return zh ? "\(tier)名额 \(PayQuantity.percent(share))，本组 \(places) 个，排第 \(rank) 名，在名额内" : "\(tier) quota \(PayQuantity.percent(share)): \(places) place(s); rank \(rank) is within it"
        case .quotaFull(let tier, let share, let places, let rank, let to):
            return zh ? "\(tier)名额 \(PayQuantity.percent(share))（\(places) 个）已满，排第 \(rank) 名，顺延为\(to)" : "\(tier) quota \(PayQuantity.percent(share)) (\(places)) is full at rank \(rank); moved to \(to)"
        case .veto(let name, let citation, let tier, _):
            return zh ? "一票否决“\(name)”\(citation.map { "（依据 \($0)）" } ?? "") → \(tier)" : "veto '\(name)'\(citation.map { " (per \($0))" } ?? "") → \(tier)"
        case .tieBreak(let rule, let with):
            return zh ? "与 \(with.joined(separator: "、")) 同分，按“\(rule)”排序" : "tied with \(with.joined(separator: ", ")); ordered by \(rule)"
        case .tieBreakAmong(let rule, let nearest, let tied):
            return zh ? "与 \(nearest.joined(separator: "、")) 等 \(tied) 人同分，按“\(rule)”排序"
                : "tied with \(tied) others (nearest in order: \(nearest.joined(separator: ", "))); ordered by \(rule)"
        case .notRanked(let why, let tier):
            return zh ? "\(why)，按规定不参加排名和名额 → \(tier)" : "\(why): not ranked and outside the quotas as the rules state → \(tier)"
        case .tooFewMonths(let months, let minimum, let tier):
            return zh ? "全年在岗 \(months) 个月，不足 \(minimum) 个月 → \(tier)" : "in post \(months) month(s) of the year, fewer than \(minimum) → \(tier)"
        case .monthVeto(let name, let citation, let months, let tier):
            let list = months.map(\.description).joined(separator: zh ? "、" : ", ")
            return zh ? "年度否决“\(name)”\(citation.map { "（依据 \($0)）" } ?? "")：\(list) → \(tier)" : "annual veto '\(name)'\(citation.map { " (per \($0))" } ?? ""): \(list) → \(tier)"
        }
    }
}
