/// A calendar date without time zone, stored as days since 1970-01-01.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable, Strideable {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// A valid Gregorian date, or nil (`2020-02-30`, month 13, …).
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1, year <= 9999, month >= 1, month <= 12, day >= 1,
            day <= CivilDate.daysIn(year: year, month: month)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.daysSinceEpoch = Int32(era * 146097 + doe - 719468)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var weekday: Int {
        let w = (Int(daysSinceEpoch) + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public var yearMonth: YearMonth { let c = components; return YearMonth(year: c.year, month: c.month)! }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// The date of an Excel serial number in the 1900 date system (serial 1 = 1900-01-01;
    /// Excel's fictitious 1900-02-29, serial 60, is refused).
    public init?(excelSerial serial: Int) {
        guard serial >= 1, serial != 60, serial < 2_958_466 else { return nil }
        // 1899-12-31 is serial 0; past the phantom leap day Excel counts one extra day.
        let base = CivilDate(year: 1899, month: 12, day: 31)!.daysSinceEpoch
        self.daysSinceEpoch = base + Int32(serial > 60 ? serial - 1 : serial)
    }

    /// The date of a serial in either of Excel's date systems: the 1900 system, or the 1904
    /// system of a workbook saved with `<workbookPr date1904="1"/>` (Mac Excel, some WPS
    /// files), where serial 0 is 1904-01-01, 1,462 days after the 1900 system's.
    public init?(excelSerial serial: Int, date1904: Bool) {
        guard date1904 else {
            self.init(excelSerial: serial)
            return
        }
        guard serial >= 0, serial < 2_958_466 - Self.date1904Offset else { return nil }
        self.init(excelSerial: serial + Self.date1904Offset)
    }

    /// Days from the 1900 system's serials to the 1904 system's.
    public static let date1904Offset = 1462

    public var excelSerial: Int {
        let base = CivilDate(year: 1899, month: 12, day: 31)!.daysSinceEpoch
        let n = Int(daysSinceEpoch - base)
        return n >= 60 ? n + 1 : n
    }

    public var description: String {
        let c = components
        return "\(CivilDate.pad(c.year, 4))-\(CivilDate.pad(c.month, 2))-\(CivilDate.pad(c.day, 2))"
    }

    /// `2020年12月1日`.
    public var chineseDescription: String {
        let c = components
        return "\(c.year)年\(c.month)月\(c.day)日"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
    public func distance(to other: CivilDate) -> Int { Int(other.daysSinceEpoch - daysSinceEpoch) }
    public func advanced(by n: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + Int32(n)) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = DateParser.parse(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a date: \(s)")
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A calendar month, `2020-12`.
public struct YearMonth: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard year >= 1, year <= 9999, month >= 1, month <= 12 else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `2020-12`, `2020/12`, `202012`, `2020年12月` (full-width digits too).
    public init?(_ text: String) {
        let groups = DateParser.digitGroups(TextNormalizer.normalize(text))
        guard let groups else { return nil }
        if groups.count == 1, groups[0].digits == 6 {
            self.init(year: groups[0].value / 100, month: groups[0].value % 100)
        } else if groups.count == 2, groups[0].digits == 4, groups[1].digits <= 2 {
            self.init(year: groups[0].value, month: groups[1].value)
        } else {
            return nil
        }
    }

    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysIn(year: year, month: month))! }
    public var dayCount: Int { CivilDate.daysIn(year: year, month: month) }
    public func contains(_ d: CivilDate) -> Bool { d >= firstDay && d <= lastDay }

    public var next: YearMonth { month == 12 ? YearMonth(year: year + 1, month: 1)! : YearMonth(year: year, month: month + 1)! }
    public var previous: YearMonth { month == 1 ? YearMonth(year: year - 1, month: 12)! : YearMonth(year: year, month: month - 1)! }

    public var description: String { "\(CivilDate.pad(year, 4))-\(CivilDate.pad(month, 2))" }
    public var chineseDescription: String { "\(year)年\(month)月" }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = YearMonth(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a month: \(s)")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A time of day in whole minutes, 00:00 to 24:00 (24:00 ends a shift at midnight).
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var minutes: Int16

    public init?(hour: Int, minute: Int) {
        guard hour >= 0, minute >= 0, minute < 60, hour < 24 || (hour == 24 && minute == 0) else { return nil }
        self.minutes = Int16(hour * 60 + minute)
    }

    public init(minutes: Int16) { self.minutes = minutes }

    public var description: String {
        "\(CivilDate.pad(Int(minutes) / 60, 2)):\(CivilDate.pad(Int(minutes) % 60, 2))"
    }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }
}

extension CivilDate {
    /// The date `n` working days (Monday to Friday) after this one: when a 公示 or an
    /// objection window of `n` working days ends. Public holidays are not known here; a
    /// county that needs them states the period in calendar days instead.
    public func addingWorkingDays(_ n: Int) -> CivilDate {
        var d = self
        var left = n
        while left > 0 {
            d = d.advanced(by: 1)
            if d.weekday <= 5 { left -= 1 }
        }
        return d
    }
}
