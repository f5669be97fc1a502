import Exact
import Foundation
import HummingbirdBcrypt
import Records
import Store

/// One-time activation codes for cadres: generated for a month's roster, stored hashed,
/// printed once on a sheet the bureau hands out.
public enum ActivationCodes {
    /// Letters and digits that cannot be mistaken for one another when read off paper.
    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// A new code: 12 characters from 32 (60 bits), shown as `ABCD-EFGH-JKLM`.
    public static func newCode() -> String {
        var g = SystemRandomNumberGenerator()
        let chars = (0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<12])
    }

    /// The code as compared: upper case, without dashes or spaces.
    public static func normalize(_ code: String) -> String {
        String(code.uppercased().filter { $0.isLetter || $0.isNumber })
    }

    /// One printed line of the sheet.
    public struct Entry: Sendable, Hashable {
        public var cadreID: String
        public var name: String
        public var community: String
        public var code: String
    }

    /// Issues a new code to every cadre of the month's current run (an account already
    /// activated is skipped unless `includeActivated`), stores them hashed and returns the
    /// sheet's lines.
    public static func issue(store: RunStore, month: YearMonth, includeActivated: Bool, actor: String, at: String) throws -> [Entry] {
        guard let run = try store.currentRun(month: month) else { throw StoreError.noRun(month) }
        var entries: [Entry] = []
        for c in try store.cadreListing(runID: run.id) {
            if !includeActivated, try store.user(username: c.cadreID) != nil { continue }
            entries.append(Entry(cadreID: c.cadreID, name: c.name, community: c.community, code: newCode()))
        }
        try store.replaceActivationCodes(entries.map { ($0.cadreID, normalize($0.code)) }, month: month, actor: actor, at: at)
        return entries
    }

    public enum Problem: Error, Sendable, Hashable {
        /// These 工号 are not among the month's cadres.
        case notInMonth([String])
    }

    /// A new code for each of these cadres of the month's current run, activated or not (a
    /// cadre who forgot the password): the old code dies, the cadre's sessions end at once,
    /// and the password is replaced when the new code is used. Audited per cadre.
    public static func reissue(store: RunStore, month: YearMonth, cadreIDs: [String], actor: String, at: String) throws -> [Entry] {
        guard let run = try store.currentRun(month: month) else { throw StoreError.noRun(month) }
        let listing = try store.cadreListing(runID: run.id)
        var entries: [Entry] = [], missing: [String] = []
        for raw in cadreIDs {
            let id = RunStore.normalizedUsername(raw)
            guard let c = listing.first(where: { $0.cadreID == id }) else { missing.append(id); continue }
            guard !entries.contains(where: { $0.cadreID == id }) else { continue }
            entries.append(Entry(cadreID: c.cadreID, name: c.name, community: c.community, code: newCode()))
        }
        guard missing.isEmpty else { throw Problem.notInMonth(missing) }
        for e in entries {
            try store.reissueActivationCode(cadreID: e.cadreID, code: normalize(e.code), month: month, actor: actor, at: at)
        }
        return entries
    }

    /// The printable sheet: one block per cadre, to be cut apart.
    public static func sheet(_ entries: [Entry], month: YearMonth, portalAddress: String) -> String {
        var out = ""
        for e in entries {
            out += "积分考核干部门户 · 激活通知（\(month.chineseDescription)）\n"
            out += "社区：\(e.community)　姓名：\(e.name)　工号：\(e.cadreID)\n"
            out += "激活码：\(e.code)（只能使用一次，请妥善保管）\n"
            out += "打开 \(portalAddress)/activate ，输入工号和激活码，设置自己的密码。\n"
            out += String(repeating: "-", count: 40) + "\n"
        }
        return out
    }

    /// The same as CSV (工号,姓名,社区,激活码), for a mail merge. Names and communities come
    /// from the roster: a cell that a spreadsheet would run as a formula is neutralised.
    public static func csv(_ entries: [Entry]) -> String {
        var out = "工号,姓名,社区,激活码\n"
        for e in entries { out += SpreadsheetCSV.row([e.cadreID, e.name, e.community, e.code]) + "\n" }
        return out
    }
}

/// Password hashing for accounts made outside the portal (`jifen user add`): bcrypt.
public enum Passwords {
    public static func hash(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }
}
