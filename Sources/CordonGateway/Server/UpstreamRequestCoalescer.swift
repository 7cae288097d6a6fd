import NIOCore
import NIOHTTP1

/// Sends an upstream request's head and its body in one write: it holds back the flush that
/// AsyncHTTPClient issues right after a request head announcing a body of known length, so that
/// the body's flush, which follows at once, sends both.
///
/// AsyncHTTPClient 1.37 flushes the head, then writes and flushes a `.bytes` body, so every
/// forwarded request cost two `writev` calls and reached the upstream in two segments (the
/// upstream reading the head, then waking again for the body). The gateway always has the whole
/// body before it forwards (it is scanned first), so the two can go together. Should no body part
/// follow in the same event-loop turn (a request that failed in between), the held flush is
/// issued at the end of the turn: nothing is ever left unsent.
final class UpstreamRequestCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The last head written announced a body: hold the flush that follows it.
    private var holdNextFlush = false
    /// A flush is being held.
    private var flushHeld = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = Self.unwrapOutboundIn(data) {
            holdNextFlush = Self.announcesBody(head)
        } else {
            holdNextFlush = false
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if holdNextFlush {
            holdNextFlush = false
            flushHeld = true
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let (handler, context) = loopBound.value
                if handler.flushHeld {
                    handler.flushHeld = false
                    context.flush()
                }
            }
            return
        }
        flushHeld = false
        context.flush()
    }

    /// Whether `head` announces a body of known, non-zero length.
    static func announcesBody(_ head: HTTPRequestHead) -> Bool {
        guard !head.headers.contains(name: "transfer-encoding"), let length = head.headers.first(name: "content-length").flatMap(Int.init) else {
            return false
        }
        return length > 0
    }
}
