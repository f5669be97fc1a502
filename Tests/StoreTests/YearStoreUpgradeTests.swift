import Foundation
import Results
import Store
import TestSupport
import Testing

/// A year run stored by an earlier main (`Tests/CLITests/Fixtures/store-48a6a9a`: months as
/// a row per cadre and month, traces as a row per cadre) reads back the same after the store
/// migrates: the snapshot is what that main itself read from the file.
struct YearStoreUpgradeTests {
    static func text(_ results: YearResults, also: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var out = "year \(results.year), \(results.cadres.count) cadres, months \(results.months.map { "\($0.month)#\($0.runID)" }.joined(separator: " "))\n"
        // Every cadre by a digest of their whole result; a few in full, to read.
        for c in results.cadres {
            var h = SHA256()
            h.update(Array(try encoder.encode(c)))
            out += "\(c.cadreID) \(c.standing.tier) \(c.pay.net) \(c.months.count) \(h.finalizeHex())\n"
        }
        for id in also {
            guard let c = results.cadres.first(where: { $0.cadreID == id }) else { out += "\(id): missing\n"; continue }
            out += String(decoding: try encoder.encode(c), as: UTF8.self) + "\n"
        }
        return out
    }

    @Test func aYearRunAnEarlierMainStoredReadsTheSame() throws {
        let dir = PackagePaths.temporaryDirectory("year-upgrade")
        try FileManager.default.copyItem(atPath: PackagePaths.path("Tests/CLITests/Fixtures/store-48a6a9a/jifen.sqlite"), toPath: dir + "/jifen.sqlite")
        let store = try RunStore(path: dir + "/jifen.sqlite", creating: false)
        let runs = try store.yearRuns()
        #expect(runs.map(\.id) == [2, 1])
        let current = try #require(try store.currentYearRun(year: 2021))
        #expect(current.id == 2 && current.state == .published)
        let results = try store.yearResults(yearRunID: 2)
        // Three cadres in full: the first, one without a tier, one paid a merged bonus.
        let untiered = results.cadres.first { $0.standing.tier == "不定等次" }?.cadreID ?? ""
        let merged = results.cadres.first { $0.bonusTax.contains { $0.chosen == .merged } }?.cadreID ?? ""
        Snapshot.assertMatchesFrozen(try Self.text(results, also: [results.cadres.first?.cadreID ?? "", untiered, merged]), named: "year-2021-fixture-48a6a9a.txt")
        // One cadre read alone (the portal's read) is the same as in the whole year.
        for c in [results.cadres.first, results.cadres.last, results.cadres.first { $0.cadreID == merged }] {
            let c = try #require(c)
            #expect(try store.yearResult(yearRunID: 2, cadreID: c.cadreID) == c)
        }
        // The superseded run holds the same results (the same months, the same rules).
        #expect(try store.yearResults(yearRunID: 1).cadres == results.cadres)
    }
}
