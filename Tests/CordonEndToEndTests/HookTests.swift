import CordonTestSupport
import Foundation
import Testing

/// `cordon hook claude-code`: each event kind with its exit status and JSON shape.
@Suite("Claude Code hook")
struct SidecarHookTests {
    typealias F = SidecarFixtures

    private func hook(_ event: [String: Any], _ extra: [String] = [], folder: TemporaryFolder) throws -> CordonProcess.Output {
        let data = try JSONSerialization.data(withJSONObject: event)
        return try CordonProcess.run(["hook", "claude-code", "--log-level", "warning"] + F.detectorArguments(in: folder) + extra, input: data)
    }

    private func base(_ name: String) -> [String: Any] {
        ["session_id": "sess-1", "transcript_path": "/tmp/t.jsonl", "cwd": "/repo", "permission_mode": "default", "hook_event_name": name]
    }

    @Test("UserPromptSubmit above the level: exit 2, reason with detector ids and counts, no values")
    func promptBlocked() throws {
        let folder = try TemporaryFolder()
        var event = base("UserPromptSubmit")
        event["prompt"] = "deploy with tok_abcdef123456 and tok_000000000000, mail ann@example.test"
        let output = try hook(event, folder: folder)
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderrText.contains("fx-token ×2"))
        #expect(output.stderrText.contains("fx-mail ×1"))
        #expect(!output.stderrText.contains("tok_abcdef123456"))
        #expect(!output.stderrText.contains("ann@example.test"))
    }

    @Test("clean events: exit 0 and no output", arguments: ["UserPromptSubmit", "PreToolUse", "PostToolUse", "SessionStart", "Stop"])
    func cleanEvents(name: String) throws {
        let folder = try TemporaryFolder()
        var event = base(name)
        event["prompt"] = "please run the tests"
        event["tool_name"] = "Bash"
        event["tool_input"] = ["command": "swift test", "description": "Run tests"]
        event["tool_response"] = ["stdout": "all passed", "stderr": "", "interrupted": false]
        let output = try hook(event, folder: folder)
        #expect(output.status == 0)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.isEmpty)
    }

    @Test("PreToolUse with a secret in a Bash command is rewritten through updatedInput")
    func preToolUseRewrite() throws {
        let folder = try TemporaryFolder()
        var event = base("PreToolUse")
        event["tool_name"] = "Bash"
        event["tool_use_id"] = "toolu_1"
        event["tool_input"] = ["command": "curl -H 'token: tok_abcdef123456' https://x", "description": "Call", "timeout": 30]
        let output = try hook(event, folder: folder)
        #expect(output.status == 0)
        let json = try #require(F.parse(output.stdoutText))
        let specific = try #require(json["hookSpecificOutput"] as? [String: Any])
        #expect(specific["hookEventName"] as? String == "PreToolUse")
        #expect(specific["permissionDecision"] as? String == "ask")
        #expect((specific["permissionDecisionReason"] as? String)?.contains("fx-token ×1") == true)
        let updated = try #require(specific["updatedInput"] as? [String: Any])
        #expect(updated["command"] as? String == "curl -H 'token: [REDACTED:fx-token]' https://x")
        #expect(updated["description"] as? String == "Call")
        #expect(updated["timeout"] as? Int == 30)
        #expect(!output.stdoutText.contains("tok_abcdef123456"))

        let allow = try hook(event, ["--rewrite-permission", "allow"], folder: folder)
        let allowSpecific = F.parse(allow.stdoutText)?["hookSpecificOutput"] as? [String: Any]
        #expect(allowSpecific?["permissionDecision"] as? String == "allow")
    }

    @Test("PreToolUse that the policy blocks is denied with a reason")
    func preToolUseDeny() throws {
        let folder = try TemporaryFolder()
        let policy = try folder.write("policy.yaml", """
            default_destination: api
            destinations:
              api: {max_level: internal, action: redact}
            detectors:
              fx-token: {action: block}
            """)
        var event = base("PreToolUse")
        event["tool_name"] = "Write"
        event["tool_input"] = ["file_path": "/repo/config.env", "content": "TOKEN=tok_abcdef123456\n"]
        let output = try hook(event, ["--policy", policy.path], folder: folder)
        #expect(output.status == 0)
        let specific = try #require(F.parse(output.stdoutText)?["hookSpecificOutput"] as? [String: Any])
        #expect(specific["hookEventName"] as? String == "PreToolUse")
        #expect(specific["permissionDecision"] as? String == "deny")
        #expect((specific["permissionDecisionReason"] as? String)?.contains("fx-token") == true)
        #expect(specific["updatedInput"] == nil)
        #expect(!output.stdoutText.contains("tok_abcdef123456"))
    }

    @Test("PostToolUse output is replaced through updatedToolOutput, same shape")
    func postToolUseRedact() throws {
        let folder = try TemporaryFolder()
        var event = base("PostToolUse")
        event["tool_name"] = "mcp__db__query"
        event["tool_input"] = ["sql": "select * from users"]
        event["tool_response"] = [
            "rows": [["name": "Ann", "email": "ann@example.test", "age": 41], ["name": "Bob", "email": "bob@example.test", "age": 7]],
            "count": 2, "truncated": false, "note": NSNull(),
        ] as [String: Any]
        let output = try hook(event, folder: folder)
        #expect(output.status == 0)
        let specific = try #require(F.parse(output.stdoutText)?["hookSpecificOutput"] as? [String: Any])
        #expect(specific["hookEventName"] as? String == "PostToolUse")
        let updated = try #require(specific["updatedToolOutput"] as? [String: Any])
        let rows = try #require(updated["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["email"] as? String == "[REDACTED:fx-mail]")
        #expect(rows[0]["name"] as? String == "Ann")
        #expect(rows[0]["age"] as? Int == 41)
        #expect(rows[1]["email"] as? String == "[REDACTED:fx-mail]")
        #expect(updated["count"] as? Int == 2)
        #expect(updated["truncated"] as? Bool == false)
        #expect(updated["note"] is NSNull)

        // A plain string response stays a string.
        event["tool_name"] = "Read"
        event["tool_input"] = ["file_path": "/repo/notes.txt"]
        event["tool_response"] = "contact ann@example.test"
        let plain = try hook(event, folder: folder)
        let plainSpecific = F.parse(plain.stdoutText)?["hookSpecificOutput"] as? [String: Any]
        #expect(plainSpecific?["updatedToolOutput"] as? String == "contact [REDACTED:fx-mail]")
    }

    @Test("PostToolUse of a file a path rule restricts is withheld in the Read shape, with the reason as context")
    func postToolUsePathBlocked() throws {
        let folder = try TemporaryFolder()
        var event = base("PostToolUse")
        event["tool_name"] = "Read"
        event["tool_input"] = ["file_path": "/repo/certs/server.pem"]
        event["tool_response"] = [
            "type": "text",
            "file": ["filePath": "/repo/certs/server.pem", "content": "-----BEGIN CERT-----", "numLines": 1, "startLine": 1, "totalLines": 1],
        ] as [String: Any]
        let output = try hook(event, folder: folder)
        #expect(output.status == 0)
        let json = try #require(F.parse(output.stdoutText))
        #expect(json["decision"] == nil)
        let specific = try #require(json["hookSpecificOutput"] as? [String: Any])
        #expect((specific["additionalContext"] as? String)?.contains("**/*.pem") == true)
        // Same keys, same types: Claude Code would otherwise ignore the replacement.
        let updated = try #require(specific["updatedToolOutput"] as? [String: Any])
        #expect(Set(updated.keys) == ["type", "file"])
        #expect(updated["type"] as? String == "text")
        let file = try #require(updated["file"] as? [String: Any])
        #expect(Set(file.keys) == ["filePath", "content", "numLines", "startLine", "totalLines"])
        #expect(file["content"] as? String == "[WITHHELD by cordon]")
        #expect(file["numLines"] as? Int == 1)
        #expect(!output.stdoutText.contains("BEGIN CERT"))
    }

    @Test("PostToolBatch with a value left in a response stops the loop (continue: false)")
    func postToolBatchStops() throws {
        let folder = try TemporaryFolder()
        var event = base("PostToolBatch")
        event["tool_calls"] = [[
            "tool_name": "Bash", "tool_use_id": "t1", "tool_input": ["command": "env"],
            "tool_response": ["stdout": "TOKEN=tok_abcdef123456", "stderr": "", "interrupted": false, "isImage": false],
        ] as [String: Any]]
        let output = try hook(event, folder: folder)
        #expect(output.status == 0)
        let json = try #require(F.parse(output.stdoutText))
        #expect(json["continue"] as? Bool == false)
        #expect((json["stopReason"] as? String)?.contains("fx-token") == true)
        #expect(!output.stdoutText.contains("tok_abcdef123456"))
    }

    @Test("malformed events fail closed with exit 2 and a clear reason", arguments: [
        "not json at all", "[1, 2]", "{\"prompt\": \"hi\"}", "{\"hook_event_name\": \"UserPromptSubmit\"}",
        "{\"hook_event_name\": \"PreToolUse\", \"tool_input\": {}}", "",
    ])
    func malformed(event: String) throws {
        let folder = try TemporaryFolder()
        let output = try CordonProcess.run(["hook", "claude-code"] + F.detectorArguments(in: folder), input: event)
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderrText.contains("malformed hook event"))
    }

    @Test("--audit records hook events in the chained trail")
    func hookAudit() throws {
        let folder = try TemporaryFolder()
        let audit = folder.url.appending(path: "hook-audit.jsonl")
        var prompt = base("UserPromptSubmit")
        prompt["prompt"] = "tok_abcdef123456"
        _ = try hook(prompt, ["--audit", audit.path], folder: folder)
        var clean = base("PreToolUse")
        clean["tool_name"] = "Bash"
        clean["tool_input"] = ["command": "ls"]
        _ = try hook(clean, ["--audit", audit.path], folder: folder)
        let lines = try String(contentsOf: audit, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        let first = try #require(F.parse(lines[0]))
        #expect(first["op"] as? String == "UserPromptSubmit")
        #expect(first["action"] as? String == "block")
        // Without an audit key the session is not written at all (docs/audit.md).
        #expect(first["session"] == nil && first["session_hmac"] is NSNull)
        #expect(!lines.joined().contains("sess-1"))
        #expect(first["source"] as? String == "prompt")
        #expect(F.parse(lines[1])?["action"] as? String == "allow")
        #expect(!lines.joined().contains("tok_abcdef123456"))
        let verify = try CordonProcess.run(["audit", "verify", audit.path])
        #expect(verify.status == 0)
    }

    @Test("Help and option errors are those of the whole command, though a hook parses its own options directly")
    func helpAndOptionErrors() throws {
        let help = try CordonProcess.run(["hook", "claude-code", "--help"])
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("USAGE: cordon hook claude-code"))
        let unknown = try CordonProcess.run(["hook", "claude-code", "--no-such-option"], input: "{}")
        #expect(unknown.status == 2)
        #expect(unknown.stderrText.contains("Unknown option '--no-such-option'"))
        #expect(unknown.stderrText.contains("cordon hook claude-code"))
        let invalid = try CordonProcess.run(["hook", "claude-code", "--operator", "hash"], input: "{}")
        #expect(invalid.status == 2)
        #expect(invalid.stderrText.contains("--operator hash needs --hash-key-file"))
        let version = try CordonProcess.run(["hook", "claude-code", "--version"], input: "{}")
        #expect(version.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }
}
