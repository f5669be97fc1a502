import Exact
import Foundation
import GRDB

/// The web portal's tables: accounts, one-time activation codes, sessions and objections.
///
/// Secrets are stored hashed: passwords with bcrypt (by the caller), session tokens and
/// activation codes with SHA-256 here (they are long random strings, so a fast hash is
/// enough and lets a 50,000-cadre sheet be generated in seconds).
extension RunStore {
    /// SHA-256 of a secret as hex: what the store keeps instead of the secret.
    public static func secretHash(_ secret: String) -> String {
        var h = SHA256()
        h.update(Array(secret.utf8))
        return h.finalizeHex()
    }

    // MARK: - Users

    /// A user name as accounts are stored and looked up: Unicode NFKC (a full-width
    /// `ｓｔａｆｆ１` is `staff1`, a decomposed `é` the composed one), surrounding white space
    /// removed. Letters keep their case.
    public static func normalizedUsername(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Adds a staff or finance account (cadres come through activation). Audited.
    ///
    /// The account is stored under the normalised `username`. Refused when an account's name is the
    /// same after normalisation, or differs only in the case of letters (`Staff1` beside
    /// `staff1`): two accounts people cannot tell apart.
    @discardableResult
    public func addUser(username raw: String, role: PortalRole, displayName: String, passwordHash: String, actor: String, at: String) throws(PortalStoreError) -> Int64 {
        let username = Self.normalizedUsername(raw)
        return try portalWrite { db in
            let folded = username.lowercased()
            for existing in try String.fetchAll(db, sql: "SELECT username FROM portalUser") where Self.normalizedUsername(existing).lowercased() == folded {
                throw PortalStoreError.userExists(existing)
            }
            try db.execute(sql: "INSERT INTO portalUser (username, role, cadreID, displayName, passwordHash, createdAt) VALUES (?, ?, NULL, ?, ?, ?)",
                           arguments: [username, role.rawValue, displayName, passwordHash, at])
            let id = db.lastInsertedRowID
            try Self.audit(db, at: at, actor: actor, action: "user-add", month: nil, runID: nil, reason: nil, detail: "\(role.rawValue) \(username)")
            return id
        }
    }

    /// The account of a user name as typed: its normalised form (`normalizedUsername`), or,
    /// for an account stored before names were normalised, exactly as typed.
    public func user(username: String) throws(PortalStoreError) -> PortalUser? {
        let normalized = Self.normalizedUsername(username)
        return try portalRead { db in
            // Byte for byte: Swift's `==` calls canonically equivalent spellings equal, SQLite does not.
            for name in normalized.utf8.elementsEqual(username.utf8) ? [username] : [normalized, username] {
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM portalUser WHERE username = ?", arguments: [name]) { return Self.portalUser(row) }
            }
            return nil
        }
    }

    public func user(id: Int64) throws(PortalStoreError) -> PortalUser? {
        try portalRead { db in try Row.fetchOne(db, sql: "SELECT * FROM portalUser WHERE id = ?", arguments: [id]).map(Self.portalUser) }
    }

    // MARK: - Activation

    /// Replaces the activation codes of these cadres (an earlier unused code stops working).
    /// Codes are stored hashed; the caller prints them once.
    public func replaceActivationCodes(_ codes: [(cadreID: String, code: String)], month: YearMonth, actor: String, at: String) throws(PortalStoreError) {
        try portalWrite { db in
            let stmt = try db.makeStatement(sql: """
                INSERT INTO activationCode (cadreID, codeHash, month, createdAt, usedAt, failedAttempts, lockedUntil) VALUES (?, ?, ?, ?, NULL, 0, NULL)
                ON CONFLICT(cadreID) DO UPDATE SET codeHash = excluded.codeHash, month = excluded.month, createdAt = excluded.createdAt,
                  usedAt = NULL, failedAttempts = 0, lockedUntil = NULL
                """)
            for c in codes { try stmt.execute(arguments: [c.cadreID, Self.secretHash(c.code), month.description, at]) }
            try Self.audit(db, at: at, actor: actor, action: "activation-codes", month: month.description, runID: nil, reason: nil, detail: "\(codes.count) codes")
        }
    }

    /// A new activation code for one cadre who forgot the password (or lost the sheet): the
    /// earlier code stops working and the cadre's sessions end at once; the password is
    /// replaced when the new code is used. Audited `activation-code-reissued`.
    public func reissueActivationCode(cadreID: String, code: String, month: YearMonth, actor: String, at: String) throws(PortalStoreError) {
        try portalWrite { db in
            try db.execute(sql: """
                INSERT INTO activationCode (cadreID, codeHash, month, createdAt, usedAt, failedAttempts, lockedUntil) VALUES (?, ?, ?, ?, NULL, 0, NULL)
                ON CONFLICT(cadreID) DO UPDATE SET codeHash = excluded.codeHash, month = excluded.month, createdAt = excluded.createdAt,
                  usedAt = NULL, failedAttempts = 0, lockedUntil = NULL
                """, arguments: [cadreID, Self.secretHash(code), month.description, at])
            try db.execute(sql: "DELETE FROM portalSession WHERE userID IN (SELECT id FROM portalUser WHERE cadreID = ?)", arguments: [cadreID])
            try Self.audit(db, at: at, actor: actor, action: "activation-code-reissued", month: month.description, runID: nil, reason: nil,
                           detail: "\(cadreID) \(db.changesCount) sessions ended")
        }
    }

    public func activation(cadreID: String) throws(PortalStoreError) -> ActivationRecord? {
        try portalRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM activationCode WHERE cadreID = ?", arguments: [cadreID]).map { r in
                ActivationRecord(cadreID: r["cadreID"], codeHash: r["codeHash"], month: r["month"], usedAt: r["usedAt"],
                                 failedAttempts: r["failedAttempts"], lockedUntil: r["lockedUntil"])
            }
        }
    }

    /// Uses the cadre's activation code: marks it used and creates (or re-keys) the cadre's
    /// account, in one transaction. Returns the account's id, or nil when the code was
    /// already used by a concurrent request.
    public func activate(cadreID: String, displayName: String, passwordHash: String, at: String) throws(PortalStoreError) -> Int64? {
        try portalWrite { db in
            // A staff or finance account already named like this cadre's 工号 would take
            // the cadre's user name: refuse rather than merge the two.
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM portalUser WHERE username = ? AND (cadreID IS NULL OR cadreID != ?)", arguments: [cadreID, cadreID]) == true {
                throw PortalStoreError.userExists(cadreID)
            }
            // A disabled account stays disabled: its code is not used up, staff enable it first.
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM portalUser WHERE cadreID = ? AND disabledAt IS NOT NULL", arguments: [cadreID]) == true {
                throw PortalStoreError.accountDisabled(cadreID)
            }
            try db.execute(sql: "UPDATE activationCode SET usedAt = ? WHERE cadreID = ? AND usedAt IS NULL", arguments: [at, cadreID])
            guard db.changesCount == 1 else { return nil }
            let id: Int64
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM portalUser WHERE cadreID = ?", arguments: [cadreID]) {
                try db.execute(sql: "UPDATE portalUser SET passwordHash = ?, failedAttempts = 0, lockedUntil = NULL WHERE id = ?", arguments: [passwordHash, existing])
                try db.execute(sql: "DELETE FROM portalSession WHERE userID = ?", arguments: [existing])
                id = existing
            } else {
                try db.execute(sql: "INSERT INTO portalUser (username, role, cadreID, displayName, passwordHash, createdAt) VALUES (?, 'cadre', ?, ?, ?, ?)",
                               arguments: [cadreID, cadreID, displayName, passwordHash, at])
                id = db.lastInsertedRowID
            }
            try Self.audit(db, at: at, actor: cadreID, action: "activate", month: nil, runID: nil, reason: nil, detail: nil)
            return id
        }
    }

    // MARK: - Sessions

    /// Stores a session under the hash of its token and notes the account's login. Expired
    /// sessions, and those idle for `idleSeconds` when given, are deleted on the way.
    public func createSession(token: String, userID: Int64, csrfToken: String, now: Int64, expiresAt: Int64, idleSeconds: Int64? = nil) throws(PortalStoreError) {
        try portalWrite { db in
            try db.execute(sql: "DELETE FROM portalSession WHERE expiresAt <= ?", arguments: [now])
            if let idleSeconds {
                try db.execute(sql: "DELETE FROM portalSession WHERE COALESCE(lastSeenAt, createdAt) <= ?", arguments: [now - idleSeconds])
            }
            try db.execute(sql: "INSERT INTO portalSession (tokenHash, userID, csrfToken, createdAt, expiresAt, lastSeenAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Self.secretHash(token), userID, csrfToken, now, expiresAt, now])
            try db.execute(sql: "UPDATE portalUser SET lastLoginAt = ? WHERE id = ?", arguments: [now, userID])
        }
    }

    /// How stale a session's last use may get before a request writes it again: the idle
    /// timeout is counted to within this, and page views do not each write the store.
    public static let sessionTouchSeconds: Int64 = 60

    /// The session of a cookie token, with its account, when it exists, has not expired, has
    /// been used within `idleSeconds` (when given) and its account is not disabled. Notes
    /// the use (at most once a `sessionTouchSeconds`).
    public func session(token: String, now: Int64, idleSeconds: Int64? = nil) throws(PortalStoreError) -> PortalSession? {
        let hash = Self.secretHash(token)
        let found: PortalSession? = try portalRead { db in
            guard let s = try Row.fetchOne(db, sql: "SELECT * FROM portalSession WHERE tokenHash = ? AND expiresAt > ?", arguments: [hash, now]),
                  let u = try Row.fetchOne(db, sql: "SELECT * FROM portalUser WHERE id = ?", arguments: [s["userID"] as Int64])
            else { return nil }
            return PortalSession(user: Self.portalUser(u), csrfToken: s["csrfToken"], createdAt: s["createdAt"], expiresAt: s["expiresAt"],
                                 lastSeenAt: s["lastSeenAt"])
        }
        guard var session = found else { return nil }
        let lastSeen = session.lastSeenAt ?? session.createdAt
        if session.user.isDisabled || idleSeconds.map({ lastSeen <= now - $0 }) == true {
            try portalWrite { db in try db.execute(sql: "DELETE FROM portalSession WHERE tokenHash = ?", arguments: [hash]) }
            return nil
        }
        if now - lastSeen >= Self.sessionTouchSeconds {
            try portalWrite { db in try db.execute(sql: "UPDATE portalSession SET lastSeenAt = ? WHERE tokenHash = ?", arguments: [now, hash]) }
            session.lastSeenAt = now
        }
        return session
    }

    public func deleteSession(token: String) throws(PortalStoreError) {
        try portalWrite { db in try db.execute(sql: "DELETE FROM portalSession WHERE tokenHash = ?", arguments: [Self.secretHash(token)]) }
    }

    // MARK: - Objections

    /// Records a cadre's objection. Audited (by reference, not by reason: the reason is the
    /// cadre's own words and stays in the objection row).
    @discardableResult
    public func addObjection(_ o: NewObjection, at: String, limits: ObjectionLimits = ObjectionLimits()) throws(PortalStoreError) -> Int64 {
        try portalWrite { db in
            try Self.checkObjectionLimits(db, cadreID: o.cadreID, month: o.month.description, limits)
            try db.execute(sql: """
                INSERT INTO objection (runID, month, cadreID, reference, referenceLabel, reason, state, createdAt) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)
                """, arguments: [o.runID, o.month.description, o.cadreID, o.reference, o.referenceLabel, o.reason, at])
            let id = db.lastInsertedRowID
            try Self.audit(db, at: at, actor: o.cadreID, action: "objection", month: o.month.description, runID: o.runID, reason: nil,
                           detail: "#\(id) \(o.reference)")
            return id
        }
    }

    /// Refuses another objection of a cadre to a month (or a year, keyed `2021-年度`) beyond
    /// `limits`; counted in the transaction that inserts it, so parallel posts cannot pass.
    static func checkObjectionLimits(_ db: Database, cadreID: String, month: String, _ limits: ObjectionLimits) throws {
        let row = try Row.fetchOne(db, sql: """
            SELECT COUNT(*) AS total, COALESCE(SUM(state = 'open'), 0) AS open FROM objection WHERE cadreID = ? AND month = ?
            """, arguments: [cadreID, month])
        let total: Int = row?["total"] ?? 0, open: Int = row?["open"] ?? 0
        if open >= limits.open { throw PortalStoreError.tooManyObjections(open: true, limit: limits.open) }
        if total >= limits.total { throw PortalStoreError.tooManyObjections(open: false, limit: limits.total) }
    }

    /// Records a cadre's objection to a year run (the annual 公示), keyed by the year
    /// (`2021-年度`) and tied to the year run; staff decide it as a month's. Audited.
    @discardableResult
    public func addYearObjection(yearRunID: Int64, cadreID: String, reference: String, referenceLabel: String, reason: String, at: String,
                                 limits: ObjectionLimits = ObjectionLimits()) throws(PortalStoreError) -> Int64 {
        try portalWrite { db in
            guard let year = try Int.fetchOne(db, sql: "SELECT year FROM yearRun WHERE id = ?", arguments: [yearRunID]),
                  let lastRun = try Int64.fetchOne(db, sql: "SELECT runID FROM yearRunMonth WHERE yearRunID = ? ORDER BY month DESC LIMIT 1", arguments: [yearRunID])
            else { throw PortalStoreError.database("there is no year run #\(yearRunID)") }
            try Self.checkObjectionLimits(db, cadreID: cadreID, month: yearKey(year), limits)
            try db.execute(sql: """
                INSERT INTO objection (runID, month, cadreID, reference, referenceLabel, reason, state, createdAt, yearRunID) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)
                """, arguments: [lastRun, yearKey(year), cadreID, reference, referenceLabel, reason, at, yearRunID])
            let id = db.lastInsertedRowID
            try Self.audit(db, at: at, actor: cadreID, action: "objection", month: yearKey(year), runID: nil, reason: nil,
                           detail: "#\(id) year run #\(yearRunID) \(reference)")
            return id
        }
    }

    /// Accepts or rejects an open objection with staff's written reply. Audited with the reply.
    /// (An acceptance that adjusts the month or promises a data fix: `acceptObjection`.)
    public func decideObjection(id: Int64, state: ObjectionState, reply: String, actor: String, at: String) throws(PortalStoreError) {
        try portalWrite { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM objection WHERE id = ?", arguments: [id]) else { throw PortalStoreError.objectionNotFound(id) }
            let current = ObjectionState(rawValue: row["state"]) ?? .open
            guard current == .open, state != .open else { throw PortalStoreError.objectionNotOpen(id, current) }
            try db.execute(sql: "UPDATE objection SET state = ?, reply = ?, repliedBy = ?, repliedAt = ? WHERE id = ?",
                           arguments: [state.rawValue, reply, actor, at, id])
            try Self.audit(db, at: at, actor: actor, action: "objection-\(state.rawValue)", month: row["month"], runID: row["runID"], reason: reply,
                           detail: "#\(id) \(row["cadreID"] as String) \(row["reference"] as String)")
        }
    }

    public func objection(id: Int64) throws(PortalStoreError) -> Objection? {
        try portalRead { db in try Row.fetchOne(db, sql: Self.objectionQuery + " WHERE o.id = ?", arguments: [id]).map(Self.objection) }
    }

    /// A cadre's objections, newest first.
    public func objections(cadreID: String) throws(PortalStoreError) -> [Objection] {
        try portalRead { db in try Row.fetchAll(db, sql: Self.objectionQuery + " WHERE o.cadreID = ? ORDER BY o.id DESC", arguments: [cadreID]).map(Self.objection) }
    }

    /// The queue: objections in a state (all when nil), oldest first.
    public func objections(state: ObjectionState?) throws(PortalStoreError) -> [Objection] {
        try portalRead { db in
            let rows = state == nil
                ? try Row.fetchAll(db, sql: Self.objectionQuery + " ORDER BY o.id")
                : try Row.fetchAll(db, sql: Self.objectionQuery + " WHERE o.state = ? ORDER BY o.id", arguments: [state!.rawValue])
            return rows.map(Self.objection)
        }
    }

    // MARK: - Cadres

    /// A cadre's points and net pay in the current run of every month whose state is one of
    /// `states`, oldest first. One primary-key lookup per month: `cadreResult` is keyed by
    /// run first, so a scan by cadre alone would read every row of every month.
    public func history(cadreID: String, states: [RunState]) throws(PortalStoreError) -> [CadreMonth] {
        try portalRead { db in
            let marks = states.map { _ in "?" }.joined(separator: ",")
            let runs = try Row.fetchAll(db, sql: "SELECT id, month, state FROM run WHERE state IN (\(marks)) ORDER BY month",
                                        arguments: StatementArguments(states.map(\.rawValue)))
            let lookup = try db.cachedStatement(sql: "SELECT points, netFen, tier FROM cadreResult WHERE runID = ? AND cadreID = ?")
            var out: [CadreMonth] = []
            for run in runs {
                let runID: Int64 = run["id"]
                guard let r = try Row.fetchOne(lookup, arguments: [runID, cadreID]),
                      let m = YearMonth(run["month"] as String), let p = Fixed(r["points"] as String) else { continue }
                out.append(CadreMonth(month: m, runID: runID, state: RunState(rawValue: run["state"]) ?? .draft, points: p,
                                      net: Money(fen: r["netFen"]), tier: r["tier"]))
            }
            return out
        }
    }

    /// The cadres of a run, in roster order, without decoding their results.
    public func cadreListing(runID: Int64) throws(PortalStoreError) -> [CadreListing] {
        try portalRead { db in
            try Row.fetchAll(db, sql: "SELECT cadreID, name, community FROM cadreResult WHERE runID = ? ORDER BY seq", arguments: [runID])
                .map { CadreListing(cadreID: $0["cadreID"], name: $0["name"], community: $0["community"]) }
        }
    }

    /// A run's communities with their number of cadres, by name.
    public func communities(runID: Int64) throws(PortalStoreError) -> [(community: String, cadres: Int)] {
        try portalRead { db in
            try Row.fetchAll(db, sql: "SELECT community, COUNT(*) AS n FROM cadreResult WHERE runID = ? GROUP BY community ORDER BY community", arguments: [runID])
                .map { (community: $0["community"] as String, cadres: $0["n"] as Int) }
        }
    }

    /// A community's cadres in a run, by rank.
    public func cadreSummaries(runID: Int64, community: String) throws(PortalStoreError) -> [CadreSummaryRow] {
        try portalRead { db in
            try Row.fetchAll(db, sql: """
                SELECT cadreID, name, community, points, tier, rank, groupSize, netFen FROM cadreResult
                WHERE runID = ? AND community = ? ORDER BY rank, seq
                """, arguments: [runID, community]).map { r in
                CadreSummaryRow(cadreID: r["cadreID"], name: r["name"], community: r["community"], points: Fixed(r["points"] as String) ?? .zero,
                                tier: r["tier"], rank: r["rank"], groupSize: r["groupSize"], net: Money(fen: r["netFen"]))
            }
        }
    }

    // MARK: - Plumbing

    static func portalUser(_ r: Row) -> PortalUser {
        PortalUser(id: r["id"], username: r["username"], role: PortalRole(rawValue: r["role"]) ?? .cadre, cadreID: r["cadreID"],
                   displayName: r["displayName"], passwordHash: r["passwordHash"], failedAttempts: r["failedAttempts"], lockedUntil: r["lockedUntil"],
                   disabledAt: r["disabledAt"], lastLoginAt: r["lastLoginAt"])
    }

    static func objection(_ r: Row) -> Objection {
        Objection(id: r["id"], runID: r["runID"], month: r["month"], cadreID: r["cadreID"], reference: r["reference"],
                  referenceLabel: r["referenceLabel"], reason: r["reason"], state: ObjectionState(rawValue: r["state"]) ?? .open,
                  reply: r["reply"], repliedBy: r["repliedBy"], createdAt: r["createdAt"], repliedAt: r["repliedAt"],
                  resolution: (r["resolution"] as String?).flatMap(ObjectionResolution.init(rawValue:)), dataFix: r["dataFix"],
                  adjustment: objectionAdjustment(r), yearRunID: r["yearRunID"])
    }

    func portalRead<T>(_ body: (Database) throws -> T) throws(PortalStoreError) -> T {
        do {
            return try queue.read(body)
        } catch let e as PortalStoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }

    func portalWrite<T>(_ body: (Database) throws -> T) throws(PortalStoreError) -> T {
        do {
            return try queue.write(body)
        } catch let e as PortalStoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }
}
