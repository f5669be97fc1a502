import Hummingbird
import NIOCore

/// What the portal needs of a request's context besides Hummingbird's own: the address of
/// the client, which login throttling counts failures by.
public protocol PortalRequestContext: RequestContext where Source == ApplicationRequestContextSource {
    /// The connection's peer address, nil when there is none (an in-process test). The
    /// portal takes the client from `X-Forwarded-For` only when this peer is one of the
    /// configured trusted proxies (`PortalService.clientAddress`, `ClientAddress.resolve`).
    func clientAddress(of request: Request) -> String?
}

/// The context `jifen serve` runs with: the peer address of the request's connection.
public struct PortalContext: PortalRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    public func clientAddress(of request: Request) -> String? {
        guard let a = remoteAddress else { return nil }
        return a.ipAddress ?? a.pathname.map { "unix:" + $0 }
    }
}
