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

    @Argument(help: "The month folder.")
    var folder: String

    @Option(help: "The month, e.g. 2020-12 (defaults to the folder's name).")
    var month: String?

    @Option(help: "The rules folder.")
    var rules: String = "rules"

    @Option(help: "Passes over the rows.")
    var passes: Int = 3

    func run() throws {
        let name = month ?? (folder.split(separator: "/").last.map(String.init) ?? folder)
        guard let m = YearMonth(name) else { throw ValidationError("cannot tell the month; pass --month") }
        let loaded = try LoadedRules.load(directory: rules)
        guard !loaded.hasErrors else { throw ValidationError("the rules have errors; run jifen check") }
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
