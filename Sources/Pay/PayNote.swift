import Exact

/// A remark on a step that an auditor needs, held as facts and worded by `text(_:)`: a
/// clamp that applied, a refund not paid, how a remainder was shared.
///
/// Notes are data so that `--format json` carries the facts and the batch does not spend
/// time formatting sentences no one reads.
public enum PayNote: Sendable, Hashable, Codable {
    /// The amount fell in this row of the table (0-based `row`).
    case bracket(table: PayText, row: Int, lowerBound: Money?, upperBound: Money?)
    /// The taxable amount was not above 0, so the tax is 0.
    case nothingTaxable
    /// The cumulative basic deduction was given for the whole year, not month by month.
    case wholeYearBasicDeduction
    /// A difference came out negative and was taken as 0.
    case flooredAtZero(difference: Money)
    /// This month's tax came out negative: nothing is withheld and the excess is not
    /// refunded now (it is settled at the annual return).
    case notRefunded(difference: Money)
    /// The wage was below the contribution base floor; the floor was used.
    case raisedToFloor(wage: Money, floor: Money)
    /// The wage was above the contribution base ceiling; the ceiling was used.
    case loweredToCeiling(wage: Money, ceiling: Money)
    /// The item is not deducted for this person, for this reason.
    case switchedOff(reason: PayText)
    /// A weight of 0 takes no share of a pool.
    case zeroWeight
    /// The proportional share (`exact`, cut at 6 places when `isExact` is false), its value
    /// rounded down to the 分, its remainder's rank and whether it received one more 分.
    case proportionalShare(exact: Fixed, isExact: Bool, roundedDown: Money, rank: Int, receivedFen: Bool)
    /// How the 分 left after rounding down were shared out.
    case remainderRule(leftoverFen: Int)
    /// Every weight was 0: the whole pool is left unallocated.
    case nothingAllocated(pool: Money)
    /// Free text supplied by the caller (a citation, a clerk's remark).
    case remark(text: PayText)

    /// The note in words.
    public func text(_ language: TraceLanguage) -> String {
        let zh = language == .zh
        switch self {
        case .bracket(let table, let row, let lower, let upper):
            let range = Self.rangeText(row: row, lower: lower, upper: upper)
            return zh ? "适用\(table.zh)\(range.zh)" : "\(table.en): \(range.en)"
        case .nothingTaxable:
            return zh ? "应纳税所得额不大于 0，税额为 0" : "the taxable amount is not above 0, so the tax is 0"
        case .wholeYearBasicDeduction:
            return zh ? "按全年减除费用计，不按月份数累计" : "the whole year's deduction, not accumulated month by month"
        case .flooredAtZero(let d):
            return zh ? "计算结果为 \(d.grouped)，按 0 计" : "the difference is \(d.grouped), taken as 0"
        case .notRefunded(let d):
            let excess = (-d).grouped
            return zh
                ? "计算结果为 \(d.grouped)，本月不预扣；多预扣的 \(excess) 元本月不退，由年度汇算办理"
                : "the difference is \(d.grouped), so nothing is withheld this month; the \(excess) overpaid is not refunded now but settled at the annual return"
        case .raisedToFloor(let wage, let floor):
            return zh
                ? "缴费工资 \(wage.grouped) 低于缴费基数下限 \(floor.grouped)，按下限计"
                : "the wage \(wage.grouped) is below the base floor \(floor.grouped); the floor is used"
        case .loweredToCeiling(let wage, let ceiling):
            return zh
                ? "缴费工资 \(wage.grouped) 高于缴费基数上限 \(ceiling.grouped)，按上限计"
                : "the wage \(wage.grouped) is above the base ceiling \(ceiling.grouped); the ceiling is used"
        case .switchedOff(let reason):
            return zh ? "不扣缴：\(reason.zh)" : "not deducted: \(reason.en)"
        case .zeroWeight:
            return zh ? "积分为 0，不参与分配" : "weight 0 takes no share"
        case .proportionalShare(let exact, let isExact, let down, let rank, let received):
            let n = exact.normalized
            let shown = (n.scale < 2 ? exact.rounded(scale: 2, .down) : n).description + (isExact ? "" : "…")
            if zh {
                return "按比例为 \(shown) 元，取整到分为 \(down.grouped)；余数排第 \(rank)，\(received ? "补 0.01" : "不补")"
            }
            return "proportionally \(shown), \(down.grouped) to the fen; remainder ranks \(rank), \(received ? "gets 0.01" : "gets nothing more")"
        case .remainderRule(let leftover):
            return zh
                ? "剩余 \(leftover) 分按余数从大到小各补 1 分；余数相同时按编号升序"
                : "the \(leftover) fen left go one each to the largest remainders; equal remainders by key, ascending"
        case .nothingAllocated(let pool):
            return zh
                ? "积分合计为 0，奖金池 \(pool.grouped) 全部未分配"
                : "the total weight is 0; the whole pool of \(pool.grouped) is left unallocated"
        case .remark(let t):
            return t.text(language)
        }
    }

    /// 第2级（超过 36,000.00 至 144,000.00）: rows are numbered from 1 for people.
    static func rangeText(row: Int, lower: Money?, upper: Money?) -> PayText {
        let n = row + 1
        switch (lower, upper) {
        case (let l?, let u?):
            return PayText(zh: "第\(n)级（超过 \(l.grouped) 至 \(u.grouped)）", en: "bracket \(n) (over \(l.grouped) up to \(u.grouped))")
        case (let l?, nil):
            return PayText(zh: "第\(n)级（超过 \(l.grouped)）", en: "bracket \(n) (over \(l.grouped))")
        case (nil, let u?):
            return PayText(zh: "第\(n)级（至 \(u.grouped)）", en: "bracket \(n) (up to \(u.grouped))")
        case (nil, nil):
            return PayText(zh: "第\(n)级", en: "bracket \(n)")
        }
    }
}
