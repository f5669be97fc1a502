import ArgumentParser
import Batch
import Diagnostics
import Exact
import Foundation
import Pay
import Results
import RulesLanguage
import Store

/// `jifen explain --cadre 工号 --month 2020-12 DATA_DIR`: every point and every yuan of one cadre.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "解释一名干部本月的每一分积分和每一元报酬。 Explain one cadre's points and pay.")

    @Argument(help: "月份数据文件夹。 The month folder.")
    var folder: String

    @Option(help: "工号。 The cadre's id.")
    var cadre: String

    @OptionGroup var month: MonthOption
    @OptionGroup var rulesOption: RulesOption
    @OptionGroup var output: OutputOptions

    @Option(help: "输出格式 text 或 json。 Output format: text or json.")
    var format: Format = .text

    @Option(help: "数据库（默认 jifen.json 的 store，否则 store/jifen.sqlite，存在时读取）：本年此前各月的累计数（个税累计预扣）、本月采纳申诉的调整和补发补扣，与批处理一致。 The store (default: jifen.json's store, else store/jifen.sqlite, when it exists): the year to date, accepted objections' adjustments and corrections, as the batch uses them.")
    var store: String?

    @OptionGroup var configOption: ConfigOption

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let month = try self.month.resolve(folder: folder)
        let loaded = try RulesOption.load(path: configOption.rulesFolder(rulesOption.path), language: output.language)
        var evaluation = MonthEvaluation(rules: loaded.rules, month: month)
        var extra: StoredAdjustments.Prepared? = nil
        // With a store, the year to date its earlier months hold, as the batch uses it: the
        // income tax of February on withholds on the whole year's income, not this month's.
        var prior: [String: YearToDate] = [:]
        var corrections: [StoredCorrection] = []
        // The project's store, as `batch run` finds it: `--store`, else jifen.json's, else the
        // default, when that file exists. A store named by --store must exist (S0017).
        let storePath = store ?? configOption.project.store ?? "store/jifen.sqlite"
        let useStore = store != nil || FileManager.default.fileExists(atPath: storePath)
        if useStore {
            let store = storePath
            do {
                let runs = try RunStore(path: store, creating: false)
                prior = try runs.yearToDate(before: month)
                evaluation.previousYear = try runs.yearEnd(of: month.year - 1)
                evaluation.previousYearAnnual = try runs.closedYearPay(of: month.year - 1)
                extra = try StoredAdjustments.prepare(store: runs, rules: loaded.rules, month: month)
                // Corrections of closed months this month pays, as the batch carries them.
                corrections = try CorrectionCarry.forMonth(store: runs, month: month)
            } catch let e as StoredAdjustmentsError {
                print(DiagnosticRenderer(language: output.language).render(e.diagnostic))
                throw ExitStatus.dataError.exit
            } catch let e as StoreError {
                print(DiagnosticRenderer(language: output.language).render(e.diagnostic))
                throw ExitStatus.dataError.exit
            }
        }
        evaluation.extraAdjustments = extra?.rows
        evaluation.corrections = corrections
        let outcome = evaluation.run(folder: folder, prior: prior)
        guard let results = outcome.results else {
            let renderer = DiagnosticRenderer(language: output.language)
            print(renderer.render(outcome.diagnostics.sortedByLocation(), limitPerCode: output.limit))
            print(renderer.tally(outcome.diagnostics))
            throw ExitStatus.dataError.exit
        }
        guard let result = results.cadres.first(where: { $0.cadreID == cadre }) else {
            let unknown = CadreLookup.unknown(cadre, month: month, folder: folder, employed: results.cadres.map(\.cadreID),
                                              roster: outcome.check.roster.cadres)
            print(DiagnosticRenderer(language: output.language).render(unknown))
            throw ExitStatus.dataError.exit
        }
        // Without the earlier months (no store, or none of them in it) and without an opening
        // file, the cumulative withholding starts the year from nothing: for a month after
        // January the tax and net shown may not be what the batch pays. Said first, and on
        // standard error for JSON so the document stays valid.
        if month.month > 1, prior.isEmpty, outcome.opening.isEmpty {
            let warning = useStore
                ? output.say(
                    "注意：数据库 \(storePath) 中没有本年此前月份的运行，\(folder) 中也没有期初余额文件：本年此前的累计收入、社保、专项附加和已预扣税额都按 0 计算。批处理遇到这种情况会停止（S0007），除非运行时加了 --no-earlier-income 说明干部本年此前没有收入；否则下面的个人所得税和实发金额不是应发放的数。",
                    "note: the store \(storePath) has no earlier month of the year and \(folder) no opening file: the year to date counts as nothing. The batch stops there (S0007) unless run with --no-earlier-income; otherwise the tax and net below are not what is due.")
                : output.say(
                    "注意：没有找到数据库 \(storePath)，本年此前月份（1 月至上月）的累计收入、社保、专项附加和已预扣税额都按 0 计算：下面的个人所得税和实发金额不是批处理实际发放的数。用 --store 指定数据库（或在 jifen.json 中写明 \"store\"）后再解释。",
                    "note: no store at \(storePath): the year to date before this month counts as nothing, so the income tax and net pay below are not what the batch pays. Name the store with --store (or \"store\" in jifen.json).")
            if format == .json {
                FileHandle.standardError.write(Data((warning + "\n").utf8))
            } else {
                print(warning + "\n")
            }
        }
        switch format {
        case .text:
            print(Explanation(language: output.language == .zh ? .zh : .en).render(result, month: month), terminator: "")
            let carried = CorrectionCarry.explanation(cadreID: cadre, corrections: corrections, english: output.language != .zh)
            if !carried.isEmpty { print("\n" + carried, terminator: "") }
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }
    }
}
