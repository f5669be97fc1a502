import Foundation

/// A process-wide cap on password and activation-code checks in flight (docs/portal.md,
/// "Throttling"). bcrypt at cost 12 takes a quarter of a second of one core; the throttle's
/// keys bound the checks per address and account, but clients from many addresses (many
/// IPv6 /64s) could each start some and queue CPU-heavy work without end. Beyond `limit` a
/// login or activation is answered 503 `busy` at once, before the throttle counts it and
/// without running bcrypt.
public final class CheckLimiter: @unchecked Sendable {
    public let limit: Int
    private let lock = NSLock()
    private var inFlight = 0
    private var highWater = 0

    /// `limit` checks at once; by default twice the cores.
    public init(limit: Int = CheckLimiter.defaultLimit) {
        self.limit = max(1, limit)
    }

    public static var defaultLimit: Int { max(2, ProcessInfo.processInfo.activeProcessorCount * 2) }

    /// Takes a place, or false when all `limit` are taken.
    public func tryAcquire() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard inFlight < limit else { return false }
        inFlight += 1
        highWater = max(highWater, inFlight)
        return true
    }

    public func release() {
        lock.lock()
        inFlight = max(0, inFlight - 1)
        lock.unlock()
    }

    /// Checks in flight now, and the most there have been at once.
    public var count: Int { lock.lock(); defer { lock.unlock() }; return inFlight }
    public var maxInFlight: Int { lock.lock(); defer { lock.unlock() }; return highWater }
}
