import Foundation
import Results
import Store
import TestSupport
import Testing

/// Months stored by an earlier main (`Tests/CLITests/Fixtures/store-58aed0d`: schema v1–v11,
/// record summaries as length-prefixed texts, inputs as plain zstd chunks, record detail in
/// format 3 documents) read back the same after the store migrates: the snapshot is what that
/// main itself read from the file.
struct MonthStoreUpgradeTests {
    static func text(_ results: MonthResults, also: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var out = "month \(results.month), \(results.cadres.count) cadres\n"
        // Every cadre by a digest of their whole result (records with their summaries, pay
        // traces); a few in full, to read.
        for c in results.cadres {
            var h = SHA256()
            h.update(Array(try encoder.encode(c)))
            let records = c.score.lines.reduce(0) { $0 + $1.records.count }
            out += "\(c.cadreID) \(c.score.total) \(c.standing.tier) \(c.pay.net) \(records) \(h.finalizeHex())\n"
        }
        for id in also {
            guard let c = results.cadres.first(where: { $0.cadreID == id }) else { out += "\(id): missing\n"; continue }
            out += String(decoding: try encoder.encode(c), as: UTF8.self) + "\n"
        }
        return out
    }

    @Test func monthsAnEarlierMainStoredReadTheSame() throws {
        let dir = PackagePaths.temporaryDirectory("month-upgrade")
        try FileManager.default.copyItem(atPath: PackagePaths.path("Tests/CLITests/Fixtures/store-58aed0d/jifen.sqlite"), toPath: dir + "/jifen.sqlite")
        let store = try RunStore(path: dir + "/jifen.sqlite", creating: false)
        #expect(try store.runs().map(\.id) == [3, 2, 1])
        var text = ""
        for id: Int64 in [1, 3] {
            let results = try store.results(runID: id)
            let most = results.cadres.max { a, b in
                a.score.lines.reduce(0) { $0 + $1.records.count } < b.score.lines.reduce(0) { $0 + $1.records.count }
            }
            text += try Self.text(results, also: [results.cadres.first?.cadreID ?? "", most?.cadreID ?? ""])
            // One cadre read alone (the portal's read: only the summaries it cites) is the
            // same as in the whole month.
            for c in results.cadres {
                #expect(try store.result(runID: id, cadreID: c.cadreID) == c, "\(c.cadreID) of run #\(id)")
            }
            // The inputs read back byte for byte: the samples they were read from.
            for input in try store.run(id: id).inputs where input.role == "data" {
                let sample = PackagePaths.path("samples/\(results.month)/\(input.name)")
                guard let original = FileManager.default.contents(atPath: sample) else { continue }
                #expect(Data(try store.input(sha256: input.sha256)) == original, "\(input.name)")
            }
        }
        Snapshot.assertMatchesFrozen(text, named: "months-fixture-58aed0d.txt")
        // The superseded run holds the same results (the same inputs, the same rules).
        #expect(try store.results(runID: 2).cadres == store.results(runID: 3).cadres)
    }
}
