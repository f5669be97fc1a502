import ArgumentParser
import Batch
import Exact
import Foundation
import Records
import RulesLanguage

/// Validate + score, the batch's first stage on its own (`MonthEvaluation.score`: read,
/// decode, check every row, stream accepted rows into the scorer, then scores, tiers and
/// ranks), with nothing stored or paid: what `bench/callgrind.sh` counts instructions of,
/// so the cost per input row is one command before and after a change.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate and score a month folder (the batch's first stage) and report rows, seconds and peak RSS."
    )

    @OptionGroup var input: MonthFolderOptions

    @Flag(help: "Keep no record detail (as jifen batch run --no-record-detail).")
    var noRecordDetail = false

    @Option(help: "Lanes an activity file's rows are checked and scored on (default: one per active core).")
    var lanes: Int?

    func run() throws {
        let m = try input.resolvedMonth()
        let loaded = try input.loadRules()
        let folder = input.folder
        var evaluation = MonthEvaluation(rules: loaded.rules, month: m)
        evaluation.keepRecords = !noRecordDetail
        if let lanes { evaluation.tuning.validation.lanes = max(1, min(lanes, ValidationTuning.maximumLanes)) }
        let clock = ContinuousClock()
        let start = clock.now
        let scored = evaluation.score(folder: folder)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard let month = scored.month else { throw ValidationError("the month did not score: \(scored.diagnostics.count) diagnostics") }
        let rows = scored.check.files.map(\.rowsRead).reduce(0, +)
        let bytes = scored.check.files.map(\.byteCount).reduce(0, +)
        // One line the callgrind script reads: keep its shape.
        print("rows \(rows) bytes \(bytes) cadres \(month.cadres.count)")
        print("validated and scored \(rows) rows (\(bytes) bytes, \(month.cadres.count) cadres) in \(Ingest.format(seconds, 3)) s: "
              + "\(Ingest.format(Double(rows) / seconds, 0)) rows/s; peak RSS \(Ingest.peakRSS())")
    }
}
