import Exact
import Foundation
import GRDB

/// A month's batch asked for by someone who does not run it: the portal's 重新计算. The
/// portal only records the request (`enqueueRerun`) and starts a separate `jifen` process
/// that claims and executes it, so the web server never runs a batch, with its memory and
/// process-wide settings, in its own process. The row carries the progress the worker
/// reports and the outcome, for the portal to show.
public struct BatchRequest: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case queued, running, done, failed

        public var chineseName: String {
            switch self {
            case .queued: "排队中"
            case .running: "计算中"
            case .done: "已完成"
            case .failed: "未完成"
            }
        }
    }

    public var id: Int64
    public var month: String
    public var requestedBy: String
    public var requestedAt: String
    public var state: State
    /// The worker process, while it runs.
    public var pid: Int32?
    public var startedAt: String?
    public var finishedAt: String?
    /// The stage the worker reported last (`校验并计分`), and rows done in it.
    public var stage: String?
    public var rows: Int?
    /// The run it stored.
    public var runID: Int64?
    /// Why it failed, or what did not stop it (Chinese, for staff).
    public var message: String?

    public var isFinished: Bool { state == .done || state == .failed }
}

extension RunStore {
    static func batchRequest(_ r: Row) -> BatchRequest {
        BatchRequest(id: r["id"], month: r["month"], requestedBy: r["requestedBy"], requestedAt: r["requestedAt"],
                     state: BatchRequest.State(rawValue: r["state"]) ?? .failed, pid: (r["pid"] as Int64?).map { Int32(truncatingIfNeeded: $0) },
                     startedAt: r["startedAt"], finishedAt: r["finishedAt"], stage: r["stage"], rows: (r["rows"] as Int64?).map { Int($0) },
                     runID: r["runID"], message: r["message"])
    }

    /// Records a re-run of `month`; if one is already queued or running for the month, that
    /// one is returned instead (pressing the button twice starts one batch).
    public func enqueueRerun(month: YearMonth, actor: String, at: String) throws(PortalStoreError) -> (request: BatchRequest, isNew: Bool) {
        try portalWrite { db in
            try Self.failVanishedWorkers(db, at: at)
            if let r = try Row.fetchOne(db, sql: "SELECT * FROM batchRequest WHERE month = ? AND state IN ('queued', 'running') ORDER BY id LIMIT 1",
                                        arguments: [month.description]) {
                return (Self.batchRequest(r), false)
            }
            try db.execute(sql: "INSERT INTO batchRequest (month, requestedBy, requestedAt, state) VALUES (?, ?, ?, 'queued')",
                           arguments: [month.description, actor, at])
            let id = db.lastInsertedRowID
            try Self.audit(db, at: at, actor: actor, action: "rerun-requested", month: month.description, runID: nil, reason: nil, detail: "request #\(id)")
            return (Self.batchRequest(try Row.fetchOne(db, sql: "SELECT * FROM batchRequest WHERE id = ?", arguments: [id])!), true)
        }
    }

    /// The worker takes a queued request; nil when it is not queued (already taken, or gone).
    public func claimRequest(id: Int64, pid: Int32, at: String) throws(PortalStoreError) -> BatchRequest? {
        try portalWrite { db in
            try db.execute(sql: "UPDATE batchRequest SET state = 'running', pid = ?, startedAt = ? WHERE id = ? AND state = 'queued'",
                           arguments: [Int64(pid), at, id])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM batchRequest WHERE id = ?", arguments: [id]).map(Self.batchRequest)
        }
    }

    /// What the worker is doing, for the portal to show.
    public func reportProgress(id: Int64, stage: String, rows: Int?) throws(PortalStoreError) {
        try portalWrite { db in
            try db.execute(sql: "UPDATE batchRequest SET stage = ?, rows = ? WHERE id = ? AND state = 'running'",
                           arguments: [stage, rows.map { Int64($0) }, id])
        }
    }

    /// The request's outcome: the run it stored, or why it did not.
    public func finishRequest(id: Int64, runID: Int64?, message: String?, at: String) throws(PortalStoreError) {
        try portalWrite { db in
            try db.execute(sql: "UPDATE batchRequest SET state = ?, runID = ?, message = ?, finishedAt = ?, pid = NULL WHERE id = ?",
                           arguments: [runID == nil ? "failed" : "done", runID, message, at, id] as StatementArguments)
        }
    }

    public func batchRequest(id: Int64) throws(PortalStoreError) -> BatchRequest? {
        try portalWrite { db in
            try Self.failVanishedWorkers(db, at: ISO8601DateFormatter().string(from: Date()))
            return try Row.fetchOne(db, sql: "SELECT * FROM batchRequest WHERE id = ?", arguments: [id]).map(Self.batchRequest)
        }
    }

    /// The month's latest request, if any.
    public func latestBatchRequest(month: YearMonth) throws(PortalStoreError) -> BatchRequest? {
        try portalWrite { db in
            try Self.failVanishedWorkers(db, at: ISO8601DateFormatter().string(from: Date()))
            return try Row.fetchOne(db, sql: "SELECT * FROM batchRequest WHERE month = ? ORDER BY id DESC LIMIT 1",
                                    arguments: [month.description]).map(Self.batchRequest)
        }
    }

    /// A running request whose worker process is gone (killed, machine restarted) failed:
    /// otherwise the month would show 计算中 forever and refuse new requests.
    static func failVanishedWorkers(_ db: Database, at: String) throws {
        let running = try Row.fetchAll(db, sql: "SELECT id, pid FROM batchRequest WHERE state = 'running'")
        for r in running {
            guard let pid = r["pid"] as Int64? else { continue }
            if kill(pid_t(truncatingIfNeeded: pid), 0) != 0 && errno == ESRCH {
                try db.execute(sql: "UPDATE batchRequest SET state = 'failed', message = ?, finishedAt = ?, pid = NULL WHERE id = ?",
                               arguments: ["计算进程意外退出，本月运行没有改变；请重新计算。", at, r["id"] as Int64])
            }
        }
    }
}
