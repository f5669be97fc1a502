import ArgumentParser
import Batch
import Diagnostics
import Exact

/// `jifen template --month 2021-01 [--community 富民] --out DIR`: the month's data-entry
/// workbooks, one per source the rules declare.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "生成本月的数据录入模板（每个数据源一个 xlsx）。 Write the month's data-entry templates.",
        discussion: """
            按规则中声明的数据源生成，每个一个 xlsx：表头冻结并保护，枚举字段、工号有下拉列表，日期限定在本月，\
            每列有填写说明。工号名单取自 --data 下该月文件夹中的花名册；该月文件夹还不存在（或没有花名册）时，\
            取最近一个月份文件夹的花名册。用 --community 时只列该社区的人员，文件名为“数据源-社区.xlsx”，\
            各社区的文件可以一起放进月份文件夹，批处理会合并读取。
            One xlsx per source the rules declare. 工号 lists come from the roster in <data>/<month>; when that \
            folder does not exist yet (or has no roster), from the latest month folder before it. \
            已有同名文件时不覆盖、不写出任何模板（B0083）；加 --overwrite 才替换，但从不覆盖刚读取的花名册（B0084）。\
            Existing files are never replaced without --overwrite, nor the roster read even with it. \
            退出码 Exit codes: 0 ok, 64 usage, 65 rules errors or an unknown community, \
            73 cannot write, or files of the templates' names exist (B0083, B0084).
            """)

    @Option(help: "月份，如 2021-01。 The month.")
    var month: YearMonth
    @Option(help: "只为这个社区生成（工号只列该社区的人员）。 Only this community's cadres.")
    var community: String?
    @Option(help: "模板写入的文件夹（用新的空文件夹，不要用月份数据文件夹）。 Folder to write the templates into: a new one, never the month's data folder.")
    var out: String
    @Flag(help: "用空白模板替换文件夹中的同名文件（刚读取的花名册除外）。 Replace files of the same names (never the roster read).")
    var overwrite = false
    @Option(help: "数据根文件夹，月份子文件夹如 samples/2020-12（默认 samples）。 Data root.")
    var data: String?
    @Option(help: "规则文件夹（默认 rules）。 Rules folder.")
    var rules: String?
    @Option(help: "项目配置文件（默认 jifen.json，如存在）。 Project config.")
    var config: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let project = try ProjectConfig.loadOrExit(config ?? "jifen.json", named: config != nil)
        let loaded = try RulesOption.load(path: rules ?? project.rules ?? "rules", language: output.language)
        let outcome = TemplateMaker(rules: loaded.rules, month: month, dataRoot: data ?? project.data ?? "samples", community: community, overwrite: overwrite)
            .make(to: out)
        let renderer = DiagnosticRenderer(language: output.language)
        if !outcome.diagnostics.isEmpty { print(renderer.render(outcome.diagnostics)) }
        for path in outcome.written { print(path) }
        if !outcome.written.isEmpty {
            print(output.language == .zh
                ? "已写出 \(outcome.written.count) 个模板，工号下拉列表 \(outcome.cadreCount) 人。"
                : "\(outcome.written.count) templates written; the 工号 lists offer \(outcome.cadreCount) cadres.")
        }
        if outcome.diagnostics.contains(where: { ["B0034", "B0083", "B0084"].contains($0.code) }) { throw ExitStatus.cannotWrite.exit }
        if let status = ExitStatus.of(outcome.diagnostics) { throw status }
    }
}
