@testable import CordonGateway
import CordonJSON
import Testing

@Suite("Anthropic message streams: deltas restored per block, held text released before the block stops")
struct AnthropicStreamTests {
    typealias F = GatewayFixtures

    private func event(_ type: String, _ members: [JSONMember]) -> ServerSentEvent {
        ServerSentEvent(name: type, data: JSONValue.object([JSONMember(name: "type", value: .string(type))] + members).serialized())
    }

    private func delta(_ index: Int, type: String, field: String, _ text: String) -> ServerSentEvent {
        event("content_block_delta", [
            JSONMember(name: "index", value: .int(index)),
            JSONMember(name: "delta", value: .object([
                JSONMember(name: "type", value: .string(type)),
                JSONMember(name: field, value: .string(text)),
            ])),
        ])
    }

    /// The joined text of `field` of block `index`.
    private func joined(_ events: [ServerSentEvent], index: Int, field: String) throws -> String {
        var text = ""
        for event in events where event.name == "content_block_delta" {
            let json = try JSONValue(parsing: event.data!)
            guard json.integer("index") == index, case .string(let bytes)? = json["delta"]?[field] else { continue }
            text += String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    @Test("text, thinking and input_json deltas are restored; every upstream event gives a client event with its event line")
    func restoredPerBlock() throws {
        let session = F.session()
        let original = "Forward it to jane.doe@acme-corp.io please"
        let redacted = try F.redactRequest(original, session: session)
        let json = #"{"to":"jane.doe@acme-corp.io"}"#
        let redactedJSON = try F.redactRequest(json, session: session)
        var upstream = [event("message_start", [JSONMember(name: "message", value: .object([JSONMember(name: "id", value: .string("msg_1"))]))])]
        upstream.append(event("content_block_start", [JSONMember(name: "index", value: .int(0))]))
        upstream += F.pieces(redacted, size: 1).map { delta(0, type: "thinking_delta", field: "thinking", $0) }
        upstream.append(delta(0, type: "signature_delta", field: "signature", "c2lnbmF0dXJl"))
        upstream.append(event("content_block_stop", [JSONMember(name: "index", value: .int(0))]))
        upstream += F.pieces(redacted, size: 2).map { delta(1, type: "text_delta", field: "text", $0) }
        upstream.append(event("content_block_stop", [JSONMember(name: "index", value: .int(1))]))
        upstream += F.pieces(redactedJSON, size: 3).map { delta(2, type: "input_json_delta", field: "partial_json", $0) }
        upstream.append(event("content_block_stop", [JSONMember(name: "index", value: .int(2))]))
        upstream.append(event("message_stop", []))
        var rewriter = AnthropicStreamRewriter(filter: F.filter(session: session))
        let (perEvent, end) = try F.run(&rewriter, upstream)
        #expect(perEvent.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.name != nil } })
        let all = perEvent.flatMap { $0 } + end
        #expect(try joined(all, index: 0, field: "thinking") == original)
        #expect(try joined(all, index: 0, field: "signature") == "c2lnbmF0dXJl")
        #expect(try joined(all, index: 1, field: "text") == original)
        #expect(try joined(all, index: 2, field: "partial_json") == json)
        // Held text goes out before its block's stop, never after.
        var stopped: Set<Int> = []
        for event in all {
            let json = try JSONValue(parsing: event.data!)
            if event.name == "content_block_stop", let index = json.integer("index") { stopped.insert(index) }
            if event.name == "content_block_delta", let index = json.integer("index") { #expect(!stopped.contains(index)) }
        }
    }

    @Test("a new value from the upstream is masked in a text delta")
    func newValueMasked() throws {
        let session = F.session()
        var rewriter = AnthropicStreamRewriter(filter: F.filter(session: session))
        let upstream = F.pieces("Ask mallory.quinn@northwind-traders.net now", size: 1).map { delta(0, type: "text_delta", field: "text", $0) }
            + [event("content_block_stop", [JSONMember(name: "index", value: .int(0))])]
        let (perEvent, end) = try F.run(&rewriter, upstream)
        let text = try joined(perEvent.flatMap { $0 } + end, index: 0, field: "text")
        #expect(text == "Ask [REDACTED:email] now")
    }
}
