import Foundation
import GRDB

/// What a throttled attempt is: a password or an activation code.
public enum AttemptKind: String, Sendable, Hashable, Codable, CaseIterable {
    case login, activate
}

/// Which failures a throttle key counts.
public enum ThrottleScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// One client address at one account (or 工号): the lock an attacker can cause for
    /// themselves only.
    case pair
    /// One account from every address: only at a much higher count, against guessing from
    /// many addresses.
    case account
    /// One address at every account (logins and activations together): against trying one
    /// password on many accounts.
    case address
    /// An IPv6 /56 at every account (logins and activations together): one subscriber's many
    /// /64s walking 工号 one /64 at a time, each under its own `address` key.
    case network
}

/// How many failures each key takes before it locks, and for how long.
public struct ThrottlePolicy: Sendable, Hashable {
    public var pairLimit: Int
    public var accountLimit: Int
    public var addressLimit: Int
    /// Failures from one IPv6 /56 (every /64 in it, every account) before it locks.
    public var networkLimit: Int
    /// The first lock of a key; each further lock of the same key doubles, up to
    /// `maxLockSeconds`.
    public var lockSeconds: Int64
    public var maxLockSeconds: Int64
    /// A key with no failure for this long is forgotten (its count and its lock growth).
    public var forgetSeconds: Int64

    public init(pairLimit: Int = 5, accountLimit: Int = 50, addressLimit: Int = 30, networkLimit: Int = 100, lockSeconds: Int64 = 15 * 60,
                maxLockSeconds: Int64 = 24 * 3600, forgetSeconds: Int64 = 24 * 3600) {
        self.pairLimit = pairLimit
        self.accountLimit = accountLimit
        self.addressLimit = addressLimit
        self.networkLimit = networkLimit
        self.lockSeconds = lockSeconds
        self.maxLockSeconds = maxLockSeconds
        self.forgetSeconds = forgetSeconds
    }

    public func limit(_ scope: ThrottleScope) -> Int {
        switch scope {
        case .pair: pairLimit
        case .account: accountLimit
        case .address: addressLimit
        case .network: networkLimit
        }
    }

    /// How long the `n`-th consecutive lock of a key lasts (n ≥ 1).
    public func lockDuration(lockNumber n: Int) -> Int64 {
        var d = lockSeconds
        for _ in 1..<max(n, 1) where d < maxLockSeconds { d *= 2 }
        return min(d, maxLockSeconds)
    }
}

/// A lock that refuses an attempt: which key and until when (seconds since 1970).
public struct ThrottleLock: Sendable, Hashable {
    public var scope: ThrottleScope
    public var until: Int64
}

/// An attempt that was counted before its secret was checked; hand it back with the outcome.
public struct AttemptTicket: Sendable, Hashable {
    public var kind: AttemptKind
    public var address: String
    /// SHA-256 of the user name or 工号 as typed.
    public var subject: String
    /// The user name when it matches an account.
    public var label: String?
    /// The client's IPv6 /56 (`2001:db8:0:100::/56`), counted under `ThrottleScope.network`;
    /// nil for an IPv4 client.
    public var network: String? = nil
}

public enum AttemptReservation: Sendable, Hashable {
    /// Counted as a failure until `attemptSucceeded` says otherwise: check the secret now.
    case allowed(AttemptTicket)
    /// Locked (or the key's remaining attempts are all being checked): do not check the secret.
    case refused(ThrottleLock)
}

/// A lock in force, as staff see it.
public struct ActiveLock: Sendable, Hashable, Codable {
    public var scope: ThrottleScope
    public var kind: String
    /// The client address ("" for an account-wide lock).
    public var address: String
    /// The account's user name, nil for a name that matches no account or an address lock.
    public var label: String?
    public var until: Int64
}

/// Login and activation throttling. An attempt is reserved — checked against every key's lock
/// and counted as a failure — in one IMMEDIATE transaction before the (slow) password check,
/// so parallel requests cannot all pass the check before any failure is counted, and every
/// process serving the store sees the same counts.
extension RunStore {
    /// What the throttle keeps instead of a name: names that match no account may be
    /// mistyped passwords.
    public static func throttleSubject(_ name: String) -> String { secretHash("throttle\u{0}" + name) }

    struct ThrottleKey {
        var scope: ThrottleScope
        var kind: String
        var address: String
        var subject: String
    }

    static func throttleKeys(_ t: AttemptTicket) -> [ThrottleKey] {
        var keys = [ThrottleKey(scope: .pair, kind: t.kind.rawValue, address: t.address, subject: t.subject),
                    ThrottleKey(scope: .account, kind: t.kind.rawValue, address: "", subject: t.subject),
                    ThrottleKey(scope: .address, kind: "any", address: t.address, subject: "")]
        if let network = t.network { keys.append(ThrottleKey(scope: .network, kind: "any", address: network, subject: "")) }
        return keys
    }

    struct ThrottleRow {
        var failures: Int
        var locks: Int
        var lockedUntil: Int64?
    }

    static func throttleRow(_ db: Database, _ k: ThrottleKey) throws -> ThrottleRow? {
        try Row.fetchOne(db, sql: "SELECT failures, locks, lockedUntil FROM portalThrottle WHERE scope = ? AND kind = ? AND address = ? AND subject = ?",
                         arguments: [k.scope.rawValue, k.kind, k.address, k.subject])
            .map { ThrottleRow(failures: $0["failures"], locks: $0["locks"], lockedUntil: $0["lockedUntil"]) }
    }

    static func saveThrottle(_ db: Database, _ k: ThrottleKey, _ r: ThrottleRow, label: String?, now: Int64) throws {
        try db.execute(sql: """
            INSERT INTO portalThrottle (scope, kind, address, subject, label, failures, locks, lockedUntil, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(scope, kind, address, subject) DO UPDATE SET label = COALESCE(excluded.label, label), failures = excluded.failures,
              locks = excluded.locks, lockedUntil = excluded.lockedUntil, updatedAt = excluded.updatedAt
            """, arguments: [k.scope.rawValue, k.kind, k.address, k.subject, k.scope == .address || k.scope == .network ? nil : label, r.failures, r.locks,
                             r.lockedUntil, now])
    }

    /// Checks every key of the attempt and, when none is locked, counts the attempt as a
    /// failure on each, atomically. A key whose remaining attempts are all being checked
    /// refuses too, as if locked.
    public func reserveAttempt(kind: AttemptKind, address: String, network: String? = nil, name: String, label: String?, now: Int64,
                               policy: ThrottlePolicy) throws(PortalStoreError) -> AttemptReservation {
        let ticket = AttemptTicket(kind: kind, address: address, subject: Self.throttleSubject(name), label: label, network: network)
        return try portalImmediate { db in
            try db.execute(sql: "DELETE FROM portalThrottle WHERE updatedAt < ? AND (lockedUntil IS NULL OR lockedUntil <= ?)",
                           arguments: [now - policy.forgetSeconds, now])
            var rows: [(ThrottleKey, ThrottleRow)] = []
            for key in Self.throttleKeys(ticket) {
                var row = try Self.throttleRow(db, key) ?? ThrottleRow(failures: 0, locks: 0, lockedUntil: nil)
                if let until = row.lockedUntil {
                    if until > now { return .refused(ThrottleLock(scope: key.scope, until: until)) }
                    row.failures = 0
                    row.lockedUntil = nil
                }
                if row.failures >= policy.limit(key.scope) {
                    return .refused(ThrottleLock(scope: key.scope, until: now + policy.lockDuration(lockNumber: row.locks + 1)))
                }
                rows.append((key, row))
            }
            for (key, var row) in rows {
                row.failures += 1
                try Self.saveThrottle(db, key, row, label: label, now: now)
            }
            return .allowed(ticket)
        }
    }

    /// The reserved attempt failed: every key that has reached its limit locks (for longer
    /// each time), and each new lock is audited. Returns the new locks.
    @discardableResult
    public func attemptFailed(_ t: AttemptTicket, now: Int64, at: String, policy: ThrottlePolicy) throws(PortalStoreError) -> [ThrottleLock] {
        try portalImmediate { db in
            var locks: [ThrottleLock] = []
            for key in Self.throttleKeys(t) {
                // Gone: unlocked by staff while this attempt was being checked.
                guard var row = try Self.throttleRow(db, key) else { continue }
                guard row.failures >= policy.limit(key.scope), (row.lockedUntil ?? 0) <= now else { continue }
                row.locks += 1
                let seconds = policy.lockDuration(lockNumber: row.locks)
                row.lockedUntil = now + seconds
                try Self.saveThrottle(db, key, row, label: t.label, now: now)
                let who = key.scope == .address || key.scope == .network ? key.address : (t.label ?? "（未知账户）")
                try Self.audit(db, at: at, actor: who, action: "lock", month: nil, runID: nil, reason: nil,
                               detail: "\(t.kind.rawValue) \(key.scope.rawValue) lock from \(key.scope == .network ? key.address : t.address) for \(seconds / 60) min after \(row.failures) failures")
                locks.append(ThrottleLock(scope: key.scope, until: now + seconds))
            }
            return locks
        }
    }

    /// The reserved attempt succeeded: this address's count at the account starts again; the
    /// account-wide and address counts only take the attempt back. The account-wide count is
    /// left to be forgotten, so that a slow guesser from many addresses is not reset by the
    /// owner's logins, nor an address trying many accounts by one account of its own.
    public func attemptSucceeded(_ t: AttemptTicket) throws(PortalStoreError) {
        try portalImmediate { db in
            try db.execute(sql: "DELETE FROM portalThrottle WHERE scope = 'pair' AND kind = ? AND address = ? AND subject = ?",
                           arguments: [t.kind.rawValue, t.address, t.subject])
            try db.execute(sql: "UPDATE portalThrottle SET failures = MAX(failures - 1, 0) WHERE scope = 'address' AND kind = 'any' AND address = ?",
                           arguments: [t.address])
            if let network = t.network {
                try db.execute(sql: "UPDATE portalThrottle SET failures = MAX(failures - 1, 0) WHERE scope = 'network' AND kind = 'any' AND address = ?",
                               arguments: [network])
            }
            try db.execute(sql: "UPDATE portalThrottle SET failures = MAX(failures - 1, 0) WHERE scope = 'account' AND kind = ? AND subject = ?",
                           arguments: [t.kind.rawValue, t.subject])
        }
    }

    /// Lifts every lock and count of an account (or 工号), from every address, for logins and
    /// activations; audited. Returns how many keys were cleared.
    @discardableResult
    public func unlock(name typed: String, actor: String, at: String) throws(PortalStoreError) -> Int {
        let name = Self.normalizedUsername(typed)
        return try portalImmediate { db in
            try db.execute(sql: "DELETE FROM portalThrottle WHERE subject = ? AND scope IN ('pair', 'account')", arguments: [Self.throttleSubject(name)])
            let cleared = db.changesCount
            try db.execute(sql: "UPDATE portalUser SET failedAttempts = 0, lockedUntil = NULL WHERE username = ?", arguments: [name])
            let isUser = db.changesCount > 0
            let hasCode = try Bool.fetchOne(db, sql: "SELECT 1 FROM activationCode WHERE cadreID = ?", arguments: [name]) ?? false
            let known = isUser || hasCode
            try db.execute(sql: "UPDATE activationCode SET failedAttempts = 0, lockedUntil = NULL WHERE cadreID = ?", arguments: [name])
            try Self.audit(db, at: at, actor: actor, action: "unlock", month: nil, runID: nil, reason: nil,
                           detail: "\(known ? name : "（未知账户）") \(cleared) keys")
            return cleared
        }
    }

    /// Lifts every lock and count of one client address (as the throttle keys it: an IPv4
    /// address, an IPv6 /64 network): its lock on every account (`address`) and its locks at
    /// single accounts (`pair`), logins and activations; audited. Returns how many keys were
    /// cleared. Account-wide locks stay: they are the account's, lifted by its name.
    @discardableResult
    public func unlock(address key: String, actor: String, at: String) throws(PortalStoreError) -> Int {
        try portalImmediate { db in
            try db.execute(sql: "DELETE FROM portalThrottle WHERE address = ? AND scope IN ('pair', 'address', 'network')", arguments: [key])
            let cleared = db.changesCount
            try Self.audit(db, at: at, actor: actor, action: "unlock", month: nil, runID: nil, reason: nil, detail: "address \(key) \(cleared) keys")
            return cleared
        }
    }

    /// Locks in force, the latest ending first.
    public func activeLocks(now: Int64) throws(PortalStoreError) -> [ActiveLock] {
        try portalRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM portalThrottle WHERE lockedUntil > ? ORDER BY lockedUntil DESC", arguments: [now]).map { r in
                ActiveLock(scope: ThrottleScope(rawValue: r["scope"]) ?? .pair, kind: r["kind"], address: r["address"], label: r["label"], until: r["lockedUntil"])
            }
        }
    }

    /// A named server secret shared by every process serving this store, made by `make` the
    /// first time it is asked for.
    public func portalSecret(_ name: String, at: String, make: () -> String) throws(PortalStoreError) -> String {
        try portalImmediate { db in
            if let value = try String.fetchOne(db, sql: "SELECT value FROM portalSecret WHERE name = ?", arguments: [name]) { return value }
            let value = make()
            try db.execute(sql: "INSERT INTO portalSecret (name, value, createdAt) VALUES (?, ?, ?)", arguments: [name, value, at])
            return value
        }
    }

    /// A write in an IMMEDIATE transaction: the write lock is taken before anything is read,
    /// so two processes counting the same key never both read the old count.
    func portalImmediate<T>(_ body: (Database) throws -> T) throws(PortalStoreError) -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let e as PortalStoreError {
            throw e
        } catch {
            throw .database(String(describing: error))
        }
    }
}
