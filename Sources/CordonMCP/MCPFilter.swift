import Cordon
import CordonGuard
import CordonJSON
import Foundation
import Synchronization

/// The filtering core of `cordon mcp`: reads one line from either side of an MCP stdio
/// connection and says what to send where.
///
/// It works from each message's method and shape, not from the handshake, so every protocol
/// version from 2024-11-05 to 2026-07-28 passes (`initialize` or `server/discover`, batches,
/// `resultType: "input_required"` with `inputRequests`/`inputResponses`). It tracks the ids in
/// flight in both directions, so that a response can be scanned as what it answers (a
/// `tools/call` result, a `resources/read` content) and every request it refuses, or that the
/// server never answers, still gets an answer.
///
/// Toward the model (messages from the server) it scans results, server requests (sampling,
/// elicitation) and notifications under the model destination; toward the server (messages from
/// the client) it scans requests (tool arguments: keys, strings and numbers; prompt and
/// completion arguments; resource URIs), answers to server requests and notifications under the
/// server destination. Redaction keeps the shape (``ShapePreservingRedactor``), so
/// `structuredContent` still matches the tool's `outputSchema` and its text copy gets the same
/// placeholder. Base64 `blob`s and image/audio `data` are decoded and scanned; one that cannot be
/// decoded, or holds a value, blocks the message (a blob cannot be redacted in place).
///
/// A refused `tools/call` is answered with a tool error result naming the detectors (the model
/// sees why and can adjust); any other refused request with a JSON-RPC error `-32602` (toward
/// the server) or `-32603` whose message gives the reason — never quoting a value. A line that
/// is not JSON-RPC is never forwarded.
public final class MCPFilter: Sendable {
    /// The enforcer holding the engine, the policy and the placeholder store.
    public let enforcer: PolicyEnforcer
    /// The proxy's configuration.
    public let configuration: MCPProxyConfiguration
    /// Enforcers for the tool rules that allow detectors (the policy with those detectors made
    /// public), by rule index.
    private let ruleEnforcers: [Int: PolicyEnforcer]

    private struct PendingRequest {
        var method: String
        var tool: String?
        var id: JSONValue
        /// Whether the request named protocol 2026-07-28 or later in its `_meta`.
        var isModern: Bool
    }

    /// The `_meta` key that carries the protocol version of a request (2026-07-28).
    public static let protocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion"

    /// Whether `request` names protocol 2026-07-28 or later, whose results must carry
    /// `resultType` — read from the request itself, not from a handshake.
    static func isModern(_ request: JSONValue) -> Bool {
        guard let version = request["params"]?["_meta"]?[protocolVersionMetaKey]?.stringValue else { return false }
        return version >= "2026-07-28"
    }

    private struct State {
        /// Client requests forwarded to the server and not yet answered, by id text.
        var clientRequests: [String: PendingRequest] = [:]
        /// Server requests forwarded to the client and not yet answered, by id text.
        var serverRequests: [String: String] = [:]
        var serverClosed = false
    }

    private let state = Mutex(State())

    /// Member names whose strings are never rewritten in MCP messages: the hook's
    /// discriminators, plus base64 payloads (`blob`, and `data` of image and audio blocks),
    /// which are decoded and scanned instead and cannot be redacted in place.
    public static let protectedNames = ShapePreservingRedactor.defaultProtectedNames.union(["blob"])

    /// Member names protected inside blocks of a given `type`.
    public static let protectedByType: [String: Set<String>] = ["image": ["data"], "audio": ["data"]]

    /// Creates a filter.
    public init(enforcer: PolicyEnforcer, configuration: MCPProxyConfiguration) {
        self.enforcer = enforcer
        self.configuration = configuration
        var ruleEnforcers: [Int: PolicyEnforcer] = [:]
        for (index, rule) in configuration.toolRules.enumerated() where !rule.allowedDetectors.isEmpty {
            var policy = enforcer.policy
            for id in rule.allowedDetectors { policy.detectorOverrides[id] = PolicyOverride(level: .public) }
            ruleEnforcers[index] = PolicyEnforcer(engine: enforcer.engine, policy: policy, placeholders: enforcer.placeholders)
        }
        self.ruleEnforcers = ruleEnforcers
    }

    /// The number of client requests the server has not answered yet.
    public var pendingClientRequests: Int { state.withLock { $0.clientRequests.count } }

    // MARK: - Lines

    /// Filters one line read from the client.
    public func fromClient(_ line: LineReader.Line) -> MCPFilterOutput {
        var output = MCPFilterOutput()
        switch read(line) {
        case .skip:
            break
        case .invalid(let reason, let id, let code):
            output.diagnostics.append("cordon mcp: a message from the client was not forwarded: \(reason)")
            output.toClient.append(Self.line(Self.errorResponse(id: id ?? .null, code: code, message: "cordon: message not forwarded: \(reason)")))
            output.audit.append(invalidRecord(toServer: true, reason: reason))
        case .message(let value):
            if case .array(let items) = value {
                guard !items.isEmpty else {
                    output.toClient.append(Self.line(Self.errorResponse(id: .null, code: -32600, message: "cordon: an empty batch")))
                    return output
                }
                var forward: [JSONValue] = []
                var answers: [JSONValue] = []
                for item in items {
                    let result = clientMessage(item, output: &output)
                    if let sent = result.forward { forward.append(sent) }
                    if let answer = result.answer { answers.append(answer) }
                }
                if !forward.isEmpty { output.toServer.append(Self.line(.array(forward))) }
                if !answers.isEmpty { output.toClient.append(Self.line(.array(answers))) }
            } else {
                let result = clientMessage(value, output: &output)
                if let sent = result.forward { output.toServer.append(Self.line(sent)) }
                if let answer = result.answer { output.toClient.append(Self.line(answer)) }
            }
        }
        return output
    }

    /// Filters one line read from the server.
    public func fromServer(_ line: LineReader.Line) -> MCPFilterOutput {
        var output = MCPFilterOutput()
        switch read(line) {
        case .skip:
            break
        case .invalid(let reason, let id, _):
            output.diagnostics.append("cordon mcp: a message from the server was not forwarded: \(reason)")
            output.audit.append(invalidRecord(toServer: false, reason: reason))
            // An unreadable answer to a request in flight still gets an answer.
            if let id, let pending = state.withLock({ $0.clientRequests.removeValue(forKey: Self.key(id)) }) {
                output.toClient.append(Self.line(Self.errorResponse(
                    id: pending.id, code: -32603, message: "cordon: the server's response was not forwarded: \(reason)")))
            }
        case .message(let value):
            if case .array(let items) = value {
                var forward: [JSONValue] = []
                var answers: [JSONValue] = []
                for item in items {
                    let result = serverMessage(item, output: &output)
                    if let sent = result.forward { forward.append(sent) }
                    if let answer = result.answer { answers.append(answer) }
                }
                if !forward.isEmpty { output.toClient.append(Self.line(.array(forward))) }
                if !answers.isEmpty { output.toServer.append(Self.line(.array(answers))) }
            } else {
                let result = serverMessage(value, output: &output)
                if let sent = result.forward { output.toClient.append(Self.line(sent)) }
                if let answer = result.answer { output.toServer.append(Self.line(answer)) }
            }
        }
        return output
    }

    /// The server's output ended (it exited or closed standard output): every client request in
    /// flight is answered with an error, and later requests are answered at once.
    public func serverClosed(reason: String = "the MCP server exited") -> MCPFilterOutput {
        var output = MCPFilterOutput()
        let pending = state.withLock { state in
            state.serverClosed = true
            defer { state.clientRequests.removeAll() }
            return Array(state.clientRequests.values)
        }
        for request in pending.sorted(by: { Self.key($0.id) < Self.key($1.id) }) {
            output.toClient.append(Self.line(Self.errorResponse(
                id: request.id, code: -32603, message: "cordon: \(reason) before answering \(request.method)")))
        }
        return output
    }

    // MARK: - Messages from the client (toward the server)

    private func clientMessage(_ message: JSONValue, output: inout MCPFilterOutput) -> (forward: JSONValue?, answer: JSONValue?) {
        guard message.isObject, message["jsonrpc"]?.stringValue == "2.0" else {
            output.audit.append(invalidRecord(toServer: true, reason: "not a JSON-RPC 2.0 message"))
            return (nil, Self.errorResponse(id: message["id"] ?? .null, code: -32600, message: "cordon: not a JSON-RPC 2.0 message; not forwarded"))
        }
        let id = message["id"]
        if let method = message["method"]?.stringValue {
            guard let id else {
                // A notification: forwarded redacted, or dropped.
                let decided = decide(message, member: "params", method: method, tool: nil, toServer: true)
                output.audit.append(decided.record)
                return (decided.rewritten, nil)
            }
            if state.withLock({ $0.serverClosed }) {
                return (nil, Self.errorResponse(id: id, code: -32603, message: "cordon: the MCP server is not running; \(method) not sent"))
            }
            let tool = method == "tools/call" ? message["params"]?["name"]?.stringValue : nil
            if let tool, let rule = configuration.toolRules.rule(for: tool), rule.action == .block {
                output.audit.append(record(method: method, toServer: true, decisions: [], input: message, action: .block))
                return (nil, Self.blockedToolResult(id: id, reason: "the policy blocks the tool '\(tool)'", modern: Self.isModern(message)))
            }
            let decided = decide(message, member: "params", method: method, tool: tool, toServer: true)
            output.audit.append(decided.record)
            guard var forward = decided.rewritten else {
                if tool != nil { return (nil, Self.blockedToolResult(id: id, reason: decided.reason, modern: Self.isModern(message))) }
                return (nil, Self.errorResponse(id: id, code: -32602, message: "blocked by cordon: \(decided.reason)"))
            }
            if let tool, configuration.toolRules.rule(for: tool)?.restoresArguments == true,
                let arguments = forward["params"]?["arguments"]
            {
                let restored = restore(arguments, tool: tool)
                if let params = forward["params"] {
                    forward = Self.replacing(forward, "params", with: Self.replacing(params, "arguments", with: restored))
                }
            }
            state.withLock { $0.clientRequests[Self.key(id)] = PendingRequest(method: method, tool: tool, id: id, isModern: Self.isModern(message)) }
            return (forward, nil)
        }
        if let id, message["result"] != nil || message["error"] != nil {
            // The client's answer to a server request (sampling, elicitation, roots).
            guard let method = state.withLock({ $0.serverRequests.removeValue(forKey: Self.key(id)) }) else {
                output.diagnostics.append("cordon mcp: a response from the client to no request in flight was dropped")
                output.audit.append(invalidRecord(toServer: true, reason: "response to no request in flight"))
                return (nil, nil)
            }
            let member = message["result"] != nil ? "result" : "error"
            let decided = decide(message, member: member, method: method, tool: nil, toServer: true)
            output.audit.append(decided.record)
            guard let forward = decided.rewritten else {
                return (Self.errorResponse(id: id, code: -32603, message: "blocked by cordon: \(decided.reason)"), nil)
            }
            return (forward, nil)
        }
        output.audit.append(invalidRecord(toServer: true, reason: "neither a request, a notification nor a response"))
        return (nil, Self.errorResponse(id: id ?? .null, code: -32600, message: "cordon: not a JSON-RPC request, notification or response; not forwarded"))
    }

    // MARK: - Messages from the server (toward the model)

    private func serverMessage(_ message: JSONValue, output: inout MCPFilterOutput) -> (forward: JSONValue?, answer: JSONValue?) {
        guard message.isObject, message["jsonrpc"]?.stringValue == "2.0" else {
            output.diagnostics.append("cordon mcp: a message from the server that is not JSON-RPC 2.0 was dropped")
            output.audit.append(invalidRecord(toServer: false, reason: "not a JSON-RPC 2.0 message"))
            return (nil, nil)
        }
        let id = message["id"]
        if let method = message["method"]?.stringValue {
            let decided = decide(message, member: "params", method: method, tool: nil, toServer: false)
            output.audit.append(decided.record)
            guard let id else { return (decided.rewritten, nil) }
            guard let forward = decided.rewritten else {
                return (nil, Self.errorResponse(id: id, code: -32603, message: "blocked by cordon: \(decided.reason)"))
            }
            state.withLock { $0.serverRequests[Self.key(id)] = method }
            return (forward, nil)
        }
        if let id, message["result"] != nil || message["error"] != nil {
            guard let pending = state.withLock({ $0.clientRequests.removeValue(forKey: Self.key(id)) }) else {
                output.diagnostics.append("cordon mcp: a response from the server to no request in flight was dropped")
                output.audit.append(invalidRecord(toServer: false, reason: "response to no request in flight"))
                return (nil, nil)
            }
            let member = message["result"] != nil ? "result" : "error"
            let decided = decide(message, member: member, method: pending.method, tool: pending.tool, toServer: false)
            output.audit.append(decided.record)
            guard let forward = decided.rewritten else {
                if pending.tool != nil {
                    return (Self.blockedToolResult(id: pending.id, reason: decided.reason, modern: pending.isModern), nil)
                }
                return (Self.errorResponse(id: pending.id, code: -32603, message: "blocked by cordon: \(decided.reason)"), nil)
            }
            return (forward, nil)
        }
        output.diagnostics.append("cordon mcp: a message from the server that is neither a request, a notification nor a response was dropped")
        output.audit.append(invalidRecord(toServer: false, reason: "neither a request, a notification nor a response"))
        return (nil, nil)
    }

    // MARK: - Deciding

    private struct Decided {
        /// The message to send (rewritten where needed), or `nil` when it is refused.
        var rewritten: JSONValue?
        /// Why it was refused: detector ids and counts, never values.
        var reason: String
        var record: AuditRecord
    }

    /// Scans `message[member]` (params, result or error) for the direction and decides.
    private func decide(_ message: JSONValue, member: String, method: String, tool: String?, toServer: Bool) -> Decided {
        let operation = "mcp " + method
        guard let content = message[member] else {
            return Decided(rewritten: message, reason: "", record: record(method: method, toServer: toServer, decisions: [], input: message, action: .allow))
        }
        let ruleIndex = tool.flatMap { name in configuration.toolRules.lastIndex { $0.matches(name) } }
        if let ruleIndex, configuration.toolRules[ruleIndex].action == .allow {
            return Decided(rewritten: message, reason: "", record: record(method: method, toServer: toServer, decisions: [], input: message, action: .allow))
        }
        let enforcer = ruleIndex.flatMap { ruleEnforcers[$0] } ?? self.enforcer
        let destination = toServer ? (configuration.serverDestination ?? configuration.modelDestination) : configuration.modelDestination
        let context = MessageContext(
            destination: destination, source: toServer ? .toolInput : .toolOutput, session: configuration.session)
        var extra: [[UInt8]] = []
        if let problem = Self.decodedPayloads(in: content, into: &extra) {
            var record = record(method: method, toServer: toServer, decisions: [], input: message, action: .block)
            record.error = "uninspectable_payload"
            record.operation = operation
            return Decided(rewritten: nil, reason: problem, record: record)
        }
        let redactor = ShapePreservingRedactor(enforcer: enforcer, replacement: configuration.replacement, protectedNames: Self.protectedNames, protectedByType: Self.protectedByType)
        let result: ContentRewrite
        do {
            result = try redactor.redact(content, context: context, extraTexts: extra)
        } catch {
            var record = record(method: method, toServer: toServer, decisions: [], input: message, action: .block)
            record.error = "configuration"
            return Decided(rewritten: nil, reason: "\(error)", record: record)
        }
        let reason = PolicyDecision.combinedExplanation(of: result.decisions)
        switch result.action {
        case .allow:
            return Decided(rewritten: message, reason: "", record: record(method: method, toServer: toServer, decisions: result.decisions, input: message, action: .allow, output: message))
        case .redact where result.rewritten != nil:
            let rewritten = Self.replacing(message, member, with: result.rewritten!)
            return Decided(rewritten: rewritten, reason: reason, record: record(method: method, toServer: toServer, decisions: result.decisions, input: message, action: .redact, output: rewritten))
        default:
            let why = result.action == .block ? reason : reason + " (a value lies where it cannot be replaced: a key, a number, a type field or a blob)"
            return Decided(rewritten: nil, reason: why, record: record(method: method, toServer: toServer, decisions: result.decisions, input: message, action: .block))
        }
    }

    /// Appends the decoded bytes of every base64 payload in `value` (`blob`, and `data` of
    /// image and audio blocks) to `texts`; returns a reason when one cannot be decoded.
    static func decodedPayloads(in value: JSONValue, into texts: inout [[UInt8]]) -> String? {
        switch value {
        case .array(let items):
            for item in items { if let problem = decodedPayloads(in: item, into: &texts) { return problem } }
        case .object(let members):
            for member in members {
                if member.name == "blob" || member.name == "data", case .string(let bytes) = member.value,
                    member.name == "blob" || ["image", "audio"].contains(value["type"]?.stringValue ?? "")
                {
                    guard let decoded = Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters), !bytes.isEmpty || decoded.isEmpty
                    else { return "a base64 payload ('\(member.name)') that cannot be decoded cannot be inspected" }
                    texts.append(Array(decoded))
                } else if let problem = decodedPayloads(in: member.value, into: &texts) {
                    return problem
                }
            }
        default: break
        }
        return nil
    }

    /// `value` with every reversible placeholder of the session in its strings put back, as far
    /// as the policy's restore section lets them into the arguments of `tool`, which the
    /// configuration names as one to receive restored values.
    private func restore(_ value: JSONValue, tool: String) -> JSONValue {
        switch value {
        case .string(let bytes):
            let restored = bytes.withUnsafeBufferPointer {
                enforcer.restore($0, session: configuration.session, into: .namedToolArguments(tool: tool))
            }
            return .string(restored.bytes)
        case .array(let items): return .array(items.map { restore($0, tool: tool) })
        case .object(let members): return .object(members.map { JSONMember(name: $0.name, value: restore($0.value, tool: tool)) })
        default: return value
        }
    }

    // MARK: - Reading lines

    private enum ReadLine {
        case skip
        case invalid(String, id: JSONValue?, code: Int)
        case message(JSONValue)
    }

    private func read(_ line: LineReader.Line) -> ReadLine {
        switch line {
        case .oversized(let prefix):
            return .invalid(
                "the message is larger than \(configuration.maximumLineBytes) bytes", id: Self.idInPrefix(prefix), code: -32603)
        case .complete(let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .skip }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                return .invalid("the line is not valid UTF-8", id: nil, code: -32700)
            }
            do {
                return .message(try JSONValue(parsing: bytes))
            } catch {
                return .invalid("the line is not JSON (\(error))", id: nil, code: -32700)
            }
        }
    }

    /// The `"id"` of a message from its first bytes (a number or a simple string), if it can be
    /// read there: so an oversized request still gets an answer its client can match.
    static func idInPrefix(_ prefix: [UInt8]) -> JSONValue? {
        let text = String(decoding: prefix, as: UTF8.self)
        guard let range = text.range(of: #""id"\s*:\s*(-?[0-9]+|"[^"\\]{0,128}")"#, options: .regularExpression) else { return nil }
        let literal = text[range].split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return try? JSONValue(parsing: Array(literal.utf8))
    }

    // MARK: - Building messages

    static func key(_ id: JSONValue) -> String { String(decoding: id.serialized(), as: UTF8.self) }

    static func line(_ value: JSONValue) -> [UInt8] {
        var bytes = value.serialized()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    static func errorResponse(id: JSONValue, code: Int, message: String) -> JSONValue {
        .object([
            "jsonrpc": .string("2.0"), "id": id,
            "error": .object(["code": .int(code), "message": .string(message)]),
        ])
    }

    /// The answer to a refused tool call: a tool error the model sees, with the reason (and
    /// `resultType: "complete"` for a 2026-07-28 request, whose schema requires it).
    static func blockedToolResult(id: JSONValue, reason: String, modern: Bool = false) -> JSONValue {
        var result: [JSONMember] = [
            JSONMember(name: "content", value: .array([.object(["type": .string("text"), "text": .string("blocked by cordon: \(reason)")])])),
            JSONMember(name: "isError", value: .bool(true)),
        ]
        if modern { result.append(JSONMember(name: "resultType", value: .string("complete"))) }
        return .object([JSONMember(name: "jsonrpc", value: .string("2.0")), JSONMember(name: "id", value: id), JSONMember(name: "result", value: .object(result))])
    }

    static func replacing(_ object: JSONValue, _ name: String, with value: JSONValue) -> JSONValue {
        guard let members = object.members else { return object }
        return .object(members.map { $0.name == name ? JSONMember(name: name, value: value) : $0 })
    }

    private func record(
        method: String, toServer: Bool, decisions: [PolicyDecision], input: JSONValue, action: PolicyAction, output: JSONValue? = nil
    ) -> AuditRecord {
        let destination = (toServer ? (configuration.serverDestination ?? configuration.modelDestination) : configuration.modelDestination)
            ?? enforcer.policy.defaultDestination
        let counts = PolicyDecision.detectorCounts(across: decisions)
        return AuditRecord(
            operation: "mcp " + method, session: configuration.session, destination: destination,
            source: toServer ? .toolInput : .toolOutput, level: decisions.map(\.level).max() ?? .public, action: action,
            detectorCounts: counts, inputSHA256: configuration.hashesContent ? AuditRecord.sha256(input.serialized()) : nil,
            outputSHA256: configuration.hashesContent ? output.map { AuditRecord.sha256($0.serialized()) } : nil,
            policyVersion: enforcer.policy.version)
    }

    private func invalidRecord(toServer: Bool, reason: String) -> AuditRecord {
        AuditRecord(
            operation: "mcp invalid", session: configuration.session, source: toServer ? .toolInput : .toolOutput, action: .block,
            policyVersion: enforcer.policy.version, error: "invalid_message")
    }
}
