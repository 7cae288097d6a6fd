@testable import CordonGateway
import CordonJSON
import Testing

@Suite("Responses streams: *.delta events restored per item, held text released before *.done")
struct ResponsesStreamTests {
    typealias F = GatewayFixtures

    private func event(_ type: String, _ members: [JSONMember]) -> ServerSentEvent {
        ServerSentEvent(name: type, data: JSONValue.object([JSONMember(name: "type", value: .string(type))] + members).serialized())
    }

    private func textDelta(_ text: String, sequence: Int) -> ServerSentEvent {
        event("response.output_text.delta", [
            JSONMember(name: "item_id", value: .string("msg_1")),
            JSONMember(name: "output_index", value: .int(0)),
            JSONMember(name: "content_index", value: .int(0)),
            JSONMember(name: "delta", value: .string(text)),
            JSONMember(name: "sequence_number", value: .int(sequence)),
        ])
    }

    @Test("output text deltas and the done and completed payloads are restored; a new value is masked")
    func restoredAndMasked() throws {
        let session = F.session()
        let original = "Send it to jane.doe@acme-corp.io now"
        let redacted = try F.redactRequest(original, session: session)
        let injected = " and to mallory.quinn@northwind-traders.net"
        var upstream = [event("response.created", [])]
        for (index, piece) in F.pieces(redacted + injected, size: 1).enumerated() { upstream.append(textDelta(piece, sequence: index + 1)) }
        upstream.append(event("response.output_text.done", [
            JSONMember(name: "item_id", value: .string("msg_1")),
            JSONMember(name: "output_index", value: .int(0)),
            JSONMember(name: "content_index", value: .int(0)),
            JSONMember(name: "text", value: .string(redacted + injected)),
        ]))
        upstream.append(event("response.completed", [
            JSONMember(name: "response", value: .object([JSONMember(name: "output_text", value: .string(redacted))])),
        ]))
        var rewriter = ResponsesStreamRewriter(filter: F.filter(session: session))
        let (perEvent, end) = try F.run(&rewriter, upstream)
        #expect(perEvent.allSatisfy { !$0.isEmpty })
        #expect(rewriter.isComplete)
        var deltas = ""
        var done = ""
        var completed = ""
        var sawDone = false
        for event in perEvent.flatMap({ $0 }) + end {
            let json = try JSONValue(parsing: event.data!)
            switch event.name {
            case "response.output_text.delta":
                #expect(!sawDone, "a delta after its done event")
                deltas += String(decoding: json["delta"]?.bytes ?? [], as: UTF8.self)
            case "response.output_text.done":
                sawDone = true
                done = String(decoding: json["text"]?.bytes ?? [], as: UTF8.self)
            case "response.completed":
                completed = String(decoding: json["response"]?["output_text"]?.bytes ?? [], as: UTF8.self)
            default:
                break
            }
        }
        let expected = original + " and to [REDACTED:email]"
        #expect(deltas == expected)
        #expect(done == expected)
        #expect(completed == original)
    }

    @Test("a stream that ends without response.completed is incomplete")
    func incompleteStream() throws {
        var rewriter = ResponsesStreamRewriter(filter: F.filter(session: F.session()))
        _ = try rewriter.rewrite(textDelta("hello", sequence: 1))
        #expect(!rewriter.isComplete)
        let end = try rewriter.finish()
        #expect(end.count == 1)
    }
}
