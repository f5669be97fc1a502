import ArgumentParser
import Batch
import Diagnostics
import RulesLanguage

/// `jifen test rules/`: runs the bureau's own test cases against the rules.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "运行规则的测试用例（*.jifen-test）。 Run the rules' test cases.",
        discussion: "退出码 Exit codes: 0 全部通过 all pass, 1 有失败 failures, 65 规则有错误 errors in the rules.")

    @Argument(help: "规则文件夹（默认 jifen.json 的 rules，否则 rules）。 The rules folder (default: jifen.json's rules, else rules).")
    var rules: String?

    @Flag(help: "列出没有被任何测试覆盖的积分项、等次、表格行和工资项目。 Report what no test exercises.")
    var coverage = false

    @OptionGroup var configOption: ConfigOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let loaded = try RulesOption.load(path: configOption.rulesFolder(rules), language: output.language)
        let report = RulesTestRunner(rules: loaded.rules, project: loaded.project).run()
        let zh = output.language == .zh
        let renderer = DiagnosticRenderer(language: output.language, sources: loaded.project.sources)
        for c in report.cases {
            print("\(c.passed ? "✔" : "✘") \(c.name)（\(c.checks) \(zh ? "项检查" : "checks")）")
            for f in c.failures {
                let d = Diagnostic(.error, code: "T0001", at: .source(path: f.site.path, span: f.site.span), summary: f.message)
                print(renderer.render(d))
            }
        }
        let failed = report.cases.filter { !$0.passed }.count
        let passed = report.cases.count - failed
        if coverage {
            let missing = report.coverage.uncovered(loaded.rules)
            if missing.isEmpty {
                print(zh ? "覆盖率：全部积分项、等次、表格行和工资项目都有测试覆盖" : "coverage: every item, tier, table row and pay line is exercised")
            } else {
                print(zh ? "没有测试覆盖的（\(missing.count) 项）：" : "not exercised by any test (\(missing.count)):")
                for m in missing { print("  \(m.kind.text(output.language))  \(m.name)") }
            }
        }
        print("\(zh ? "测试" : "tests"): \(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitStatus.checkFailed.exit }
    }
}
