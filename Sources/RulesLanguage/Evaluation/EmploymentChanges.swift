import Exact
import Records

/// Joining and leaving within the month, from the roster's 入职日期 and 离职日期: what
/// `排名不含 本月入职、本月离职` reads. Kept apart so that the conditions 本月入职 and 本月离职
/// of the language (issue 12, item 5) can share it.
enum EmploymentChanges {
    /// 本月入职: the 入职日期 falls within the month.
    static func joined(_ cadre: Cadre, in month: YearMonth) -> Bool {
        cadre.hiredOn >= month.firstDay && cadre.hiredOn <= month.lastDay
    }

    /// 本月离职: the 离职日期 (the last day worked) falls within the month.
    static func left(_ cadre: Cadre, in month: YearMonth) -> Bool {
        guard let l = cadre.leftOn else { return false }
        return l >= month.firstDay && l <= month.lastDay
    }
}
