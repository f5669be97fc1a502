import ArgumentParser
import Batch
import Diagnostics
import Exact
import Foundation
import Reports
import Results
import Store

/// `jifen batch …`: the monthly run and the life of a month (publish, close, reopen).
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "月度批处理：计分、计酬、存档、出报表。 The monthly batch.",
        subcommands: [Run.self, Correct.self, List.self, Show.self, Diff.self, Preview.self, Publish.self, Close.self, Reopen.self, Work.self])
}

/// Where things are: flags, else `jifen.json`, else the repository's defaults.
struct ProjectOptions: ParsableArguments {
    @Option(help: "数据根文件夹，月份子文件夹如 samples/2020-12（默认 samples）。 Data root.")
    var data: String?
    @Option(help: "规则文件夹（默认 rules）。 Rules folder.")
    var rules: String?
    @OptionGroup var storage: StoreOptions

    var config: String { storage.configPath }
    var project: ProjectConfig { storage.project }
    var dataRoot: String { data ?? project.data ?? "samples" }
    var rulesFolder: String { rules ?? project.rules ?? "rules" }
    var storePath: String { storage.storePath }
    var outFolder: String { storage.outFolder }

    /// Opens the store, first finishing or cleaning what an interrupted batch left in the
    /// report folder (when no batch is running). A store that does not exist is refused
    /// (S0017) unless `creating`: commands that read runs would otherwise make an empty store
    /// at a mistyped path and say it has no runs.
    func openStore(_ language: Language = .zh, creating: Bool = false) throws -> RunStore {
        let store: RunStore
        do { store = try RunStore(path: storePath, creating: creating) } catch { throw CLIError.store(error) }
        let zh = language == .zh
        for r in ReportFolder.recoverIfIdle(storePath: storePath, outFolder: outFolder, store: store) {
            let text: String
            switch r {
            case .finished(let month, let run):
                text = zh ? "已完成上次中断的报表替换：\(outFolder)/\(month)/ 现为运行 #\(run) 的报表。"
                    : "finished an interrupted report replacement: \(outFolder)/\(month)/ now holds run #\(run)'s reports."
            case .removed(let path):
                text = zh ? "已删除中断运行留下的报表暂存文件夹 \(path)。" : "deleted the staging folder an interrupted run left: \(path)."
            }
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
        return store
    }
}

/// Where the store and the reports are: `--store`, `--out`, `--config` (`jifen.json`).
struct StoreOptions: ParsableArguments {
    @Option(help: "数据库文件（默认 store/jifen.sqlite）。 Store file.")
    var store: String?
    @Option(help: "报表输出文件夹（默认 out）。 Reports folder.")
    var out: String?
    @Option(help: "项目配置文件（默认 jifen.json，如存在）。 Project config.")
    var config: String?
    var configPath: String { config ?? "jifen.json" }

    var project: ProjectConfig { ProjectConfig.checked(configPath) }
    var storePath: String { store ?? project.store ?? "store/jifen.sqlite" }
    var outFolder: String { out ?? project.out ?? "out" }

    /// Stops on an error in the config file before the command runs.
    func validate() throws { _ = try ProjectConfig.loadOrExit(configPath, named: config != nil) }
}

extension ProjectConfig {
    /// Reads `jifen.json` (or `--config`), printing its diagnostics; an error in it stops the
    /// command with exit code 78 before anything else happens. Without `jifen.json` the
    /// defaults apply; a file named by `--config` (`named`) must exist (C0006).
    static func loadOrExit(_ path: String, named: Bool) throws -> ProjectConfig {
        var loaded = ProjectConfig.load(path: path)
        if named, !FileManager.default.fileExists(atPath: path) {
            loaded.diagnostics.append(Diagnostic(
                .error, code: "C0006", at: .file(path: path),
                summary: Localized(zh: "找不到 --config 指定的配置文件 \(path)", en: "the config file given by --config does not exist: \(path)"),
                help: Localized(zh: "检查路径是否写错；不写 --config 时使用当前文件夹的 jifen.json（没有则用默认值）。",
                                en: "Check the path; without --config, jifen.json in this folder is used (defaults if there is none).")))
        }
        if !loaded.diagnostics.isEmpty {
            let renderer = DiagnosticRenderer(language: OutputOptions.languageFromArguments(), sources: loaded.source.map { [$0] } ?? [])
            print(renderer.render(loaded.diagnostics.sortedByLocation()))
            if loaded.diagnostics.hasErrors {
                print(renderer.tally(loaded.diagnostics))
                throw ExitStatus.configError.exit
            }
        }
        return loaded.config
    }

    /// The config already checked by `StoreOptions.validate()`.
    static func checked(_ path: String) -> ProjectConfig { load(path: path).config }
}

enum CLIError: Error {
    case store(StoreError)
}

/// Runs `body`, rendering a store error as the clerk's diagnostic with its exit code
/// (75 when another batch holds the store, 65 otherwise).
func withStoreErrors(_ language: Language = .zh, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as StoreError {
        print(DiagnosticRenderer(language: language).render(e.diagnostic))
        throw (e.isBusy ? ExitStatus.busy : ExitStatus.dataError).exit
    } catch CLIError.store(let e) {
        print(DiagnosticRenderer(language: language).render(e.diagnostic))
        throw (e.isBusy ? ExitStatus.busy : ExitStatus.dataError).exit
    }
}

extension StoreError {
    var isBusy: Bool {
        if case .busy = self { return true }
        return false
    }
}

extension BatchCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "运行一个月的批处理。 Run a month.",
            discussion: "退出码 Exit codes: 0 运行已保存（含 --skip-invalid 跳过了有错误的行）saved (rows skipped by --skip-invalid included), 65 规则或数据有错误、未保存 errors in rules or data, nothing saved, 73 运行已保存但报表未能写出 saved, reports not written, 75 数据库被占用 store busy, 78 配置或 --out 有错误 config or --out error.")

        @Option(help: "月份，如 2020-12。 The month.")
        var month: YearMonth
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "跳过有错误的行（逐行列出原因），其余照常计算并保存；退出码 0。 Run on the valid rows; the rest are listed, exit 0.")
        var skipInvalid = false
        @Flag(help: "不显示进度。 No progress.")
        var quiet = false
        @Option(help: "只生成这些报表（逗号分隔：payroll,bankTransfer,scoreBreakdown,communitySummary,publicNotice,paySlips,reconciliation,taxFiling）。 Reports to write.")
        var reports: String?
        @Option(help: "操作人（默认当前用户）。 Who runs it.")
        var actor: String?
        @Option(help: "数据库被占用时最多等待的秒数。 Seconds to wait for a busy store.")
        var wait: Double = 0
        @Flag(help: "不保存每条记录的明细（解释与积分明细不再列出各条记录；可更快。明细写入临时文件夹，不占内存）。 Do not keep per-record detail (faster; the detail is spilled to the temporary folder, not held in memory).")
        var noRecordDetail = false
        @Flag(help: "本年此前的月份没有运行、也没有期初余额文件时，明确说明干部本年此前没有从本单位取得收入（否则 S0007）。 State that the cadres had no income earlier this year (the year's first run after January without an opening file; else S0007).")
        var noEarlierIncome = false

        func run() throws {
            let m = month
            var options = BatchOptions(
                month: m, dataFolder: project.dataRoot + "/" + m.description, rulesFolder: project.rulesFolder,
                storePath: project.storePath, outFolder: project.outFolder,
                actor: actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen", now: Self.now())
            options.skipInvalid = skipInvalid
            options.wait = wait
            options.keepRecords = !noRecordDetail
            options.noEarlierIncome = noEarlierIncome
            if let s = project.project.reports { options.settings = s }
            options.tierOrder = project.project.tierOrder
            if let r = reports {
                var kinds: Set<ReportKind> = []
                for name in r.split(separator: ",") {
                    guard let k = ReportKind(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else { throw ValidationError("未知的报表“\(name)”。 Unknown report '\(name)'.") }
                    kinds.insert(k)
                }
                options.reports = kinds
            }
            var runner = BatchRunner(options: options)
            runner.releaseMemory = Jifen.releaseMemory
            let showProgress = !quiet && isatty(STDERR_FILENO) != 0
            let zh = output.language == .zh
            if showProgress {
                let started = Date()
                runner.progress = { stage in
                    FileHandle.standardError.write(Data("\r  … \(zh ? stage.rawValue : String(describing: stage))\u{1B}[K\n".utf8))
                }
                runner.rowProgress = { rows in
                    let rate = Double(rows) / max(0.001, Date().timeIntervalSince(started))
                    let line = zh ? "\r    已处理 \(rows) 行，每秒 \(Int(rate)) 行\u{1B}[K" : "\r    \(rows) rows, \(Int(rate)) rows/s\u{1B}[K"
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            let outcome = runner.run()
            let renderer = DiagnosticRenderer(language: output.language, sources: outcome.sources)
            let diagnostics = outcome.diagnostics.sortedByLocation()
            if !diagnostics.isEmpty { print(renderer.render(diagnostics, limitPerCode: output.limit)) }
            guard let runID = outcome.runID, let summary = outcome.summary else {
                print(renderer.tally(diagnostics))
                throw ExitStatus.of(diagnostics, busy: outcome.isBusy, config: outcome.isConfigError) ?? ExitStatus.dataError.exit
            }
            print(BatchSummaryText.render(month: m, runID: runID, summary: summary, reports: outcome.reports, storePath: options.storePath,
                                          timings: outcome.timings, language: output.language))
            if let carried = outcome.carried { print(CorrectionText.carried(carried, month: m), terminator: "") }
            if !outcome.staleMonths.isEmpty {
                let list = outcome.staleMonths.map(\.description).joined(separator: "、")
                print(output.say("警告 S0024：\(list) 的运行已过期（个税的本年累计按本月之前的结果计算），公示或关账前须按顺序重新运行：jifen batch run --month \(outcome.staleMonths[0])。",
                                 "warning S0024: the runs of \(list) are out of date (their year to date came from superseded results); run them again in order before publishing or closing them."))
            }
            // A stored run succeeded: rows --skip-invalid left out are the errors listed above
            // (and 核对.xlsx's 拒收行), not a failure of the run. Reports that could not be
            // written are (B0006).
            if outcome.reportsFailed { throw ExitStatus.cannotWrite.exit }
        }

        static func now() -> String {
            let f = ISO8601DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            return f.string(from: Date())
        }
    }

    /// Executes a re-run the portal queued; the portal starts it, people need not.
    struct Work: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "执行门户排队的重新计算（由门户启动）。 Execute a re-run the portal queued (started by the portal).",
            shouldDisplay: false)
        @Option(help: "请求编号。 The request.") var request: Int64
        @OptionGroup var project: ProjectOptions

        func run() throws {
            var worker = RequestWorker(storePath: project.storePath, dataRoot: project.dataRoot, rulesFolder: project.rulesFolder,
                                       outFolder: project.outFolder)
            worker.settings = project.project.reports ?? ReportSettings()
            worker.tierOrder = project.project.tierOrder
            worker.prepare = { $0.releaseMemory = Jifen.releaseMemory }
            let done: BatchRequest
            do {
                done = try worker.execute(requestID: request)
            } catch {
                switch error {
                case .notQueued(let id): FileHandle.standardError.write(Data("请求 #\(id) 不在排队中。\n".utf8))
                case .store(let message): FileHandle.standardError.write(Data("无法读取数据库：\(message)\n".utf8))
                }
                throw ExitStatus.dataError.exit
            }
            print("请求 #\(done.id) \(done.state.chineseName)\(done.runID.map { "：运行 #\($0)" } ?? "")\(done.message.map { "。\($0)" } ?? "")")
            if done.state == .failed { throw ExitStatus.dataError.exit }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出所有运行。 List the runs.")
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let runs = try project.openStore(output.language).runs()
                if runs.isEmpty { print(output.say("数据库中还没有运行。", "No runs yet.")); return }
                var rows = [output.language == .zh ? ["运行", "月份", "状态", "人数", "实发合计", "规则", "时间", "操作人"]
                    : ["run", "month", "state", "cadres", "net total", "rules", "time", "by"]]
                for r in runs {
                    let state = r.staleReason == nil || r.state == .superseded ? output.say(r.state.chineseName, r.state.rawValue)
                        : output.say(r.state.chineseName + "（已过期）", r.state.rawValue + " (stale)")
                    rows.append(["#\(r.id)", r.month.description, state, String(r.summary.cadres), r.summary.net.grouped,
                                 r.rulesVersion, r.createdAt, r.createdBy])
                }
                print(TextTable.render(rows), terminator: "")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示一个月当前的运行。 Show a month's run.")
        @Option(help: "月份，如 2020-12。 The month.") var month: YearMonth
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let m = month
                let say = output.say
                let store = try project.openStore(output.language)
                guard let r = try store.currentRun(month: m) else { throw CLIError.store(.noRun(m)) }
                let s = r.summary
                print(say("运行 #\(r.id)  \(m.chineseDescription)  \(r.state.chineseName)", "run #\(r.id)  \(m)  \(r.state.rawValue)"))
                if let reason = r.staleReason {
                    print(say("已过期（S0024）：\(reason)。先重新运行本月（jifen batch run --month \(m)）再公示或关账。",
                              "out of date (S0024): \(reason). Run the month again (jifen batch run --month \(m)) before publishing or closing it."))
                }
                print(say("规则 \(r.rulesVersion)  引擎 \(r.engineVersion)  \(r.createdBy) 于 \(r.createdAt)",
                          "rules \(r.rulesVersion)  engine \(r.engineVersion)  by \(r.createdBy) at \(r.createdAt)"))
                if let p = r.publishedAt { print(say("公示 \(p) 起，申诉截止 \(r.objectionsUntil ?? "—")", "published \(p); objections until \(r.objectionsUntil ?? "—")")) }
                if let c = r.closedAt { print(say("关账 \(c)", "closed \(c)")) }
                print(say("人数 \(s.cadres)  行：使用 \(s.rowsUsed)，忽略 \(s.rowsIgnored)，拒绝 \(s.rowsRejected)",
                          "cadres \(s.cadres)  rows: used \(s.rowsUsed), ignored \(s.rowsIgnored), rejected \(s.rowsRejected)"))
                // Cadres a rejected roster row left out (--skip-invalid): kept with the run.
                if let left = s.leftOut, !left.isEmpty {
                    print(say("！花名册行被拒收、未计分未计发 \(left.count) 人：", "! \(left.count) cadre(s) left out by a rejected roster row: ")
                          + left.map { "\($0.id.isEmpty ? say("（无工号）", "(no 工号)") : $0.id) \($0.name)（\($0.place)）" }.joined(separator: say("、", ", ")))
                }
                print(say("应发 \(s.gross.grouped)  扣款 \(s.deductions.grouped)  实发 \(s.net.grouped)",
                          "gross \(s.gross.grouped)  deductions \(s.deductions.grouped)  net \(s.net.grouped)"))
                print(say("等次 ", "tiers ") + s.orderedTiers.map { "\($0.tier) \($0.count)" }.joined(separator: say("，", ", ")))
                // Where to look: --out when given, else where the run wrote its reports, else
                // jifen.json's out or the default; the message says which.
                let place = ReportPlace.of(run: r, out: project.storage.out, configured: project.outFolder)
                let folder = place.folder + "/"
                switch ReportFolder.holds(runID: r.id, folder: place.folder) {
                case false?:
                    print(say("注意：\(folder)（\(place.zh)）中的报表不是运行 #\(r.id) 的；用 jifen report --run \(r.id) 重新生成。",
                              "note: the reports in \(folder) (\(place.en)) are not run #\(r.id)'s; write them again with jifen report --run \(r.id)."))
                case nil:
                    print(say("注意：\(folder)（\(place.zh)）中没有报表；报表在别的文件夹时加 --out 文件夹 查看，或用 jifen report --run \(r.id) 生成。",
                              "note: there are no reports in \(folder) (\(place.en)); pass --out FOLDER if they are elsewhere, or write them with jifen report --run \(r.id)."))
                case true?:
                    print(say("报表 \(folder) 为本次运行所生成。", "the reports in \(folder) are this run's."))
                }
                print(say("输入文件：", "inputs:"))
                for i in r.inputs {
                    print("  \(i.role == "rules" ? say("规则", "rules") : say("数据", "data"))  \(i.name)  \(i.byteCount) \(say("字节", "bytes"))  sha256 \(i.sha256.prefix(16))…")
                }
                let carried = try store.corrections(carriedBy: r.id)
                if !carried.isEmpty {
                    print(say("本月补发补扣（更正已关账月份）：", "corrections carried:"))
                    for c in carried { print(CorrectionText.summary(c)) }
                }
                let corrections = try store.corrections(month: m)
                if !corrections.isEmpty {
                    print(say("本月的更正运行：", "correction runs of the month:"))
                    for c in corrections { print(CorrectionText.summary(c)) }
                }
                let audit = try store.auditLog(month: m)
                if !audit.isEmpty {
                    print(say("审计：", "audit:"))
                    for a in audit {
                        print("  \(a.at)  \(a.actor)  \(a.action)\(a.runID.map { " #\($0)" } ?? "")\(a.reason.map { say("  原因：", "  reason: ") + $0 } ?? "")\(a.detail.map { "  \($0)" } ?? "")")
                    }
                }
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "比较两次运行：每人的积分、等次、实发是否变化，规则或数据是否变化。 Compare two runs.")
        @Argument(help: "运行编号 A。 Run A.") var a: Int64
        @Argument(help: "运行编号 B。 Run B.") var b: Int64
        @OptionGroup var project: ProjectOptions

        func validate() throws {
            try RunIDOption.check(a, flag: "A")
            try RunIDOption.check(b, flag: "B")
        }

        func run() throws {
            try withStoreErrors {
                let store = try project.openStore()
                let ra = try store.run(id: a), rb = try store.run(id: b)
                var comparison = RunComparison(
                    before: try store.results(runID: a, detail: .lines), after: try store.results(runID: b, detail: .lines),
                    rulesChanged: ra.rulesHash != rb.rulesHash, dataChanged: RunComparison.dataDifferences(ra, rb))
                comparison.yearToDate = RunComparison.yearToDateDifference(ra, rb)
                print(comparison.text(before: "#\(a)（\(ra.month)）", after: "#\(b)（\(rb.month)）"), terminator: "")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "预览规则修改对已运行月份的影响（不保存）。 Preview a rules change on a month already run.")
        @Option(help: "月份，如 2020-12。 The month.") var month: YearMonth
        @Option(name: .customLong("rules"), help: "新的规则文件夹。 The new rules folder.") var newRules: String
        @OptionGroup var storage: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let m = month
            let path = storage.storePath
            let runStore: RunStore
            do { runStore = try RunStore(path: path) } catch { throw CLIError.store(error) }
            let outcome = BatchPreview.run(store: runStore, month: m, rulesFolder: newRules)
            let renderer = DiagnosticRenderer(language: output.language, sources: outcome.sources)
            if !outcome.diagnostics.isEmpty { print(renderer.render(outcome.diagnostics.sortedByLocation(), limitPerCode: output.limit)) }
            guard let c = outcome.comparison else {
                print(renderer.tally(outcome.diagnostics))
                throw ExitStatus.dataError.exit
            }
            print(c.text(before: "运行 #\(outcome.runID ?? 0)", after: "新规则（未保存）"), terminator: "")
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "发布公示（开始申诉期）。 Publish a month for 公示.")
        @Option(help: "月份，如 2020-12。 The month.") var month: YearMonth
        @Option(help: "公示期的工作日数（默认 5）。 Working days of the notice.") var days: Int?
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let m = month
                let today = CivilDate(daysSinceEpoch: Int32(Date().timeIntervalSince1970 / 86_400))
                let until = today.addingWorkingDays(days ?? project.project.noticeWorkingDays ?? 5)
                try project.openStore(output.language).publish(month: m, actor: actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen", at: Run.now(), objectionsUntil: until.description)
                print(output.say("\(m.chineseDescription)已发布公示，申诉截止 \(until)。", "\(m) is published for 公示; objections until \(until)."))
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "关账：此后不能重算或修改。 Close a month.")
        @Option(help: "月份，如 2020-12。 The month.") var month: YearMonth
        @Option(help: "操作人。 Who.") var actor: String?
        @Flag(help: "申诉期未结束也关账（记入审计日志）。 Close before the objection window ends (audited).") var early = false
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let m = month
                let store = try project.openStore(output.language)
                // Closing ends the 公示, by the portal's rule (`MonthClosing`).
                let closesEarly = try MonthClosing.check(store, month: m, early: early,
                                                         today: MonthClosing.chinaToday(epochSeconds: Int64(Date().timeIntervalSince1970)))
                let current = try store.currentRun(month: m)
                // Corrections of earlier months this month's run does not carry: closing
                // leaves them to the next open month. A warning, not a refusal.
                let pending = try store.pendingCorrections(payingMonth: m).filter { $0.carriedBy == nil || $0.carriedBy != current?.id }
                let who = actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen"
                try store.close(month: m, actor: who, at: Run.now())
                if let closesEarly {
                    try store.audit(at: Run.now(), actor: who, action: "close-early", month: m, runID: current?.id,
                                    detail: "closed during the objection window (until \(closesEarly))")
                }
                if !pending.isEmpty {
                    let list = pending.map { "更正 #\($0.id)（\($0.month.chineseDescription)，\($0.reason)）" }.joined(separator: "、")
                    print(output.say("警告 B0052：\(pending.count) 条已关账月份的更正未计入本月运行：\(list)；将在下一个未关账月份补发或补扣。如需本月发放，先重新打开本月并重新运行。",
                                     "warning B0052: \(pending.count) correction(s) of closed months are not in this month's run; the next open month carries them."))
                }
                print(output.say("\(m.chineseDescription)已关账。", "\(m) is closed."))
            }
        }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "更正已关账的月份：用补报或更正的文件重新计算，差额在下一个未关账月份补发或补扣。 Correct a closed month.",
            discussion: "--data 文件夹中与已保存文件同名的文件替换它，新名字的文件（如 值班-补报.csv）作为该数据源的补充部分。见 docs/corrections.md。")

        @Option(help: "已关账的月份，如 2020-11。 The closed month.") var month: YearMonth
        @Option(help: "补报或更正的文件所在文件夹。 The folder of late or corrected files.") var data: String
        @Option(help: "原因（必填，写进补发补扣项目和审计日志）。 Why (required).") var reason: String
        @Option(help: "规则文件夹（默认 rules）。 Rules folder.") var rules: String?
        @Option(help: "操作人。 Who.") var actor: String?
        @Option(help: "数据库被占用时最多等待的秒数。 Seconds to wait for a busy store.") var wait: Double = 0
        @OptionGroup var storage: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let m = month
            var options = BatchOptions(
                month: m, dataFolder: data, rulesFolder: rules ?? storage.project.rules ?? "rules", storePath: storage.storePath,
                outFolder: storage.outFolder, actor: actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen", now: Run.now())
            options.wait = wait
            options.tierOrder = storage.project.tierOrder
            let outcome = BatchCorrection(options: options, reason: reason).run()
            let renderer = DiagnosticRenderer(language: output.language, sources: outcome.sources)
            let diagnostics = outcome.diagnostics.sortedByLocation()
            if !diagnostics.isEmpty { print(renderer.render(diagnostics, limitPerCode: output.limit)) }
            guard outcome.comparison != nil else {
                print(renderer.tally(diagnostics))
                throw ExitStatus.of(diagnostics, busy: outcome.isBusy, config: outcome.isConfigError) ?? ExitStatus.dataError.exit
            }
            print(BatchCorrection.text(outcome, month: m), terminator: "")
            if let status = ExitStatus.of(diagnostics) { throw status }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重新打开已关账的月份（记入审计日志）。 Reopen a closed month.")
        @Option(help: "月份，如 2020-12。 The month.") var month: YearMonth
        @Option(help: "原因（必填）。 Why (required).") var reason: String
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withStoreErrors(output.language) {
                let m = month
                try project.openStore(output.language).reopen(month: m, actor: actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen", at: Run.now(), reason: PersonalData.maskByContent(reason))
                print(output.say("\(m.chineseDescription)已重新打开为草稿，原因已记入审计日志。", "\(m) is open again as a draft; the reason is in the audit log."))
            }
        }
    }
}

/// The month's report folder `batch show` checks, and why that one.
struct ReportPlace {
    var folder: String
    var zh: String
    var en: String

    static func of(run: RunRecord, out: String?, configured: String) -> ReportPlace {
        if let out {
            return ReportPlace(folder: ReportFolder.path(outFolder: out, month: run.month), zh: "--out 指定的文件夹", en: "the folder --out names")
        }
        let path = ReportFolder.path(outFolder: configured, month: run.month)
        if let stored = run.summary.reportFolder, stored != ReportFolder.absolute(path) {
            return ReportPlace(folder: stored, zh: "本次运行写报表的文件夹", en: "where the run wrote its reports")
        }
        return ReportPlace(folder: path, zh: "报表文件夹，可用 --out 指定", en: "the reports folder; --out names another")
    }
}

/// Corrections as the clerk reads them in `batch run`, `batch show`.
enum CorrectionText {
    static func summary(_ c: StoredCorrection) -> String {
        let net = c.netEffect
        var s = "  更正 #\(c.id)  \(c.month.chineseDescription)  更正运行 #\(c.runID)（对比运行 #\(c.baseRunID)）  \(c.createdBy) 于 \(c.createdAt)  原因：\(c.reason)\n"
        s += "    \(c.lines.count) 项，\(Set(c.lines.map(\.cadreID)).count) 人，净额 \(net.fen >= 0 ? "+" : "")\(net.grouped) 元；"
        s += c.carriedBy.map { "由运行 #\($0)（\(c.carriedIn?.description ?? "")）补发补扣" } ?? "待下一个未关账月份补发补扣"
        return s
    }

    static func carried(_ p: CorrectionCarry.Prepared, month: YearMonth) -> String {
        var s = "  补发补扣：计入 \(p.corrections.count) 条更正（" + p.corrections.map { "#\($0.id) \($0.month.chineseDescription)" }.joined(separator: "、") + "）\n"
        for (c, l) in p.carried {
            s += "    \(l.cadreID) \(l.name)  \(l.label(month: c.month))  \(l.netEffect.fen >= 0 ? "+" : "")\(l.netEffect.grouped) 元  原因：\(c.reason)\n"
        }
        let sum = (p.carried + p.leavers).reduce(Money.zero) { $0 + $1.line.netEffect }
        s += "    合计（含补发名单）\(sum.fen >= 0 ? "+" : "")\(sum.grouped) 元 = 所计入更正运行的差额之和\n"
        if !p.leavers.isEmpty {
            s += "  已不在岗，列入补发名单（补扣的由财务追回）：\n"
            for (c, l) in p.leavers {
                s += "    \(l.cadreID) \(l.name)  \(l.label(month: c.month))  \(l.netEffect.fen >= 0 ? "+" : "")\(l.netEffect.grouped) 元\n"
            }
        }
        return s
    }
}

/// Columns padded to display width for terminal tables.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let n = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DiagnosticRenderer.displayWidth(c)) } }
        return rows.map { r in
            r.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - DiagnosticRenderer.displayWidth(c)) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}

/// The few lines a clerk reads after a run.
enum BatchSummaryText {
    static func render(month: YearMonth, runID: Int64, summary s: RunSummary, reports: [ReportKind: String], storePath: String,
                       timings: [(stage: BatchStage, seconds: Double)], language: Language) -> String {
        let zh = language == .zh
        let tiers = s.orderedTiers.map { "\($0.tier) \($0.count)" }.joined(separator: zh ? "、" : ", ")
        let total = timings.map(\.seconds).reduce(0, +)
        let rows = s.rowsUsed + s.rowsIgnored + s.rowsRejected
        let rate = Double(rows) / max(total, 0.001)
        var out: String
        if zh {
            out = "\(month.chineseDescription) 批处理完成：运行 #\(runID)（草稿）\n"
            out += "  干部 \(s.cadres) 人；数据行 使用 \(s.rowsUsed)、忽略 \(s.rowsIgnored)、拒绝 \(s.rowsRejected)\n"
            if s.rowsRejected > 0 {
                out += "  跳过有错误的行 \(s.rowsRejected) 行（--skip-invalid）：未计入本次运行，逐行见上面的错误和 核对.xlsx 的“拒收行”\n"
            }
            if let left = s.leftOut, !left.isEmpty {
                out += "  ！花名册行被拒收的 \(left.count) 人未计分、未计发（不在工资表和银行代发文件中），见 核对.xlsx 的“人数核对”：\n"
                for c in left {
                    out += "    \(c.id.isEmpty ? "（无工号）" : c.id) \(c.name)  \(c.place)  [\(c.codes.joined(separator: ", "))]\n"
                }
                out += "    改正花名册中这些行后，不加 --skip-invalid 重新运行本月\n"
            }
            out += "  积分合计 \(s.pointsTotal.shortDescription) 分；等次 \(tiers)\n"
            out += "  应发 \(s.gross.grouped) 元 − 扣款 \(s.deductions.grouped) 元 = 实发 \(s.net.grouped) 元（银行代发合计相同）\n"
            out += "  数据库：\(storePath)\n"
            if let any = reports.values.sorted().first {
                out += "  报表：\((any as NSString).deletingLastPathComponent)/（\(reports.count) 个）\n"
            }
            out += "  用时：" + timings.map { "\($0.stage.rawValue) \(String(format: "%.2f", $0.seconds)) 秒" }.joined(separator: "，")
            out += String(format: "\n  合计 %.2f 秒，每秒 %.0f 行；峰值内存 %@", total, rate, peakMemory())
        } else {
            out = "\(month) batch done: run #\(runID) (draft)\n"
            out += "  \(s.cadres) cadres; rows used \(s.rowsUsed), ignored \(s.rowsIgnored), rejected \(s.rowsRejected)\n"
            if s.rowsRejected > 0 {
                out += "  \(s.rowsRejected) row(s) with errors skipped (--skip-invalid): not in this run; each is listed above and in 核对.xlsx's 拒收行\n"
            }
            if let left = s.leftOut, !left.isEmpty {
                out += "  ! \(left.count) cadre(s) whose roster row was rejected are neither scored nor paid (not in the payroll or the bank file); see 核对.xlsx, 人数核对:\n"
                for c in left {
                    out += "    \(c.id.isEmpty ? "(no 工号)" : c.id) \(c.name)  \(c.file)\(c.sheet.map { "[\($0)]" } ?? "") line \(c.line)  [\(c.codes.joined(separator: ", "))]\n"
                }
                out += "    fix those roster rows and run the month again without --skip-invalid\n"
            }
            out += "  points total \(s.pointsTotal.shortDescription); tiers \(tiers)\n"
            out += "  gross \(s.gross.grouped) − deductions \(s.deductions.grouped) = net \(s.net.grouped) (the bank file's total is the same)\n"
            out += "  store: \(storePath)\n"
            if let any = reports.values.sorted().first {
                out += "  reports: \((any as NSString).deletingLastPathComponent)/ (\(reports.count))\n"
            }
            out += "  time: " + timings.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
            out += String(format: "\n  total %.2f s, %.0f rows/s; peak memory %@", total, rate, peakMemory())
        }
        return out
    }

    /// The process's peak resident memory (VmHWM), as the kernel reports it.
    static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return "未知" }
        let kb = Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? 0
        return String(format: "%.0f MB", Double(kb) / 1024)
    }
}
