import Foundation
import Testing

/// Golden-file comparison for whole outputs (diagnostics, explanations, report dumps).
///
/// The golden file lives in `Snapshots/` beside the test file. Run with `JIFEN_RECORD=1`
/// to write it anew; a re-recorded test still fails, so that someone reads the new output
/// before it becomes the expectation.
public enum Snapshot {
    public static func assertMatches(
        _ actual: String, named name: String, filePath: String = #filePath,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let url = dir.appendingPathComponent(name)
        let recording = ProcessInfo.processInfo.environment["JIFEN_RECORD"] == "1"
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if recording || expected == nil {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded snapshot \(name); check it and run again without JIFEN_RECORD", sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            Issue.record("snapshot \(name) differs:\n\(diff(expected!, actual))", sourceLocation: sourceLocation)
        }
    }

    /// The same for a snapshot that must never be written anew: what an earlier main read
    /// from a fixture store. `JIFEN_RECORD` does not touch it; a difference always fails.
    public static func assertMatchesFrozen(
        _ actual: String, named name: String, filePath: String = #filePath,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").appendingPathComponent(name)
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("frozen snapshot \(name) is missing", sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            Issue.record("frozen snapshot \(name) differs:\n\(diff(expected, actual))", sourceLocation: sourceLocation)
        }
    }

    /// A line diff good enough to read in a test log: `-` expected, `+` actual.
    public static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.components(separatedBy: "\n"), b = actual.components(separatedBy: "\n")
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { i += 1; j += 1; continue }
            if i < a.count, !b[j...].contains(a[i]) { out.append("- \(a[i])"); i += 1; continue }
            if j < b.count { out.append("+ \(b[j])"); j += 1; continue }
            out.append("- \(a[i])")
            i += 1
        }
        return out.prefix(60).joined(separator: "\n")
    }
}

/// Paths inside the package, for tests that read samples and fixtures.
public enum PackagePaths {
    /// The package root, found from this file's path.
    public static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// A fresh temporary folder.
    public static func temporaryDirectory(_ prefix: String = "jifen") -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
