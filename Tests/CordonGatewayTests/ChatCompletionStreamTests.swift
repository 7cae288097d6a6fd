@testable import CordonGateway
import CordonJSON
import Testing

@Suite("Chat-completions streams: placeholders restored, new values masked, events kept")
struct ChatCompletionStreamTests {
    typealias F = GatewayFixtures

    @Test("a placeholder split across one-character events is restored, with one client event per upstream event")
    func splitPlaceholderRestored() throws {
        let session = F.session()
        let original = "Write to jane.doe@acme-corp.io about the invoice."
        let redacted = try F.redactRequest(original, session: session)
        #expect(redacted.contains("⟦EMAIL_1_"))
        var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: session))
        let upstream = F.pieces(redacted, size: 1).map { F.chatChunk(content: $0) } + [F.chatChunk(finish: "stop"), F.done]
        let (perEvent, end) = try F.run(&rewriter, upstream)
        #expect(perEvent.allSatisfy { $0.count >= 1 })
        let all = perEvent.flatMap { $0 } + end
        #expect(F.chatContent(all) == original)
        #expect(all.filter { $0.data == Array("[DONE]".utf8) }.count == 1)
    }

    @Test("every chunk the client gets has choices[0]")
    func everyChunkHasAChoice() throws {
        let session = F.session()
        var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: session))
        // No finish chunk: the held-back tail must go out in a chunk of the upstream's shape.
        let upstream = F.pieces("tail without a finish chunk: ops-lead", size: 3).map { F.chatChunk(content: $0) } + [F.done]
        let (perEvent, end) = try F.run(&rewriter, upstream)
        let all = perEvent.flatMap { $0 } + end
        #expect(F.chatContent(all) == "tail without a finish chunk: ops-lead")
        for event in all where event.data != Array("[DONE]".utf8) {
            let json = try JSONValue(parsing: event.data!)
            guard case .array(let choices)? = json["choices"] else {
                Issue.record("a chunk without choices")
                continue
            }
            #expect(!choices.isEmpty)
        }
    }

    @Test("a new e-mail address from the upstream is masked and no 5-character fragment of it reaches the client")
    func newValueMaskedWithoutPartialEmission() throws {
        let session = F.session()
        let injected = "mallory.quinn@northwind-traders.net"
        var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: session))
        let text = "Sure. Also reach \(injected) today."
        let upstream = F.pieces(text, size: 1).map { F.chatChunk(content: $0) } + [F.chatChunk(finish: "stop"), F.done]
        let (perEvent, end) = try F.run(&rewriter, upstream)
        let all = perEvent.flatMap { $0 } + end
        let content = F.chatContent(all)
        #expect(!content.contains(injected))
        #expect(content.contains("[REDACTED:email]"))
        #expect(content.hasPrefix("Sure. Also reach "))
        // No run of 5 normalised characters of the value in the concatenated output.
        let value = F.normalized(injected)
        let seen = F.normalized(content)
        for start in 0...(value.count - 5) {
            let fragment = String(Array(value)[start..<(start + 5)])
            #expect(!seen.contains(fragment), "fragment \(start) of the injected value reached the client")
        }
    }

    @Test("a percent-encoded new value in an unknown delta field is masked")
    func percentEncodedUnknownField() throws {
        let session = F.session()
        var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: session))
        let encoded = "mallory.quinn%40northwind-traders.net"
        let fields = F.pieces("record: \(encoded) end", size: 4).map {
            F.chatChunk(extra: [JSONMember(name: "record_field", value: .string($0))])
        }
        let (perEvent, end) = try F.run(&rewriter, fields + [F.chatChunk(finish: "stop"), F.done])
        let all = perEvent.flatMap { $0 } + end
        let record = F.chatContent(all, field: "record_field")
        #expect(!F.normalized(record).contains("northwind"))
        #expect(record.hasPrefix("record: "))
        #expect(record.hasSuffix(" end"))
    }

    @Test("tool-call argument fragments are restored, per tool-call index")
    func toolCallArguments() throws {
        let session = F.session()
        let arguments = #"{"to":"jane.doe@acme-corp.io","subject":"hi"}"#
        let redacted = try F.redactRequest(arguments, session: session)
        #expect(!redacted.contains("jane.doe"))
        var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: session))
        var upstream: [ServerSentEvent] = []
        let first = JSONValue.object([
            JSONMember(name: "index", value: .int(0)),
            JSONMember(name: "id", value: .string("call_1")),
            JSONMember(name: "type", value: .string("function")),
            JSONMember(name: "function", value: .object([
                JSONMember(name: "name", value: .string("send_mail")),
                JSONMember(name: "arguments", value: .string("")),
            ])),
        ])
        upstream.append(F.chatChunk(extra: [JSONMember(name: "tool_calls", value: .array([first]))]))
        for piece in F.pieces(redacted, size: 2) {
            let call = JSONValue.object([
                JSONMember(name: "index", value: .int(0)),
                JSONMember(name: "function", value: .object([JSONMember(name: "arguments", value: .string(piece))])),
            ])
            upstream.append(F.chatChunk(extra: [JSONMember(name: "tool_calls", value: .array([call]))]))
        }
        upstream += [F.chatChunk(finish: "tool_calls"), F.done]
        let (perEvent, end) = try F.run(&rewriter, upstream)
        #expect(perEvent.allSatisfy { $0.count >= 1 })
        var joined = ""
        var names: [String] = []
        for event in perEvent.flatMap({ $0 }) + end {
            guard let data = event.data, data != Array("[DONE]".utf8) else { continue }
            let json = try JSONValue(parsing: data)
            guard case .array(let choices)? = json["choices"], case .array(let calls)? = choices.first?["delta"]?["tool_calls"] else { continue }
            for call in calls {
                if case .string(let bytes)? = call["function"]?["arguments"] { joined += String(decoding: bytes, as: UTF8.self) }
                if case .string(let bytes)? = call["function"]?["name"] { names.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        #expect(joined == arguments)
        #expect(names == ["send_mail"])
    }

    @Test("a second [DONE] and events after it are dropped; malformed JSON fails the stream")
    func doneOnceAndMalformed() throws {
        var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: F.session()))
        #expect(try rewriter.rewrite(F.done).count == 1)
        #expect(try rewriter.rewrite(F.done).isEmpty)
        var other = ChatCompletionStreamRewriter(filter: F.filter(session: F.session()))
        #expect(throws: ResponseFilterError.malformedBody) { try other.rewrite(ServerSentEvent(data: Array("{not json".utf8))) }
    }
}
