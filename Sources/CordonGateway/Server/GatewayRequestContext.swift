import Hummingbird
import NIOCore

/// The request context of the gateway: Hummingbird's basic one, plus the event loop of the
/// client's connection.
///
/// The upstream request goes out through that loop's client (``UpstreamClients``), so the
/// upstream's answer is read on the loop that writes it to the client. The thread a request's
/// task happens to run on cannot tell: a connection's first request may run on the loop that
/// accepted it.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The event loop of the client's connection.
    public let eventLoop: any EventLoop

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
    }
}
