import Diagnostics
import Foundation
import Records
import Store

/// A cadre's own ID number, bank account and phone, masked, as shown on their own page only.
struct MaskedPersonal: Sendable, Hashable, Encodable {
    /// First 6 and last 4 of the ID number.
    var idNumber: String
    /// Last 4 of the account.
    var bankAccount: String
    var bank: String?
    var phone: String?
}

/// Reads the roster a run used (from the store's copy of its inputs) once per run and keeps
/// only the masked values: the whole numbers never stay in memory past the read.
final class RosterMasks: @unchecked Sendable {
    private let lock = NSLock()
    private var byRun: [Int64: [String: MaskedPersonal]] = [:]
    private var order: [Int64] = []
    /// Runs kept: a cadre's page reads the current months, rarely more.
    private let keep = 4

    func masked(store: RunStore, run: RunRecord, cadreID: String) -> MaskedPersonal? {
        lock.lock()
        if let cached = byRun[run.id] { lock.unlock(); return cached[cadreID] }
        lock.unlock()
        let table = Self.load(store: store, run: run)
        lock.lock()
        defer { lock.unlock() }
        byRun[run.id] = table
        order.append(run.id)
        if order.count > keep { byRun[order.removeFirst()] = nil }
        return table[cadreID]
    }

    static func load(store: RunStore, run: RunRecord) -> [String: MaskedPersonal] {
        let stems = Set(StandardSchemas.roster.fileStems)
        guard let input = run.inputs.first(where: { $0.role == InputFile.Role.data.rawValue && stems.contains(($0.name as NSString).deletingPathExtension) }) else { return [:] }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-roster-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil else { return [:] }
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent((input.name as NSString).lastPathComponent).path
        guard (try? store.exportBlob(sha256: input.sha256, to: path)) != nil else { return [:] }
        let (roster, _) = RosterReader(month: run.month).read(path: path)
        var out: [String: MaskedPersonal] = [:]
        for c in roster.cadres {
            out[c.id] = MaskedPersonal(
                idNumber: PersonalData.maskIDNumber(c.idNumber), bankAccount: PersonalData.maskBankAccount(c.bankAccount),
                bank: c.bank, phone: c.phone.map(PersonalData.maskPhone))
        }
        return out
    }
}
