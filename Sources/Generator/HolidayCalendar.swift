import Exact

/// Which days are statutory holidays, make-up workdays and holiday eves.
///
/// 2020 is spelt out (国庆 and 中秋 joined: Oct 1–8 off, Sep 27 and Oct 10 worked), and so is
/// 2021 as the State Council set it (国办发明电〔2020〕27号): 元旦 Jan 1–3, 春节 Feb 11–17 (Feb 7
/// and 20 worked), 清明 Apr 3–5, 劳动节 May 1–5 (Apr 25 and May 8 worked), 端午 Jun 12–14,
/// 中秋 Sep 19–21 (Sep 18 worked), 国庆 Oct 1–7 (Sep 26 and Oct 9 worked). Other years fall
/// back to Oct 1–7. 元旦 eve (Dec 31) is a workday with extra evening duty.
enum HolidayCalendar {
    enum Kind: Equatable {
        case workday, weekend, nationalHoliday
    }

    /// 2021's holidays: (month, first day, last day, name).
    static let holidays2021: [(Int, Int, Int, String)] = [
        (1, 1, 3, "元旦"), (2, 11, 17, "春节"), (4, 3, 5, "清明"), (5, 1, 5, "劳动节"),
        (6, 12, 14, "端午"), (9, 19, 21, "中秋"), (10, 1, 7, "国庆"),
    ]
    /// 2021's make-up workdays (weekend days worked): (month, day).
    static let makeUpDays2021: [(Int, Int)] = [(2, 7), (2, 20), (4, 25), (5, 8), (9, 18), (9, 26), (10, 9)]

    static func kind(of day: CivilDate) -> Kind {
        let (y, m, d) = day.components
        if y == 2021 {
            if holidayName(of: day) != nil { return .nationalHoliday }
            if makeUpDays2021.contains(where: { $0 == (m, d) }) { return .workday }
            return day.weekday >= 6 ? .weekend : .workday
        }
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

    /// The holiday a day belongs to (`春节`), for the duty notes; 国庆 in other years' October.
    static func holidayName(of day: CivilDate) -> String? {
        let (y, m, d) = day.components
        if y == 2021 {
            return holidays2021.first { $0.0 == m && (($0.1)...($0.2)).contains(d) }?.3
        }
        return m == 10 ? "国庆" : nil
    }

    static func isNewYearEve(_ day: CivilDate) -> Bool { day.month == 12 && day.day == 31 }

    /// Schools are open (so the 四点半课堂 meets) on workdays.
    static func isSchoolDay(_ day: CivilDate) -> Bool { kind(of: day) == .workday }
}
