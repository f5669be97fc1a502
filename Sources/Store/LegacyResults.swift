import Foundation
import GRDB
import Results

/// Results as stores before migration v6 held them: one JSON document per cadre
/// (`cadreResult.detail`) in the shape of `CadreResult`'s synthesized `Codable`.
enum LegacyResults {
    /// Converts every run's JSON into rows, a slice of cadres at a time so that memory holds
    /// one slice, never a whole province month.
    static func convert(_ db: Database) throws {
        let decoder = JSONDecoder()
        for runID in try Int64.fetchAll(db, sql: "SELECT id FROM run ORDER BY id") {
            let writer = try ResultWriter(db, runID: runID, updatesCadres: true)
            var from: Int64 = 0
            while true {
                let rows = try Row.fetchAll(db, sql: "SELECT seq, detail FROM cadreResult WHERE runID = ? AND seq >= ? ORDER BY seq LIMIT ?",
                                            arguments: [runID, from, ResultWriter.sliceSize])
                guard !rows.isEmpty else { break }
                var cadres: [CadreResult] = []
                for (i, r) in rows.enumerated() {
                    // The writer numbers cadres from 0 in order: the stored `seq` must agree.
                    guard r[0] as Int64 == from + Int64(i) else {
                        throw StoreError.database("run #\(runID): cadre seq \(r[0] as Int64) where \(from + Int64(i)) was expected")
                    }
                    cadres.append(try decoder.decode(CadreResult.self, from: r[1] as Data))
                }
                try writer.append(cadres[...])
                from += Int64(rows.count)
            }
        }
    }
}
