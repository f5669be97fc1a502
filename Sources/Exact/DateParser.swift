/// Reads dates and times as clerks write them.
///
/// Dates: `2020-12-01`, `2020/12/1`, `2020.12.1`, `2020年12月1日`, `20201201`, or an Excel
/// serial number (`44166`). Times: `8:00`, `08:00`, `08:00:00`, `8时30分`, `8点半` is not
/// accepted (ambiguous). Full-width digits and punctuation are normalised first.
public enum DateParser {
    public static func parse(_ text: String) -> CivilDate? { parse(text, date1904: false) }

    /// `parse`, reading a serial number in the 1904 date system when `date1904` (a text cell
    /// of a workbook that counts its dates from 1904).
    public static func parse(_ text: String, date1904: Bool) -> CivilDate? {
        let s = TextNormalizer.normalize(text).trimmingSpaces
        guard let groups = digitGroups(s, separators: "-/.年月日 ") else { return nil }
        switch groups.count {
        case 3 where groups[0].digits == 4 && groups[1].digits <= 2 && groups[2].digits <= 2:
            // A trailing separator other than 日 (e.g. "2020-12-01-") is refused by digitGroups.
            return CivilDate(year: groups[0].value, month: groups[1].value, day: groups[2].value)
        case 1 where groups[0].digits == 8:
            let v = groups[0].value
            return CivilDate(year: v / 10000, month: v / 100 % 100, day: v % 100)
        case 1 where groups[0].digits == 5:
            // An Excel serial between 1954 and 2119: a date cell saved as a number.
            return CivilDate(excelSerial: groups[0].value, date1904: date1904)
        default:
            return nil
        }
    }

    /// `08:00` → 480 minutes. Accepts `H:MM`, `HH:MM`, `HH:MM:SS` (seconds must be 00) and
    /// `8时30分`; `24:00` is midnight at the end of a day.
    public static func parseTime(_ text: String) -> TimeOfDay? {
        let s = TextNormalizer.normalize(text).trimmingSpaces
        guard let groups = digitGroups(s, separators: ":时点分秒") else { return nil }
        guard (2...3).contains(groups.count), groups[0].digits <= 2, groups[1].digits == 2 else {
            if groups.count == 1, groups[0].digits == 4, !s.contains(":") {
                // 0800: a time typed without its colon.
                return TimeOfDay(hour: groups[0].value / 100, minute: groups[0].value % 100)
            }
            return nil
        }
        if groups.count == 3, groups[2].value != 0 || groups[2].digits != 2 { return nil }
        return TimeOfDay(hour: groups[0].value, minute: groups[1].value)
    }

    /// A time given as an Excel fraction of a day (0.5 = 12:00), rounded to the minute.
    public static func time(excelFraction: Fixed) -> TimeOfDay? {
        guard !excelFraction.isNegative, excelFraction <= Fixed(1) else { return nil }
        guard let minutes = excelFraction.multiplying(Fixed(1440))?.rounded(scale: 0, .halfUp).wholeValue else {
            return nil
        }
        return TimeOfDay(minutes: Int16(minutes))
    }

    public struct DigitGroup: Sendable {
        public var value: Int
        public var digits: Int
    }

    /// Splits a text into runs of ASCII digits separated by exactly one separator character;
    /// nil when any other character occurs, a group is too long, or separators double up.
    /// A single trailing separator is allowed only for a closing `日`, `月`, `分` or `秒`.
    public static func digitGroups(_ s: String, separators: String = "-/.年月日 ") -> [DigitGroup]? {
        let seps = Set(separators.unicodeScalars)
        var groups: [DigitGroup] = []
        var value = 0, digits = 0
        var lastSeparator: Unicode.Scalar? = nil
        for u in s.unicodeScalars {
            if u.value >= 48 && u.value <= 57 {
                value = value * 10 + Int(u.value - 48)
                digits += 1
                if digits > 9 { return nil }
                lastSeparator = nil
            } else if seps.contains(u) {
                if digits == 0 { return nil }
                groups.append(DigitGroup(value: value, digits: digits))
                value = 0
                digits = 0
                lastSeparator = u
            } else {
                return nil
            }
        }
        if digits > 0 {
            groups.append(DigitGroup(value: value, digits: digits))
        } else if let last = lastSeparator, !"日月分秒".unicodeScalars.contains(last) {
            return nil
        }
        return groups.isEmpty ? nil : groups
    }
}
