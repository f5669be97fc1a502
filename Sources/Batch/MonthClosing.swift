import Exact
import Store

/// Closing a month ends its 公示: the rule `jifen batch close` and the portal's close share.
/// Refused while an objection to the month is unanswered (after closing it could only be
/// rejected, S0022) and, for a published month, before its objection window ends (the
/// `objectionsUntil` day, China time, still counts) unless the caller closes early on purpose
/// (S0023). Returns the window's last day when closing early, for the `close-early` audit.
public enum MonthClosing {
    public static func check(_ store: RunStore, month: YearMonth, early: Bool, today: CivilDate) throws(StoreError) -> CivilDate? {
        let unanswered: Int
        do { unanswered = try store.objections(state: .open).filter { $0.month == month.description }.count } catch { throw .database("\(error)") }
        if unanswered > 0 { throw .objectionsUnanswered(month, count: unanswered) }
        guard let run = try store.currentRun(month: month), run.state == .published,
              let last = run.objectionsUntil.flatMap({ DateParser.parse(String($0.prefix(10))) }), today <= last
        else { return nil }
        guard early else { throw .objectionWindowOpen(month, until: last.description) }
        return last
    }

    /// Today in China (UTC+8), the day an objection window is counted in.
    public static func chinaToday(epochSeconds: Int64) -> CivilDate {
        let seconds = epochSeconds + 8 * 3600
        return CivilDate(daysSinceEpoch: Int32(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400))
    }
}
