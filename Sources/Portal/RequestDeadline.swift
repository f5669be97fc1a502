import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body is not complete within `seconds` of its head.
/// Hummingbird's idle timeout counts whole request parts, so a body sent a few bytes at a
/// time, each piece within the idle timeout, would hold the connection for as long as the
/// client likes; this bounds the whole body. A request already read (its handler still
/// answering, a download being written) is never cut off.
final class RequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let seconds: Int64
    private var timer: Scheduled<Void>?

    init(seconds: Int64) { self.seconds = seconds }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(seconds)) { [weak self] in
                self?.timer = nil
                context.close(promise: nil)
            }
        case .end:
            timer?.cancel()
            timer = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}
