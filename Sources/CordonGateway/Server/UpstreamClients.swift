import AsyncHTTPClient
import NIOCore
import NIOPosix

/// The gateway's upstream HTTP clients: one per event loop of the group the server runs on, each
/// keeping its connections on its own loop.
///
/// A request is forwarded with the client of its client connection's loop, so the upstream's
/// response and every streamed event are read on the thread that writes them to the client (and,
/// when tasks run on the event loops — ``Gateway/runTasksOnEventLoops()`` — rewritten there). One
/// client for the whole group hands out any idle connection, often on the other loop: then each
/// event crosses threads (measured: half of the streams on a 2-loop machine). Each loop's client
/// keeps its connections alive (60 s idle), so a steady stream of requests finds one ready there.
public final class UpstreamClients: Sendable {
    private let clients: [(loop: ObjectIdentifier, client: HTTPClient)]

    /// One client per loop of `group`, with `configuration` (its connection limit divided among them).
    public init(group: MultiThreadedEventLoopGroup, configuration: HTTPClient.Configuration) {
        let loops = Array(group.makeIterator())
        var perLoop = configuration
        perLoop.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(
            1, (configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit + loops.count - 1) / max(1, loops.count))
        clients = loops.map { loop in
            (ObjectIdentifier(loop), HTTPClient(eventLoopGroupProvider: .shared(loop), configuration: perLoop))
        }
    }

    /// The client whose connections live on `loop`; for a loop of another group, the first.
    public func client(on loop: any EventLoop) -> HTTPClient {
        let identifier = ObjectIdentifier(loop)
        for entry in clients where entry.loop == identifier { return entry.client }
        return clients[0].client
    }

    /// Shuts every client down (idle connections closed).
    public func shutdown() async throws {
        var firstError: (any Error)? = nil
        for entry in clients {
            do { try await entry.client.shutdown() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}
