import Exact

/// The type of a field in a record file, as the rules language declares it.
///
/// Every value is held as an `Int64` payload whose meaning the type gives (see
/// `FieldValue`): text and enumerations as interned codes, numbers as units at the field's
/// scale, dates as days since 1970, times as minutes. Rows never become dictionaries.
public enum FieldType: Sendable, Hashable, CustomStringConvertible {
    /// Free text, interned.
    case text
    /// A whole number, optionally within a range.
    case integer(min: Int64?, max: Int64?)
    /// An exact decimal with at most `scale` places, optionally within a range.
    case decimal(scale: Int, min: Fixed?, max: Fixed?)
    /// Money in yuan with at most two places, held in 分.
    case money
    case date
    case time
    /// 是/否, true/false, 1/0, Y/N.
    case boolean
    /// One of a fixed set of words; the code is the index in `values`.
    case enumeration([String])
    /// One of a set of words or a number (training 考核: 合格/不合格 or a score 0–100).
    /// Codes `0..<values.count` are the words; a number is held as `values.count + units`.
    case enumerationOrScore([String], maxScore: Int64)
    /// An 18-character resident ID number (GB 11643), text.
    case idNumber
    /// A bank account of 16–19 digits, text.
    case bankAccount
    /// A mobile phone number, text.
    case phone

    public var description: String {
        switch self {
        case .text: "text"
        case .integer: "integer"
        case .decimal(let s, _, _): "decimal(\(s))"
        case .money: "money"
        case .date: "date"
        case .time: "time"
        case .boolean: "boolean"
        case .enumeration(let v): "enumeration{\(v.joined(separator: ","))}"
        case .enumerationOrScore(let v, let m): "enumeration{\(v.joined(separator: ","))}|0…\(m)"
        case .idNumber: "id-number"
        case .bankAccount: "bank-account"
        case .phone: "phone"
        }
    }

    /// What a clerk should write, for the `expected` line of a diagnostic.
    public var expectation: (zh: String, en: String) {
        switch self {
        case .text: ("文本", "text")
        case .integer(let lo, let hi): ("整数" + Self.rangeText(lo.map(String.init), hi.map(String.init)), "a whole number" + Self.rangeText(lo.map(String.init), hi.map(String.init)))
        case .decimal(let s, let lo, let hi):
            ("数字（最多 \(s) 位小数）" + Self.rangeText(lo?.shortDescription, hi?.shortDescription),
             "a number with at most \(s) decimal places" + Self.rangeText(lo?.shortDescription, hi?.shortDescription))
        case .money: ("金额，以元为单位、最多两位小数，如 1234.50", "an amount in yuan with at most two decimals, e.g. 1234.50")
        case .date: ("日期，如 2020-12-01、2020/12/1 或 2020年12月1日", "a date such as 2020-12-01, 2020/12/1 or 2020年12月1日")
        case .time: ("时间，如 08:00 或 20:30", "a time such as 08:00 or 20:30")
        case .boolean: ("是 或 否", "是 or 否 (yes or no)")
        case .enumeration(let v): ("以下之一：" + v.joined(separator: "、"), "one of: " + v.joined(separator: ", "))
        case .enumerationOrScore(let v, let m): ("以下之一：" + v.joined(separator: "、") + "，或 0–\(m) 的分数", "one of: " + v.joined(separator: ", ") + ", or a score from 0 to \(m)")
        case .idNumber: ("18 位身份证号（最后一位可为 X）", "an 18-character ID number (the last may be X)")
        case .bankAccount: ("16–19 位数字的银行账号", "a bank account of 16 to 19 digits")
        case .phone: ("11 位手机号", "an 11-digit mobile number")
        }
    }

    static func rangeText(_ lo: String?, _ hi: String?) -> String {
        switch (lo, hi) {
        case (let l?, let h?): " [\(l), \(h)]"
        case (let l?, nil): " ≥ \(l)"
        case (nil, let h?): " ≤ \(h)"
        default: ""
        }
    }

    /// Decimal places of the payload for numeric types, 0 otherwise.
    public var scale: Int {
        switch self {
        case .decimal(let s, _, _): s
        case .money: 2
        default: 0
        }
    }

    /// Whether the payload is an interned text code.
    public var isInterned: Bool {
        switch self {
        case .text, .idNumber, .bankAccount, .phone: true
        default: false
        }
    }

    /// Whether values of this field are personal data that must be masked in messages.
    public var isPersonal: Bool {
        switch self {
        case .idNumber, .bankAccount, .phone: true
        default: false
        }
    }
}
