import AsyncHTTPClient
import Cordon
import CordonJSON
import Crypto
import HTTPTypes
import Hummingbird
import NIOCore

extension GatewayResponder {
    /// A non-streamed upstream response, read whole: every JSON string (or, for a body that is
    /// not JSON, the whole text) has new values redacted and placeholders restored. Upstream
    /// errors keep their status and are filtered the same way.
    func bufferedResponse(
        _ response: HTTPClientResponse, status: HTTPResponse.Status, headers: HTTPFields, filter: ResponseTextFilter, exchange: Exchange,
        destination: String
    ) async throws -> Response {
        defer { if !exchange.sessionIsNamed { enforcer.placeholders.removeSession(exchange.session) } }
        let bytes: [UInt8]
        do {
            var buffer = try await response.body.collect(upTo: configuration.maximumResponseBytes)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            try? audit(exchange, destination: destination, response: true, error: ResponseFilterError.bodyTooLarge.code)
            throw GatewayFailure(status: .badGateway, code: "cordon_response_unreadable", message: "The upstream's response could not be read whole.")
        }
        let output: [UInt8]
        do {
            if let json = try? JSONValue(parsing: bytes) {
                let filtered = try filter.filter(json: json)
                output = filtered == json ? bytes : filtered.serialized()
            } else {
                output = try filter.filter(bytes)
            }
        } catch {
            try? audit(exchange, destination: destination, response: true, error: error.code)
            throw GatewayFailure(status: .badGateway, code: "cordon_\(error.code)", message: "The upstream's response could not be scanned.")
        }
        metrics.responseRedactions(endpoint: exchange.endpoint, count: filter.redactedCounts.values.reduce(0, +))
        try audit(exchange, destination: destination, response: true, redacted: filter.redactedCounts, output: output, error: nil)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: output)))
    }

    /// A streamed upstream response, rewritten event by event as it arrives: each upstream read
    /// becomes one client write holding at least one event per upstream event. The response's
    /// audit record carries the SHA-256 of every byte written to the client (also when the
    /// stream ended in an error event or the client left).
    func streamBody(
        _ response: HTTPClientResponse, rewriter: any StreamRewriter, filter: ResponseTextFilter, exchange: Exchange, destination: String
    ) -> ResponseBody {
        let responder = self
        return ResponseBody { writer in
            var rewriter = rewriter
            var parser = ServerSentEventParser()
            var failure: String? = nil
            var clientGone = false
            // What the client received, for the response's audit record (none kept without an
            // audit log: nothing would read it).
            var received: SHA256? = responder.pipeline.audit == nil ? nil : SHA256()
            func send(_ bytes: [UInt8]) async throws {
                received?.update(data: bytes)
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            defer { if !exchange.sessionIsNamed { responder.enforcer.placeholders.removeSession(exchange.session) } }
            do {
                for try await buffer in response.body {
                    let stamped = exchange.timeline?.nextEvent()
                    if let stamped { exchange.timeline?.stamp("read\(stamped)") }
                    let events: [ServerSentEvent]
                    do {
                        events = try parser.feed(buffer.readableBytesView)
                    } catch {
                        throw ResponseFilterError.malformedBody
                    }
                    var output: [UInt8] = []
                    for event in events {
                        for rewritten in try rewriter.rewrite(event) { output += rewritten.serialized() }
                    }
                    guard !output.isEmpty else { continue }
                    do {
                        try await send(output)
                    } catch {
                        clientGone = true
                        throw error
                    }
                    if let stamped {
                        exchange.timeline?.stamp("written\(stamped)")
                        if stamped == RequestTimeline.eventLimit { exchange.timeline?.write() }
                    }
                }
                var output: [UInt8] = []
                let last: ServerSentEvent?
                do { last = try parser.finish() } catch { throw ResponseFilterError.malformedBody }
                if let last {
                    for rewritten in try rewriter.rewrite(last) { output += rewritten.serialized() }
                }
                for rewritten in try rewriter.finish() { output += rewritten.serialized() }
                if !rewriter.isComplete {
                    // The upstream closed before its end-of-stream event: tell the client the
                    // answer is cut short rather than let it pass for a complete one.
                    failure = "upstream_stream_incomplete"
                    output += rewriter.errorEvent(
                        message: "The upstream ended the stream early.", code: "cordon_upstream_stream_incomplete"
                    ).serialized()
                }
                if !output.isEmpty { try await send(output) }
            } catch let error as ResponseFilterError {
                failure = error.code
                let event = rewriter.errorEvent(message: "The gateway stopped the stream: the upstream's events could not be scanned.", code: "cordon_\(error.code)")
                try? await send(event.serialized())
            } catch {
                if clientGone {
                    failure = "client_disconnected"
                } else {
                    // The upstream failed or stalled: what was held back is released (scanned
                    // whole, as at a normal end), then the error event tells the client the
                    // answer is cut short.
                    let timedOut = (error as? HTTPClientError).map { $0 == .readTimeout || $0 == .deadlineExceeded } ?? false
                    failure = timedOut ? "upstream_timeout" : "upstream_stream_failed"
                    var output: [UInt8] = []
                    for rewritten in (try? rewriter.finish()) ?? [] { output += rewritten.serialized() }
                    output += rewriter.errorEvent(
                        message: timedOut
                            ? "The upstream sent nothing for \(responder.configuration.upstreamTimeout) seconds." : "The upstream's stream failed.",
                        code: timedOut ? "cordon_upstream_timeout" : "cordon_upstream_stream_failed"
                    ).serialized()
                    try? await send(output)
                }
            }
            let redacted = filter.redactedCounts
            responder.metrics.responseRedactions(endpoint: exchange.endpoint, count: redacted.values.reduce(0, +))
            if let failure { responder.metrics.failure(endpoint: exchange.endpoint, code: failure) }
            try? responder.audit(
                exchange, destination: destination, response: true, redacted: redacted, outputSHA256: received.map { Hex.string($0.finalize()) }, error: failure)
            if !clientGone { try await writer.finish(nil) }
        }
    }
}
