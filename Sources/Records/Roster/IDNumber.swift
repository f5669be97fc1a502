import Exact

/// Checks of the 18-character resident identity number (GB 11643-1999).
public enum IDNumber {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits.
    public static func checkCharacter(_ first17: some Collection<UInt8>) -> Character? {
        guard first17.count == 17 else { return nil }
        var sum = 0
        for (b, w) in zip(first17, weights) {
            guard b >= 48, b <= 57 else { return nil }
            sum += Int(b - 48) * w
        }
        return checkCharacters[sum % 11]
    }

    /// Nil when valid: length 18, 17 digits then a digit or X, a real birth date between
    /// 1900 and today's plausible range, and the right check character.
    public static func problem(_ bytes: some Collection<UInt8>) -> IDNumberProblem? {
        let b = Array(bytes)
        guard b.count == 18 else {
            // Characters, not bytes: 18 characters of which some are not ASCII (a Chinese
            // character, a full-width letter) are the wrong characters, not the wrong length.
            let n = String(decoding: b, as: UTF8.self).unicodeScalars.count
            return n == 18 ? .characters : .length(n)
        }
        let body = b[0..<17]
        guard body.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            (b[17] >= 48 && b[17] <= 57) || b[17] == UInt8(ascii: "X")
        else { return .characters }
        let year = Int(String(decoding: b[6..<10], as: UTF8.self))!
        let month = Int(String(decoding: b[10..<12], as: UTF8.self))!
        let day = Int(String(decoding: b[12..<14], as: UTF8.self))!
        guard year >= 1900, year <= 2100, CivilDate(year: year, month: month, day: day) != nil else {
            return .birthDate
        }
        let expected = checkCharacter(body)!
        guard Character(Unicode.Scalar(b[17])) == expected else { return .checkDigit(expected: expected) }
        return nil
    }

    /// The birth date encoded in a valid ID number.
    public static func birthDate(_ id: String) -> CivilDate? {
        let b = Array(id.utf8)
        guard b.count == 18, let y = Int(String(decoding: b[6..<10], as: UTF8.self)),
            let m = Int(String(decoding: b[10..<12], as: UTF8.self)),
            let d = Int(String(decoding: b[12..<14], as: UTF8.self))
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}
