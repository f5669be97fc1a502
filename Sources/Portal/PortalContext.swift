import Hummingbird
import NIOCore

/// What the portal needs of a request's context besides Hummingbird's own: the address of
/// the client, which login throttling counts failures by.
public protocol PortalRequestContext: RequestContext where Source == ApplicationRequestContextSource {
    /// The client's address as this server saw it, nil when there is none (an in-process
    /// test). No header (`X-Forwarded-For`) is trusted: the portal is served directly.
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
