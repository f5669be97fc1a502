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
}
