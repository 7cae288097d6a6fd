@testable import CordonGateway
import CordonGuard
import CordonJSON

/// What the gateway tests share: one built-in pipeline (compiling the engine once), and helpers
/// to feed streams through the rewriters.
enum GatewayFixtures {
    /// The built-in detectors and policy (`public-api` receives up to `internal`).
    static let pipeline: Guard = try! Guard(GuardConfiguration())

    static var enforcer: PolicyEnforcer { pipeline.enforcer }

    /// A fresh session name.
    static func session(_ name: String = #function) -> String { "test-\(name)-\(UInt64.random(in: 0...UInt64.max))" }

    /// Placeholders for `text` in `session`, as the request side assigns them.
    static func redactRequest(_ text: String, session: String) throws -> String {
        let scan = try RequestScanner(enforcer: enforcer).scan(.string(text), context: MessageContext(source: .prompt, session: session))
        guard case .string(let bytes)? = scan.body else { return "<blocked>" }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func filter(session: String) -> ResponseTextFilter {
        ResponseTextFilter(enforcer: enforcer, context: MessageContext(session: session))
    }

    /// An OpenAI chunk carrying `content` for choice 0.
    static func chatChunk(content: String? = nil, finish: String? = nil, extra: [JSONMember] = []) -> ServerSentEvent {
        var delta: [JSONMember] = []
        if let content { delta.append(JSONMember(name: "content", value: .string(content))) }
        delta += extra
        let chunk = JSONValue.object([
            JSONMember(name: "id", value: .string("chatcmpl-1")),
            JSONMember(name: "object", value: .string("chat.completion.chunk")),
            JSONMember(name: "created", value: .int(1)),
            JSONMember(name: "model", value: .string("m")),
            JSONMember(name: "choices", value: .array([.object([
                JSONMember(name: "index", value: .int(0)),
                JSONMember(name: "delta", value: .object(delta)),
                JSONMember(name: "finish_reason", value: finish.map { .string($0) } ?? .null),
            ])])),
        ])
        return ServerSentEvent(data: chunk.serialized())
    }

    static let done = ServerSentEvent(data: Array("[DONE]".utf8))

    /// `text` split into pieces of `size` characters.
    static func pieces(_ text: String, size: Int) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.count == size {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Runs `events` through `rewriter` and returns the output events per input event, then the
    /// events of the end of the stream.
    static func run(_ rewriter: inout some StreamRewriter, _ events: [ServerSentEvent]) throws -> (perEvent: [[ServerSentEvent]], end: [ServerSentEvent]) {
        var perEvent: [[ServerSentEvent]] = []
        for event in events { perEvent.append(try rewriter.rewrite(event)) }
        return (perEvent, try rewriter.finish())
    }

    /// The joined `choices[0].delta.content` of chat events.
    static func chatContent(_ events: [ServerSentEvent], field: String = "content") -> String {
        var text = ""
        for event in events {
            guard let data = event.data, data != Array("[DONE]".utf8), let json = try? JSONValue(parsing: data),
                case .array(let choices)? = json["choices"], let first = choices.first,
                case .string(let bytes)? = first["delta"]?[field]
            else { continue }
            text += String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    /// Every text a client saw, one string per event, for partial-emission checks.
    static func normalized(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x61 && $0.value <= 0x7A) }.map(Character.init))
    }
}
