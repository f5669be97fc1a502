import Diagnostics
import Exact
import Foundation
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
            // The month exactly as it was run: its data files come back out of the store.
            let folder = NSTemporaryDirectory() + "jifen-preview-\(UUID().uuidString)/\(month)"
            defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var extra: String? = nil
            for input in run.inputs where input.role == "data" {
                // The objections' adjustments are read after the files, as the run read them.
                if input.name == StoredAdjustments.fileName {
                    extra = (folder as NSString).deletingLastPathComponent + "/" + input.name
                    try store.exportBlob(sha256: input.sha256, to: extra!)
                    continue
                }
                try store.exportBlob(sha256: input.sha256, to: folder + "/" + input.name)
            }
            let prior = try store.yearToDate(before: month)
            var evaluation = MonthEvaluation(rules: loaded.rules, month: month)
            evaluation.keepRecords = false
            evaluation.extraAdjustments = extra
            let outcome = evaluation.run(folder: folder, prior: prior)
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
