@testable import CordonGateway
import NIOCore
import NIOEmbedded
import Testing

@Suite("Graceful shutdown: every open client connection is asked to close once idle")
struct OpenConnectionsTests {
    /// Counts the quiesce events that reach the end of a channel's pipeline.
    final class QuiesceCounter: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = Never
        var count = 0
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { count += 1 }
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func channel() throws -> (EmbeddedChannel, QuiesceCounter) {
        let counter = QuiesceCounter()
        let channel = EmbeddedChannel(handler: counter)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, counter)
    }

    @Test("each open connection gets one quiesce event when the shutdown begins, none before")
    func quiescesOpenConnections() throws {
        let connections = OpenConnections()
        let (first, firstCounter) = try channel()
        let (second, secondCounter) = try channel()
        connections.add(first)
        connections.add(second)
        #expect(firstCounter.count == 0 && secondCounter.count == 0)
        connections.quiesceAll()
        #expect(firstCounter.count == 1)
        #expect(secondCounter.count == 1)
        _ = try first.finish()
        _ = try second.finish()
    }

    @Test("a connection accepted after the shutdown began is asked at once")
    func quiescesLateConnections() throws {
        let connections = OpenConnections()
        connections.quiesceAll()
        let (late, counter) = try channel()
        connections.add(late)
        #expect(counter.count == 1)
        _ = try late.finish()
    }

    @Test("a connection that closed is forgotten: the shutdown does not touch it")
    func forgetsClosedConnections() throws {
        let connections = OpenConnections()
        let (closed, closedCounter) = try channel()
        let (open, openCounter) = try channel()
        connections.add(closed)
        connections.add(open)
        try closed.close().wait()
        closed.embeddedEventLoop.run()
        connections.quiesceAll()
        #expect(closedCounter.count == 0)
        #expect(openCounter.count == 1)
        _ = try open.finish()
    }
}
