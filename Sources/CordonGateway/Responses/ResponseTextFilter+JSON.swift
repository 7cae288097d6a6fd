import CordonJSON

extension ResponseTextFilter {
    /// Member names whose values are opaque tokens that the client must get back exactly (a
    /// thinking block's signature), and are not filtered.
    static let opaqueMembers: Set<String> = ["signature"]

    /// `value` with every string filtered (``filter(_:)``): a non-streamed response body, or the
    /// parts of a stream event that are not streamed text.
    ///
    /// A tool call's arguments are restored as that tool's, so that the policy's `restore.tools`
    /// applies: an object with a string `name` and an `arguments` member (a chat tool call's
    /// `function`, a Responses `function_call` item) names the tool of its `arguments`; a
    /// `tool_use` block (Anthropic) names the tool of every string in its `input`, which are
    /// restored as tool arguments, not as reply text.
    public func filter(json value: JSONValue, memberName: String? = nil) throws(ResponseFilterError) -> JSONValue {
        try filter(json: value, memberName: memberName, tool: nil, toolInput: false)
    }

    /// `value` filtered as ``filter(json:memberName:)``, with `arguments` members that name no
    /// tool of their own taken as tool `tool`'s (a Responses `*.arguments.done` event, whose item
    /// named its tool in an earlier event).
    func filter(json value: JSONValue, argumentsOf tool: String?) throws(ResponseFilterError) -> JSONValue {
        try filter(json: value, memberName: nil, tool: tool, toolInput: false)
    }

    private func filter(json value: JSONValue, memberName: String?, tool: String?, toolInput: Bool) throws(ResponseFilterError) -> JSONValue {
        switch value {
        case .null, .bool, .number:
            return value
        case .string(let bytes):
            // `arguments` (chat tool calls, Responses function calls) holds a JSON document.
            return .string(try filter(bytes, jsonDocument: memberName == "arguments", tool: tool, toolInput: toolInput))
        case .array(let elements):
            var output: [JSONValue] = []
            output.reserveCapacity(elements.count)
            for element in elements { output.append(try filter(json: element, memberName: nil, tool: tool, toolInput: toolInput)) }
            return .array(output)
        case .object(let members):
            let name = members.first { $0.name == "name" }.flatMap { $0.value.bytes }.map { String(decoding: $0, as: UTF8.self) }
            let isToolUse = members.contains { $0.name == "type" && $0.value.bytes.map { Self.toolUseTypes.contains($0) } == true }
            var output: [JSONMember] = []
            output.reserveCapacity(members.count)
            for member in members {
                let filtered: JSONValue
                if Self.opaqueMembers.contains(member.name) {
                    filtered = member.value
                } else if member.name == "arguments" {
                    filtered = try filter(json: member.value, memberName: member.name, tool: name ?? tool, toolInput: toolInput)
                } else if member.name == "input", isToolUse {
                    filtered = try filter(json: member.value, memberName: nil, tool: name, toolInput: true)
                } else {
                    filtered = try filter(json: member.value, memberName: member.name, tool: tool, toolInput: toolInput)
                }
                output.append(JSONMember(name: member.name, value: filtered))
            }
            return .object(output)
        }
    }

    /// Content-block types whose `input` holds a tool call's arguments as structured JSON.
    static let toolUseTypes: Set<[UInt8]> = [Array("tool_use".utf8), Array("server_tool_use".utf8)]
}
