import Diagnostics
import Foundation

/// A folder of rules: every `*.jifen` file (the regulation) and every `*.jifen-test` file
/// (the bureau's test cases) under it, parsed.
///
/// ```swift
/// let project = try RulesProject.load(directory: URL(fileURLWithPath: "rules"))
/// if project.diagnostics.hasErrors { print(DiagnosticRenderer(sources: project.sources).render(project.diagnostics)) }
/// ```
public struct RulesProject: Sendable {
    /// The parsed rules files, in path order.
    public var files: [RuleFile]
    /// The parsed test files, in path order.
    public var testFiles: [RuleFile]
    /// The texts of all files, for rendering diagnostics.
    public var sources: [SourceFile]
    /// Syntax diagnostics of every file, in path and position order.
    public var diagnostics: [Diagnostic]

    public static let rulesExtension = "jifen"
    public static let testExtension = "jifen-test"

    /// A folder of that name inside a rules folder holds other regulations (other counties'
    /// examples, each run on its own with `--rules rules/examples/<name>`), so loading the
    /// folder around it skips it.
    public static let examplesFolder = "examples"

    /// Reads and parses every rules and test file under `directory` (recursively), except
    /// folders named `examples` below it (see `examplesFolder`). Paths in
    /// diagnostics are relative to the directory's parent when `relativeTo` is nil, so a
    /// folder `rules` yields `rules/x.jifen`.
    public static func load(directory: URL, relativeTo base: URL? = nil) throws -> RulesProject {
        let fm = FileManager.default
        let root = directory.standardizedFileURL
        let prefixBase = (base ?? root.deletingLastPathComponent()).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: root.path])
        }
        // The folder may be a symbolic link (a deployment pointing `rules` at this year's
        // regulation), and so may folders inside it: the enumerator does not follow links, so
        // walk the real folders and show each file under the path the user gave.
        var found: [(shown: String, url: URL)] = []
        var visited: Set<String> = []
        func walk(_ real: URL, shown: String) throws {
            guard visited.insert(real.path).inserted else { return }
            let names = try fm.contentsOfDirectory(atPath: real.path).sorted()
            for name in names where !name.hasPrefix(".") {
                let child = real.appendingPathComponent(name)
                let resolved = child.resolvingSymlinksInPath()
                var childIsDirectory: ObjCBool = false
                guard fm.fileExists(atPath: resolved.path, isDirectory: &childIsDirectory) else { continue }
                if childIsDirectory.boolValue {
                    if name == examplesFolder { continue }
                    try walk(resolved, shown: shown + "/" + name)
                } else if child.pathExtension == rulesExtension || child.pathExtension == testExtension {
                    found.append((shown + "/" + name, resolved))
                }
            }
        }
        try walk(root.resolvingSymlinksInPath(), shown: root.path)
        found.sort { $0.shown < $1.shown }
        var project = RulesProject(files: [], testFiles: [], sources: [], diagnostics: [])
        for (shown, url) in found {
            let data = try Data(contentsOf: url)
            var path = shown
            if path.hasPrefix(prefixBase + "/") { path = String(path.dropFirst(prefixBase.count + 1)) }
            project.add(SourceFile(path: path, bytes: [UInt8](data)), isTest: url.pathExtension == testExtension)
        }
        return project
    }

    /// Parses in-memory files; used by tests and by `load`.
    public static func parse(_ files: [SourceFile]) -> RulesProject {
        var project = RulesProject(files: [], testFiles: [], sources: [], diagnostics: [])
        for f in files.sorted(by: { $0.path < $1.path }) {
            project.add(f, isTest: f.path.hasSuffix("." + testExtension))
        }
        return project
    }

    mutating func add(_ source: SourceFile, isTest: Bool) {
        let (ast, diags) = RulesParser.parse(file: source)
        sources.append(source)
        if isTest { testFiles.append(ast) } else { files.append(ast) }
        diagnostics += diags
    }

    /// All declarations of the rules files (not the tests), in file order.
    public var declarations: [Declaration] { files.flatMap(\.declarations) }
}
