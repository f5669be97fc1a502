import Foundation
import NIOCore
#if canImport(Glibc)
    import Glibc
#endif
import NIOHTTPTypes

/// Bounds the server's open connections, in all and from one client address, so that
/// strangers holding idle connections can never run the process out of file descriptors:
/// at the limit, new connections (everyone's) went unserved while accept spun a core, and
/// libdispatch could trap (SIGILL) when it could not open its /proc file.
///
/// A connection beyond either cap is closed as soon as it is accepted: its descriptor is
/// held for an instant, never for the idle timeout. The per-address cap counts an IPv6 client
/// by its /64 (as the login throttle does) and does not apply to the trusted proxies, whose
/// connections carry every client behind them.
public final class ConnectionLimiter: @unchecked Sendable {
    public let total: Int
    public let perAddress: Int
    let exempt: [AddressRange]
    private let lock = NSLock()
    private var open = 0
    private var byAddress: [String: Int] = [:]

    public init(total: Int, perAddress: Int, exempt: [AddressRange] = []) {
        self.total = max(1, total)
        self.perAddress = max(1, perAddress)
        self.exempt = exempt
    }

    /// Counts a new connection from `address` (the peer's IP address, nil when unknown), or
    /// refuses it (false) when either cap is reached. Every admitted connection must be
    /// `release`d with the same address once closed.
    public func admit(_ address: String?) -> Bool {
        let key = self.key(address)
        lock.lock()
        defer { lock.unlock() }
        guard open < total else { return false }
        if let key {
            let n = byAddress[key, default: 0]
            guard n < perAddress else { return false }
            byAddress[key] = n + 1
        }
        open += 1
        return true
    }

    public func release(_ address: String?) {
        let key = self.key(address)
        lock.lock()
        defer { lock.unlock() }
        open = max(0, open - 1)
        if let key, let n = byAddress[key] { byAddress[key] = n > 1 ? n - 1 : nil }
    }

    /// Connections open now, in all.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return open
    }

    /// What the per-address cap counts `address` under; nil: not counted per address (a
    /// trusted proxy, or no address).
    func key(_ address: String?) -> String? {
        guard let address, !address.isEmpty else { return nil }
        if let ip = IPAddress(address), exempt.contains(where: { $0.contains(ip) }) { return nil }
        return ClientAddress.throttleKey(address)
    }

    // MARK: - From the descriptor limit

    /// Descriptors kept free of connections for the rest of the process: the store and its
    /// journal, the listening socket, the event loops' epoll and event descriptors, pipes to a
    /// re-run's worker, the reports a download reads, libdispatch's /proc reads.
    public static func reserve(descriptors: Int) -> Int { max(64, descriptors / 4) }

    /// The most connections a process allowed `descriptors` open files may take.
    public static func maximum(descriptors: Int) -> Int { max(1, descriptors - reserve(descriptors: descriptors)) }

    /// The default cap in all: as many as the descriptors allow, at most 4,096 (far more than
    /// a county's cadres keep open at once).
    public static func defaultTotal(descriptors: Int) -> Int { min(4096, maximum(descriptors: descriptors)) }

    /// The default cap from one address: an eighth of the total, at most 128 (an office's
    /// NAT with dozens of phones and browsers stays well within it).
    public static func defaultPerAddress(total: Int) -> Int { max(1, min(128, total / 8)) }

    /// The process's soft limit on open files (`jifen` raises it to the hard limit at start,
    /// `OpenFileLimit`); a limit beyond a million counts as a million.
    public static func descriptorLimit() -> Int {
        #if canImport(Glibc)
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
            return Int(clamping: min(limit.rlim_cur, 1 << 20))
        #else
            return 1024
        #endif
    }
}

/// The first handler of every connection: counts it with the `ConnectionLimiter` once it is
/// active, closing it at once when the limiter refuses, and uncounts it when it closes.
final class ConnectionCap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let limiter: ConnectionLimiter
    /// nil until counted (or refused), once.
    private var admitted: Bool?

    init(_ limiter: ConnectionLimiter) { self.limiter = limiter }

    /// Counts the connection; false when refused.
    private func admit(_ channel: any Channel) -> Bool {
        if let admitted { return admitted }
        let address = channel.remoteAddress?.ipAddress
        let ok = limiter.admit(address)
        admitted = ok
        if ok {
            let limiter = self.limiter
            channel.closeFuture.whenComplete { _ in limiter.release(address) }
        }
        return ok
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Normally added before the channel is registered (counted in `channelActive`); added
        // to an active one, it is counted now and, when refused, closed once the pipeline
        // is set up.
        guard context.channel.isActive, !admit(context.channel) else { return }
        let channel = context.channel
        channel.eventLoop.execute { channel.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        guard admit(context.channel) else {
            context.close(promise: nil)
            return
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing of a refused connection goes further.
        guard admitted == true else { return }
        context.fireChannelRead(data)
    }
}
