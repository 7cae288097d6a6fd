import CordonJSON
import CordonTestSupport
import Testing

@testable import Cordon
@testable import CordonGuard

/// PostToolBatch, PostToolUseFailure and the paths the hook reads for path rules.
@Suite("Claude Code hook: batches, failures and paths")
struct HookEventCoverageTests {
    static let mail: String = { var fake = FakeSecrets(seed: 3); return fake.email() }()

    static func handle(_ text: String) throws -> (HookOutcome, JSONValue?) {
        let outcome = HookOutputShapeTests.hook().handle(Array(text.utf8))
        let reply = outcome.standardOutput.isEmpty ? nil : try JSONValue(parsing: Array(outcome.standardOutput.dropLast()))
        return (outcome, reply)
    }

    @Test("PostToolBatch with a value left in a tool response stops the loop before the next model call")
    func batchWithValueStops() throws {
        let (outcome, reply) = try Self.handle(#"""
            {"session_id":"s","cwd":"/repo","hook_event_name":"PostToolBatch","tool_calls":[
             {"tool_name":"Bash","tool_use_id":"t1","tool_input":{"command":"ls"},"tool_response":{"stdout":"a b","stderr":"","interrupted":false,"isImage":false}},
             {"tool_name":"Read","tool_use_id":"t2","tool_input":{"file_path":"/repo/x"},"tool_response":{"type":"text","file":{"filePath":"/repo/x","content":"mail \#(Self.mail)","numLines":1,"startLine":1,"totalLines":1}}}]}
            """#)
        #expect(outcome.exitStatus == 0)
        #expect(reply?["continue"] == .bool(false))
        #expect(reply?["stopReason"]?.stringValue?.contains("Read") == true)
        #expect(reply?["stopReason"]?.stringValue?.contains("email") == true)
        #expect(outcome.auditRecord.action == .block)
        #expect(outcome.auditRecord.operation == "PostToolBatch")
        #expect(!String(decoding: outcome.standardOutput, as: UTF8.self).contains(Self.mail))
    }

    @Test("PostToolBatch of clean, already-redacted responses lets the loop go on")
    func cleanBatch() throws {
        let (outcome, reply) = try Self.handle(#"""
            {"session_id":"s","hook_event_name":"PostToolBatch","tool_calls":[
             {"tool_name":"Read","tool_input":{"file_path":"/repo/x"},"tool_response":{"type":"text","file":{"filePath":"/repo/x","content":"mail [REDACTED:email]","numLines":1,"startLine":1,"totalLines":1}}}]}
            """#)
        #expect(outcome.exitStatus == 0)
        #expect(reply == nil)
        #expect(outcome.auditRecord.action == .allow)
    }

    @Test("PostToolBatch reads the path rules of each call: a persisted key file stops the loop")
    func batchPathRule() throws {
        let (_, reply) = try Self.handle(#"""
            {"hook_event_name":"PostToolBatch","cwd":"/repo","tool_calls":[
             {"tool_name":"Read","tool_input":{"file_path":"/repo/keys/id.key"},"tool_response":{"type":"text","file":{"filePath":"/repo/keys/id.key","content":"[WITHHELD by cordon]","numLines":1,"startLine":1,"totalLines":1}}}]}
            """#)
        #expect(reply?["continue"] == .bool(false))
        #expect(reply?["stopReason"]?.stringValue?.contains("**/*.key") == true)
    }

    @Test("PostToolBatch without tool_calls is malformed and fails closed")
    func batchMalformed() throws {
        let (outcome, _) = try Self.handle(#"{"hook_event_name":"PostToolBatch"}"#)
        #expect(outcome.exitStatus == 2)
    }

    @Test("PostToolUseFailure cannot replace the output: it is audited as a leak not prevented and the model is told")
    func failureAudited() throws {
        let (outcome, reply) = try Self.handle(#"""
            {"session_id":"s","hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"deploy"},"error":"Exit code 1\nauth failed for \#(Self.mail)"}
            """#)
        #expect(outcome.exitStatus == 0)
        #expect(reply?["hookSpecificOutput"]?["hookEventName"]?.stringValue == "PostToolUseFailure")
        #expect(reply?["hookSpecificOutput"]?["additionalContext"]?.stringValue?.contains("email") == true)
        #expect(reply?["hookSpecificOutput"]?["updatedToolOutput"] == nil)
        #expect(outcome.auditRecord.error == ClaudeCodeHook.leakNotPrevented)
        #expect(outcome.auditRecord.detectorCounts["email"] == 1)
        #expect(!String(decoding: outcome.standardOutput, as: UTF8.self).contains(Self.mail))
    }

    @Test("PostToolUseFailure with a clean error: no output")
    func cleanFailure() throws {
        let (outcome, reply) = try Self.handle(#"{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"x"},"error":"Exit code 1"}"#)
        #expect(outcome.exitStatus == 0)
        #expect(reply == nil)
        #expect(outcome.auditRecord.error == nil)
    }

    @Test("path rules read Grep and Glob path, NotebookEdit notebook_path and file paths in Bash commands", arguments: [
        (#"{"tool_name":"Grep","tool_input":{"pattern":"x","path":"/repo/home/.ssh"}}"#, "home/.ssh"),
        (#"{"tool_name":"Glob","tool_input":{"pattern":"*","path":"/repo/.ssh/keys"}}"#, ".ssh/keys"),
        (#"{"tool_name":"NotebookEdit","tool_input":{"notebook_path":"/repo/n.ipynb","new_source":"x"}}"#, "n.ipynb"),
        (#"{"tool_name":"Bash","tool_input":{"command":"cat certs/server.pem | head -5"}}"#, "certs/server.pem"),
        (#"{"tool_name":"Bash","tool_input":{"command":"openssl x509 -in='tls/a.key' -noout"}}"#, "tls/a.key"),
    ])
    func pathsForRules(event: String, path: String) throws {
        let text = #"{"hook_event_name":"PreToolUse","cwd":"/repo","#.appending(event.dropFirst())
        let (outcome, _) = try Self.handle(text)
        #expect(outcome.auditRecord.path == path)
    }

    @Test("a Bash command's words are read only where the shell would not change them")
    func commandWords() {
        #expect(ToolPaths.commandWords(#"cat "a b.pem" x.key; less ~/c.pem $HOME/d.pem `e`.pem f*.pem"#) == ["cat", "a b.pem", "x.key", "less"])
        #expect(ToolPaths.commandWords("grep -r --file=pats.txt src>out.txt") == ["grep", "pats.txt", "src", "out.txt"])
        #expect(ToolPaths.commandWords("echo 'unterminated") == ["echo"])
    }

    @Test("a Bash command that reads a restricted file has its output withheld")
    func bashReadsKeyFile() throws {
        let (outcome, reply) = try Self.handle(#"""
            {"hook_event_name":"PostToolUse","cwd":"/repo","tool_name":"Bash","tool_input":{"command":"cat certs/server.pem"},"tool_response":{"stdout":"-----BEGIN CERTIFICATE-----\nMIIB\n","stderr":"","interrupted":false,"isImage":false}}
            """#)
        #expect(reply?["hookSpecificOutput"]?["updatedToolOutput"]?["stdout"]?.stringValue == ToolOutputShapes.withheld)
        #expect(!String(decoding: outcome.standardOutput, as: UTF8.self).contains("MIIB"))
    }
}
