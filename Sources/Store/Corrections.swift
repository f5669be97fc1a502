import Exact
import Foundation
import GRDB

/// A pay line of one cadre that a correction of a closed month changed: the difference to
/// carry into a later month's pay (补发 when the cadre is owed more, 补扣 when overpaid).
public struct CorrectionLine: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An 应发项: a positive difference is paid (补发).
        case earning = "应发"
        /// A 扣款项: a positive difference is withheld (补扣).
        case deduction = "扣款"
    }

    public var cadreID: String
    /// The cadre's name as the corrected run has it.
    public var name: String
    /// The pay line that changed (`夜班补贴`).
    public var line: String
    public var kind: Kind
    /// Corrected minus paid, in the line's own sense: for an earning more pay, for a
    /// deduction more withheld.
    public var amount: Money
    /// Whether the cadre is on the roster of the month that carries the correction; one who
    /// left is listed on the 补发名单 instead.
    public var inPost: Bool

    public init(cadreID: String, name: String, line: String, kind: Kind, amount: Money, inPost: Bool) {
        self.cadreID = cadreID
        self.name = name
        self.line = line
        self.kind = kind
        self.amount = amount
        self.inPost = inPost
    }

    /// What the difference does to the cadre's net pay: positive is owed to them.
    public var netEffect: Money { kind == .earning ? amount : .zero - amount }

    /// 补发 when the cadre receives more, 补扣 when less.
    public var direction: String { netEffect.fen >= 0 ? "补发" : "补扣" }

    /// The line's name on a pay slip: `补发 2021年5月 夜班补贴`.
    public func label(month: YearMonth) -> String { "\(direction) \(month.chineseDescription) \(line)" }
}

/// What `jifen batch correct` hands the store with the correction run.
public struct NewCorrection: Sendable {
    public var reason: String
    /// The month's closed run, which stays as paid.
    public var closedRunID: Int64
    /// The run the differences are taken against: the closed run, or the month's latest
    /// correction (corrections of a month build on each other).
    public var baseRunID: Int64
    public var lines: [CorrectionLine]

    public init(reason: String, closedRunID: Int64, baseRunID: Int64, lines: [CorrectionLine]) {
        self.reason = reason
        self.closedRunID = closedRunID
        self.baseRunID = baseRunID
        self.lines = lines
    }
}

/// A stored correction with its lines and the run that carried it, if any.
public struct StoredCorrection: Sendable, Hashable {
    public var id: Int64
    /// The correction run.
    public var runID: Int64
    /// The corrected month.
    public var month: YearMonth
    public var closedRunID: Int64
    public var baseRunID: Int64
    public var reason: String
    public var createdBy: String
    public var createdAt: String
    public var lines: [CorrectionLine]
    /// The month's run that carries it (a current run, never a superseded one), and its month.
    public var carriedBy: Int64?
    public var carriedIn: YearMonth?

    /// Σ of what the lines do to net pay.
    public var netEffect: Money { lines.reduce(.zero) { $0 + $1.netEffect } }
}

extension RunStore {
    /// Records a correction of a closed month: its run (state `correction`; the closed run
    /// is not touched) and the lines that changed, in one transaction, audited with who
    /// corrected, why and what it comes to. Refuses a month that is not closed.
    public func recordCorrection(_ run: NewRun, as reservation: RunReservation, correction: NewCorrection) throws(StoreError) -> (runID: Int64, correctionID: Int64) {
        guard !correction.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired }
        return try write(reservation) { db in
            guard let current = try RunRow.current(month: run.month).fetchOne(db) else { throw StoreError.noRun(run.month) }
            guard current.state == .closed else { throw StoreError.notClosed(run.month, state: current.state) }
            let id = try Self.insertRun(db, run, as: reservation, state: .correction)
            try db.execute(sql: """
                INSERT INTO correction (runID, month, closedRunID, baseRunID, reason, createdBy, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, run.month.description, correction.closedRunID, correction.baseRunID, correction.reason, run.actor, run.at])
            let correctionID = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT INTO correctionLine (correctionID, seq, cadreID, name, line, kind, amountFen, inPost) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (seq, l) in correction.lines.enumerated() {
                try insert.execute(arguments: [correctionID, seq, l.cadreID, l.name, l.line, l.kind.rawValue, l.amount.fen, l.inPost])
            }
            let cadres = Set(correction.lines.map(\.cadreID)).count
            let net = correction.lines.reduce(Money.zero) { $0 + $1.netEffect }
            try Self.audit(db, at: run.at, actor: run.actor, action: "correct", month: run.month.description, runID: id, reason: correction.reason,
                           detail: "correction #\(correctionID) of closed run #\(correction.closedRunID) (against run #\(correction.baseRunID)): "
                               + "\(correction.lines.count) line(s), \(cadres) cadre(s), net \(net.fen >= 0 ? "+" : "")\(net.fixed.description)")
            try Self.markYearStale(db, year: run.month.year, reason: "\(run.month.chineseDescription)在年度运行之后更正（更正运行 #\(id)）：\(correction.reason)",
                                   actor: run.actor, at: run.at)
            return (id, correctionID)
        }
    }

    /// The corrections of a month (nil: of every month), oldest first, with their lines and
    /// the run that carries each.
    public func corrections(month: YearMonth? = nil) throws(StoreError) -> [StoredCorrection] {
        try correctionQuery(month.map { ("c.month = ?", [$0.description]) } ?? ("1", []))
    }

    /// Corrections a run of `payingMonth` carries: those of earlier months that no current
    /// run of another month carries (a re-run of the paying month carries them again).
    public func pendingCorrections(payingMonth: YearMonth) throws(StoreError) -> [StoredCorrection] {
        try correctionQuery(("""
            c.month < ? AND NOT EXISTS (SELECT 1 FROM runCorrection rc JOIN run r ON r.id = rc.runID
                                        WHERE rc.correctionID = c.id AND r.state NOT IN ('superseded', 'correction') AND r.month != ?)
            """, [payingMonth.description, payingMonth.description]))
            .filter { $0.carriedBy == nil || $0.carriedIn == payingMonth }
    }

    /// The corrections a run carries.
    public func corrections(carriedBy runID: Int64) throws(StoreError) -> [StoredCorrection] {
        try correctionQuery(("c.id IN (SELECT correctionID FROM runCorrection WHERE runID = ?)", [runID]))
    }

    /// The correction a correction run recorded.
    public func correction(runID: Int64) throws(StoreError) -> StoredCorrection? {
        try correctionQuery(("c.runID = ?", [runID])).first
    }

    func correctionQuery(_ condition: (sql: String, arguments: [any DatabaseValueConvertible])) throws(StoreError) -> [StoredCorrection] {
        do {
            return try queue.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT c.*, (SELECT r.id FROM runCorrection rc JOIN run r ON r.id = rc.runID
                                 WHERE rc.correctionID = c.id AND r.state NOT IN ('superseded', 'correction')) AS carriedBy,
                                (SELECT r.month FROM runCorrection rc JOIN run r ON r.id = rc.runID
                                 WHERE rc.correctionID = c.id AND r.state NOT IN ('superseded', 'correction')) AS carriedIn
                    FROM correction c WHERE \(condition.sql) ORDER BY c.id
                    """, arguments: StatementArguments(condition.arguments))
                return try rows.map { r in
                    let id: Int64 = r["id"]
                    let lines = try Row.fetchAll(db, sql: "SELECT * FROM correctionLine WHERE correctionID = ? ORDER BY seq", arguments: [id]).map { l in
                        CorrectionLine(cadreID: l["cadreID"], name: l["name"], line: l["line"], kind: CorrectionLine.Kind(rawValue: l["kind"]) ?? .earning,
                                       amount: Money(fen: l["amountFen"]), inPost: l["inPost"])
                    }
                    guard let month = YearMonth(r["month"] as String) else { throw StoreError.database("correction #\(id) has month \(r["month"] as String)") }
                    return StoredCorrection(id: id, runID: r["runID"], month: month, closedRunID: r["closedRunID"], baseRunID: r["baseRunID"],
                                            reason: r["reason"], createdBy: r["createdBy"], createdAt: r["createdAt"], lines: lines,
                                            carriedBy: r["carriedBy"], carriedIn: (r["carriedIn"] as String?).flatMap(YearMonth.init))
                }
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// The run a new correction of `month` is compared with: the month's latest correction
    /// run, else its closed run. Refuses a month that has no run or is not closed.
    public func correctionBase(month: YearMonth) throws(StoreError) -> (closed: RunRecord, base: RunRecord) {
        guard let current = try currentRun(month: month) else { throw .noRun(month) }
        guard current.state == .closed else { throw .notClosed(month, state: current.state) }
        let latest = try corrections(month: month).last.map { c throws(StoreError) in try run(id: c.runID) }
        return (current, latest ?? current)
    }

    /// Links a newly recorded run to the corrections it carries (inside `record`'s transaction).
    static func linkCorrections(_ db: Database, runID: Int64, _ ids: [Int64]) throws {
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO runCorrection (runID, correctionID) VALUES (?, ?)")
        for id in ids { try insert.execute(arguments: [runID, id]) }
    }
}
