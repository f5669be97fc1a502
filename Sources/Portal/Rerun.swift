import Diagnostics
import Exact
import Foundation
import HTTPTypes
import Hummingbird
import Store

extension PortalService {
    /// Queues a re-run of the month, as `jifen batch run` would run it, and starts a separate
    /// `jifen batch work` process to execute it: the web server never runs a batch itself.
    /// The new draft replaces the current draft or published run (kept as history) and
    /// includes every adjustment accepted for the month. A closed month is refused; a second
    /// press while one is queued or running returns that one.
    func rerun(_ v: Visitor, month: YearMonth) throws -> BatchRequest {
        guard let batch = config.batch, let executable = batch.executable else {
            throw Refusal.conflict("门户未配置数据文件夹、规则和批处理程序，不能重新计算；请在命令行运行 jifen batch run --month \(month)。")
        }
        guard let current = try store.currentRun(month: month) else { throw Refusal.notFound }
        guard current.state != .closed else {
            throw Refusal.conflict("\(month.chineseDescription)已关账（运行 #\(current.id)），不能重新计算。确需更正时，先用 jifen batch reopen --month \(month) --reason \"原因\" 重新打开。")
        }
        let (request, isNew) = try store.enqueueRerun(month: month, actor: v.actor, at: clock.timestamp)
        guard isNew else { return request }
        var arguments = ["batch", "work", "--request", String(request.id), "--store", store.path, "--data", batch.dataRoot,
                         "--rules", batch.rulesFolder, "--out", config.outFolder]
        if let configPath = batch.configPath { arguments += ["--config", configPath] }
        do {
            try WorkerProcesses.shared.start(executable: executable, arguments: arguments)
        } catch {
            try store.finishRequest(id: request.id, runID: nil, message: "无法启动计算进程（\(executable)）：\(error)", at: clock.timestamp)
            throw Refusal.conflict("无法启动计算进程，本月运行没有改变；请在命令行运行 jifen batch run --month \(month)。")
        }
        return request
    }
}

/// The worker processes this portal started, kept until they exit so that each is reaped.
final class WorkerProcesses: @unchecked Sendable {
    static let shared = WorkerProcesses()
    private let lock = NSLock()
    private var running: [ObjectIdentifier: Process] = [:]

    func start(executable: String, arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let key = ObjectIdentifier(p)
        p.terminationHandler = { [weak self] _ in
            guard let self else { return }
            self.lock.lock()
            self.running[key] = nil
            self.lock.unlock()
        }
        lock.lock()
        running[key] = p
        lock.unlock()
        do {
            try p.run()
        } catch {
            lock.lock()
            running[key] = nil
            lock.unlock()
            throw error
        }
    }
}

extension PortalService {
    /// A month's run page for staff: state, totals, adjustments and the re-run button, then
    /// the communities (and one community's cadres).
    /// `request`: the re-run staff just asked for, whose progress or outcome the page shows
    /// (and reloads itself while it runs).
    func runPage(_ v: Visitor, month: YearMonth, community: String?, request requestID: Int64? = nil, message: String? = nil,
                 status: HTTPResponse.Status = .ok) throws -> Response {
        guard let run = try store.currentRun(month: month) else { throw Refusal.notFound }
        var request = try requestID.flatMap { try store.batchRequest(id: $0) }.flatMap { $0.month == month.description ? $0 : nil }
        if request == nil, let latest = try store.latestBatchRequest(month: month), !latest.isFinished { request = latest }
        let replaced = request?.state == .done && request?.runID == run.id ? try store.runs().first { $0.supersededBy == run.id } : nil
        let header = StaffPages.runHeader(run, replaced: replaced, adjustments: try store.adjustments(month: month), request: request,
                                          nav: nav(v), message: message)
        let rows = try community.map { try store.cadreSummaries(runID: run.id, community: $0) } ?? []
        return Self.html(StaffPages.cadres(month: month, communities: try store.communities(runID: run.id), community: community, rows: rows, nav: nav(v),
                                           header: header, refreshSeconds: request?.isFinished == false ? 2 : nil),
                         status: status)
    }
}
