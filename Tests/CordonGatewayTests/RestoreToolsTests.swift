@testable import CordonGateway
import CordonGuard
import CordonJSON
import Testing

/// The policy's `restore.tools` in the gateway's responses: a tool call's arguments are restored
/// as the arguments of the tool the call names, in every response shape.
@Suite("restore.tools in gateway responses: arguments restored as the named tool's")
struct GatewayRestoreToolsTests {
    typealias F = GatewayFixtures

    static let key = "AKIAFHSG4A7UNZQWWYEV"

    /// `public-api` receives up to `internal`; tools matching `crm_*` take values up to
    /// `restricted` (a credential), others the default `tool_arguments: confidential`.
    static let enforcer: PolicyEnforcer = {
        let policy = try! Policy.parse(yaml: """
            default_destination: public-api
            destinations:
              public-api:
                max_level: internal
                action: redact
            restore:
              tools:
                - tool: 'crm_*'
                  up_to: restricted
            """, file: "restore-tools.yaml")
        return PolicyEnforcer(engine: F.enforcer.engine, policy: policy)
    }()

    /// A session and the placeholder its request got for the (restricted) access key.
    static func keyToken() throws -> (session: String, token: String) {
        let session = F.session()
        let scan = try RequestScanner(enforcer: enforcer).scan(.string("key \(key)"), context: MessageContext(source: .prompt, session: session))
        guard case .string(let bytes)? = scan.body else { throw ResponseFilterError.malformedBody }
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: "⟦[A-Z_]+_1_[0-9A-Z]{6}⟧", options: .regularExpression))
        return (session, String(text[range]))
    }

    static func filter(_ session: String) -> ResponseTextFilter {
        ResponseTextFilter(enforcer: enforcer, context: MessageContext(session: session))
    }

    /// Everything the client got, as text.
    static func output(_ events: [ServerSentEvent]) -> String {
        events.map { String(decoding: $0.data ?? [], as: UTF8.self) }.joined(separator: "\n")
    }

    static func event(_ name: String?, _ members: [JSONMember]) -> ServerSentEvent {
        ServerSentEvent(name: name, data: JSONValue.object(members).serialized())
    }

    static let tools = [("crm_update", true), ("shell_exec", false)]

    @Test("chat completions stream: a tool call's streamed arguments get the credential only when its tool is named", arguments: tools)
    func chatStream(tool: String, restored: Bool) throws {
        let (session, token) = try Self.keyToken()
        let arguments = #"{"id":"42","aws_key":"\#(token)"}"#
        func call(_ function: [JSONMember]) -> JSONMember {
            JSONMember(name: "tool_calls", value: .array([.object([
                JSONMember(name: "index", value: .int(0)), JSONMember(name: "function", value: .object(function)),
            ])]))
        }
        var upstream = [F.chatChunk(extra: [call([JSONMember(name: "name", value: .string(tool)), JSONMember(name: "arguments", value: .string(""))])])]
        upstream += F.pieces(arguments, size: 4).map { F.chatChunk(extra: [call([JSONMember(name: "arguments", value: .string($0))])]) }
        upstream += [F.chatChunk(finish: "tool_calls"), F.done]
        var rewriter = ChatCompletionStreamRewriter(filter: Self.filter(session))
        let (perEvent, end) = try F.run(&rewriter, upstream)
        let text = Self.output(perEvent.flatMap { $0 } + end)
        #expect(text.contains(Self.key) == restored)
        #expect(text.contains(token) == !restored)
    }

    @Test("Anthropic stream: a tool_use block's input_json_delta gets the credential only when its tool is named", arguments: tools)
    func anthropicStream(tool: String, restored: Bool) throws {
        let (session, token) = try Self.keyToken()
        let input = #"{"aws_key":"\#(token)"}"#
        var upstream = [Self.event("content_block_start", [
            JSONMember(name: "type", value: .string("content_block_start")), JSONMember(name: "index", value: .int(0)),
            JSONMember(name: "content_block", value: .object([
                JSONMember(name: "type", value: .string("tool_use")), JSONMember(name: "id", value: .string("toolu_1")),
                JSONMember(name: "name", value: .string(tool)), JSONMember(name: "input", value: .object([])),
            ])),
        ])]
        upstream += F.pieces(input, size: 3).map { piece in
            Self.event("content_block_delta", [
                JSONMember(name: "type", value: .string("content_block_delta")), JSONMember(name: "index", value: .int(0)),
                JSONMember(name: "delta", value: .object([
                    JSONMember(name: "type", value: .string("input_json_delta")), JSONMember(name: "partial_json", value: .string(piece)),
                ])),
            ])
        }
        upstream += [
            Self.event("content_block_stop", [JSONMember(name: "type", value: .string("content_block_stop")), JSONMember(name: "index", value: .int(0))]),
            Self.event("message_stop", [JSONMember(name: "type", value: .string("message_stop"))]),
        ]
        var rewriter = AnthropicStreamRewriter(filter: Self.filter(session))
        let (perEvent, end) = try F.run(&rewriter, upstream)
        let text = Self.output(perEvent.flatMap { $0 } + end)
        #expect(text.contains(Self.key) == restored)
        #expect(text.contains(token) == !restored)
    }

    @Test("Responses stream: a function call's argument deltas and its .done payload follow the item's tool", arguments: tools)
    func responsesStream(tool: String, restored: Bool) throws {
        let (session, token) = try Self.keyToken()
        let arguments = #"{"aws_key":"\#(token)"}"#
        func members(_ type: String, _ rest: [JSONMember]) -> [JSONMember] {
            [JSONMember(name: "type", value: .string(type))] + rest
        }
        var upstream = [Self.event("response.output_item.added", members("response.output_item.added", [
            JSONMember(name: "output_index", value: .int(0)),
            JSONMember(name: "item", value: .object([
                JSONMember(name: "id", value: .string("fc_1")), JSONMember(name: "type", value: .string("function_call")),
                JSONMember(name: "call_id", value: .string("call_1")), JSONMember(name: "name", value: .string(tool)),
                JSONMember(name: "arguments", value: .string("")),
            ])),
        ]))]
        upstream += F.pieces(arguments, size: 5).map { piece in
            Self.event("response.function_call_arguments.delta", members("response.function_call_arguments.delta", [
                JSONMember(name: "item_id", value: .string("fc_1")), JSONMember(name: "output_index", value: .int(0)),
                JSONMember(name: "delta", value: .string(piece)),
            ]))
        }
        upstream.append(Self.event("response.function_call_arguments.done", members("response.function_call_arguments.done", [
            JSONMember(name: "item_id", value: .string("fc_1")), JSONMember(name: "output_index", value: .int(0)),
            JSONMember(name: "arguments", value: .string(arguments)),
        ])))
        var rewriter = ResponsesStreamRewriter(filter: Self.filter(session))
        let (perEvent, end) = try F.run(&rewriter, upstream)
        let text = Self.output(perEvent.flatMap { $0 } + end)
        #expect(text.contains(Self.key) == restored)
        #expect(text.contains(token) == !restored)
    }

    @Test("non-streamed bodies: chat tool calls, Responses function calls and Anthropic tool_use input follow the named tool", arguments: tools)
    func bodies(tool: String, restored: Bool) throws {
        let (session, token) = try Self.keyToken()
        let arguments = #"{"aws_key":"\#(token)"}"#
        let chat = #"{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"\#(tool)","arguments":\#(String(decoding: JSONValue.string(Array(arguments.utf8)).serialized(), as: UTF8.self))}}]}}]}"#
        let responses = #"{"output":[{"type":"function_call","id":"fc_1","call_id":"c1","name":"\#(tool)","arguments":\#(String(decoding: JSONValue.string(Array(arguments.utf8)).serialized(), as: UTF8.self))}]}"#
        let anthropic = #"{"content":[{"type":"tool_use","id":"toolu_1","name":"\#(tool)","input":{"aws_key":"\#(token)","nested":["\#(token)"]}}]}"#
        for body in [chat, responses, anthropic] {
            let filtered = try Self.filter(session).filter(json: JSONValue(parsing: Array(body.utf8)))
            let text = String(decoding: filtered.serialized(), as: UTF8.self)
            #expect(text.contains(Self.key) == restored, "\(body.prefix(12))")
            #expect(text.contains(token) == !restored, "\(body.prefix(12))")
        }
    }

    @Test("reply text still gets the credential back (restore.text), whatever the tools")
    func replyText() throws {
        let (session, token) = try Self.keyToken()
        let body = #"{"content":[{"type":"text","text":"your key: \#(token)"}]}"#
        let filtered = try Self.filter(session).filter(json: JSONValue(parsing: Array(body.utf8)))
        #expect(String(decoding: filtered.serialized(), as: UTF8.self).contains("your key: \(Self.key)"))
    }
}
