@testable import CordonGateway
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@Suite("Upstream requests: head and body in one write")
struct UpstreamRequestCoalescerTests {
    /// A channel with the request encoder and the coalescer in front of it, as the gateway's
    /// upstream connections have them.
    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
        try channel.pipeline.syncOperations.addHandler(UpstreamRequestCoalescer())
        return channel
    }

    private func head(_ headers: HTTPHeaders) -> HTTPClientRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions", headers: headers))
    }

    /// Everything flushed to the socket so far, as one string per buffer.
    private func flushed(_ channel: EmbeddedChannel) throws -> [String] {
        var buffers: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            if buffer.readableBytes > 0 { buffers.append(String(buffer: buffer)) }
        }
        return buffers
    }

    @Test("the flush after a head announcing a body is held until the body's flush, which sends both")
    func headWaitsForBody() throws {
        let channel = try channel()
        channel.writeAndFlush(head(["content-length": "13", "content-type": "application/json"]), promise: nil)
        #expect(try flushed(channel).isEmpty)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "{\"model\":\"m\"}"))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let buffers = try flushed(channel)
        #expect(buffers.count == 2)
        #expect(buffers.first?.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\n") == true)
        #expect(buffers.last == "{\"model\":\"m\"}")
        #expect(try channel.finish().isClean)
    }

    @Test("a held flush is issued at the end of the event-loop turn when no body follows")
    func heldFlushIsNeverLost() throws {
        let channel = try channel()
        channel.writeAndFlush(head(["content-length": "13"]), promise: nil)
        #expect(try flushed(channel).isEmpty)
        channel.embeddedEventLoop.run()
        let buffers = try flushed(channel)
        #expect(buffers.count == 1 && buffers[0].hasPrefix("POST "))
        _ = try channel.finish()
    }

    @Test("a head without a body of known length is flushed at once", arguments: [
        HTTPHeaders(), ["content-length": "0"], ["transfer-encoding": "chunked"],
    ])
    func headWithoutBodyIsFlushed(headers: HTTPHeaders) throws {
        let channel = try channel()
        channel.writeAndFlush(head(headers), promise: nil)
        #expect(try flushed(channel).count == 1)
        _ = try channel.finish()
    }
}
