import Exact

/// Which days are statutory holidays, make-up workdays and holiday eves.
///
/// 2020 is spelt out (国庆 and 中秋 joined: Oct 1–8 off, Sep 27 and Oct 10 worked); other
/// years fall back to Oct 1–7. 元旦 eve (Dec 31) is a workday with extra evening duty.
enum HolidayCalendar {
    enum Kind: Equatable {
        case workday, weekend, nationalHoliday
    }

    static func kind(of day: CivilDate) -> Kind {
        let (y, m, d) = day.components
        if m == 10 {
            if y == 2020 {
                if d <= 8 { return .nationalHoliday }
                if d == 10 { return .workday }
            } else if d <= 7 {
                return .nationalHoliday
            }
        }
        if y == 2020, m == 9, d == 27 { return .workday }
        return day.weekday >= 6 ? .weekend : .workday
    }

    static func isNewYearEve(_ day: CivilDate) -> Bool { day.month == 12 && day.day == 31 }

    /// Schools are open (so the 四点半课堂 meets) on workdays.
    static func isSchoolDay(_ day: CivilDate) -> Bool { kind(of: day) == .workday }
}
