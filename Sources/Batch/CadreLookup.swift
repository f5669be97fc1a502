import Diagnostics
import Exact
import Records

/// `jifen explain --cadre`: a 工号 the month does not have, said as a located error (B0015)
/// with what the clerk most likely meant. A value that looks like an ID number, a bank account
/// or a phone number is masked (`PersonalData.maskByContent`): a clerk who pasted one must not
/// see it printed whole.
public enum CadreLookup {
    /// - Parameters:
    ///   - employed: the 工号 of the month's results, in roster order.
    ///   - roster: the month's roster, to recognise an ID number, account or phone pasted in
    ///     place of a 工号, and a cadre on the roster but not in post this month.
    public static func unknown(_ given: String, month: YearMonth, folder: String, employed: [String], roster: [Cadre]) -> Diagnostic {
        let shown = PersonalData.maskByContent(given)
        let personal = shown != given
        func key(_ s: String) -> String { String(TextNormalizer.normalize(s).filter { !$0.isWhitespace }.uppercased()) }
        func digits(_ s: String) -> String { String(TextNormalizer.normalize(s).filter { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }.uppercased()) }
        let wanted = key(given), wantedDigits = digits(given)
        var notes: [Localized] = []
        let help: Localized
        let owner: (cadre: Cadre, zh: String, en: String)? = wantedDigits.count < 11 ? nil : roster.lazy.compactMap { c -> (cadre: Cadre, zh: String, en: String)? in
            if digits(c.idNumber) == wantedDigits { return (c, "身份证号", "ID number") }
            if digits(c.bankAccount) == wantedDigits { return (c, "银行账号", "bank account") }
            if let p = c.phone, digits(p) == wantedDigits { return (c, "手机号", "phone number") }
            return nil
        }.first
        if let owner {
            let cadre = owner.cadre
            help = Localized(zh: "这是工号 \(cadre.id)（\(cadre.name)）的\(owner.zh)；--cadre 要写工号：--cadre \(cadre.id)。",
                             en: "That is the \(owner.en) of \(cadre.id) (\(cadre.name)); --cadre takes the 工号: --cadre \(cadre.id).")
        } else if let close = employed.first(where: { key($0) == wanted }) {
            help = Localized(zh: "您是不是想写“\(close)”？工号要与花名册中的完全一致（大小写、全角半角、空格都要相同）。",
                             en: "Did you mean '\(close)'? The 工号 must be as the roster has it (case, full-width characters and spaces alike).")
        } else if let listed = roster.first(where: { key($0.id) == wanted }) {
            notes.append(Localized(zh: "花名册中有工号 \(listed.id)（\(listed.name)），但本月不在职（入职之前或已离职）",
                                   en: "the roster lists \(listed.id) (\(listed.name)), who is not in post this month (before joining or after leaving)"))
            help = Localized(zh: "核对月份和工号；只能解释本月在职的干部。", en: "Check the month and the 工号; only cadres in post this month can be explained.")
        } else if personal {
            help = Localized(zh: "这像是身份证号、银行账号或手机号；--cadre 要写工号\(employed.first.map { "（如 \($0)）" } ?? "")。",
                             en: "That looks like an ID number, bank account or phone number; --cadre takes the 工号\(employed.first.map { " (such as \($0))" } ?? "").")
        } else {
            let some = employed.prefix(3).joined(separator: "、")
            help = Localized(zh: "核对工号：要写本月花名册中在职干部的工号\(some.isEmpty ? "" : "，如 \(some)")。",
                             en: "Check the 工号: it must be one of the month's roster in post\(some.isEmpty ? "" : ", such as \(some)").")
        }
        return Diagnostic(.error, code: "B0015", at: .file(path: folder),
                          summary: Localized(zh: "\(month.chineseDescription)没有工号为“\(shown)”的在职干部", en: "no cadre '\(shown)' in post in \(month)"),
                          notes: notes, help: help)
    }
}
