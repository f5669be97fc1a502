import Foundation

/// Runs the built `jifen` binary (make test builds it first) from the package root, as a
/// clerk would, and returns what it printed and its exit status.
public enum CLI {
    /// `.build/debug/jifen`, or `JIFEN_BINARY` when set (a build with another scratch path).
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["JIFEN_BINARY"], !path.isEmpty {
            return path.hasPrefix("/") ? path : PackagePaths.path(path)
        }
        return PackagePaths.path(".build/debug/jifen")
    }

    public static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: PackagePaths.root)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes before waiting, so a chatty process never blocks on a full pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
