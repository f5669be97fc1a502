import ArgumentParser
import Batch
import Diagnostics
import Exact
import Foundation
import Store

/// `jifen year …`: the annual assessment (年度考核) and the life of a year run (publish, close).
struct YearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "year",
        abstract: "年度考核：读取已关账的各月结果，评定年度等次，计算年终绩效奖及其个税。 The annual assessment.",
        subcommands: [Run.self, Show.self, List.self, Publish.self, Close.self])
}

/// `--year 2021`.
struct YearOption: ParsableArguments {
    @Option(help: "年度，如 2021。 The year.")
    var year: Int

    func validate() throws {
        guard (2000...2100).contains(year) else { throw ValidationError("年度“\(year)”不对，应如 2021。 Not a year: \(year).") }
    }
}

extension YearCommand {
    static var actor: String { ProcessInfo.processInfo.environment["USER"] ?? "jifen" }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "运行年度考核（各月须已关账，--draft 除外）。 Run the year.",
            discussion: "退出码 Exit codes: 0 成功 ok, 65 规则或数据有错误、月份未关账 errors or months not closed, 75 数据库被占用 store busy.")

        @OptionGroup var year: YearOption
        @Flag(help: "未关账或缺少的月份也照常读取，只作草稿查看（不能发布或关账）。 A draft over open or missing months.")
        var draft = false
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "不显示进度。 No progress.") var quiet = false
        @Option(help: "操作人（默认当前用户）。 Who runs it.") var actor: String?
        @Option(help: "数据库被占用时最多等待的秒数。 Seconds to wait for a busy store.") var wait: Double = 0

        func run() throws {
            var options = YearOptions(year: year.year, rulesFolder: project.rulesFolder, storePath: project.storePath, outFolder: project.outFolder,
                                      actor: actor ?? YearCommand.actor, now: BatchCommand.Run.now())
            options.draft = draft
            options.wait = wait
            if let s = project.project.reports { options.settings = s }
            let outcome = YearRunner(options: options).run()
            let renderer = DiagnosticRenderer(language: output.language, sources: outcome.sources)
            let diagnostics = outcome.diagnostics.sortedByLocation()
            if !diagnostics.isEmpty { print(renderer.render(diagnostics, limitPerCode: output.limit)) }
            guard let record = outcome.record else {
                print(renderer.tally(diagnostics))
                throw ExitStatus.of(diagnostics, busy: outcome.isBusy, config: outcome.isConfigError) ?? ExitStatus.dataError.exit
            }
            if !quiet {
                print(YearText.summary(record, language: output.language), terminator: "")
                if let folder = outcome.reportFolder {
                    print(output.say("  报表：\(folder)/（\(outcome.reports.count) 个）", "  reports: \(folder)/ (\(outcome.reports.count))"))
                }
                let zh = outcome.stages.map { "\($0.zh) \(String(format: "%.2f", $0.seconds)) 秒" }.joined(separator: "，")
                let en = outcome.stages.map { "\($0.en) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
                print(output.say("  用时：\(zh)", "  time: \(en)"))
            }
            if let status = ExitStatus.of(diagnostics) { throw status }
            // A province's year is about a gigabyte of small objects (results, traces, months):
            // the process ends here, so it ends without freeing them one by one (a third of a
            // second at 50,000 cadres). Everything is stored, written and printed.
            withExtendedLifetime(outcome) { Jifen.exit() }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示一个年度当前的年度考核。 Show a year's run.")
        @OptionGroup var year: YearOption
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let store = try project.openStore(output.language)
                guard let r = try store.currentYearRun(year: year.year) else { throw CLIError.store(.noYearRun(year: year.year)) }
                print(YearText.summary(r, language: output.language), terminator: "")
                let folder = "\(project.outFolder)/\(r.key)"
                if YearRunner.yearRunID(in: folder) == r.id {
                    print(output.say("  报表 \(folder)/ 为本次年度运行所生成。", "  the reports in \(folder)/ are this year run's."))
                } else {
                    print(output.say("  注意：\(folder)/ 中没有本次年度运行的报表；重新运行 jifen year run --year \(r.year) 生成。",
                                     "  note: \(folder)/ does not hold this year run's reports; run jifen year run --year \(r.year) to write them."))
                }
                let audit = try store.yearAuditLog(year: year.year)
                if !audit.isEmpty {
                    print(output.say("审计：", "audit:"))
                    for a in audit {
                        print("  \(a.at)  \(a.actor)  \(a.action)\(a.reason.map { output.say("  原因：", "  reason: ") + $0 } ?? "")\(a.detail.map { "  \($0)" } ?? "")")
                    }
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出所有年度考核运行。 List the year runs.")
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let runs = try project.openStore(output.language).yearRuns()
                if runs.isEmpty { print(output.say("数据库中还没有年度考核运行。", "No year runs yet.")); return }
                var rows = [output.language == .zh ? ["年度运行", "年度", "状态", "人数", "年度实发合计", "月份", "过期", "时间", "操作人"]
                    : ["year run", "year", "state", "cadres", "net total", "months", "stale", "time", "by"]]
                for r in runs {
                    rows.append(["#\(r.id)", String(r.year), output.say(r.state.chineseName, r.state.rawValue), String(r.summary.cadres), r.summary.net.grouped,
                                 String(r.months.count), r.stale ? output.say("是", "yes") : "", r.createdAt, r.createdBy])
                }
                print(TextTable.render(rows), terminator: "")
            }
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "发布年度考核公示（开始申诉期）。 Publish a year for 公示.")
        @OptionGroup var year: YearOption
        @Option(help: "申诉截止日期，如 2022-01-14。 Objections until (a date).") var objectionsUntil: String
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard DateParser.parse(objectionsUntil) != nil else {
                throw ValidationError("申诉截止日期“\(objectionsUntil)”不对，应如 2022-01-14。 Not a date: \(objectionsUntil).")
            }
        }

        func run() throws {
            try withStoreErrors(output.language) {
                let until = DateParser.parse(objectionsUntil)!.description
                try project.openStore(output.language).publishYear(year: year.year, actor: actor ?? YearCommand.actor, at: BatchCommand.Run.now(),
                                                                   objectionsUntil: until)
                print(output.say("\(year.year) 年度考核已发布公示，申诉截止 \(until)。", "the year \(year.year) is published for 公示; objections until \(until)."))
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "年度考核关账：此后不能重新运行。 Close a year.")
        @OptionGroup var year: YearOption
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                try project.openStore(output.language).closeYear(year: year.year, actor: actor ?? YearCommand.actor, at: BatchCommand.Run.now())
                print(output.say("\(year.year) 年度考核已关账。", "the year \(year.year) is closed."))
            }
        }
    }
}
