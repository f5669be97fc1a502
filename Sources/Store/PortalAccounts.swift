import Foundation
import GRDB

/// Account administration (docs/portal.md, "Accounts"): disabling and enabling an account,
/// replacing a password, ending sessions, and the list of accounts. Every change is audited
/// and ends the account's sessions in the same transaction.
extension RunStore {
    /// Disables (or enables) an account by its user name or 工号. A disabled account cannot log
    /// in (refused like a wrong password) and its sessions end at once. Returns the account
    /// as it now is; throws `userNotFound` for a name that matches no account. Audited
    /// `user-disable` / `user-enable` (also when nothing changed, with `unchanged`).
    @discardableResult
    public func setDisabled(username typed: String, disabled: Bool, actor: String, at: String) throws(PortalStoreError) -> PortalUser {
        guard let user = try user(username: typed) else { throw .userNotFound(Self.normalizedUsername(typed)) }
        return try portalWrite { db in
            let changed: Bool
            if disabled {
                try db.execute(sql: "UPDATE portalUser SET disabledAt = ? WHERE id = ? AND disabledAt IS NULL", arguments: [at, user.id])
                changed = db.changesCount == 1
                try db.execute(sql: "DELETE FROM portalSession WHERE userID = ?", arguments: [user.id])
            } else {
                try db.execute(sql: "UPDATE portalUser SET disabledAt = NULL WHERE id = ? AND disabledAt IS NOT NULL", arguments: [user.id])
                changed = db.changesCount == 1
            }
            let ended = disabled ? db.changesCount : 0
            try Self.audit(db, at: at, actor: actor, action: disabled ? "user-disable" : "user-enable", month: nil, runID: nil, reason: nil,
                           detail: "\(user.role.rawValue) \(user.username)\(changed ? "" : " unchanged")\(disabled ? " \(ended) sessions ended" : "")")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM portalUser WHERE id = ?", arguments: [user.id]) else { throw PortalStoreError.userNotFound(user.username) }
            return Self.portalUser(row)
        }
    }

    /// Replaces an account's password hash and ends its sessions, except the one whose token
    /// hash is `keeping` (the session that changed it). Audited `user-password`.
    public func setPassword(userID: Int64, passwordHash: String, keeping: String? = nil, actor: String, at: String) throws(PortalStoreError) {
        try portalWrite { db in
            guard let name = try String.fetchOne(db, sql: "SELECT username FROM portalUser WHERE id = ?", arguments: [userID]) else {
                throw PortalStoreError.userNotFound("#\(userID)")
            }
            try db.execute(sql: "UPDATE portalUser SET passwordHash = ?, failedAttempts = 0, lockedUntil = NULL WHERE id = ?", arguments: [passwordHash, userID])
            try db.execute(sql: "DELETE FROM portalSession WHERE userID = ? AND tokenHash IS NOT ?", arguments: [userID, keeping])
            try Self.audit(db, at: at, actor: actor, action: "user-password", month: nil, runID: nil, reason: nil,
                           detail: "\(name) \(db.changesCount) sessions ended")
        }
    }

    /// Ends every session of an account by its user name or 工号; returns how many. Audited
    /// `sessions-revoked`.
    @discardableResult
    public func endSessions(username typed: String, actor: String, at: String) throws(PortalStoreError) -> Int {
        guard let user = try user(username: typed) else { throw .userNotFound(Self.normalizedUsername(typed)) }
        return try portalWrite { db in
            try db.execute(sql: "DELETE FROM portalSession WHERE userID = ?", arguments: [user.id])
            let n = db.changesCount
            try Self.audit(db, at: at, actor: actor, action: "sessions-revoked", month: nil, runID: nil, reason: nil, detail: "\(user.username) \(n) sessions")
            return n
        }
    }

    /// Sessions of an account that have not expired (`now`): how many, and the latest use.
    public func sessionCount(userID: Int64, now: Int64) throws(PortalStoreError) -> Int {
        try portalRead { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM portalSession WHERE userID = ? AND expiresAt > ?", arguments: [userID, now]) ?? 0
        }
    }

    /// Every account, staff and finance first, then cadres by 工号: role, disabled or not, last
    /// login and live sessions. No secrets.
    public func accounts(now: Int64) throws(PortalStoreError) -> [PortalAccount] {
        try portalRead { db in
            try Row.fetchAll(db, sql: """
                SELECT u.id, u.username, u.role, u.cadreID, u.displayName, u.createdAt, u.disabledAt, u.lastLoginAt,
                  (SELECT COUNT(*) FROM portalSession s WHERE s.userID = u.id AND s.expiresAt > ?) AS sessions
                FROM portalUser u ORDER BY u.role = 'cadre', u.username
                """, arguments: [now]).map { r in
                PortalAccount(id: r["id"], username: r["username"], role: PortalRole(rawValue: r["role"]) ?? .cadre, cadreID: r["cadreID"],
                              displayName: r["displayName"], createdAt: r["createdAt"], disabledAt: r["disabledAt"], lastLoginAt: r["lastLoginAt"],
                              sessions: r["sessions"])
            }
        }
    }
}

/// An account as `jifen user list` and staff see it: nothing secret.
public struct PortalAccount: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    public var role: PortalRole
    public var cadreID: String?
    public var displayName: String
    public var createdAt: String
    /// When it was disabled; nil while it may log in.
    public var disabledAt: String?
    /// Seconds since 1970 of the last login (or activation); nil: never, or before v14.
    public var lastLoginAt: Int64?
    /// Sessions not yet expired.
    public var sessions: Int
}
