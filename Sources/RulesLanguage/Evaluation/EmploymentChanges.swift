import Exact
import Records

/// What the roster's 入职日期 and 离职日期 (the last day in post, both days counted as in
/// post) say about a month: the one place the language's 在岗天数, 本月天数, 本月入职 and
/// 本月离职, the explanations of them, and `排名不含 本月入职、本月离职` read them from.
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

    /// The first and last day of the month the cadre was in post; nil when none.
    static func daysInPostRange(_ cadre: Cadre, in month: YearMonth) -> (from: CivilDate, to: CivilDate)? {
        let from = max(cadre.hiredOn, month.firstDay), to = min(cadre.leftOn ?? month.lastDay, month.lastDay)
        return from <= to ? (from, to) : nil
    }

    /// 在岗天数: the calendar days of the month the cadre was in post (0 to 31).
    static func daysInPost(_ cadre: Cadre, in month: YearMonth) -> Int {
        guard let (from, to) = daysInPostRange(cadre, in: month) else { return 0 }
        return Int(to.daysSinceEpoch) - Int(from.daysSinceEpoch) + 1
    }

    /// 本月天数: the calendar days of the month (28 to 31).
    static func daysInMonth(_ month: YearMonth) -> Int {
        Int(month.lastDay.daysSinceEpoch) - Int(month.firstDay.daysSinceEpoch) + 1
    }
}
