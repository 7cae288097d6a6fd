@testable import CordonGuard
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// A tool event's strings are one message: what is found in one is redacted in all.
@Suite("Claude Code hook: tool content as one message")
struct SidecarHookMessageTests {
    static let hook: ClaudeCodeHook = {
        do {
            return ClaudeCodeHook(enforcer: PolicyEnforcer(engine: try Engine(DetectorSet.builtIn()), policy: .builtIn()))
        } catch {
            fatalError("built-in detectors do not load: \(error)")
        }
    }()

    func handle(_ event: [String: Any]) throws -> (outcome: HookOutcome, text: String) {
        let outcome = Self.hook.handle(Array(try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])))
        return (outcome, String(decoding: outcome.standardOutput, as: UTF8.self))
    }

    @Test("PreToolUse: a password found in the command is redacted in the description too")
    func preToolUseAcrossStrings() throws {
        let password = "Kx9vq2Lm7Rw4"
        let (outcome, text) = try handle([
            "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": ["command": "export DB_PASSWORD=\(password)", "description": "then log in with \(password)"],
        ])
        #expect(outcome.exitStatus == 0)
        #expect(text.contains("updatedInput"))
        #expect(!text.contains(password))
        #expect(text.components(separatedBy: "[REDACTED:").count == 3)
        #expect(outcome.auditRecord.detectorCounts.values.reduce(0, +) == 2)
    }

    @Test("PostToolUse: a value found in one member is redacted in its siblings; one in a member name stops the agent")
    func postToolUseAcrossStrings() throws {
        let password = "Pz4mW8qT3nVb"
        let (outcome, text) = try handle([
            "hook_event_name": "PostToolUse", "tool_name": "mcp__vault__read",
            "tool_input": ["path": "db"],
            "tool_response": ["content": "password=\(password)", "other": password, "items": [password]],
        ])
        #expect(outcome.exitStatus == 0)
        #expect(text.contains("updatedToolOutput"))
        #expect(!text.contains(password))
        let object = try #require(
            (try JSONSerialization.jsonObject(with: Data(outcome.standardOutput)) as? [String: Any])?["hookSpecificOutput"] as? [String: Any])
        let updated = try #require(object["updatedToolOutput"] as? [String: Any])
        #expect(updated["other"] as? String == "[REDACTED:password-assignment]")
        #expect(updated["items"] as? [String] == ["[REDACTED:password-assignment]"])
        #expect(updated["content"] as? String == "password=[REDACTED:password-assignment]")

        // A member name cannot be renamed (the shape would change and Claude Code would use the
        // original output): with the value also a key, the agent is stopped.
        let (keyed, keyedText) = try handle([
            "hook_event_name": "PostToolUse", "tool_name": "mcp__vault__read",
            "tool_input": ["path": "db"],
            "tool_response": ["content": "password=\(password)", password: 1],
        ])
        #expect(!keyedText.contains(password))
        #expect(keyedText.contains("\"continue\":false"))
        #expect(keyed.auditRecord.error == ClaudeCodeHook.leakNotPrevented)
    }

    @Test("Texts that hold nothing are passed through unchanged, numbers stay numbers")
    func untouchedTexts() throws {
        let (outcome, text) = try handle([
            "hook_event_name": "PostToolUse", "tool_name": "Read", "tool_input": ["file_path": "/repo/a.txt"],
            "tool_response": ["mail": "jane.doe@acme-corp.io", "count": 12, "note": "plain"],
        ])
        #expect(outcome.exitStatus == 0)
        let object = try #require(
            (try JSONSerialization.jsonObject(with: Data(outcome.standardOutput)) as? [String: Any])?["hookSpecificOutput"] as? [String: Any])
        let updated = try #require(object["updatedToolOutput"] as? [String: Any])
        #expect(updated["mail"] as? String == "[REDACTED:email]")
        #expect(updated["count"] as? Int == 12)
        #expect(updated["note"] as? String == "plain")
        #expect(!text.contains("jane.doe"))
    }
}
