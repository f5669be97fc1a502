import Exact
import Foundation
@testable import Generator

/// Temporary folders with freshly generated months.
enum Fixtures {
    static func temporaryFolder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("jifen-gen-tests-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The three sample months, generated into a new folder.
    static func samples() throws -> (URL, [GeneratedMonth]) {
        let root = temporaryFolder("samples")
        _ = try DataGenerator.writeSamples(to: root)
        let months = try DataGenerator.sampleMonths.map {
            try GeneratedMonth(folder: root.appendingPathComponent($0.description).path, month: $0)
        }
        return (root, months)
    }

    /// A province-scale month of `cadres` cadres.
    static func scale(cadres: Int, seed: UInt64 = 7, month: String = "2020-12") throws -> (URL, GeneratedMonth, DataGenerator.MonthSummary) {
        let root = temporaryFolder("scale")
        let m = YearMonth(month)!
        let summary = try DataGenerator.writeScaleMonth(cadres: cadres, month: m, seed: seed, to: root)
        return (root, try GeneratedMonth(folder: root.path, month: m), summary)
    }

    /// The package's own `samples/` folder.
    static var committedSamples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples")
    }

    /// File names and bytes of every file under `root`, sorted by relative path.
    static func contents(of root: URL) throws -> [(String, Data)] {
        let fm = FileManager.default
        let paths = (fm.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []).sorted()
        return try paths.compactMap { rel in
            var isDir: ObjCBool = false
            let full = root.appendingPathComponent(rel).path
            guard fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { return nil }
            return (rel, try Data(contentsOf: URL(fileURLWithPath: full)))
        }
    }
}
