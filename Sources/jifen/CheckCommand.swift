import ArgumentParser
import Diagnostics
import Foundation
import RulesLanguage

/// `jifen check rules/`: parses and checks the rules without reading any data.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "检查规则文件，一次报告全部问题。 Check the rules and report every problem.",
        discussion: "退出码 Exit codes: 0 无错误 no errors, 65 规则有错误 errors in the rules.")

    @Argument(help: "规则文件夹。 The rules folder.")
    var rules: String = "rules"

    @OptionGroup var output: OutputOptions

    func run() throws {
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(directory: rules)
        } catch {
            throw ValidationError(output.language == .zh ? "无法读取规则文件夹 \(rules)" : "cannot read the rules folder \(rules)")
        }
        let renderer = DiagnosticRenderer(language: output.language, sources: loaded.project.sources)
        let diagnostics = loaded.diagnostics.sortedByLocation()
        if !diagnostics.isEmpty { print(renderer.render(diagnostics)) }
        let files = loaded.project.files.count
        print(output.language == .zh ? "已检查 \(files) 个规则文件：\(renderer.tally(diagnostics))" : "checked \(files) rules file(s): \(renderer.tally(diagnostics))")
        if let status = ExitStatus.of(diagnostics) { throw status }
    }
}
