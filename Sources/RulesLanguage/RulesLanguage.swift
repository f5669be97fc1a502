import Diagnostics
import Foundation

/// Loading and checking a rules folder in one call: parse every file, check the rules,
/// and return the diagnostics of both phases with the sources to render them.
public struct LoadedRules: Sendable {
    public var project: RulesProject
    public var rules: CheckedRules
    public var diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.hasErrors }

    /// Parses and checks `directory`. The checker runs only when parsing found no errors:
    /// names in a half-parsed file would only produce noise.
    public static func load(directory: String) throws -> LoadedRules {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: directory))
        if project.diagnostics.hasErrors {
            return LoadedRules(project: project, rules: CheckedRules(), diagnostics: project.diagnostics)
        }
        var (rules, checkDiagnostics) = Checker.check(project.files)
        rules.hash = RulesHash.of(project.sources)
        let declarations = project.declarations
        var missing: [String] = []
        if !declarations.contains(where: { if case .source = $0 { true } else { false } }) { missing.append("数据源") }
        // Items are not required: a regulation may pay fixed amounts only (the tax office's
        // examples are such rules); without items every cadre simply has the base score.
        if !declarations.contains(where: { if case .payLine = $0 { true } else { false } }) { missing.append("工资项目") }
        if project.files.isEmpty || !missing.isEmpty {
            checkDiagnostics.insert(CheckError.incompleteRules(folder: directory, fileCount: project.files.count, missing: missing), at: 0)
        }
        return LoadedRules(project: project, rules: rules, diagnostics: project.diagnostics + checkDiagnostics)
    }
}
