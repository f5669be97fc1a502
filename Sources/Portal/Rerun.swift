import Batch
import Diagnostics
import Exact
import Foundation
import HTTPTypes
import Hummingbird
import Records
import Results
import Store

/// What a re-run from the portal produced: the new draft and the run it replaced.
struct RerunOutcome: Sendable, Encodable {
    var month: String
    var runID: Int64
    var replaced: Int64
    /// Where the month's data came from: the data folder, or the replaced run's stored copies.
    var dataSource: String
    var adjustments: Int
    var summary: RunSummary
    /// Problems that did not stop the run (reports not written, say).
    var warnings: [String]
}

extension PortalService {
    /// Runs the month's batch again, as `jifen batch run` would, over the portal's store:
    /// a new draft replaces the current draft or published run (kept as history) and
    /// includes every adjustment accepted for the month. A closed month is refused; another
    /// batch holding the store is reported as busy.
    ///
    /// The month's data is read from `<data root>/<month>` when that folder exists, else
    /// from the copies the replaced run stored, so a re-run still works after the source
    /// folder has been moved away.
    func rerun(_ v: Visitor, month: YearMonth) async throws -> RerunOutcome {
        guard let batch = config.batch else {
            throw Refusal.conflict("门户未配置数据文件夹和规则，不能重新计算；请在命令行运行 jifen batch run --month \(month)。")
        }
        guard let current = try store.currentRun(month: month) else { throw Refusal.notFound }
        guard current.state != .closed else {
            throw Refusal.conflict("\(month.chineseDescription)已关账（运行 #\(current.id)），不能重新计算。确需更正时，先用 jifen batch reopen --month \(month) --reason \"原因\" 重新打开。")
        }
        var folder = (batch.dataRoot as NSString).appendingPathComponent(month.description)
        var isDir: ObjCBool = false
        var temporary: String? = nil
        var dataSource = "数据文件夹 \(folder)"
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) || !isDir.boolValue {
            let root = NSTemporaryDirectory() + "jifen-rerun-\(UUID().uuidString)"
            folder = root + "/" + month.description
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for input in current.inputs where input.role == "data" && input.name != StoredAdjustments.fileName {
                    try store.exportBlob(sha256: input.sha256, to: folder + "/" + input.name)
                }
            } catch {
                try? FileManager.default.removeItem(atPath: root)
                throw Refusal.conflict("找不到数据文件夹，也无法取出运行 #\(current.id) 保存的输入文件。")
            }
            temporary = root
            dataSource = "运行 #\(current.id) 保存的输入文件"
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }

        var options = BatchOptions(
            month: month, dataFolder: folder, rulesFolder: batch.rulesFolder, storePath: store.path, outFolder: config.outFolder,
            actor: v.actor, now: clock.timestamp)
        options.settings = batch.reportSettings
        let runOptions = options
        let outcome = try await Self.offload { BatchRunner(options: runOptions).run() }
        guard let runID = outcome.runID, let summary = outcome.summary else {
            if outcome.diagnostics.contains(where: { $0.code == "S0002" }) {
                throw Refusal.conflict("另一个批处理正在使用数据库，请等它结束后再点“重新计算”。")
            }
            let errors = outcome.diagnostics.filter { $0.severity == .error }
            let shown = errors.prefix(5).map { "\($0.code) \($0.summary.zh)" + Self.place($0) }
            let more = errors.count > 5 ? "；另有 \(errors.count - 5) 个问题" : ""
            throw Refusal.conflict("重新计算未完成，本月运行没有改变：" + shown.joined(separator: "；") + more + "。")
        }
        try store.audit(at: clock.timestamp, actor: v.actor, action: "rerun", month: month, runID: runID,
                        detail: "from the portal, replaces run #\(current.id); data from \(temporary == nil ? "folder" : "stored inputs")")
        let adjustments = try store.adjustments(month: month).filter { $0.includedIn == runID }.count
        let warnings = outcome.diagnostics.filter { $0.severity == .error }.map { "\($0.code) \($0.summary.zh)" }
        return RerunOutcome(month: month.description, runID: runID, replaced: current.id, dataSource: dataSource, adjustments: adjustments,
                            summary: summary, warnings: warnings)
    }

    /// Where a diagnostic points, as a few words (file and line), for a message.
    static func place(_ d: Diagnostic) -> String {
        switch d.location {
        case .row(let path, let line, _, _): "（\(FileName.of(path)) 第 \(line) 行）"
        case .cell(let path, _, let reference, _): "（\(FileName.of(path)) \(reference)）"
        case .file(let path) where !path.isEmpty: "（\(FileName.of(path))）"
        default: ""
        }
    }
}

extension PortalService {
    /// A month's run page for staff: state, totals, adjustments and the re-run button, then
    /// the communities (and one community's cadres).
    func runPage(_ v: Visitor, month: YearMonth, community: String?, rerun: Int64?, message: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let run = try store.currentRun(month: month) else { throw Refusal.notFound }
        let replaced = rerun == run.id ? try store.runs().first { $0.supersededBy == run.id } : nil
        let header = StaffPages.runHeader(run, replaced: replaced, adjustments: try store.adjustments(month: month), nav: nav(v), message: message)
        let rows = try community.map { try store.cadreSummaries(runID: run.id, community: $0) } ?? []
        return Self.html(StaffPages.cadres(month: month, communities: try store.communities(runID: run.id), community: community, rows: rows, nav: nav(v), header: header),
                         status: status)
    }
}
