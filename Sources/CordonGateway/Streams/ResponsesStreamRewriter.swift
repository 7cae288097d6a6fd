import CordonJSON

/// Rewrites an OpenAI Responses stream (`event: response.<…>` + `data: {"type": …}`).
///
/// Streamed text: the `delta` string of every `*.delta` event (`response.output_text.delta`,
/// `response.function_call_arguments.delta`, `response.refusal.delta`, reasoning deltas, and
/// delta events the gateway does not know), one field per event family, item and content or
/// summary index. Before the matching `*.done` event the held text goes out as one more delta
/// event of the same family; the `*.done` payload itself (the whole text or arguments) and every
/// other event (`response.created`, `response.completed` with the full output, …) are filtered
/// whole, so they are restored and masked the same way.
struct ResponsesStreamRewriter: StreamRewriter {
    let filter: ResponseTextFilter
    private var fields: [String: StreamedField] = [:]
    private var fieldOrder: [String] = []
    /// The delta event's payload without its `delta`, per field, to shape the release event.
    private var shapes: [String: (name: String?, members: [JSONMember])] = [:]
    private(set) var isComplete = false
    /// The last `sequence_number` seen, so that an error event the gateway adds follows it.
    private var lastSequence = -1
    /// The tool name of each `function_call` output item, by item id (`restore.tools`).
    private var itemTools: [String: String] = [:]

    init(filter: ResponseTextFilter) {
        self.filter = filter
    }

    mutating func rewrite(_ event: ServerSentEvent) throws(ResponseFilterError) -> [ServerSentEvent] {
        guard let data = event.data else { return [event] }
        guard let payload = try? JSONValue(parsing: data), case .object(let members) = payload else { throw .malformedBody }
        let type = payload["type"]?.bytes.map { String(decoding: $0, as: UTF8.self) } ?? event.name ?? ""
        var rewritten = event
        if let sequence = payload.integer("sequence_number") { lastSequence = max(lastSequence, sequence) }
        if type == "response.completed" || type == "response.incomplete" || type == "response.failed" { isComplete = true }
        if let item = payload["item"], let id = item["id"]?.bytes, let name = item["name"]?.bytes {
            itemTools[String(decoding: id, as: UTF8.self)] = String(decoding: name, as: UTF8.self)
        }
        if type.hasSuffix(".delta"), case .string(let bytes)? = payload["delta"] {
            let key = Self.key(type: String(type.dropLast(6)), payload: payload)
            if fields[key] == nil {
                let item = payload["item_id"]?.bytes.map { String(decoding: $0, as: UTF8.self) }
                fields[key] = StreamedField(jsonDocument: type.contains("arguments"), tool: item.flatMap { itemTools[$0] })
                fieldOrder.append(key)
            }
            shapes[key] = (event.name, members.filter { $0.name != "delta" })
            let released = try fields[key]!.release(bytes, final: false, filter: filter)
            var output: [JSONMember] = []
            for member in members {
                if member.name == "delta" {
                    output.append(JSONMember(name: "delta", value: .string(released)))
                } else if member.name == "type" || member.name == "item_id" || member.name.hasSuffix("_index") || member.name == "sequence_number" {
                    output.append(member)
                } else {
                    output.append(JSONMember(name: member.name, value: try filter.filter(json: member.value)))
                }
            }
            rewritten.data = JSONValue.object(output).serialized()
            return [rewritten]
        }
        var before: [ServerSentEvent] = []
        if type.hasSuffix(".done") {
            before = try flush(key: Self.key(type: String(type.dropLast(5)), payload: payload))
        } else if isComplete {
            before = try flushAll()
        }
        let item = payload["item_id"]?.bytes.map { String(decoding: $0, as: UTF8.self) }
        rewritten.data = try filter.filter(json: payload, argumentsOf: item.flatMap { itemTools[$0] }).serialized()
        return before + [rewritten]
    }

    mutating func finish() throws(ResponseFilterError) -> [ServerSentEvent] {
        try flushAll()
    }

    /// The Responses API's own `error` event (SDKs yield it as a `ResponseErrorEvent`), numbered
    /// after the last event the client got.
    func errorEvent(message: String, code: String) -> ServerSentEvent {
        ServerSentEvent(name: "error", data: JSONValue.object([
            JSONMember(name: "type", value: .string("error")),
            JSONMember(name: "code", value: .string(code)),
            JSONMember(name: "message", value: .string(message)),
            JSONMember(name: "param", value: .null),
            JSONMember(name: "sequence_number", value: .int(lastSequence + 1)),
        ]).serialized())
    }

    private static func key(type: String, payload: JSONValue) -> String {
        let item = payload["item_id"]?.bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let index = payload.integer("content_index") ?? payload.integer("summary_index") ?? -1
        return "\(type)\u{1}\(item)\u{1}\(index)\u{1}\(payload.integer("output_index") ?? -1)"
    }

    private mutating func flush(key: String) throws(ResponseFilterError) -> [ServerSentEvent] {
        guard fields[key]?.hasPending == true, let shape = shapes[key] else { return [] }
        let released = try fields[key]!.release([], final: true, filter: filter)
        guard !released.isEmpty else { return [] }
        var members = shape.members
        members.append(JSONMember(name: "delta", value: .string(released)))
        return [ServerSentEvent(name: shape.name, data: JSONValue.object(members).serialized())]
    }

    private mutating func flushAll() throws(ResponseFilterError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for key in fieldOrder { events += try flush(key: key) }
        return events
    }
}
