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

    @Argument(help: "The month folder.")
    var folder: String

    @Option(help: "The month, e.g. 2020-12 (defaults to the folder's name).")
    var month: String?

    func run() throws {
        let name = month ?? (folder.split(separator: "/").last.map(String.init) ?? folder)
        guard let m = YearMonth(name) else { throw ValidationError("cannot tell the month; pass --month") }
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
