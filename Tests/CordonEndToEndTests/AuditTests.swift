import CordonTestSupport
import Foundation
import Testing

/// The audit trail: one hash-chained record per request, written before the response, and
/// `cordon audit verify` catching tampering.
@Suite("audit trail")
struct SidecarAuditTests {
    typealias F = SidecarFixtures

    /// Serves a few requests with `--audit` (and a key) and returns the audit file's lines.
    private func writeTrail(_ folder: TemporaryFolder, key: Bool) throws -> (file: URL, keyFile: URL?, lines: [String]) {
        let audit = folder.url.appending(path: "audit.jsonl")
        var arguments = try F.detectorArguments(in: folder) + ["--audit", audit.path]
        var keyFile: URL?
        if key {
            keyFile = try folder.write("audit.key", "correct horse battery staple")
            arguments += ["--audit-key-file", keyFile!.path]
        }
        let output = try F.runServe(arguments, lines: [
            F.line(["id": 1, "op": "ping"]),
            F.line(["id": 2, "op": "scan", "text": "tok_abcdef123456 and ann@example.test", "session": "s1", "source": "prompt"]),
            F.line(["id": 3, "op": "redact", "text": "ann@example.test", "destination": "on-prem", "path": "docs/a.md", "source": "file"]),
            "broken json\n",
            F.line(["id": 5, "op": "redact", "text": "tok_abcdef123456", "session": "s1", "operator": "placeholder-reversible"]),
            F.line(["id": 6, "op": "restore", "text": "⟦FX_TOKEN_1⟧", "session": "s1"]),
        ])
        #expect(output.status == 0)
        let text = try String(contentsOf: audit, encoding: .utf8)
        return (audit, keyFile, text.split(separator: "\n").map(String.init))
    }

    @Test("one record per request with the documented fields, and nothing of the content")
    func recordFields() throws {
        let folder = try TemporaryFolder()
        let (_, _, lines) = try writeTrail(folder, key: true)
        try #require(lines.count == 6)
        let records = lines.compactMap(F.parse)
        try #require(records.count == 6)
        for (index, record) in records.enumerated() {
            #expect(record["seq"] as? Int == index + 1)
            let time = try #require(record["time"] as? String)
            #expect(time.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
            #expect((record["prev"] as? String)?.count == 64)
            #expect((record["hmac"] as? String)?.count == 64)
            #expect((record["policy"] as? String)?.count == 64)
        }
        #expect(records[0]["prev"] as? String == String(repeating: "0", count: 64))
        #expect(records.allSatisfy { $0["v"] as? Int == 2 }, "record format 2: keyed fingerprints")
        let fingerprint = #"^[0-9a-f]{64}$"#
        func isFingerprint(_ value: Any?) -> Bool { (value as? String)?.range(of: fingerprint, options: .regularExpression) != nil }
        #expect(records[1]["op"] as? String == "scan")
        #expect(isFingerprint(records[1]["session_hmac"]))
        #expect(records[1]["session_hmac"] as? String == records[4]["session_hmac"] as? String, "one session, one fingerprint")
        #expect(records[1]["source"] as? String == "prompt")
        #expect(records[1]["destination"] as? String == "public-api")
        #expect(records[1]["level"] as? String == "restricted")
        #expect(records[1]["action"] as? String == "redact")
        #expect(records[1]["detectors"] as? [String: Int] == ["fx-token": 1, "fx-mail": 1])
        #expect(isFingerprint(records[1]["input_hmac"]))
        #expect(records[2]["destination"] as? String == "on-prem")
        #expect(isFingerprint(records[2]["path_hmac"]))
        #expect(records[2]["action"] as? String == "allow")
        #expect(records[2]["output_hmac"] as? String == records[2]["input_hmac"] as? String)
        #expect(records[3]["error"] as? String == "malformed_json")
        #expect(isFingerprint(records[4]["output_hmac"]) && records[4]["output_hmac"] as? String != records[4]["input_hmac"] as? String)
        #expect(records[5]["op"] as? String == "restore")
        for record in records {
            for member in ["session", "path", "input_sha256", "output_sha256"] { #expect(record[member] == nil, "\(member)") }
        }
        let all = lines.joined(separator: "\n")
        for value in ["tok_abcdef123456", "ann@example.test", "broken json", "FX_TOKEN", "docs/a.md", "\"s1\""] {
            #expect(!all.contains(value), "\(value) in the audit file")
        }
    }

    @Test("with the key, 'cordon audit fingerprint' finds a message's, a session's and a path's records")
    func fingerprintCommand() throws {
        let folder = try TemporaryFolder()
        let (_, keyFile, lines) = try writeTrail(folder, key: true)
        let records = lines.compactMap(F.parse)
        try #require(records.count == 6)
        let message = try folder.write("message.txt", "ann@example.test")
        let output = try CordonProcess.run(
            ["audit", "fingerprint", message.path, "--key-file", keyFile!.path, "--session", "s1", "--path", "docs/a.md"])
        #expect(output.status == 0, "\(output.stderrText)")
        let printed = output.stdoutText.split(separator: "\n").map(String.init)
        #expect(printed == [
            "content \(records[2]["input_hmac"] as? String ?? "?")", "session \(records[1]["session_hmac"] as? String ?? "?")",
            "path \(records[2]["path_hmac"] as? String ?? "?")",
        ])
    }

    @Test("without a key, records hold no fingerprints, no session and no path")
    func unkeyedRecords() throws {
        let folder = try TemporaryFolder()
        let (_, _, lines) = try writeTrail(folder, key: false)
        let records = lines.compactMap(F.parse)
        try #require(records.count == 6)
        for record in records {
            for member in ["session_hmac", "path_hmac", "input_hmac", "output_hmac"] {
                #expect(record[member] is NSNull, "\(member) is written only with a key")
            }
        }
    }

    @Test("an audit trail without a key is said once at start-up; with a key, nothing is said")
    func unkeyedTrailWarns() throws {
        let folder = try TemporaryFolder()
        let audit = folder.url.appendingPathComponent("audit.jsonl")
        let key = try folder.write("audit.key", "0123456789abcdef0123456789abcdef")
        let event = #"{"hook_event_name":"UserPromptSubmit","session_id":"s","cwd":"/tmp","prompt":"hello"}"#
        let unkeyed = try CordonProcess.run(["hook", "claude-code", "--audit", audit.path], input: event)
        #expect(unkeyed.status == 0, "\(unkeyed.stderrText)")
        let warnings = unkeyed.stderrText.components(separatedBy: "not signed and carry no content fingerprints")
        #expect(warnings.count == 2, "exactly one warning: \(unkeyed.stderrText)")
        let keyed = try CordonProcess.run(
            ["hook", "claude-code", "--audit", audit.path + ".keyed", "--audit-key-file", key.path], input: event)
        #expect(keyed.status == 0, "\(keyed.stderrText)")
        #expect(!keyed.stderrText.contains("not signed"), "\(keyed.stderrText)")
    }

    @Test("a hostile last record (the largest sequence number) fails the hook closed and stops serve, without a crash")
    func hostileSequenceNumber() throws {
        let folder = try TemporaryFolder()
        let audit = try folder.write(
            "audit.jsonl",
            #"{"seq":9223372036854775807,"time":"2026-12-06T00:00:00.000Z","op":"ping","prev":"\#(String(repeating: "0", count: 64))"}"# + "\n")
        let event = #"{"hook_event_name":"UserPromptSubmit","session_id":"s","cwd":"/tmp","prompt":"hello"}"#
        let hook = try CordonProcess.run(["hook", "claude-code", "--audit", audit.path], input: event)
        #expect(hook.status == 2, "Claude Code blocks only on exit status 2; a trap would let the event through")
        #expect(hook.stderrText.contains("out of range"), "\(hook.stderrText)")
        #expect(hook.stdout.isEmpty)
        let serve = try F.runServe(["--audit", audit.path], lines: [F.line(["id": 1, "op": "ping"])])
        #expect(serve.status == 2)
        #expect(serve.stdout.isEmpty)
        #expect(serve.stderrText.contains("cordon audit verify"))
    }

    @Test("an intact trail verifies, with and without the key")
    func intactVerifies() throws {
        let folder = try TemporaryFolder()
        let (file, keyFile, _) = try writeTrail(folder, key: true)
        let withKey = try CordonProcess.run(["audit", "verify", file.path, "--key-file", keyFile!.path])
        #expect(withKey.status == 0, "\(withKey.stderrText)")
        #expect(withKey.stdoutText.contains("intact, 6 records"))
        let withoutKey = try CordonProcess.run(["audit", "verify", file.path])
        #expect(withoutKey.status == 0)
        let wrongKey = try folder.write("wrong.key", "not the key")
        let wrong = try CordonProcess.run(["audit", "verify", file.path, "--key-file", wrongKey.path])
        #expect(wrong.status == 1)
        #expect(wrong.stderrText.contains("line 1:"))
    }

    @Test("records appended by a second process continue the chain")
    func chainAcrossProcesses() throws {
        let folder = try TemporaryFolder()
        let (file, keyFile, _) = try writeTrail(folder, key: true)
        let again = try F.runServe(
            try F.detectorArguments(in: folder) + ["--audit", file.path, "--audit-key-file", keyFile!.path],
            lines: [F.line(["id": 1, "op": "ping"])])
        #expect(again.status == 0)
        let verify = try CordonProcess.run(["audit", "verify", file.path, "--key-file", keyFile!.path])
        #expect(verify.status == 0, "\(verify.stderrText)")
        #expect(verify.stdoutText.contains("7 records"))
    }

    @Test("a request whose audit record cannot be written gets audit_failed and no content")
    func auditWriteFailure() throws {
        let folder = try TemporaryFolder()
        // Every write to /dev/full fails (ENOSPC).
        let output = try F.runServe(try F.detectorArguments(in: folder) + ["--audit", "/dev/full"], lines: [
            F.line(["id": 1, "op": "redact", "text": "tok_abcdef123456 hello"]),
            F.line(["id": 2, "op": "ping"]),
        ])
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 2)
        for response in responses {
            #expect(F.errorCode(response) == "audit_failed")
            #expect(response?["text"] == nil)
        }
        #expect(!output.stdoutText.contains("hello"))
    }

    /// Rewrites the trail with `transform` applied to its lines, then runs verify.
    private func tamper(
        key: Bool, _ transform: ([String]) -> [String]
    ) throws -> CordonProcess.Output {
        let folder = try TemporaryFolder()
        let (file, keyFile, lines) = try writeTrail(folder, key: key)
        try Data((transform(lines).joined(separator: "\n") + "\n").utf8).write(to: file)
        return try CordonProcess.run(["audit", "verify", file.path] + (keyFile.map { ["--key-file", $0.path] } ?? []))
    }

    @Test("an edited record is caught and named")
    func editedRecord() throws {
        let edit: ([String]) -> [String] = { lines in
            var lines = lines
            lines[2] = lines[2].replacingOccurrences(of: "\"action\":\"allow\"", with: "\"action\":\"block\"")
            return lines
        }
        let withKey = try tamper(key: true, edit)
        #expect(withKey.status == 1)
        #expect(withKey.stderrText.contains("line 3: the HMAC does not match"), "\(withKey.stderrText)")
        let withoutKey = try tamper(key: false, edit)
        #expect(withoutKey.status == 1)
        #expect(withoutKey.stderrText.contains("line 4: the previous-record hash does not match line 3"), "\(withoutKey.stderrText)")
    }

    @Test("a deleted record is caught", arguments: [0, 3])
    func deletedRecord(index: Int) throws {
        let output = try tamper(key: true) { lines in
            var lines = lines
            lines.remove(at: index)
            return lines
        }
        #expect(output.status == 1)
        #expect(output.stderrText.contains("line \(index + 1): sequence number \(index + 2), expected \(index + 1)"), "\(output.stderrText)")
    }

    @Test("reordered records are caught")
    func reorderedRecords() throws {
        let output = try tamper(key: true) { lines in
            var lines = lines
            lines.swapAt(1, 2)
            return lines
        }
        #expect(output.status == 1)
        #expect(output.stderrText.contains("line 2:"), "\(output.stderrText)")
    }

    @Test("an inserted record is caught, even one with a valid-looking chain")
    func insertedRecord() throws {
        let output = try tamper(key: false) { lines in
            var lines = lines
            // A copy of record 2 placed after it: its sequence number and chain are wrong there.
            lines.insert(lines[1], at: 2)
            return lines
        }
        #expect(output.status == 1)
        #expect(output.stderrText.contains("line 3:"), "\(output.stderrText)")
    }
}
