/// Masks for personal data that may appear in diagnostics, logs and public notices.
///
/// Error messages never show a whole ID number, bank account or phone number: enough to
/// find the row, not enough to identify or defraud the person.
public enum PersonalData {
    /// `522632********1234`: first 6 and last 4 of an ID number (GB 11643).
    public static func maskIDNumber(_ s: String) -> String {
        mask(s, keepFirst: 6, keepLast: 4)
    }

    /// `************1234`: only the last 4 digits of a bank account.
    public static func maskBankAccount(_ s: String) -> String {
        mask(s, keepFirst: 0, keepLast: 4)
    }

    /// `138****1234`: first 3 and last 4 of a phone number.
    public static func maskPhone(_ s: String) -> String {
        mask(s, keepFirst: 3, keepLast: 4)
    }

    /// Keeps the first and last characters and stars the rest; a value too short to keep
    /// anything is starred whole.
    public static func mask(_ s: String, keepFirst: Int, keepLast: Int) -> String {
        let chars = Array(s)
        guard chars.count > keepFirst + keepLast + 1 else {
            return String(repeating: "*", count: chars.count)
        }
        let head = String(chars[..<keepFirst])
        let tail = String(chars[(chars.count - keepLast)...])
        return head + String(repeating: "*", count: chars.count - keepFirst - keepLast) + tail
    }

    /// `text` with every run of digits that looks like personal data masked, whatever column
    /// it came from: a roster row missing a cell shifts a bank account into 离职日期, a clerk
    /// types an ID number into 工号. A run of 18 characters (17 digits and a digit or X) or
    /// of 15 digits is masked as an ID number, 11 digits starting 13–19 as a phone number,
    /// 16 to 19 digits as a bank account; digits may be grouped by single spaces or dashes
    /// after groups of three or more (`6217 0000 1234 5678 901`, `138-0000-1111`). Shorter
    /// runs (dates, times, amounts, record numbers) are left as they are.
    ///
    /// ```swift
    /// PersonalData.maskByContent("6217993614931923172")   // "***************3172"
    /// PersonalData.maskByContent("2020-12-01")            // unchanged
    /// ```
    public static func maskByContent(_ text: String) -> String {
        let chars = Array(text)
        func isDigit(_ c: Character) -> Bool { c.isASCII && c >= "0" && c <= "9" }
        func isLatin(_ c: Character) -> Bool { c.isASCII && c.isLetter }
        guard chars.contains(where: isDigit) else { return text }
        var out: [Character] = []
        out.reserveCapacity(chars.count)
        var i = 0
        while i < chars.count {
            // Only a run that starts a word: the digits of `FM2020…` are not an ID number
            // (a Chinese character before it is no letter of it: `身份证号522632…`).
            // Nor the places of a number (`0.9166666666666666`).
            guard isDigit(chars[i]), i == 0 || !(isLatin(chars[i - 1]) || isDigit(chars[i - 1]) || chars[i - 1] == "." || chars[i - 1] == ",") else {
                out.append(chars[i])
                i += 1
                continue
            }
            var j = i, digits: [Int] = [], group = 0
            while j < chars.count {
                if isDigit(chars[j]) {
                    digits.append(j)
                    group += 1
                    j += 1
                } else if (chars[j] == " " || chars[j] == "-"), group >= 3, j + 1 < chars.count, isDigit(chars[j + 1]) {
                    group = 0
                    j += 1
                } else {
                    break
                }
            }
            // A final X of an ID number.
            if digits.count == 17, j < chars.count, chars[j] == "X" || chars[j] == "x" {
                digits.append(j)
                j += 1
            }
            // The run must end a word too.
            // ... and not be a number's whole part (`12345678901234567.5`).
            let decimal = j + 1 < chars.count && (chars[j] == "." || chars[j] == ",") && isDigit(chars[j + 1])
            let ends = !decimal && (j == chars.count || !(isLatin(chars[j]) || isDigit(chars[j])))
            let n = digits.count
            var keep: (first: Int, last: Int)? = nil
            if ends {
                if n == 18 || n == 15 { keep = (6, 4) }
                else if n == 11, chars[digits[0]] == "1", chars[digits[1]] >= "3" { keep = (3, 4) }
                else if (16...19).contains(n) { keep = (0, 4) }
            }
            for k in i..<j {
                if let keep, let d = digits.firstIndex(of: k), d >= keep.first, d < n - keep.last {
                    out.append("*")
                } else {
                    out.append(chars[k])
                }
            }
            i = j
        }
        return String(out)
    }
}
