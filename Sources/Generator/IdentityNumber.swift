import Exact

/// Resident identity numbers (GB 11643-1999): area, birth date, sequence, check digit.
public enum IdentityNumber {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits, or nil if they are not 17 ASCII digits.
    public static func checkCharacter(for first17: String) -> Character? {
        let digits = first17.utf8.map { Int($0) - 48 }
        guard digits.count == 17, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        var sum = 0
        for (d, w) in zip(digits, weights) { sum += d * w }
        return checkCharacters[sum % 11]
    }

    /// True when `number` has 18 characters, a real birth date and the right check character.
    public static func isValid(_ number: String) -> Bool {
        let chars = Array(number)
        guard chars.count == 18 else { return false }
        let first17 = String(chars[0..<17])
        guard let check = checkCharacter(for: first17), check == chars[17] else { return false }
        let ymd = Array(first17.utf8)[6..<14].map { Int($0) - 48 }
        let year = ymd[0] * 1000 + ymd[1] * 100 + ymd[2] * 10 + ymd[3]
        return CivilDate(year: year, month: ymd[4] * 10 + ymd[5], day: ymd[6] * 10 + ymd[7]) != nil
    }

    /// Builds a number from its parts; `sequence` is 0...999 and its parity gives the sex
    /// (odd for men), as the standard prescribes.
    public static func make(area: Int, birth: CivilDate, sequence: Int) -> String {
        let (y, m, d) = birth.components
        var s = String(area)
        s += String(y)
        s += m < 10 ? "0\(m)" : "\(m)"
        s += d < 10 ? "0\(d)" : "\(d)"
        s += sequence < 10 ? "00\(sequence)" : (sequence < 100 ? "0\(sequence)" : "\(sequence)")
        return s + String(checkCharacter(for: s)!)
    }
}
