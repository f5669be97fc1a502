import ArgumentParser
import Batch
import Diagnostics
import Foundation
import RulesLanguage

/// `jifen check rules/`: parses and checks the rules without reading any data.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "检查规则文件，一次报告全部问题。 Check the rules and report every problem.",
        discussion: "退出码 Exit codes: 0 无错误 no errors, 65 规则有错误 errors in the rules.")

    @Argument(help: "规则文件夹（默认 jifen.json 的 rules，否则 rules）。 The rules folder (default: jifen.json's rules, else rules).")
    var rules: String?

    @OptionGroup var configOption: ConfigOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let folder = configOption.rulesFolder(rules)
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(directory: folder)
        } catch {
            throw ValidationError(output.language == .zh
                ? "无法读取规则文件夹 \(folder)：文件夹不存在或不能读取。写明规则文件夹（jifen check 文件夹），或在 jifen.json 中写明 \"rules\"（docs/configuration.md）。"
                : "cannot read the rules folder \(folder): it does not exist or cannot be read. Name it (jifen check FOLDER), or as \"rules\" in jifen.json (docs/configuration.md).")
        }
        let renderer = DiagnosticRenderer(language: output.language, sources: loaded.project.sources)
        let diagnostics = loaded.diagnostics.sortedByLocation()
        if !diagnostics.isEmpty { print(renderer.render(diagnostics)) }
        let files = loaded.project.files.count
        print(output.language == .zh ? "已检查 \(files) 个规则文件：\(renderer.tally(diagnostics))" : "checked \(files) rules file(s): \(renderer.tally(diagnostics))")
        if let status = ExitStatus.of(diagnostics) { throw status }
    }
}
