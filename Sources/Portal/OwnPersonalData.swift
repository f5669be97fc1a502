import Batch
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
        // Read from the store into memory, never written out: the whole numbers stay in this
        // function. A roster kept as a file per community is read whole.
        guard let files = try? StoredInputs.roster(store: store, run: run), !files.isEmpty else { return [:] }
        let (roster, _) = RosterReader(month: run.month).read(files: files)
        var out: [String: MaskedPersonal] = [:]
        for c in roster.cadres {
            out[c.id] = MaskedPersonal(
                idNumber: PersonalData.maskIDNumber(c.idNumber), bankAccount: PersonalData.maskBankAccount(c.bankAccount),
                bank: c.bank, phone: c.phone.map(PersonalData.maskPhone))
        }
        return out
    }
}
