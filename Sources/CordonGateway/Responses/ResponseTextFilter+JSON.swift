import CordonJSON

extension ResponseTextFilter {
    /// Member names whose values are opaque tokens that the client must get back exactly (a
    /// thinking block's signature), and are not filtered.
    static let opaqueMembers: Set<String> = ["signature"]

    /// `value` with every string filtered (``filter(_:)``): a non-streamed response body, or the
    /// parts of a stream event that are not streamed text.
    public func filter(json value: JSONValue, memberName: String? = nil) throws(ResponseFilterError) -> JSONValue {
        switch value {
        case .null, .bool, .number:
            return value
        case .string(let bytes):
            // `arguments` (chat tool calls, Responses function calls) holds a JSON document.
            return .string(try filter(bytes, jsonDocument: memberName == "arguments"))
        case .array(let elements):
            var output: [JSONValue] = []
            output.reserveCapacity(elements.count)
            for element in elements { output.append(try filter(json: element)) }
            return .array(output)
        case .object(let members):
            var output: [JSONMember] = []
            output.reserveCapacity(members.count)
            for member in members {
                let filtered = Self.opaqueMembers.contains(member.name) ? member.value : try filter(json: member.value, memberName: member.name)
                output.append(JSONMember(name: member.name, value: filtered))
            }
            return .object(output)
        }
    }
}
