import CSupport
import Diagnostics
import Exact
import Foundation
import Store

/// A month's report folder (`<out>/<month>/`), replaced whole and never half.
///
/// Reports are written into a staging folder beside it (`<out>/.staging-<month>-<run>-<pid>`).
/// When every workbook is written, a marker file naming the run is written last (`sealed`);
/// once the run is committed to the store the staging folder is exchanged with the month's
/// folder in one `renameat2(RENAME_EXCHANGE)` and the old set, now in the staging path, is
/// deleted. A `kill -9` at any point therefore leaves `<out>/<month>/` holding either the old
/// run's complete set or the new run's, and at most a staging folder, which `recover` finishes
/// (a sealed set of the store's current run) or deletes (anything else) on the next command.
/// The marker stays in the month's folder so that `batch show` can say whose reports they are.
public enum ReportFolder {
    /// The file in a report folder that names the run its reports belong to.
    public static let markerName = ".jifen-run"
    static let stagingPrefix = ".staging-"

    /// Where a run's reports are written before they replace the month's.
    static func stagingPath(outFolder: String, month: YearMonth, runID: Int64) -> String {
        let parent = outFolder.isEmpty ? "." : outFolder
        return parent + "/" + stagingPrefix + "\(month)-\(runID)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Marks a staging folder complete: every report is written (and flushed) before this.
    static func seal(_ staging: String, runID: Int64, month: YearMonth) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: staging) { sync(staging + "/" + name) }
        let marker = staging + "/" + markerName
        try Data("run \(runID)\nmonth \(month)\n".utf8).write(to: URL(fileURLWithPath: marker))
        sync(marker)
        sync(staging)
    }

    /// Puts a sealed staging folder in the month folder's place in one step, then deletes
    /// what was there.
    static func install(_ staging: String, as folder: String) throws {
        let parent = (folder as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
            if jifen_exchange_paths(staging, folder) != 0 {
                // A file system that cannot exchange: move the old set aside first. A crash
                // between the two renames leaves no month folder and a sealed staging folder,
                // which `recover` puts in place.
                let aside = staging + ".old"
                guard rename(folder, aside) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                guard rename(staging, folder) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                try? FileManager.default.removeItem(atPath: aside)
                sync(parent.isEmpty ? "." : parent)
                return
            }
            sync(parent.isEmpty ? "." : parent)
            try? FileManager.default.removeItem(atPath: staging)
        } else {
            guard rename(staging, folder) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            sync(parent.isEmpty ? "." : parent)
        }
    }

    /// The run a report folder (or a staging folder) holds; nil if it names none (written
    /// before this marker existed, or not sealed).
    public static func runID(in folder: String) -> Int64? {
        guard let text = try? String(contentsOfFile: folder + "/" + markerName, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("run ") {
            return Int64(line.dropFirst(4))
        }
        return nil
    }

    static func month(in folder: String) -> YearMonth? {
        guard let text = try? String(contentsOfFile: folder + "/" + markerName, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("month ") {
            return YearMonth(String(line.dropFirst(6)))
        }
        return nil
    }

    /// What `recover` did with one staging folder.
    public enum Recovery: Sendable, Equatable {
        /// A sealed set of the month's current run, whose rename a crash interrupted: put in place.
        case finished(month: String, runID: Int64)
        /// Unsealed, of a run the store does not have, or of a run no longer current: deleted.
        case removed(path: String)
    }

    /// Finishes or cleans what an interrupted batch left in `outFolder`. Call it holding the
    /// store's run lock, so that no batch is writing a staging folder at the same time.
    @discardableResult
    public static func recover(outFolder: String, store: RunStore) -> [Recovery] {
        let parent = outFolder.isEmpty ? "." : outFolder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var done: [Recovery] = []
        for name in names.sorted() where name.hasPrefix(stagingPrefix) {
            let staging = parent + "/" + name
            if !name.hasSuffix(".old"), let run = runID(in: staging), let month = month(in: staging),
               let current = try? store.currentRun(month: month), current.id == run {
                let folder = parent + "/" + month.description
                if runID(in: folder) != run, (try? install(staging, as: folder)) != nil {
                    done.append(.finished(month: month.description, runID: run))
                    continue
                }
            }
            try? FileManager.default.removeItem(atPath: staging)
            done.append(.removed(path: staging))
        }
        return done
    }

    /// `recover`, when no batch holds the store (a running batch's staging folder is its
    /// own); nothing when one does. For commands that only read the store.
    @discardableResult
    public static func recoverIfIdle(storePath: String, outFolder: String, store: RunStore) -> [Recovery] {
        guard let lock = try? RunLock(storePath: storePath, holder: "pid \(ProcessInfo.processInfo.processIdentifier) recover", wait: 0) else {
            return []
        }
        return withExtendedLifetime(lock) { recover(outFolder: outFolder, store: store) }
    }

    /// `problem` as an error, for a command that throws (`jifen report --run`).
    public struct Unusable: Error {
        public var diagnostic: Diagnostic
    }

    /// Why the reports cannot go to `outFolder` (and into `<outFolder>/<subfolder>/`, the
    /// month's or the year's folder, when given), or nil when they can: `outFolder` must be a
    /// folder jifen may write in (the staging folder is made there), or one it can make; the
    /// subfolder, when it exists, a folder. Checked before a command reads any data, so that
    /// an `--out` (or jifen.json `out`) that cannot take the reports stops it before anything
    /// is stored (C0008; the CLI exits 78, as for an error in the config). Only looks: makes
    /// nothing.
    public static func problem(outFolder: String, subfolder: String? = nil) -> Diagnostic? {
        let out = outFolder.isEmpty ? "." : outFolder
        func kind(_ path: String) -> Bool? {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
            return isDirectory.boolValue
        }
        func writable(_ path: String) -> Bool { access(path, W_OK | X_OK) == 0 }
        func refuse(_ zh: String, _ en: String, help: Localized? = nil) -> Diagnostic {
            Diagnostic(.error, code: "C0008", at: .file(path: ""), summary: Localized(zh: zh, en: en),
                       help: help ?? Localized(zh: "用 --out（或 jifen.json 的 out）指定一个可以写入的文件夹，如 out；本次没有读取数据，也没有保存任何内容。",
                                               en: "Point --out (or jifen.json's out) at a folder jifen may write in, such as out; no data was read and nothing was stored."))
        }
        switch kind(out) {
        case false?:
            return refuse("报表输出文件夹 \(out) 是一个文件，不是文件夹", "the reports folder \(out) is a file, not a folder")
        case true?:
            guard writable(out) else {
                return refuse("报表输出文件夹 \(out) 不允许写入", "the reports folder \(out) is not writable")
            }
            if let subfolder {
                let target = out + "/" + subfolder
                if kind(target) == false {
                    return refuse("\(target) 是一个文件，报表要写进同名的文件夹", "\(target) is a file; the reports go into a folder of that name",
                                  help: Localized(zh: "把这个文件改名或移走，或用 --out 指定别的文件夹；本次没有读取数据，也没有保存任何内容。",
                                                  en: "Rename or move the file, or point --out elsewhere; no data was read and nothing was stored."))
                }
            }
            return nil
        case nil:
            // Made when the reports are written: the nearest folder that exists must allow it.
            var ancestor = out
            while kind(ancestor) == nil {
                let up = (ancestor as NSString).deletingLastPathComponent
                ancestor = up.isEmpty ? "." : up
                if up.isEmpty || up == "/" { break }
            }
            if kind(ancestor) == false {
                return refuse("报表输出文件夹 \(out) 无法建立：\(ancestor) 是一个文件，不是文件夹",
                              "the reports folder \(out) cannot be made: \(ancestor) is a file, not a folder")
            }
            if !writable(ancestor) {
                return refuse("报表输出文件夹 \(out) 无法建立：\(ancestor) 不允许写入", "the reports folder \(out) cannot be made: \(ancestor) is not writable")
            }
            return nil
        }
    }

    /// Whether `<out>/<month>/` holds the reports of `runID`: nil when the folder does not
    /// exist, false when it holds another run's or an unmarked set.
    public static func holds(runID run: Int64, outFolder: String, month: YearMonth) -> Bool? {
        holds(runID: run, folder: path(outFolder: outFolder, month: month))
    }

    /// Whether the month's report folder `folder` holds the reports of `runID`.
    public static func holds(runID run: Int64, folder: String) -> Bool? {
        guard FileManager.default.fileExists(atPath: folder) else { return nil }
        return runID(in: folder) == run
    }

    /// `<out>/<month>`.
    public static func path(outFolder: String, month: YearMonth) -> String {
        (outFolder.isEmpty ? "." : outFolder) + "/" + month.description
    }

    /// `path` from the root, as a run keeps it (`RunSummary.reportFolder`).
    public static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func sync(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
