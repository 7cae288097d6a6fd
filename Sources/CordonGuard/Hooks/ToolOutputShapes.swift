import CordonJSON

/// Shape-correct "withheld" replacements for the outputs of Claude Code's tools.
///
/// Claude Code ignores an `updatedToolOutput` that does not match the built-in tool's output
/// schema and gives the model the ORIGINAL output, so a withheld output must keep every key and
/// every value's type: only the content strings change, to the marker. Where no honest
/// replacement exists — an image, a notebook, a tool whose output shape Cordon does not know —
/// there is none, and the hook stops the agent instead of claiming success.
public enum ToolOutputShapes {
    /// The text that replaces the content of a withheld tool output.
    public static let withheld = "[WITHHELD by cordon]"

    /// The Bash members that point at a file holding the full, raw output: dropped from a
    /// withheld output, since the file still holds the raw text.
    public static let persistedOutputMembers: Set<String> = ["persistedOutputPath", "persistedOutputSize", "rawOutputPath"]

    /// A replacement for `response`, the output of `toolName`, with the same keys and types and
    /// the marker in its content strings; `nil` when the shape is unknown or holds content that
    /// cannot be replaced (images, audio, binary resources).
    public static func withheld(toolName: String, response: JSONValue) -> JSONValue? {
        let marker = JSONValue.string(withheld)
        switch toolName {
        case "Bash":
            guard response.isObject, response["stdout"] != nil else { return nil }
            return replacing(response, ["stdout": marker, "stderr": .string("")], dropping: persistedOutputMembers)
        case "Read":
            guard response["type"]?.stringValue == "text", let file = response["file"], file["content"] != nil else { return nil }
            return replacing(response, ["file": replacing(file, ["content": marker])])
        case "Edit", "MultiEdit", "Write":
            guard response.isObject, response["filePath"] != nil else { return nil }
            var replaced = response
            for name in ["oldString", "newString", "originalFile", "content"] where response[name]?.stringValue != nil {
                replaced = replacing(replaced, [name: marker])
            }
            if case .array(let hunks)? = response["structuredPatch"] {
                let withheldHunks = hunks.map { hunk in
                    hunk["lines"] == nil ? hunk : replacing(hunk, ["lines": .array([marker])])
                }
                replaced = replacing(replaced, ["structuredPatch": .array(withheldHunks)])
            }
            if case .array(let edits)? = response["edits"] {
                replaced = replacing(replaced, ["edits": .array(edits.map { edit in
                    var edit = edit
                    for name in ["old_string", "new_string"] where edit[name]?.stringValue != nil { edit = replacing(edit, [name: marker]) }
                    return edit
                })])
            }
            return replaced
        case "Grep", "Glob":
            guard response.isObject else { return nil }
            var replaced = response
            if response["content"]?.stringValue != nil { replaced = replacing(replaced, ["content": marker]) }
            if case .array(let names)? = response["filenames"], !names.isEmpty {
                replaced = replacing(replaced, ["filenames": .array([marker])])
            }
            return replaced
        case "WebFetch":
            guard response["result"]?.stringValue != nil else { return nil }
            return replacing(response, ["result": marker])
        case "WebSearch":
            guard response.isObject else { return nil }
            return withheldStrings(response, keeping: ["type", "query"])
        default:
            guard toolName.hasPrefix("mcp__") else { return nil }
            return withheldMCP(response)
        }
    }

    /// An MCP tool's output: a bare string, an array of content blocks, or an object with
    /// `content` (and maybe `structuredContent`). Text blocks get the marker; any other block
    /// (image, audio, a resource) has no honest replacement.
    static func withheldMCP(_ response: JSONValue) -> JSONValue? {
        switch response {
        case .string:
            return .string(withheld)
        case .array(let blocks):
            var replaced: [JSONValue] = []
            for block in blocks {
                guard block["type"]?.stringValue == "text", block["text"] != nil else { return nil }
                replaced.append(replacing(block, ["text": .string(withheld)]))
            }
            return .array(replaced)
        case .object:
            // Every string but the discriminators; a content block other than text has no
            // honest replacement.
            if case .array(let blocks)? = response["content"],
                blocks.contains(where: { $0["type"]?.stringValue != "text" })
            {
                return nil
            }
            return withheldStrings(response, keeping: ["type", "mimeType"])
        default:
            return nil
        }
    }

    /// `value` with every string not under a member named in `keeping` replaced by the marker;
    /// keys, numbers and booleans stay.
    static func withheldStrings(_ value: JSONValue, keeping: Set<String>) -> JSONValue {
        switch value {
        case .null, .bool, .number: value
        case .string: .string(withheld)
        case .array(let items): .array(items.map { withheldStrings($0, keeping: keeping) })
        case .object(let members):
            .object(members.map { member in
                keeping.contains(member.name) ? member : JSONMember(name: member.name, value: withheldStrings(member.value, keeping: keeping))
            })
        }
    }

    /// `object` with the members named in `replacements` given new values (in place, keeping the
    /// order) and the members named in `dropping` removed.
    static func replacing(_ object: JSONValue, _ replacements: [String: JSONValue], dropping: Set<String> = []) -> JSONValue {
        guard let members = object.members else { return object }
        return .object(members.compactMap { member in
            if dropping.contains(member.name) { return nil }
            return JSONMember(name: member.name, value: replacements[member.name] ?? member.value)
        })
    }
}
