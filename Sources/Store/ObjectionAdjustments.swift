import Exact
import Foundation
import GRDB

/// Accepting objections, and the adjustments an acceptance stores for the month's next run.
///
/// An adjustment stays with its month: every run of the month from then on includes it (a
/// second re-run must not drop the first one's correction), and `runAdjustment` records
/// which run included which adjustment at which line of its `申诉调整.csv` input.
extension RunStore {
    /// Accepts an open objection with staff's reply, storing its adjustment or the data fix
    /// promised, in one transaction. Audited with the reply and what was accepted. Refuses
    /// an adjustment when the month is closed.
    ///
    /// - Returns: the stored adjustment's id, for an adjustment.
    @discardableResult
    public func acceptObjection(id: Int64, _ acceptance: Acceptance, reply: String, actor: String, at: String) throws(PortalStoreError) -> Int64? {
        try portalWrite { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM objection WHERE id = ?", arguments: [id]) else { throw PortalStoreError.objectionNotFound(id) }
            let current = ObjectionState(rawValue: row["state"]) ?? .open
            guard current == .open else { throw PortalStoreError.objectionNotOpen(id, current) }
            let month: String = row["month"], cadreID: String = row["cadreID"]
            var adjustmentID: Int64? = nil
            let detail: String
            switch acceptance {
            case .adjustment(let points, let amount, let reason, let approver):
                let state = try String.fetchOne(db, sql: "SELECT state FROM run WHERE month = ? AND state != 'superseded'", arguments: [month])
                if state == RunState.closed.rawValue { throw PortalStoreError.monthClosed(month) }
                try db.execute(sql: """
                    INSERT INTO objectionAdjustment (objectionID, month, cadreID, points, amountFen, reason, approver, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, month, cadreID, points?.description, amount?.fen, reason, approver, at])
                adjustmentID = db.lastInsertedRowID
                try db.execute(sql: "UPDATE objection SET state = 'accepted', resolution = 'adjustment', reply = ?, repliedBy = ?, repliedAt = ? WHERE id = ?",
                               arguments: [reply, actor, at, id])
                let parts = [points.map { "points \($0.shortDescription)" }, amount.map { "amount \($0.fixed.description)" }].compactMap { $0 }
                detail = "#\(id) \(cadreID) \(row["reference"] as String) adjustment \(parts.joined(separator: " ")): \(reason)"
            case .dataFix(let target):
                try db.execute(sql: "UPDATE objection SET state = 'accepted', resolution = 'dataFix', dataFix = ?, reply = ?, repliedBy = ?, repliedAt = ? WHERE id = ?",
                               arguments: [target, reply, actor, at, id])
                detail = "#\(id) \(cadreID) \(row["reference"] as String) data fix: \(target)"
            }
            try Self.audit(db, at: at, actor: actor, action: "objection-accepted", month: month, runID: row["runID"], reason: reply, detail: detail)
            return adjustmentID
        }
    }

    /// The month's adjustments from accepted objections, in the order they were accepted.
    public func adjustments(month: YearMonth) throws(PortalStoreError) -> [ObjectionAdjustment] {
        try portalRead { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, (SELECT ra.runID FROM runAdjustment ra JOIN run r ON r.id = ra.runID
                             WHERE ra.adjustmentID = a.id AND r.state != 'superseded') AS includedIn
                FROM objectionAdjustment a WHERE a.month = ? ORDER BY a.id
                """, arguments: [month.description]).map { r in
                ObjectionAdjustment(id: r["id"], objectionID: r["objectionID"], month: r["month"], cadreID: r["cadreID"],
                                    points: (r["points"] as String?).flatMap { Fixed($0) }, amount: (r["amountFen"] as Int64?).map(Money.init(fen:)),
                                    reason: r["reason"], approver: r["approver"], createdAt: r["createdAt"], includedIn: r["includedIn"])
            }
        }
    }

    /// How many of the month's adjustments the run does not include.
    static func pendingAdjustments(_ db: Database, month: YearMonth, runID: Int64) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM objectionAdjustment a
            WHERE a.month = ? AND NOT EXISTS (SELECT 1 FROM runAdjustment ra WHERE ra.adjustmentID = a.id AND ra.runID = ?)
            """, arguments: [month.description, runID]) ?? 0
    }

    /// Links a newly recorded run to the adjustments it included (inside `record`'s transaction).
    static func linkAdjustments(_ db: Database, runID: Int64, _ lines: [(adjustmentID: Int64, line: Int)]) throws {
        guard !lines.isEmpty else { return }
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO runAdjustment (runID, adjustmentID, line) VALUES (?, ?, ?)")
        for l in lines { try insert.execute(arguments: [runID, l.adjustmentID, l.line]) }
    }

    /// Objections with their adjustment and whether the month's current run includes it.
    static let objectionQuery = """
        SELECT o.*, a.id AS adjID, a.points AS adjPoints, a.amountFen AS adjAmountFen, a.reason AS adjReason,
          a.approver AS adjApprover, a.createdAt AS adjCreatedAt,
          (SELECT ra.runID FROM runAdjustment ra JOIN run r ON r.id = ra.runID WHERE ra.adjustmentID = a.id AND r.state != 'superseded') AS adjRunID
        FROM objection o LEFT JOIN objectionAdjustment a ON a.objectionID = o.id
        """

    static func objectionAdjustment(_ r: Row) -> ObjectionAdjustment? {
        guard let id = r["adjID"] as Int64? else { return nil }
        return ObjectionAdjustment(
            id: id, objectionID: r["id"], month: r["month"], cadreID: r["cadreID"], points: (r["adjPoints"] as String?).flatMap { Fixed($0) },
            amount: (r["adjAmountFen"] as Int64?).map(Money.init(fen:)), reason: r["adjReason"], approver: r["adjApprover"],
            createdAt: r["adjCreatedAt"], includedIn: r["adjRunID"])
    }
}
