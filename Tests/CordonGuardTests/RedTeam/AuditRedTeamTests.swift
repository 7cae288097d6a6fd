import Cordon
import CordonJSON
import CordonTestSupport
import Crypto
import Foundation
import Testing

@testable import CordonGuard

/// Red team, issue #16 items 1 and 5: the audit trail can be neither crashed nor read for values.
/// Each test reproduces an attack first, then checks that it no longer works.
@Suite("Red team: audit trail")
struct AuditRedTeamTests {
    static let key = Array("red-team audit key, 32 bytes ...".utf8)
    static let ssn = "536-22-1894"

    /// The record the log writes for `record`, parsed.
    static func written(_ record: AuditRecord, key: [UInt8]?) throws -> (line: String, value: JSONValue) {
        let folder = try TemporaryFolder()
        let path = folder.url.appending(path: "audit.jsonl").path
        try AuditLog(path: path, key: key).append(record)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
        return (line, try JSONValue(parsing: Array(line.utf8)))
    }

    static func string(_ value: JSONValue?) -> String? {
        guard case .string(let bytes)? = value else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("brute force: a record of a message holding only a 9-digit SSN cannot be searched without the key")
    func ssnBruteForce() throws {
        let message = Array(Self.ssn.utf8)
        let record = AuditRecord(
            operation: "scan", session: "s", action: .block, detectorCounts: ["us-ssn": 1],
            inputSHA256: AuditRecord.sha256(message), policyVersion: "v")
        // 20,000 candidates of the 10⁹ around the real number (the full space takes a laptop
        // under a second against an unkeyed hash, as the format-1 record held).
        let candidates = (0..<20_000).map { offset in
            Array(String(format: "536-22-%04d", (1894 + offset) % 10_000).utf8) + (offset >= 10_000 ? Array(" ".utf8) : [])
        }
        // The attack on format 1: the unkeyed hash the record used to hold gives the number away.
        let formatOneHash = AuditRecord.sha256(message)
        #expect(candidates.contains { AuditRecord.sha256($0) == formatOneHash }, "the search space holds the message")

        let (line, value) = try Self.written(record, key: Self.key)
        let fingerprint = try #require(Self.string(value["input_hmac"]))
        #expect(value["input_sha256"] == nil)
        // Without the key: no candidate's hash, nor its HMAC under a guessed key, is in the record.
        for guess in [[UInt8](), Array("key".utf8), Array("audit".utf8)] {
            let wrong = AuditFingerprinter(auditKey: guess)
            #expect(!candidates.contains { wrong.content($0) == fingerprint })
        }
        #expect(!candidates.contains { line.contains(AuditRecord.sha256($0)) })
        #expect(!line.contains(Self.ssn) && !line.contains("536221894"))
        // With the key, the holder of the message finds its record.
        #expect(AuditFingerprinter(auditKey: Self.key).content(message) == fingerprint)
    }

    @Test("no value in the record: not the message's, not the session id (an e-mail), not the path (a key in a file name)")
    func recordHoldsNoValues() throws {
        let session = "alice.smith@example.test"
        let path = "keys/AKIAFHSG4A7UNZQWWYEV.pem"
        let message = Array("mail alice.smith@example.test about \(Self.ssn)".utf8)
        let record = AuditRecord(
            operation: "redact", session: session, destination: "public-api", source: .file, path: path, level: .restricted,
            action: .redact, detectorCounts: ["email": 1, "us-ssn": 1], inputSHA256: AuditRecord.sha256(message),
            outputSHA256: AuditRecord.sha256(Array("mail ⟦EMAIL_1_AAAAAA⟧".utf8)), policyVersion: "v")
        for key in [Self.key, nil] {
            let (line, value) = try Self.written(record, key: key)
            for secret in [session, "alice", path, "AKIAFHSG4A7UNZQWWYEV", Self.ssn, AuditRecord.sha256(message), AuditRecord.sha256(Array(session.utf8)), AuditRecord.sha256(Array(path.utf8))] {
                #expect(!line.contains(secret), "the record holds \(secret)")
            }
            #expect(value["v"] == .int(2))
            for member in ["session", "path", "input_sha256", "output_sha256"] { #expect(value[member] == nil) }
            if key == nil {
                // Without a key there is nothing to fingerprint with: the members are null.
                for member in ["session_hmac", "path_hmac", "input_hmac", "output_hmac"] { #expect(value[member] == .null) }
            } else {
                let fingerprints = AuditFingerprinter(auditKey: Self.key)
                #expect(Self.string(value["session_hmac"]) == fingerprints.session(session))
                #expect(Self.string(value["path_hmac"]) == fingerprints.path(path))
                // One label per role: the session's fingerprint is not the path's for equal text.
                #expect(fingerprints.session("x") != fingerprints.path("x"))
                #expect(fingerprints.session("x") != fingerprints.content(Array("x".utf8)))
            }
        }
    }

    @Test("the fingerprint key is derived: a record's HMAC key never fingerprints content")
    func derivedKey() {
        let content = Array("hello".utf8)
        let plain = Hex.string(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: Self.key)))
        #expect(AuditFingerprinter(auditKey: Self.key).content(content) != plain)
    }

    /// Hostile files for both readers.
    static let hostile: [(name: String, bytes: [UInt8])] = [
        ("the largest sequence number", Array(#"{"seq":9223372036854775807,"time":"t","op":"ping","prev":"\#(AuditLog.genesisHash)"}"#.utf8) + [10]),
        ("a garbage last line", Array("{\"seq\":1}\n\u{0}\u{7f}garbage\n".utf8)),
        ("a last line of 2 MiB", [UInt8](repeating: UInt8(ascii: "["), count: 2 << 20) + [10]),
        ("a cut record", Array(#"{"v":2,"seq":1,"time":"#.utf8)),
        ("deep nesting", [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [10]),
    ]

    @Test("hostile last lines: the writer refuses with a message, the verifier names the line, neither traps", arguments: 0..<hostile.count)
    func hostileFiles(_ index: Int) throws {
        let file = Self.hostile[index]
        let folder = try TemporaryFolder()
        let url = try folder.write("audit.jsonl", Data(file.bytes))
        let error = try #require(throws: AuditError.self) { try AuditLog(path: url.path, key: Self.key) }
        #expect(error.message.contains("cordon audit verify"), "\(file.name): \(error.message)")
        let result = AuditVerifier.verify(file.bytes, key: Self.key)
        #expect(result.problem?.line == 1, "\(file.name)")
    }

    @Test("format 1 records still verify and are counted; a format-1 record after format 2 is a broken record")
    func formatOneRecords() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appending(path: "audit.jsonl").path
        // A format-1 record, as the previous release wrote it, chained and signed.
        var old = Array(#"{"seq":1,"time":"2026-12-06T00:00:00.000Z","op":"ping","session":"alice@example.test","path":null,"prev":"\#(AuditLog.genesisHash)"}"#.utf8)
        let mac = Hex.string(HMAC<SHA256>.authenticationCode(for: old, using: SymmetricKey(data: Self.key)))
        old.removeLast()
        old += Array(#","hmac":"\#(mac)"}"#.utf8) + [10]
        FileManager.default.createFile(atPath: path, contents: Data(old))
        // The writer continues the chain in format 2.
        try AuditLog(path: path, key: Self.key).append(AuditRecord(operation: "ping", session: "s", policyVersion: "v"))
        let bytes = Array(try #require(FileManager.default.contents(atPath: path)))
        let result = AuditVerifier.verify(bytes, key: Self.key)
        #expect(result.isIntact, "\(String(describing: result.problem))")
        #expect(result.intactRecords == 2 && result.formatOneRecords == 1)
        // A format-1 record appended after it (a downgrade, or a forged old-style record) breaks.
        let lastHash = result.lastHash
        let forged = Array(#"{"seq":3,"time":"t","op":"ping","session":"x","prev":"\#(lastHash)"}"#.utf8) + [10]
        let downgraded = AuditVerifier.verify(bytes + forged)
        #expect(downgraded.problem?.line == 3)
        #expect(downgraded.problem?.message.contains("format-1 record after format-2") == true)
    }
}
