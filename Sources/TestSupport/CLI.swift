import Foundation

/// Runs the built `jifen` binary (make test builds it first) from the package root, as a
/// clerk would, and returns what it printed and its exit status.
public enum CLI {
    /// The binary: `$JIFEN_BINARY` when set (a relative path from the package root); else the
    /// `jifen` built beside these tests (so `swift test --scratch-path .build-other` runs that
    /// build's binary); else `.build/debug/jifen`.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["JIFEN_BINARY"], !path.isEmpty {
            return path.hasPrefix("/") ? path : PackagePaths.path(path)
        }
        if let beside = besideTests, FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return PackagePaths.path(".build/debug/jifen")
    }

    /// `<scratch>/<configuration>/jifen` next to the test bundle that is running.
    static var besideTests: String? {
        let candidates = [Bundle.main.executablePath, CommandLine.arguments.first].compactMap { $0 }
        for c in candidates {
            var dir = URL(fileURLWithPath: c).deletingLastPathComponent()
            // macOS: <configuration>/jifenPackageTests.xctest/Contents/MacOS/<executable>
            while dir.pathComponents.count > 1, dir.lastPathComponent != "debug", dir.lastPathComponent != "release", dir.path.contains(".xctest") {
                dir.deleteLastPathComponent()
            }
            let path = dir.appendingPathComponent("jifen").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs the binary with `arguments`; `input` is written to its standard input (which is
    /// otherwise empty, never the test runner's); `environment` adds to or overrides the test
    /// runner's environment (`TMPDIR`, say) for that process only.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                           in directory: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        p.currentDirectoryURL = URL(fileURLWithPath: directory ?? PackagePaths.root)
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        inp.fileHandleForWriting.write(Data((input ?? "").utf8))
        try? inp.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty process never blocks on a full pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
