import CordonJSON

/// Rewrites an OpenAI chat-completions stream (`data: {chunk}` … `data: [DONE]`).
///
/// Streamed text: every string member of a choice's `delta` except `role` (`content`,
/// `reasoning_content`, `refusal`, and members the gateway does not know), and each tool call's
/// `function.arguments`, per choice and tool-call index. A tool call's `id`, `type` and
/// `function.name` arrive whole in its first fragment and are filtered whole. When a choice gets
/// its `finish_reason`, what it held back is released into that same chunk; text still held at
/// `[DONE]` (or at the end of the stream) goes out in one chunk shaped like the upstream's, with
/// the choice present, before the single `[DONE]`.
struct ChatCompletionStreamRewriter: StreamRewriter {
    let filter: ResponseTextFilter
    private var fields: [String: StreamedField] = [:]
    private var fieldOrder: [String] = []
    /// The top-level members of the last chunk other than `choices` (id, object, created, model…).
    private var template: [JSONMember] = []
    private var sawDone = false
    /// The tool name of each tool call, by field key.
    private var toolNames: [String: String] = [:]

    init(filter: ResponseTextFilter) {
        self.filter = filter
    }

    mutating func rewrite(_ event: ServerSentEvent) throws(ResponseFilterError) -> [ServerSentEvent] {
        guard let data = event.data else { return [event] }
        if data == Array("[DONE]".utf8) {
            guard !sawDone else { return [] }
            sawDone = true
            return try flushAll() + [event]
        }
        guard !sawDone else { return [] }
        guard let chunk = try? JSONValue(parsing: data), case .object(let members) = chunk else { throw .malformedBody }
        var output: [JSONMember] = []
        var templateMembers: [JSONMember] = []
        for member in members {
            if member.name == "choices", case .array(let choices) = member.value {
                var rewritten: [JSONValue] = []
                for (position, choice) in choices.enumerated() { rewritten.append(try self.choice(choice, position: position)) }
                output.append(JSONMember(name: "choices", value: .array(rewritten)))
            } else {
                let filtered = try filter.filter(json: member.value)
                output.append(JSONMember(name: member.name, value: filtered))
                if member.name != "usage" { templateMembers.append(JSONMember(name: member.name, value: filtered)) }
            }
        }
        if !templateMembers.isEmpty { template = templateMembers }
        var rewritten = event
        rewritten.data = JSONValue.object(output).serialized()
        return [rewritten]
    }

    mutating func finish() throws(ResponseFilterError) -> [ServerSentEvent] {
        try flushAll()
    }

    var isComplete: Bool { sawDone }

    func errorEvent(message: String, code: String) -> ServerSentEvent {
        ServerSentEvent(data: ErrorEnvelope.openAI(message: message, type: "cordon_error", code: code).serialized())
    }

    // MARK: - Choices

    private mutating func choice(_ choice: JSONValue, position: Int) throws(ResponseFilterError) -> JSONValue {
        guard case .object(let members) = choice else { return try filter.filter(json: choice) }
        let index = choice.integer("index") ?? position
        let finishing: Bool
        if let reason = choice["finish_reason"], reason != .null { finishing = true } else { finishing = false }
        var output: [JSONMember] = []
        var sawDelta = false
        for member in members {
            if member.name == "delta", case .object = member.value {
                sawDelta = true
                var delta = try self.delta(member.value, choice: index, final: finishing)
                if finishing { try flushChoice(index, into: &delta) }
                output.append(JSONMember(name: "delta", value: delta))
            } else if member.name == "index" || member.name == "finish_reason" {
                output.append(member)
            } else {
                output.append(JSONMember(name: member.name, value: try filter.filter(json: member.value)))
            }
        }
        if finishing, !sawDelta, hasPending(choice: index) {
            var delta = JSONValue.object([])
            try flushChoice(index, into: &delta)
            output.insert(JSONMember(name: "delta", value: delta), at: min(1, output.count))
        }
        return .object(output)
    }

    private mutating func delta(_ delta: JSONValue, choice: Int, final: Bool) throws(ResponseFilterError) -> JSONValue {
        guard case .object(let members) = delta else { return delta }
        var output: [JSONMember] = []
        for member in members {
            switch (member.name, member.value) {
            case ("role", _):
                output.append(member)
            case ("tool_calls", .array(let calls)):
                var rewritten: [JSONValue] = []
                for (position, call) in calls.enumerated() {
                    rewritten.append(try toolCall(call, choice: choice, position: position, final: final))
                }
                output.append(JSONMember(name: "tool_calls", value: .array(rewritten)))
            case (let name, .string(let bytes)):
                let released = try release(key: Self.key(choice: choice, field: name), bytes, final: final)
                output.append(JSONMember(name: name, value: .string(released)))
            default:
                output.append(JSONMember(name: member.name, value: try filter.filter(json: member.value)))
            }
        }
        return .object(output)
    }

    private mutating func toolCall(_ call: JSONValue, choice: Int, position: Int, final: Bool) throws(ResponseFilterError) -> JSONValue {
        guard case .object(let members) = call else { return try filter.filter(json: call) }
        let callIndex = call.integer("index") ?? position
        // The tool's name comes whole in the call's first fragment: its arguments are restored
        // as that tool's (`restore.tools`).
        if let name = call["function"]?["name"]?.bytes {
            toolNames[Self.key(choice: choice, toolCall: callIndex)] = String(decoding: name, as: UTF8.self)
        }
        var output: [JSONMember] = []
        for member in members {
            if member.name == "function", case .object(let functionMembers) = member.value {
                var function: [JSONMember] = []
                for functionMember in functionMembers {
                    if functionMember.name == "arguments", case .string(let bytes) = functionMember.value {
                        let released = try release(key: Self.key(choice: choice, toolCall: callIndex), bytes, final: final)
                        function.append(JSONMember(name: "arguments", value: .string(released)))
                    } else {
                        function.append(JSONMember(name: functionMember.name, value: try filter.filter(json: functionMember.value)))
                    }
                }
                output.append(JSONMember(name: "function", value: .object(function)))
            } else if member.name == "index" || member.name == "type" {
                output.append(member)
            } else {
                output.append(JSONMember(name: member.name, value: try filter.filter(json: member.value)))
            }
        }
        return .object(output)
    }

    // MARK: - Held-back text

    private static func key(choice: Int, field: String) -> String { "\(choice)\u{1}field\u{1}\(field)" }
    private static func key(choice: Int, toolCall: Int) -> String { "\(choice)\u{1}tool\u{1}\(toolCall)" }

    private mutating func release(key: String, _ bytes: [UInt8], final: Bool) throws(ResponseFilterError) -> [UInt8] {
        if fields[key] == nil {
            fields[key] = StreamedField(jsonDocument: key.contains("\u{1}tool\u{1}"))
            fieldOrder.append(key)
        }
        if let tool = toolNames[key] { fields[key]!.tool = tool }
        return try fields[key]!.release(bytes, final: final, filter: filter)
    }

    private func hasPending(choice: Int) -> Bool {
        fieldOrder.contains { $0.hasPrefix("\(choice)\u{1}") && fields[$0]!.hasPending }
    }

    /// Releases everything choice `choice` holds into `delta`.
    private mutating func flushChoice(_ choice: Int, into delta: inout JSONValue) throws(ResponseFilterError) {
        for key in fieldOrder where key.hasPrefix("\(choice)\u{1}") && fields[key]!.hasPending {
            let released = try fields[key]!.release([], final: true, filter: filter)
            guard !released.isEmpty else { continue }
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false)
            if parts[1] == "field" {
                let name = String(parts[2])
                delta.set(name, to: .string((delta[name]?.bytes ?? []) + released))
            } else {
                let callIndex = Int(parts[2]) ?? 0
                var calls: [JSONValue] = []
                if case .array(let existing)? = delta["tool_calls"] { calls = existing }
                if let position = calls.firstIndex(where: { $0.integer("index") == callIndex }) {
                    var call = calls[position]
                    var function = call["function"] ?? .object([])
                    function.set("arguments", to: .string((function["arguments"]?.bytes ?? []) + released))
                    call.set("function", to: function)
                    calls[position] = call
                } else {
                    calls.append(.object([
                        JSONMember(name: "index", value: .int(callIndex)),
                        JSONMember(name: "function", value: .object([JSONMember(name: "arguments", value: .string(released))])),
                    ]))
                }
                delta.set("tool_calls", to: .array(calls))
            }
        }
    }

    /// One chunk per choice still holding text, shaped like the upstream's chunks.
    private mutating func flushAll() throws(ResponseFilterError) -> [ServerSentEvent] {
        var choices: [Int] = []
        for key in fieldOrder where fields[key]!.hasPending {
            let choice = Int(key.split(separator: "\u{1}").first ?? "0") ?? 0
            if !choices.contains(choice) { choices.append(choice) }
        }
        var events: [ServerSentEvent] = []
        for choice in choices {
            var delta = JSONValue.object([])
            try flushChoice(choice, into: &delta)
            guard delta != .object([]) else { continue }
            let chunk = JSONValue.object(template + [
                JSONMember(name: "choices", value: .array([.object([
                    JSONMember(name: "index", value: .int(choice)),
                    JSONMember(name: "delta", value: delta),
                    JSONMember(name: "finish_reason", value: .null),
                ])])),
            ])
            events.append(ServerSentEvent(data: chunk.serialized()))
        }
        return events
    }
}
