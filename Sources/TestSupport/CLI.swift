import Foundation

/// Runs the built `jifen` binary (make test builds it first) from the package root, as a
/// clerk would, and returns what it printed and its exit status. `JIFEN_BINARY` names
/// another build of it (a worktree's own scratch path), relative to the package root or
/// absolute.
public enum CLI {
    public static var binary: String {
        guard let other = ProcessInfo.processInfo.environment["JIFEN_BINARY"], !other.isEmpty else {
            return PackagePaths.path(".build/debug/jifen")
        }
        return other.hasPrefix("/") ? other : PackagePaths.path(other)
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
