import CordonTestSupport
import Foundation
import Testing

/// Fake secrets planted in every kind of request never come out — not on standard output, not
/// on standard error, not in the audit file — except inside a restore's answer for their own
/// session.
@Suite("no leaks", .serialized)
struct SidecarLeakTests {
    typealias F = SidecarFixtures

    /// Two fake values of each kind, checksum-valid where the format has a checksum.
    static let secrets: [String] = {
        var fake = FakeSecrets(seed: 20_261_121)
        return [
            fake.githubToken(), fake.githubToken(), fake.awsAccessKeyID(), fake.awsAccessKeyID(),
            fake.cardNumber(), fake.cardNumber(), fake.ssn(), fake.ssn(), fake.iban(), fake.iban(), fake.email(), fake.email(),
        ]
    }()

    static var text: String {
        let s = secrets
        return "deploy with \(s[0]) or \(s[1]); aws \(s[2]) \(s[3]); card \(s[4]), \(s[5]); ssn \(s[6]) \(s[7]); "
            + "iban \(s[8]) \(s[9]); mail \(s[10]) and \(s[11])."
    }

    private func assertNoSecret(in text: String, _ place: String) {
        for secret in Self.secrets {
            #expect(!text.contains(secret), "a planted value appears in \(place)")
        }
    }

    @Test("no planted value leaks from serve, hook, logs or the audit trail")
    func noLeaks() throws {
        let folder = try TemporaryFolder()
        let audit = folder.url.appending(path: "audit.jsonl")
        let auditKey = try folder.write("audit.key", "audit key bytes")
        let hashKey = try folder.write("hash.key", "hash key bytes")
        let common = ["--audit", audit.path, "--audit-key-file", auditKey.path, "--log-level", "trace"]
        let text = Self.text
        let secret = Self.secrets[0]
        let base64 = Data(text.utf8).base64EncodedString()

        var lines: [String] = [F.line(["id": "ping", "op": "ping"])]
        for (index, source) in ["prompt", "file", "tool_output"].enumerated() {
            lines.append(F.line(["id": "scan-\(index)", "op": "scan", "text": text, "source": source, "destination": "on-prem"]))
            lines.append(F.line(["id": "scan64-\(index)", "op": "scan", "base64": base64, "source": source]))
        }
        lines.append(F.line(["id": "scan-local", "op": "scan", "text": text, "destination": "local"]))
        for name in ["placeholder", "mask", "hash", "remove", "placeholder-reversible"] {
            lines.append(F.line(["id": "redact-\(name)", "op": "redact", "text": text, "operator": name, "session": "leak-session"]))
            lines.append(F.line(["id": "redact64-\(name)", "op": "redact", "base64": base64, "operator": name, "session": "leak-session"]))
        }
        // Bad requests carrying values.
        lines.append("{\"id\":\"bad-json\",\"op\":\"scan\",\"text\":\"\(text)\n")
        lines.append(F.line(["id": "bad-op", "op": "exfiltrate", "text": text]))
        lines.append(F.line(["id": "bad-field", "op": "scan", "txt": text]))
        lines.append(F.line(["id": "bad-base64", "op": "scan", "base64": secret + "!!"]))
        lines.append(F.line(["id": "bad-destination", "op": "scan", "text": text, "destination": secret]))
        lines.append(F.line(["id": "bad-operator", "op": "redact", "text": text, "operator": secret]))
        lines.append(F.line(["id": "bad-source", "op": "scan", "text": text, "source": secret]))
        lines.append(F.line([secret: text]))
        lines.append(F.line(["id": "bad-object", "op": ["nested": text]]))
        lines.append("[\"\(secret)\", \"\(text)\"]\n")
        lines.append(F.line(["id": "too-large", "op": "scan", "text": text + String(repeating: " pad", count: 5_000)]))

        // First every request above; then the reversible redaction's answer is sent back for
        // restoring, in its own session and in another one.
        let process = try SidecarProcess(
            ["serve"] + common + ["--hash-key-file", hashKey.path, "--max-bytes", "8192"])
        process.write(lines.joined())
        let first = process.waitForLines(lines.count)
        try #require(first.count == lines.count)
        let reversible = try #require(first.compactMap(F.parse).first { $0["id"] as? String == "redact-placeholder-reversible" })
        let reply = "Thanks. " + (try #require(reversible["text"] as? String))
        let restores = [
            F.line(["id": "restore-own", "op": "restore", "text": reply, "session": "leak-session"]),
            F.line(["id": "restore-other", "op": "restore", "text": reply, "session": "other-session"]),
        ]
        process.write(restores.joined())
        lines += restores
        process.closeInput()
        let serve = process.waitForExit()
        #expect(serve.status == 0)
        let responses = serve.stdoutLines
        try #require(responses.count == lines.count)
        for line in responses {
            let response = F.parse(line)
            if response?["id"] as? String == "restore-own" {
                #expect(response?["text"] as? String == "Thanks. " + text, "restore gives the values back")
                continue
            }
            assertNoSecret(in: line, "response \(response?["id"] ?? "?")")
        }
        // The values were found by the built-in detectors (so the test is not vacuous).
        let placeholder = try #require(responses.compactMap(F.parse).first { $0["id"] as? String == "redact-placeholder" })
        #expect(Set(F.detectors(placeholder)).isSuperset(of: ["github-pat", "aws-access-key-id", "payment-card", "us-ssn", "iban", "email"]))
        assertNoSecret(in: serve.stderrText, "serve's standard error")

        // Hook events, into the same audit trail.
        var events: [[String: Any]] = []
        let base: [String: Any] = ["session_id": "hook-session", "cwd": "/repo", "transcript_path": "/tmp/t"]
        events.append(base.merging(["hook_event_name": "UserPromptSubmit", "prompt": text]) { $1 })
        events.append(base.merging(["hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": ["command": "echo \(text)"]]) { $1 })
        events.append(base.merging(["hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": ["file_path": "/repo/a.txt", "content": text]]) { $1 })
        events.append(base.merging(["hook_event_name": "PostToolUse", "tool_name": "Read", "tool_input": ["file_path": "/repo/a.txt"], "tool_response": ["file": ["content": text]]]) { $1 })
        events.append(base.merging(["hook_event_name": "PostToolUse", "tool_name": "Read", "tool_input": ["file_path": "/repo/id.pem"], "tool_response": text]) { $1 })
        var hookInputs = try events.map { try JSONSerialization.data(withJSONObject: $0) }
        hookInputs.append(Data("{\"hook_event_name\": \"UserPromptSubmit\", \"prompt\": \"\(text)".utf8))
        for (index, input) in hookInputs.enumerated() {
            let output = try CordonProcess.run(["hook", "claude-code"] + common, input: input)
            assertNoSecret(in: output.stdoutText, "hook \(index)'s standard output")
            assertNoSecret(in: output.stderrText, "hook \(index)'s standard error")
        }

        let trail = try String(contentsOf: audit, encoding: .utf8)
        assertNoSecret(in: trail, "the audit file")
        #expect(trail.split(separator: "\n").count == lines.count + hookInputs.count)
        let verify = try CordonProcess.run(["audit", "verify", audit.path, "--key-file", auditKey.path])
        #expect(verify.status == 0, "\(verify.stderrText)")
    }
}
