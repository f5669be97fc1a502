import Foundation
import Reports
import Results
import Store

/// A month's reports written on a background thread into a staging folder, then moved into
/// the month's report folder once the run they belong to is stored.
///
/// The batch starts writing while it stores the run (the two stages use different cores and
/// the reports need nothing from the store but the run's id); if storing fails the staged
/// files are dropped, so a report folder never shows a run the store does not have.
struct ReportWriting: Sendable {
    var results: MonthResults
    var summary: RunSummary
    var rejected: [StoredRejectedRow]
    var payees: [Payee]
    var settings: ReportSettings
    /// `<out>/<month>`: where the reports end up.
    var folder: String
    var only: Set<ReportKind>?

    /// Starts writing the reports of `run` into a staging folder beside `folder`.
    func start(run: ReportRun) -> Job {
        let parent = (folder as NSString).deletingLastPathComponent
        let staging = (parent.isEmpty ? "." : parent) + "/.staging-\((folder as NSString).lastPathComponent)-\(ProcessInfo.processInfo.processIdentifier)-\(run.id)"
        let job = Job(run: run, staging: staging, folder: folder)
        let write = self
        job.thread = Thread {
            try? FileManager.default.removeItem(atPath: staging)
            let result: Result<[ReportKind: String], ReportError>
            do throws(ReportError) {
                result = .success(try ReportSet.write(
                    results: write.results, summary: write.summary, run: run, rejected: write.rejected, payees: write.payees,
                    settings: write.settings, to: staging, only: write.only))
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

        /// Waits for the reports and moves them into the month's folder, replacing the
        /// files of an earlier run one by one (`rename` is atomic per file).
        func finish() -> Result<[ReportKind: String], ReportError> {
            finished.wait()
            defer { try? FileManager.default.removeItem(atPath: staging) }
            guard case .success(let staged)? = result else {
                return result ?? .failure(.cannotCreateFolder(path: folder, reason: "reports were not written"))
            }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                return .failure(.cannotCreateFolder(path: folder, reason: error.localizedDescription))
            }
            var moved: [ReportKind: String] = [:]
            for (kind, path) in staged.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let target = (folder as NSString).appendingPathComponent(kind.fileName)
                if rename(path, target) != 0 {
                    return .failure(.cannotWrite(path: target, reason: String(cString: strerror(errno))))
                }
                moved[kind] = target
            }
            return .success(moved)
        }

        /// Waits for the writing to end and drops what it wrote.
        func discard() {
            finished.wait()
            try? FileManager.default.removeItem(atPath: staging)
        }
    }
}
