import Diagnostics
import Exact
import Foundation
import Records
import Reports
import Store

/// Executes a batch someone asked for without running it: the portal's 重新计算, queued in
/// the store (`BatchRequest`) and executed by a separate `jifen batch work` process. The
/// month is run as `jifen batch run` would, with the request's actor, over the store's
/// data root, rules and report settings; progress and the outcome go to the request's row.
///
/// The month's data is read from `<data root>/<month>` when that folder exists, else from
/// the copies the month's current run stored (read into memory, never written out), so a
/// re-run still works after the source folder has been moved away.
public struct RequestWorker {
    public var storePath: String
    public var dataRoot: String
    public var rulesFolder: String
    public var outFolder: String
    public var settings = ReportSettings()
    /// `reports.tierOrder` of `jifen.json`, checked against the rules by the batch (C0007).
    public var tierOrder: ConfiguredTierOrder? = nil
    /// Applied to the runner before it runs: the caller's process-wide tuning (memory
    /// hand-back between stages), which a library does not decide.
    public var prepare: (inout BatchRunner) -> Void = { _ in }

    public init(storePath: String, dataRoot: String, rulesFolder: String, outFolder: String) {
        self.storePath = storePath
        self.dataRoot = dataRoot
        self.rulesFolder = rulesFolder
        self.outFolder = outFolder
    }

    /// Why a request could not be executed at all.
    public enum Failure: Error, Sendable {
        case notQueued(Int64)
        case store(String)
    }

    /// Claims request `id` and runs it; the request ends `done` with the run, or `failed`
    /// with a message staff can act on.
    public func execute(requestID id: Int64, now: @escaping () -> String = RequestWorker.timestamp) throws(Failure) -> BatchRequest {
        let store: RunStore
        let request: BatchRequest
        do {
            store = try RunStore(path: storePath)
            guard let claimed = try store.claimRequest(id: id, pid: ProcessInfo.processInfo.processIdentifier, at: now()) else {
                throw Failure.notQueued(id)
            }
            request = claimed
        } catch let f as Failure {
            throw f
        } catch {
            throw .store("\(error)")
        }
        func finish(_ runID: Int64?, _ message: String?) throws(Failure) -> BatchRequest {
            do {
                try store.finishRequest(id: id, runID: runID, message: message, at: now())
                return try store.batchRequest(id: id) ?? request
            } catch {
                throw .store("\(error)")
            }
        }
        guard let month = YearMonth(request.month) else { return try finish(nil, "请求的月份“\(request.month)”无效。") }
        let current: RunRecord?
        do { current = try store.currentRun(month: month) } catch { return try finish(nil, "无法读取数据库：\(error)") }
        guard let current else { return try finish(nil, "\(month.chineseDescription)还没有运行，请先在命令行运行 jifen batch run --month \(month)。") }
        guard current.state != .closed else {
            return try finish(nil, "\(month.chineseDescription)已关账（运行 #\(current.id)），不能重新计算。确需更正时，先用 jifen batch reopen --month \(month) --reason \"原因\" 重新打开。")
        }
        let folder = (dataRoot as NSString).appendingPathComponent(month.description)
        var isDir: ObjCBool = false
        // The month's files from the folder, else the run's stored inputs held in memory (the
        // objections' adjustments are prepared again from the store by the batch).
        var stored: InputSet? = nil
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) || !isDir.boolValue {
            do {
                stored = try StoredInputs.load(store: store, run: current).month
            } catch {
                return try finish(nil, "找不到数据文件夹，也无法取出运行 #\(current.id) 保存的输入文件。")
            }
        }

        var options = BatchOptions(month: month, dataFolder: stored?.folder ?? folder, rulesFolder: rulesFolder, storePath: storePath, outFolder: outFolder,
                                   actor: request.requestedBy, now: now())
        options.inputs = stored
        options.settings = settings
        options.tierOrder = tierOrder
        // Another batch (a clerk's CLI run) may hold the store for a while: wait for it.
        options.wait = 600
        var runner = BatchRunner(options: options)
        let progress = ProgressReporter(store: store, id: id)
        runner.progress = { stage in progress.stage(stage.rawValue) }
        runner.rowProgress = { rows in progress.rows(rows) }
        prepare(&runner)
        let outcome = runner.run()
        guard let runID = outcome.runID else {
            if outcome.isBusy {
                return try finish(nil, "另一个批处理一直占用数据库，请等它结束后再点“重新计算”。")
            }
            let errors = outcome.diagnostics.filter { $0.severity == .error }
            let shown = errors.prefix(5).map { "\($0.code) \($0.summary.zh)" + Self.place($0) }
            let more = errors.count > 5 ? "；另有 \(errors.count - 5) 个问题" : ""
            return try finish(nil, "重新计算未完成，本月运行没有改变：" + shown.joined(separator: "；") + more + "。")
        }
        try? store.audit(at: now(), actor: request.requestedBy, action: "rerun", month: month, runID: runID,
                         detail: "request #\(id) from the portal, replaces run #\(current.id); data from \(stored == nil ? "folder" : "stored inputs")")
        let warnings = outcome.diagnostics.filter { $0.severity == .error }.map { "\($0.code) \($0.summary.zh)" }
        let source = stored == nil ? "数据文件夹" : "运行 #\(current.id) 保存的输入文件"
        return try finish(runID, (["数据来自\(source)"] + warnings).joined(separator: "；"))
    }

    public static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }

    /// Where a diagnostic points, as a few words (file and line), for a message.
    public static func place(_ d: Diagnostic) -> String {
        switch d.location {
        case .row(let path, let line, _, _): "（\(FileName.of(path)) 第 \(line) 行）"
        case .cell(let path, _, let reference, _): "（\(FileName.of(path)) \(reference)）"
        case .file(let path) where !path.isEmpty: "（\(FileName.of(path))）"
        default: ""
        }
    }
}

/// Writes the worker's progress to its request, at most once a second for rows.
final class ProgressReporter: @unchecked Sendable {
    private let store: RunStore
    private let id: Int64
    private let lock = NSLock()
    private var current = ""
    private var last = Date.distantPast

    init(store: RunStore, id: Int64) {
        self.store = store
        self.id = id
    }

    func stage(_ name: String) {
        lock.lock()
        current = name
        last = Date()
        lock.unlock()
        try? store.reportProgress(id: id, stage: name, rows: nil)
    }

    func rows(_ n: Int) {
        lock.lock()
        let due = Date().timeIntervalSince(last) >= 1
        if due { last = Date() }
        let name = current
        lock.unlock()
        if due { try? store.reportProgress(id: id, stage: name, rows: n) }
    }
}
