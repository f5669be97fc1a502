import ArgumentParser
import Foundation
import Records

/// Reads every table file in a folder with `TableReader` and reports throughput and memory.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every .csv and .xlsx file in a folder and report MB/s, rows/s and peak RSS."
    )

    @Argument(help: "Folder holding the files (not searched recursively).")
    var folder: String

    @Option(name: .customLong("sheet"), help: "Preferred xlsx sheet name (repeatable).")
    var sheets: [String] = []

    func run() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            .filter { ["csv", "xlsx"].contains(($0 as NSString).pathExtension.lowercased()) }
        guard !names.isEmpty else { throw ValidationError("no .csv or .xlsx files in \(folder)") }
        var totalBytes = 0, totalRows = 0, totalFields = 0
        var totalSeconds = 0.0
        var checksum: UInt64 = 0
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            var fields = 0
            var sum: UInt64 = 0
            let clock = ContinuousClock()
            let start = clock.now
            let file: TableFile
            do {
                file = try TableReader.read(path: path, sheetCandidates: sheets) { row in
                    // Touch every byte of every field, so that nothing is skipped.
                    for i in 0..<row.count {
                        for b in row.bytes(i) { sum = sum &+ UInt64(b) }
                    }
                    fields &+= row.count
                }
            } catch {
                print("\(name): \(error.diagnostic.summary.en)")
                continue
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            checksum = checksum &+ sum
            totalBytes += file.byteCount
            totalRows += file.rowCount
            totalFields += fields
            totalSeconds += seconds
            print(Self.line(name: "\(name) [\(Self.describe(file.format))]", bytes: file.byteCount,
                            rows: file.rowCount, fields: fields, seconds: seconds))
        }
        print(Self.line(name: "total", bytes: totalBytes, rows: totalRows, fields: totalFields, seconds: totalSeconds))
        print("peak RSS \(Self.peakRSS()) (checksum \(checksum))")
    }

    static func line(name: String, bytes: Int, rows: Int, fields: Int, seconds: Double) -> String {
        let mb = Double(bytes) / 1_000_000
        return "\(name): \(bytes) bytes, \(rows) rows, \(fields) fields in \(format(seconds, 3)) s: "
            + "\(format(mb / seconds, 1)) MB/s, \(format(Double(rows) / seconds, 0)) rows/s"
    }

    static func describe(_ format: TableFormat) -> String {
        switch format {
        case .csv(let e): "CSV \(e.rawValue)"
        case .xlsx(let sheet): "xlsx \(sheet)"
        }
    }

    static func format(_ x: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", x)
    }

    /// VmHWM from /proc/self/status: the most resident memory the process has had.
    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return "unknown" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}
