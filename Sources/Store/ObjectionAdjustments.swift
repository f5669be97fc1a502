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
    ///
    /// With `needsSecondApproval` the adjustment is stored awaiting another staff member's
    /// approval (`approveAdjustment`); runs leave it out until then.
    @discardableResult
    public func acceptObjection(id: Int64, _ acceptance: Acceptance, reply: String, actor: String, at: String,
                                needsSecondApproval: Bool = false) throws(PortalStoreError) -> Int64? {
        try portalWrite { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM objection WHERE id = ?", arguments: [id]) else { throw PortalStoreError.objectionNotFound(id) }
            let current = ObjectionState(rawValue: row["state"]) ?? .open
            guard current == .open else { throw PortalStoreError.objectionNotOpen(id, current) }
            let month: String = row["month"], cadreID: String = row["cadreID"]
            var adjustmentID: Int64? = nil
            let detail: String
            switch acceptance {
            case .adjustment(let points, let amount, let reason, let approver):
                let state = try String.fetchOne(db, sql: "SELECT state FROM run WHERE month = ? AND state NOT IN ('superseded', 'correction')", arguments: [month])
                if state == RunState.closed.rawValue { throw PortalStoreError.monthClosed(month) }
                try db.execute(sql: """
                    INSERT INTO objectionAdjustment (objectionID, month, cadreID, points, amountFen, reason, approver, createdAt,
                                                     needsSecondApproval, acceptedBy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, month, cadreID, points?.description, amount?.fen, reason, approver, at, needsSecondApproval, actor])
                adjustmentID = db.lastInsertedRowID
                try db.execute(sql: "UPDATE objection SET state = 'accepted', resolution = 'adjustment', reply = ?, repliedBy = ?, repliedAt = ? WHERE id = ?",
                               arguments: [reply, actor, at, id])
                let parts = [points.map { "points \($0.shortDescription)" }, amount.map { "amount \($0.fixed.description)" }].compactMap { $0 }
                detail = "#\(id) \(cadreID) \(row["reference"] as String) adjustment \(parts.joined(separator: " ")): \(reason)"
                    + (needsSecondApproval ? " (awaiting a second approval)" : "")
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
                             WHERE ra.adjustmentID = a.id AND r.state NOT IN ('superseded', 'correction')) AS includedIn
                FROM objectionAdjustment a WHERE a.month = ? ORDER BY a.id
                """, arguments: [month.description]).map { r in
                ObjectionAdjustment(id: r["id"], objectionID: r["objectionID"], month: r["month"], cadreID: r["cadreID"],
                                    points: (r["points"] as String?).flatMap { Fixed($0) }, amount: (r["amountFen"] as Int64?).map(Money.init(fen:)),
                                    reason: r["reason"], approver: r["approver"], createdAt: r["createdAt"], includedIn: r["includedIn"],
                                    awaitingApproval: Self.awaiting(r), secondApprover: r["secondApprover"])
            }
        }
    }

    /// Adjustments of every open month awaiting a second approval, oldest first.
    public func adjustmentsAwaitingApproval() throws(PortalStoreError) -> [(adjustment: ObjectionAdjustment, acceptedBy: String?)] {
        try portalRead { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM objectionAdjustment WHERE needsSecondApproval AND secondApprover IS NULL ORDER BY id
                """).map { r in
                (ObjectionAdjustment(id: r["id"], objectionID: r["objectionID"], month: r["month"], cadreID: r["cadreID"],
                                     points: (r["points"] as String?).flatMap { Fixed($0) }, amount: (r["amountFen"] as Int64?).map(Money.init(fen:)),
                                     reason: r["reason"], approver: r["approver"], createdAt: r["createdAt"], awaitingApproval: true),
                 r["acceptedBy"] as String?)
            }
        }
    }

    /// A second staff member approves an adjustment above the review line: from now on the
    /// month's runs include it. Refused for the staff member who accepted it, for one that
    /// needs no approval or has it already, and in a closed month. Audited.
    public func approveAdjustment(id: Int64, actor: String, displayName: String, at: String) throws(PortalStoreError) {
        try portalWrite { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT * FROM objectionAdjustment WHERE id = ?", arguments: [id]) else {
                throw PortalStoreError.adjustmentNotFound(id)
            }
            guard Self.awaiting(r) else { throw PortalStoreError.adjustmentNotAwaiting(id) }
            if (r["acceptedBy"] as String?) == actor { throw PortalStoreError.sameApprover(id) }
            let month: String = r["month"]
            let state = try String.fetchOne(db, sql: "SELECT state FROM run WHERE month = ? AND state NOT IN ('superseded', 'correction')", arguments: [month])
            if state == RunState.closed.rawValue { throw PortalStoreError.monthClosed(month) }
            try db.execute(sql: "UPDATE objectionAdjustment SET secondApprover = ?, secondApprovedAt = ? WHERE id = ?", arguments: [displayName, at, id])
            let runID = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE month = ? AND state NOT IN ('superseded', 'correction')", arguments: [month])
            try Self.audit(db, at: at, actor: actor, action: "adjustment-approved", month: month, runID: runID, reason: nil,
                           detail: "adjustment #\(id) of objection #\(r["objectionID"] as Int64) approved second (accepted by \(r["acceptedBy"] as String? ?? "?"))")
        }
    }

    static func awaiting(_ r: Row) -> Bool {
        (r["needsSecondApproval"] as Bool? ?? false) && (r["secondApprover"] as String?) == nil
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
          a.approver AS adjApprover, a.createdAt AS adjCreatedAt, a.needsSecondApproval AS adjNeeds, a.secondApprover AS adjSecond,
          (SELECT ra.runID FROM runAdjustment ra JOIN run r ON r.id = ra.runID WHERE ra.adjustmentID = a.id AND r.state NOT IN ('superseded', 'correction')) AS adjRunID
        FROM objection o LEFT JOIN objectionAdjustment a ON a.objectionID = o.id
        """

    static func objectionAdjustment(_ r: Row) -> ObjectionAdjustment? {
        guard let id = r["adjID"] as Int64? else { return nil }
        return ObjectionAdjustment(
            id: id, objectionID: r["id"], month: r["month"], cadreID: r["cadreID"], points: (r["adjPoints"] as String?).flatMap { Fixed($0) },
            amount: (r["adjAmountFen"] as Int64?).map(Money.init(fen:)), reason: r["adjReason"], approver: r["adjApprover"],
            createdAt: r["adjCreatedAt"], includedIn: r["adjRunID"],
            awaitingApproval: (r["adjNeeds"] as Bool? ?? false) && (r["adjSecond"] as String?) == nil, secondApprover: r["adjSecond"])
    }
}
