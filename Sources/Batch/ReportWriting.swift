import Foundation
import Reports
import Results
import Store

/// A month's reports written on a background thread into a staging folder, then moved into
/// the month's report folder.
///
/// The batch writes them once the run is stored (the store stage has the cores to itself);
/// the staged set is sealed with the run's id, so a report folder never shows a run the
/// store does not have.
struct ReportWriting: Sendable {
    var results: MonthResults
    var summary: RunSummary
    var rejected: [StoredRejectedRow]
    var payees: [Payee]
    var settings: ReportSettings
    /// Reports go to `<outFolder>/<month>/`.
    var outFolder: String
    var only: Set<ReportKind>?
    /// 补发/补扣 the run carries, for the pay slips and the 补发名单.
    var corrections: CorrectionReport? = nil

    /// Starts writing the reports of `run` into a staging folder beside the month's
    /// (`ReportFolder`).
    func start(run: ReportRun) -> Job {
        let staging = ReportFolder.stagingPath(outFolder: outFolder, month: run.month, runID: run.id)
        let folder = outFolder + "/" + run.month.description
        let job = Job(run: run, staging: staging, folder: folder)
        let write = self
        job.thread = Thread {
            try? FileManager.default.removeItem(atPath: staging)
            let result: Result<[ReportKind: String], ReportError>
            do throws(ReportError) {
                let paths = try ReportSet.write(
                    results: write.results, summary: write.summary, run: run, rejected: write.rejected, payees: write.payees,
                    settings: write.settings, to: staging, only: write.only, corrections: write.corrections)
                // Sealed as soon as the set is complete, whether or not the run is committed
                // yet: after a crash, `ReportFolder.recover` installs a sealed set of the
                // store's current run and deletes any other.
                do {
                    try ReportFolder.seal(staging, runID: run.id, month: run.month)
                } catch {
                    throw ReportError.cannotWrite(path: staging, reason: FileFailure.reason(error))
                }
                result = .success(paths)
            } catch {
                result = .failure(error)
            }
            job.done(result)
        }
        job.thread?.stackSize = 8 << 20
        job.thread?.start()
        return job
    }

    /// Reports being written for one run.
    final class Job: @unchecked Sendable {
        let run: ReportRun
        let staging: String
        let folder: String
        fileprivate var thread: Thread?
        private let finished = DispatchSemaphore(value: 0)
        private var result: Result<[ReportKind: String], ReportError>?

        fileprivate init(run: ReportRun, staging: String, folder: String) {
            self.run = run
            self.staging = staging
            self.folder = folder
        }

        fileprivate func done(_ r: Result<[ReportKind: String], ReportError>) {
            result = r
            finished.signal()
        }

        /// Replaces the month's report folder with the sealed staging folder in one step.
        func install(_ staged: [ReportKind: String]) -> Result<[ReportKind: String], ReportError> {
            do {
                try ReportFolder.install(staging, as: folder)
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                return .failure(.cannotWrite(path: folder, reason: FileFailure.reason(error)))
            }
            var moved: [ReportKind: String] = [:]
            for (kind, path) in staged { moved[kind] = (folder as NSString).appendingPathComponent((path as NSString).lastPathComponent) }
            return .success(moved)
        }

        /// Waits for the sealed reports and puts them in place.
        func finish() -> Result<[ReportKind: String], ReportError> {
            finished.wait()
            guard case .success(let staged)? = result else {
                try? FileManager.default.removeItem(atPath: staging)
                return result ?? .failure(.cannotCreateFolder(path: folder, reason: "reports were not written"))
            }
            return install(staged)
        }
    }
}
