import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let snapshotDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

/// The sample rules shipped in `rules/`.
func sampleRules() throws -> RulesProject {
    try RulesProject.load(directory: repositoryRoot.appendingPathComponent("rules"))
}

/// The syntax tree printed without spans, to compare trees "modulo spans".
func spanless(_ file: RuleFile) -> String {
    let text = String(describing: file.declarations)
    return text.replacingOccurrences(of: #"Span\(start: \d+, end: \d+\)"#, with: "_", options: .regularExpression)
}

/// Renders the syntax diagnostics of one source text.
func renderDiagnostics(_ source: SourceFile, language: Language = .zh) -> (String, [Diagnostic]) {
    let (_, diagnostics) = RulesParser.parse(file: source)
    return (DiagnosticRenderer(language: language, sources: [source]).render(diagnostics), diagnostics)
}

/// Compares `output` with the golden file `Snapshots/<name>.txt`, which holds the source and
/// the output. With `JIFEN_RECORD=1` (or when the file is missing) the file is written and
/// the test fails until someone has looked at it.
func assertSnapshot(_ name: String, source: String, output: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = snapshotDirectory.appendingPathComponent(name + ".txt")
    let content = "--- source\n\(source)\(source.hasSuffix("\n") ? "" : "\n")--- output\n\(output)"
    let record = ProcessInfo.processInfo.environment["JIFEN_RECORD"] == "1"
    if record || !FileManager.default.fileExists(atPath: url.path) {
        try FileManager.default.createDirectory(at: snapshotDirectory, withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("recorded snapshot \(name); check it and run again without JIFEN_RECORD", sourceLocation: sourceLocation)
        return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    #expect(golden == content, "snapshot \(name) differs", sourceLocation: sourceLocation)
}
