import ArgumentParser
import Exact
import Foundation
import Records

/// The whole input side on a month folder: read, decode, validate and account for every
/// row of every file, as `jifen check-data` and the batch do.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a month folder (read + decode + check every row) and report rows/s, MB/s and peak RSS."
    )

    @OptionGroup var input: MonthFolderOptions

    func run() throws {
        let m = try input.resolvedMonth()
        let folder = input.folder
        let clock = ContinuousClock()
        let start = clock.now
        var accepted = 0
        let check = MonthValidator(month: m).validate(folder: folder, retainText: []) { _, _, _ in accepted += 1 }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let bytes = check.files.map(\.byteCount).reduce(0, +)
        let rows = check.files.map(\.rowsRead).reduce(0, +)
        for f in check.files {
            print("\(f.path.split(separator: "/").last!): read \(f.rowsRead), accepted \(f.accepted), rejected \(f.rejected), ignored \(f.ignored)")
        }
        print("validated \(rows) rows, \(bytes) bytes in \(Ingest.format(seconds, 3)) s: "
              + "\(Ingest.format(Double(rows) / seconds, 0)) rows/s, \(Ingest.format(Double(bytes) / 1_000_000 / seconds, 1)) MB/s; "
              + "\(check.diagnostics.count) diagnostics; peak RSS \(Ingest.peakRSS())")
    }
}
