import Diagnostics
import Exact
import Foundation
import Records
import Reports
import Results
import Store

/// Writes a stored run's reports again, from the store alone: results, summary and rejected
/// rows from its tables, payees from the roster file the run used (kept by content).
public enum ReportRewriter {
    public static func write(store: RunStore, runID: Int64, settings: ReportSettings, outFolder: String) throws -> [ReportKind: String] {
        let record = try store.run(id: runID)
        // A correction run was never paid: its month's reports stay the closed run's.
        if record.state == .correction { throw StoreError.wrongState(record.month, state: .correction, action: "重新生成报表（更正运行没有发放，报表仍是关账运行的；用 jifen batch diff 比较）") }
        if let problem = ReportFolder.problem(outFolder: outFolder, subfolder: record.month.description) {
            throw ReportFolder.Unusable(diagnostic: problem)
        }
        let results = try store.results(runID: runID, detail: .lines)
        let rejected = try store.rejectedRows(runID: runID)
        // The roster as the run read it: the stored copy of its file, or of its files, one per
        // community, read into memory.
        var payees: [Payee] = []
        let rosterFiles = try StoredInputs.roster(store: store, run: record)
        if !rosterFiles.isEmpty {
            let (roster, _) = RosterReader(month: record.month).read(files: rosterFiles)
            payees = roster.cadres.map { Payee(cadreID: $0.id, idNumber: $0.idNumber, bankAccount: $0.bankAccount, accountName: $0.name, bank: $0.bank, phone: $0.phone) }
        }
        let carried = try store.corrections(carriedBy: runID)
        var corrections = CorrectionCarry.report(carried, cadres: Set(results.cadres.map(\.cadreID)))
        if let report = corrections { corrections?.leaverPayees = CorrectionCarry.leaverPayees(store: store, report: report, corrections: carried) }
        let run = ReportRun(record).reproducible
        var settings = settings
        if let order = record.summary.tierOrder { settings.tierOrder = order }
        // Once the month is published, the notice states its real period.
        if let from = record.publishedAt.flatMap({ DateParser.parse(String($0.prefix(10))) }),
           let to = record.objectionsUntil.flatMap({ DateParser.parse(String($0.prefix(10))) }) {
            settings.noticePeriod = NoticePeriod(from: from, to: to)
        }
        // Written beside the month's folder and put in its place whole (ReportFolder).
        let staging = ReportFolder.stagingPath(outFolder: outFolder, month: record.month, runID: runID)
        // A superseded run's reports never take the month's folder, which finance imports the
        // current run's bank file from: they go beside it, named as what they are.
        let target = outFolder + "/" + record.month.description + (record.state == .superseded ? "-运行\(runID)-已被替代" : "")
        do {
            let staged = try ReportSet.write(results: results, summary: record.summary, run: run, rejected: rejected, payees: payees,
                                             settings: settings, to: staging,
                                             corrections: corrections)
            try ReportFolder.seal(staging, runID: runID, month: record.month)
            try ReportFolder.install(staging, as: target)
            return staged.mapValues { target + "/" + ($0 as NSString).lastPathComponent }
        } catch let error as ReportError {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        } catch {
            // Sealing or installing the folder: the system's reason, not Foundation's text.
            try? FileManager.default.removeItem(atPath: staging)
            throw ReportError.cannotWrite(path: target, reason: FileFailure.reason(error))
        }
    }
}
