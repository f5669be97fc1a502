/// The roster's personal data a payroll needs and the results model does not carry: the ID
/// number and the account to pay into, by 工号.
///
/// Only the payroll (工资表) and bank file (银行代发) write these whole; the notice shows at
/// most a masked ID number; no report writes the phone (it is carried so that tests can
/// prove it stays out).
public struct Payee: Sendable, Hashable, Codable {
    public var cadreID: String
    /// 身份证号, 18 characters.
    public var idNumber: String
    /// 银行账号, digits only.
    public var bankAccount: String
    /// The account holder's name when it differs from the cadre's name.
    public var accountName: String?
    public var bank: String?
    public var phone: String?

    public init(cadreID: String, idNumber: String, bankAccount: String, accountName: String? = nil, bank: String? = nil, phone: String? = nil) {
        self.cadreID = cadreID
        self.idNumber = idNumber
        self.bankAccount = bankAccount
        self.accountName = accountName
        self.bank = bank
        self.phone = phone
    }

    /// `522632********1234`: first 6 and last 4 characters; shorter values are starred whole.
    public static func masked(_ s: String, keepFirst: Int = 6, keepLast: Int = 4) -> String {
        let chars = Array(s)
        guard chars.count > keepFirst + keepLast + 1 else { return String(repeating: "*", count: chars.count) }
        return String(chars[..<keepFirst]) + String(repeating: "*", count: chars.count - keepFirst - keepLast)
            + String(chars[(chars.count - keepLast)...])
    }
}
