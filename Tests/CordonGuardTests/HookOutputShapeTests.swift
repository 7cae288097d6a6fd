import CordonJSON
import CordonTestSupport
import Testing

@testable import Cordon
@testable import CordonGuard

/// Claude Code ignores an `updatedToolOutput` (and an `updatedInput`) whose shape differs from
/// the tool's schema and uses the original, so every rewrite must keep every key and every
/// value's type, and change only content strings.
@Suite("Claude Code hook: rewrites keep the tool's shape")
struct HookOutputShapeTests {
    static let engine: Engine = {
        do { return try Engine(DetectorSet.builtIn()) } catch { fatalError("built-in detectors do not load: \(error)") }
    }()

    static let values: [String: String] = {
        var fake = FakeSecrets(seed: 14)
        return ["%AWS%": fake.awsAccessKeyID(), "%MAIL%": fake.email(), "%GHP%": fake.githubToken()]
    }()

    /// A policy whose only destination blocks everything above `internal`.
    static let blockingPolicy: Policy = {
        try! Policy.parse(yaml: """
            default_destination: api
            destinations:
              api: {max_level: internal, action: block}
            """, file: "blocking.yaml")
    }()

    static func hook(_ policy: Policy = .builtIn()) -> ClaudeCodeHook {
        ClaudeCodeHook(enforcer: PolicyEnforcer(engine: engine, policy: policy))
    }

    static func fill(_ text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
    }

    static func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(fill(text).utf8)) }

    static func event(_ name: String, _ fixture: HookToolShapes.Fixture, cwd: String = "/repo") throws -> [UInt8] {
        var members: [JSONMember] = [
            JSONMember(name: "session_id", value: .string("s-1")),
            JSONMember(name: "transcript_path", value: .string("/tmp/t.jsonl")),
            JSONMember(name: "cwd", value: .string(cwd)),
            JSONMember(name: "hook_event_name", value: .string(name)),
            JSONMember(name: "tool_name", value: .string(fixture.toolName)),
            JSONMember(name: "tool_input", value: try json(fixture.input)),
            JSONMember(name: "tool_use_id", value: .string("toolu_01")),
        ]
        if name != "PreToolUse" { members.append(JSONMember(name: "tool_response", value: try json(fixture.output))) }
        return JSONValue.object(members).serialized()
    }

    static func reply(_ outcome: HookOutcome) throws -> JSONValue {
        try #require(outcome.exitStatus == 0)
        try #require(outcome.standardOutput.last == UInt8(ascii: "\n"))
        return try JSONValue(parsing: Array(outcome.standardOutput.dropLast()))
    }

    static func leaksNothing(_ outcome: HookOutcome) -> Bool {
        let text = String(decoding: outcome.standardOutput, as: UTF8.self) + outcome.standardError
        return !values.values.contains { text.contains($0) }
    }

    /// Where `rewritten` differs from `original` other than in a content string's text: a
    /// member added, dropped, renamed or moved, a type changed, a number, boolean or protected
    /// string changed, an array's length changed (unless `anyLength`). `nil` when none.
    static func shapeDifference(
        _ original: JSONValue, _ rewritten: JSONValue, at path: String = "$", protected: Bool = false, anyLength: Bool = false
    ) -> String? {
        switch (original, rewritten) {
        case (.null, .null): return nil
        case (.bool(let a), .bool(let b)): return a == b ? nil : "\(path): boolean changed"
        case (.number(let a), .number(let b)): return a == b ? nil : "\(path): number changed"
        case (.string(let a), .string(let b)): return !protected || a == b ? nil : "\(path): protected string changed"
        case (.array(let a), .array(let b)):
            if !anyLength, a.count != b.count { return "\(path): \(a.count) items became \(b.count)" }
            if anyLength, let first = a.first {
                return b.lazy.compactMap { shapeDifference(first, $0, at: path + "[]", anyLength: true) }.first
            }
            return zip(a, b).enumerated().lazy.compactMap { shapeDifference($1.0, $1.1, at: "\(path)[\($0)]", anyLength: anyLength) }.first
        case (.object(let a), .object(let b)):
            if a.map(\.name) != b.map(\.name) { return "\(path): keys \(a.map(\.name)) became \(b.map(\.name))" }
            return zip(a, b).lazy.compactMap {
                shapeDifference(
                    $0.value, $1.value, at: path + "." + $0.name,
                    protected: ShapePreservingRedactor.defaultProtectedNames.contains($0.name), anyLength: anyLength)
            }.first
        default: return "\(path): type changed"
        }
    }

    @Test("redacted tool outputs keep every key, type, number and discriminator", arguments: HookToolShapes.outputs)
    func redactedOutputKeepsShape(fixture: HookToolShapes.Fixture) throws {
        let outcome = Self.hook().handle(try Self.event("PostToolUse", fixture))
        let reply = try Self.reply(outcome)
        let updated = try #require(reply["hookSpecificOutput"]?["updatedToolOutput"])
        let original = try Self.json(fixture.output)
        #expect(Self.shapeDifference(original, updated) == nil, "\(Self.shapeDifference(original, updated) ?? "")")
        #expect(updated != original)
        #expect(Self.leaksNothing(outcome))
        #expect(String(decoding: updated.serialized(), as: UTF8.self).contains("[REDACTED:"))
        #expect(outcome.auditRecord.action == .redact)
    }

    @Test("redacted tool inputs keep every key, type, number and boolean", arguments: HookToolShapes.inputs)
    func redactedInputKeepsShape(fixture: HookToolShapes.Fixture) throws {
        let outcome = Self.hook().handle(try Self.event("PreToolUse", fixture))
        let specific = try #require(try Self.reply(outcome)["hookSpecificOutput"])
        #expect(specific["permissionDecision"]?.stringValue == "ask")
        let updated = try #require(specific["updatedInput"])
        let original = try Self.json(fixture.input)
        #expect(Self.shapeDifference(original, updated) == nil, "\(Self.shapeDifference(original, updated) ?? "")")
        #expect(updated != original)
        #expect(Self.leaksNothing(outcome))
    }

    @Test("withheld tool outputs keep the shape, with the marker in the content strings", arguments: HookToolShapes.outputs)
    func withheldOutputKeepsShape(fixture: HookToolShapes.Fixture) throws {
        let outcome = Self.hook(Self.blockingPolicy).handle(try Self.event("PostToolUse", fixture))
        let reply = try Self.reply(outcome)
        #expect(reply["continue"] == nil)
        let specific = try #require(reply["hookSpecificOutput"])
        #expect(specific["additionalContext"]?.stringValue?.contains("withheld") == true)
        var original = try Self.json(fixture.output)
        if fixture.toolName == "Bash" {
            // The persisted copy still holds the raw text: its path and size are dropped.
            original = ToolOutputShapes.replacing(original, [:], dropping: ToolOutputShapes.persistedOutputMembers)
        }
        let updated = try #require(specific["updatedToolOutput"])
        #expect(Self.shapeDifference(original, updated, anyLength: true) == nil, "\(Self.shapeDifference(original, updated, anyLength: true) ?? "")")
        #expect(String(decoding: updated.serialized(), as: UTF8.self).contains(ToolOutputShapes.withheld))
        #expect(Self.leaksNothing(outcome))
        #expect(outcome.auditRecord.action == .block)
        #expect(outcome.auditRecord.error == nil)
    }

    @Test("a withheld Bash output has the marker as stdout, an empty stderr and no persisted-output path")
    func withheldBash() throws {
        let outcome = Self.hook(Self.blockingPolicy).handle(try Self.event("PostToolUse", HookToolShapes.outputs[1]))
        let updated = try #require(try Self.reply(outcome)["hookSpecificOutput"]?["updatedToolOutput"])
        #expect(updated.members?.map(\.name) == ["stdout", "stderr", "interrupted", "isImage"])
        #expect(updated["stdout"]?.stringValue == ToolOutputShapes.withheld)
        #expect(updated["stderr"]?.stringValue == "")
    }

    @Test("a Read of a key file that a path rule restricts reaches the model withheld, in the Read shape")
    func readOfRestrictedFile() throws {
        let fixture = HookToolShapes.Fixture(
            name: "pem", toolName: "Read", input: #"{"file_path":"/repo/certs/server.pem"}"#,
            output: #"{"type":"text","file":{"filePath":"/repo/certs/server.pem","content":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","numLines":3,"startLine":1,"totalLines":3}}"#)
        let outcome = Self.hook().handle(try Self.event("PostToolUse", fixture))
        let updated = try #require(try Self.reply(outcome)["hookSpecificOutput"]?["updatedToolOutput"])
        #expect(updated["type"]?.stringValue == "text")
        #expect(updated["file"]?["content"]?.stringValue == ToolOutputShapes.withheld)
        #expect(updated["file"]?["numLines"] == .number("3"))
        #expect(updated["file"]?["filePath"]?.stringValue == "/repo/certs/server.pem")
        #expect(!String(decoding: outcome.standardOutput, as: UTF8.self).contains("MIIB"))
        #expect(outcome.auditRecord.path == "certs/server.pem")
        #expect(outcome.auditRecord.action == .block)
    }

    @Test("an image with no honest replacement stops the agent and is audited as a leak not prevented")
    func imageStopsTheAgent() throws {
        let fixture = HookToolShapes.Fixture(
            name: "image", toolName: "Read", input: #"{"file_path":"/repo/.ssh/screenshot.png"}"#,
            output: #"{"type":"image","file":{"base64":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==","type":"image/png","originalSize":68}}"#)
        let outcome = Self.hook().handle(try Self.event("PostToolUse", fixture))
        let reply = try Self.reply(outcome)
        #expect(reply["continue"] == .bool(false))
        #expect(reply["stopReason"]?.stringValue?.contains("**/.ssh/**") == true)
        #expect(reply["systemMessage"] != nil)
        #expect(reply["hookSpecificOutput"]?["updatedToolOutput"] == nil)
        #expect(outcome.auditRecord.error == ClaudeCodeHook.leakNotPrevented)
        #expect(outcome.auditRecord.action == .block)
    }

    @Test("a value in a member name cannot be redacted in place: PreToolUse denies, PostToolUse stops the agent")
    func valueInMemberName() throws {
        let key = try #require(Self.values["%AWS%"])
        let fixture = HookToolShapes.Fixture(
            name: "key", toolName: "mcp__kv__put", input: #"{"%AWS%":"x"}"#, output: #"{"%AWS%":"stored"}"#)
        let pre = Self.hook().handle(try Self.event("PreToolUse", fixture))
        let specific = try #require(try Self.reply(pre)["hookSpecificOutput"])
        #expect(specific["permissionDecision"]?.stringValue == "deny")
        #expect(specific["updatedInput"] == nil)
        #expect(Self.leaksNothing(pre))

        let post = Self.hook().handle(try Self.event("PostToolUse", fixture))
        let reply = try Self.reply(post)
        #expect(reply["continue"] == .bool(false))
        #expect(post.auditRecord.error == ClaudeCodeHook.leakNotPrevented)
        #expect(!String(decoding: post.standardOutput, as: UTF8.self).contains(key))
    }
}
