import ArgumentParser
import Batch
import Exact
import Foundation
import Records
import RulesLanguage

/// Record-rule evaluations per second: the month's accepted rows are decoded once into
/// memory, then offered to the compiled items and aggregates of the rules, timed apart from
/// reading and validation.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the compiled rules over a month's decoded rows: record-rule evaluations per second."
    )

    @OptionGroup var input: MonthFolderOptions

    @Option(help: "Passes over the rows.")
    var passes: Int = 3

    func run() throws {
        let m = try input.resolvedMonth()
        let loaded = try input.loadRules()
        let folder = input.folder
        let monthRules = MonthRules(loaded.rules, month: m)
        let evaluation = MonthEvaluation(rules: loaded.rules, month: m)
        // Decode every accepted row once, keeping payloads per source.
        var rows: [[DecodedRow]] = Array(repeating: [], count: loaded.rules.sources.count)
        var decoders: [FieldDecoder?] = Array(repeating: nil, count: loaded.rules.sources.count)
        var roster = Roster()
        _ = MonthValidator(month: m, schemas: evaluation.schemas).validate(folder: folder, retainText: loaded.rules.textFieldsRead, sink: { source, decoder, row in
            guard source < rows.count else { return }
            rows[source].append(row)
            decoders[source] = copy decoder
        }, onRoster: { roster = $0 })
        let total = rows.map(\.count).reduce(0, +)
        var perRow = 0
        for (s, list) in rows.enumerated() {
            let n = monthRules.items.filter { $0.source == s }.count + loaded.rules.accumulators.filter { $0.source == s }.count
            perRow += n * list.count
        }
        var best = Double.infinity
        for _ in 0..<passes {
            let scorer = MonthScorer(rules: monthRules, roster: roster, keepRecords: false)
            let clock = ContinuousClock()
            let start = clock.now
            for (s, list) in rows.enumerated() {
                guard let decoder = decoders[s] else { continue }
                for row in list { scorer.consume(source: s, decoder: decoder, row: row) }
            }
            let d = clock.now - start
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        }
        print("\(total) rows × items and aggregates of their source = \(perRow) record-rule evaluations in \(Ingest.format(best, 3)) s (best of \(passes)): "
              + "\(Ingest.format(Double(perRow) / best / 1e6, 1)) million evaluations/s, \(Ingest.format(Double(total) / best / 1e6, 2)) million rows/s on one core; peak RSS \(Ingest.peakRSS())")
    }
}
