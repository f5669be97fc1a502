import Exact
import Results

/// Words for score lines, clips and tier reasons in the reports (Chinese, as the sheets are).
enum ScoreText {
    static func kind(_ k: ScoreLine.Kind) -> String {
        switch k {
        case .base: "基础分"
        case .item: "加分项"
        case .deduction: "扣分项"
        case .adjustment: "调整"
        case .bound: "总分范围"
        }
    }

    /// 每日上限 5（3天）；每月上限 30
    static func clips(_ clips: [Clip]) -> String {
        var dayLimits: [(limit: Fixed, days: Int)] = []
        var parts: [String] = []
        for clip in clips {
            switch clip.scope {
            case .day:
                if let i = dayLimits.firstIndex(where: { $0.limit == clip.limit }) { dayLimits[i].days += 1 } else { dayLimits.append((clip.limit, 1)) }
            case .month: parts.append("每月上限 \(clip.limit.shortDescription)")
            case .floor: parts.append("扣完为止（下限 \(clip.limit.shortDescription)）")
            case .ceiling: parts.append("总分最高 \(clip.limit.shortDescription)")
            case .group(let g): parts.append("合计上限“\(g)” \(clip.limit.shortDescription)")
            }
        }
        return (dayLimits.map { "每日上限 \($0.limit.shortDescription)（\($0.days)天）" } + parts).joined(separator: "；")
    }

    /// Points the clips removed, or nil when nothing was clipped.
    static func removed(_ clips: [Clip]) -> Fixed? {
        clips.isEmpty ? nil : clips.map(\.removed).reduce(Fixed.zero, +)
    }

    static func percent(_ share: Fixed) -> String { (share * Fixed(100)).shortDescription + "%" }

    static func reason(_ r: TierReason) -> String {
        switch r {
        case .threshold(let tier, let condition):
            "达到\(tier)条件（\(condition)）"
        case .otherwise(let tier, let missed, let condition):
            "未达到\(missed)条件（\(condition)），评为\(tier)"
        case .withinQuota(let tier, let share, let places, let rank):
            "\(tier)比例 \(percent(share))，名额 \(places) 名，排名第 \(rank)，在名额内"
        case .quotaFull(let tier, let share, let places, let rank, let to):
            "\(tier)比例 \(percent(share))，名额 \(places) 名已满（排名第 \(rank)），评为\(to)"
        case .veto(let name, let citation, let tier, let record):
            "一票否决：\(name)\(citation.map { "（\($0)）" } ?? "")\(record.map { "，见 \($0.file) 第 \($0.line) 行" } ?? "")，评为\(tier)"
        case .tieBreak(let rule, let with):
            "与\(with.joined(separator: "、"))同分，按\(rule)排序"
        case .tieBreakAmong(let rule, let nearest, let tied):
            "与\(nearest.joined(separator: "、"))等\(tied)人同分，按\(rule)排序"
        case .notRanked(let why, let tier):
            "\(why)，不参加排名和名额，评为\(tier)"
        case .tooFewMonths(let months, let minimum, let tier):
            "全年在岗 \(months) 个月，不足 \(minimum) 个月，\(tier)"
        case .monthVeto(let name, let citation, let months, let tier):
            "年度否决：\(name)\(citation.map { "（\($0)）" } ?? "")，\(months.map(\.description).joined(separator: "、"))，评为\(tier)"
        }
    }

    static func reasons(_ rs: [TierReason]) -> String { rs.map(reason).joined(separator: "；") }
}

/// Sheet names Excel accepts: at most 31 characters, none of `[]:*?/\`, unique ignoring case.
enum SheetNames {
    static func unique(_ wanted: [String]) -> [String] {
        var used: Set<String> = []
        return wanted.map { w in
            var base = String(w.map { "[]:*?/\\".contains($0) ? "_" : $0 })
            if base.hasPrefix("'") || base.hasSuffix("'") { base = base.trimmingCharacters(in: ["'"]) }
            if base.isEmpty { base = "Sheet" }
            base = String(base.prefix(31))
            var name = base, n = 2
            while used.contains(name.lowercased()) {
                let suffix = "(\(n))"
                name = String(base.prefix(31 - suffix.count)) + suffix
                n += 1
            }
            used.insert(name.lowercased())
            return name
        }
    }
}
