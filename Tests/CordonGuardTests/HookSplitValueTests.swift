import CordonJSON
import CordonTestSupport
import Testing

@testable import Cordon
@testable import CordonGuard

/// A value split across the JSON strings of one event is found whole, and each string loses
/// the part of the value it held.
@Suite("Claude Code hook: values split across strings")
struct HookSplitValueTests {
    static func run(_ name: String, tool: String, input: String, output: String? = nil) throws -> (HookOutcome, JSONValue?) {
        var text = #"{"session_id":"s","cwd":"/repo","hook_event_name":"\#(name)","tool_name":"\#(tool)","tool_input":\#(input)"#
        if let output { text += #","tool_response":\#(output)"# }
        text += "}"
        let outcome = HookOutputShapeTests.hook().handle(Array(text.utf8))
        let reply = outcome.standardOutput.isEmpty ? nil : try JSONValue(parsing: Array(outcome.standardOutput.dropLast()))
        return (outcome, reply)
    }

    static let key: String = { var fake = FakeSecrets(seed: 7); return fake.awsAccessKeyID() }()
    static let token: String = { var fake = FakeSecrets(seed: 8); return fake.githubToken() }()

    @Test("a key split over two arguments is found and removed from both")
    func twoArguments() throws {
        let (head, tail) = (Self.key.prefix(8), Self.key.dropFirst(8))
        let (outcome, reply) = try Self.run(
            "PreToolUse", tool: "mcp__aws__configure", input: #"{"key_start":"\#(head)","key_end":"\#(tail)","region":"eu-west-1"}"#)
        let updated = try #require(reply?["hookSpecificOutput"]?["updatedInput"])
        #expect(updated["key_start"]?.stringValue == "[REDACTED:aws-access-key-id]")
        #expect(updated["key_end"]?.stringValue == "")
        #expect(updated["region"]?.stringValue == "eu-west-1")
        let text = String(decoding: outcome.standardOutput, as: UTF8.self)
        #expect(!text.contains(head) && !text.contains(tail))
    }

    @Test("a token split over two array items is found and removed from both")
    func twoArrayItems() throws {
        let (head, tail) = (Self.token.prefix(20), Self.token.dropFirst(20))
        let (outcome, reply) = try Self.run(
            "PostToolUse", tool: "mcp__notes__read", input: #"{"id":1}"#,
            output: #"{"content":[{"type":"text","text":"\#(head)"},{"type":"text","text":"\#(tail)"}]}"#)
        let updated = try #require(reply?["hookSpecificOutput"]?["updatedToolOutput"])
        let text = String(decoding: outcome.standardOutput, as: UTF8.self)
        #expect(!text.contains(head) && !text.contains(tail))
        #expect(updated["content"]?.serialized() == Array(#"[{"type":"text","text":"[REDACTED:github-pat]"},{"type":"text","text":""}]"#.utf8))
    }

    @Test("a value split at the seam of two long strings is found (the pair scans read the seam's neighbourhood)")
    func longStrings() throws {
        let (head, tail) = (Self.token.prefix(15), Self.token.dropFirst(15))
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 200)
        let (outcome, reply) = try Self.run(
            "PostToolUse", tool: "mcp__notes__read", input: #"{"id":1}"#,
            output: #"{"content":[{"type":"text","text":"\#(filler)\#(head)"},{"type":"text","text":"\#(tail) \#(filler)"}]}"#)
        #expect(reply?["hookSpecificOutput"]?["updatedToolOutput"] != nil)
        let text = String(decoding: outcome.standardOutput, as: UTF8.self)
        #expect(!text.contains(head) && !text.contains(tail))
        #expect(text.contains(filler))
    }

    @Test("a key split between a member name and its value cannot be redacted in place and is denied")
    func keyAndValue() throws {
        let (head, tail) = (Self.key.prefix(10), Self.key.dropFirst(10))
        let (outcome, reply) = try Self.run("PreToolUse", tool: "mcp__kv__put", input: #"{"\#(head)":"\#(tail)"}"#)
        #expect(reply?["hookSpecificOutput"]?["permissionDecision"]?.stringValue == "deny")
        #expect(outcome.auditRecord.detectorCounts["aws-access-key-id"] != nil)
        let text = String(decoding: outcome.standardOutput, as: UTF8.self)
        #expect(!text.contains(head) && !text.contains(tail))
    }

    @Test("a value that ends a string is not run on into the next member name")
    func noRunOn() throws {
        let (_, reply) = try Self.run(
            "PostToolUse", tool: "Bash", input: #"{"command":"env"}"#,
            output: #"{"stdout":"DB_PASSWORD=Kx9vq2Lm7Rw4","stderr":"","interrupted":false,"isImage":false}"#)
        let updated = try #require(reply?["hookSpecificOutput"]?["updatedToolOutput"])
        #expect(updated["stdout"]?.stringValue == "DB_PASSWORD=[REDACTED:password-assignment]")
        #expect(updated.members?.map(\.name) == ["stdout", "stderr", "interrupted", "isImage"])
    }
}
