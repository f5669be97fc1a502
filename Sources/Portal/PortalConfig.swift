import Exact
import Foundation
import Reports
import Store

/// How the portal runs: where the store and the reports are, cookie and session settings,
/// throttling, and the clock (set by tests).
public struct PortalConfig: Sendable {
    public var store: RunStore
    /// The reports folder the batch writes (`out/<month>/…`), offered to finance.
    public var outFolder: String
    /// Adds `Secure` to cookies: set when the portal is served behind TLS.
    public var secureCookies: Bool
    /// How long a session lasts from login, in seconds, however much it is used.
    public var sessionSeconds: Int64
    /// A session that answers no request for this long ends (`jifen serve
    /// --session-idle-minutes`, default 30 minutes); counted to within
    /// `RunStore.sessionTouchSeconds`.
    public var sessionIdleSeconds: Int64 = 30 * 60
    /// Password and activation-code checks in flight at once, in the whole process; beyond
    /// it a login or activation is answered 503 `busy` without running bcrypt
    /// (`jifen serve --max-password-checks`, default twice the cores).
    public var checks = CheckLimiter()
    /// Working days the objection window lasts when staff publish without saying.
    public var objectionWorkingDays: Int
    /// bcrypt cost; tests lower it so that they run quickly.
    public var bcryptCost: UInt8
    /// Login and activation throttling: failures per address and account, per account, per
    /// address, and how long locks last (docs/portal.md, "Throttling").
    public var throttle: ThrottlePolicy
    /// Failures from one address at one account before that pair is locked.
    public var maxFailures: Int {
        get { throttle.pairLimit }
        set { throttle.pairLimit = newValue }
    }
    /// How long a first lock lasts.
    public var lockSeconds: Int64 {
        get { throttle.lockSeconds }
        set { throttle.lockSeconds = newValue }
    }
    public var clock: PortalClock
    /// The reverse proxies (addresses or networks) whose `X-Forwarded-For` is believed: a
    /// request whose connection comes from one of them is counted and audited under the
    /// client address the proxy saw (`ClientAddress.resolve`). Empty: no header is believed.
    public var trustedProxies: [AddressRange] = []
    /// Seconds a connection may go without sending a whole request part (or, kept alive,
    /// without a request) before the server closes it (`jifen serve --idle-timeout`).
    public var idleSeconds: Int64 = 30
    /// Connections served at once, in all (`jifen serve --max-connections`); nil: from the
    /// descriptor limit (`ConnectionLimiter.defaultTotal`). More are closed as accepted.
    public var maxConnections: Int?
    /// Connections served at once from one client address (an IPv6 /64); trusted proxies are
    /// not limited by it. nil: `ConnectionLimiter.defaultPerAddress` of the total.
    public var maxConnectionsPerAddress: Int?
    /// Objections one cadre may have open at once, and raise in all, per month (or year).
    public var objectionLimits = ObjectionLimits()
    /// Where a month's data and the rules are, for staff accepting an objection with an
    /// adjustment and re-running a month from the portal; nil when the portal cannot.
    public var batch: PortalBatchSettings?

    public init(
        store: RunStore, outFolder: String = "out", secureCookies: Bool = false, sessionSeconds: Int64 = 8 * 3600,
        objectionWorkingDays: Int = 5, bcryptCost: UInt8 = 12, maxFailures: Int = 5, lockSeconds: Int64 = 15 * 60,
        clock: PortalClock = PortalClock()
    ) {
        self.store = store
        self.outFolder = outFolder
        self.secureCookies = secureCookies
        self.sessionSeconds = sessionSeconds
        self.objectionWorkingDays = objectionWorkingDays
        self.bcryptCost = bcryptCost
        self.throttle = ThrottlePolicy(pairLimit: maxFailures, lockSeconds: lockSeconds)
        self.clock = clock
    }
}

/// How the portal runs a month's batch again, as `jifen batch run` would: the data root
/// (month folders), the rules and the report settings. The store and the reports folder
/// are the portal's own.
public struct PortalBatchSettings: Sendable {
    /// The folder holding a folder per month (`samples/2020-12`).
    public var dataRoot: String
    public var rulesFolder: String
    public var reportSettings: ReportSettings
    /// The `jifen` program the portal starts to execute a queued re-run (`jifen batch work`);
    /// nil: re-runs cannot be started from the portal.
    public var executable: String?
    /// The project config (`jifen.json`) the worker reads its report settings from.
    public var configPath: String?

    public init(dataRoot: String, rulesFolder: String, reportSettings: ReportSettings = ReportSettings(), executable: String? = nil,
                configPath: String? = nil) {
        self.dataRoot = dataRoot
        self.rulesFolder = rulesFolder
        self.reportSettings = reportSettings
        self.executable = executable
        self.configPath = configPath
    }
}

/// The portal's clock: the real time, shifted by an offset that tests move forward to
/// expire sessions, end locks and close objection windows.
public final class PortalClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    private let fixedStart: Date?

    /// The real clock, or a fixed start time that only `advance` moves.
    public init(fixedAt start: Date? = nil) { fixedStart = start }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return (fixedStart ?? Date()).addingTimeInterval(offset)
    }

    public func advance(by seconds: TimeInterval) {
        lock.lock()
        offset += seconds
        lock.unlock()
    }

    /// Seconds since 1970, as sessions and locks are stored.
    public var epochSeconds: Int64 { Int64(now().timeIntervalSince1970) }

    /// An ISO 8601 timestamp in UTC for the audit log.
    public var timestamp: String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: now())
    }
}

extension PortalClock {
    /// Today in China (UTC+8, no daylight saving): the day objection windows are counted in.
    public var chinaToday: CivilDate {
        let seconds = epochSeconds + 8 * 3600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return CivilDate(daysSinceEpoch: Int32(days))
    }
}
