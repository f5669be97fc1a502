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

    @Option(help: "计入该数据库中本月采纳申诉的调整，与批处理一致。 Include the month's adjustments from accepted objections in this store, as the batch does.")
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
        if let store {
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
