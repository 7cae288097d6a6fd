import CordonJSON

/// Rewrites an Anthropic messages stream (`event: <type>` + `data: {…}`).
///
/// Streamed text: a `content_block_delta`'s `text` (`text_delta`), `partial_json`
/// (`input_json_delta`), `thinking` (`thinking_delta`) and any other string member of the delta
/// but its `type`, per block index. A `signature_delta` passes untouched (it signs the thinking
/// and must come back exactly). Before a block's `content_block_stop` (or `message_stop`, or the
/// end of the stream) the text the block still holds goes out as one more `content_block_delta`
/// of the block's own delta type — an event clients read like any other.
struct AnthropicStreamRewriter: StreamRewriter {
    let filter: ResponseTextFilter
    private var fields: [String: StreamedField] = [:]
    private var fieldOrder: [String] = []
    /// The delta type each field last arrived in (`text` → `text_delta`).
    private var deltaTypes: [String: [UInt8]] = [:]
    /// The tool name of each `tool_use` block, by block index (`restore.tools`).
    private var blockTools: [Int: String] = [:]

    init(filter: ResponseTextFilter) {
        self.filter = filter
    }

    mutating func rewrite(_ event: ServerSentEvent) throws(ResponseFilterError) -> [ServerSentEvent] {
        guard let data = event.data else { return [event] }
        guard let payload = try? JSONValue(parsing: data), case .object = payload else { throw .malformedBody }
        let type = payload["type"]?.bytes.map { String(decoding: $0, as: UTF8.self) } ?? event.name ?? ""
        var before: [ServerSentEvent] = []
        var rewritten = event
        switch type {
        case "content_block_delta":
            rewritten.data = try delta(payload).serialized()
        case "content_block_start":
            if let name = payload["content_block"]?["name"]?.bytes {
                blockTools[payload.integer("index") ?? 0] = String(decoding: name, as: UTF8.self)
            }
            rewritten.data = try filter.filter(json: payload).serialized()
        case "content_block_stop":
            before = try flush(block: payload.integer("index") ?? 0)
            rewritten.data = try filter.filter(json: payload).serialized()
        case "message_stop":
            isComplete = true
            before = try flushAll()
            rewritten.data = try filter.filter(json: payload).serialized()
        default:
            rewritten.data = try filter.filter(json: payload).serialized()
        }
        return before + [rewritten]
    }

    mutating func finish() throws(ResponseFilterError) -> [ServerSentEvent] {
        try flushAll()
    }

    private(set) var isComplete = false

    func errorEvent(message: String, code: String) -> ServerSentEvent {
        ServerSentEvent(name: "error", data: ErrorEnvelope.anthropic(message: message, type: "api_error", code: code).serialized())
    }

    private mutating func delta(_ payload: JSONValue) throws(ResponseFilterError) -> JSONValue {
        let block = payload.integer("index") ?? 0
        guard case .object(let members) = payload, case .object(let deltaMembers)? = payload["delta"] else {
            return try filter.filter(json: payload)
        }
        let deltaType = payload["delta"]?["type"]?.bytes ?? []
        let opaque = deltaType == Array("signature_delta".utf8)
        var delta: [JSONMember] = []
        for member in deltaMembers {
            if member.name == "type" || opaque {
                delta.append(member)
            } else if case .string(let bytes) = member.value {
                let key = "\(block)\u{1}\(member.name)"
                if fields[key] == nil {
                    fields[key] = StreamedField(jsonDocument: member.name == "partial_json", tool: blockTools[block])
                    fieldOrder.append(key)
                }
                deltaTypes[key] = deltaType
                delta.append(JSONMember(name: member.name, value: .string(try fields[key]!.release(bytes, final: false, filter: filter))))
            } else {
                delta.append(JSONMember(name: member.name, value: try filter.filter(json: member.value)))
            }
        }
        var output: [JSONMember] = []
        for member in members {
            if member.name == "delta" {
                output.append(JSONMember(name: "delta", value: .object(delta)))
            } else if member.name == "type" || member.name == "index" {
                output.append(member)
            } else {
                output.append(JSONMember(name: member.name, value: try filter.filter(json: member.value)))
            }
        }
        return .object(output)
    }

    /// The deltas releasing what block `block` holds.
    private mutating func flush(block: Int) throws(ResponseFilterError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for key in fieldOrder where key.hasPrefix("\(block)\u{1}") && fields[key]!.hasPending {
            let released = try fields[key]!.release([], final: true, filter: filter)
            guard !released.isEmpty else { continue }
            let name = String(key.split(separator: "\u{1}", omittingEmptySubsequences: false)[1])
            let payload = JSONValue.object([
                JSONMember(name: "type", value: .string("content_block_delta")),
                JSONMember(name: "index", value: .int(block)),
                JSONMember(name: "delta", value: .object([
                    JSONMember(name: "type", value: .string(deltaTypes[key] ?? Array("text_delta".utf8))),
                    JSONMember(name: name, value: .string(released)),
                ])),
            ])
            events.append(ServerSentEvent(name: "content_block_delta", data: payload.serialized()))
        }
        return events
    }

    private mutating func flushAll() throws(ResponseFilterError) -> [ServerSentEvent] {
        var blocks: [Int] = []
        for key in fieldOrder where fields[key]!.hasPending {
            let block = Int(key.split(separator: "\u{1}").first ?? "0") ?? 0
            if !blocks.contains(block) { blocks.append(block) }
        }
        var events: [ServerSentEvent] = []
        for block in blocks { events += try flush(block: block) }
        return events
    }
}
