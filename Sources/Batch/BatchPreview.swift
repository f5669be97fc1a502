import Diagnostics
import Exact
import Foundation
import Records
import Results
import RulesLanguage
import Store

/// What a rules change would do to a month already run: the month's stored inputs are
/// evaluated under the new rules and compared with the stored results. Nothing is stored.
public enum BatchPreview {
    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic] = []
        public var sources: [SourceFile] = []
        public var comparison: RunComparison?
        public var runID: Int64?
    }

    public static func run(store: RunStore, month: YearMonth, rulesFolder: String) -> Outcome {
        var out = Outcome()
        do {
            guard let run = try store.currentRun(month: month) else { throw StoreError.noRun(month) }
            out.runID = run.id
            let loaded = try LoadedRules.load(directory: rulesFolder)
            out.sources = loaded.project.sources
            if loaded.hasErrors {
                out.diagnostics = loaded.diagnostics
                return out
            }
            // The month exactly as it was run: its data files come back out of the store,
            // held in memory; the objections' adjustments are read after them, as the run read them.
            let stored = try StoredInputs.load(store: store, run: run)
            let prior = try store.yearToDate(before: month)
            var evaluation = MonthEvaluation(rules: loaded.rules, month: month)
            evaluation.previousYear = try store.yearEnd(of: month.year - 1)
            evaluation.previousYearAnnual = try store.closedYearPay(of: month.year - 1)
            evaluation.keepRecords = false
            evaluation.extraAdjustments = stored.adjustments
            let outcome = evaluation.run(inputs: stored.month, prior: prior)
            out.diagnostics = outcome.diagnostics
            guard let results = outcome.results else { return out }
            let before = try store.results(runID: run.id, detail: .lines)
            out.comparison = RunComparison(before: before, after: results, rulesChanged: loaded.rules.hash != run.rulesHash, dataChanged: [])
        } catch let e as StoreError {
            out.diagnostics.append(e.diagnostic)
        } catch {
            out.diagnostics.append(StoreError.database("\(error)").diagnostic)
        }
        return out
    }
}
