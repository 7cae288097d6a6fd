import Cordon
import CordonTestSupport
import Foundation
import Testing

@testable import CordonGuard

/// An audit file that this writer cannot continue — damaged, hostile or foreign — is refused with
/// a clear error, never a crash, and never continued as if it were intact.
@Suite("Audit log: files it cannot continue")
struct AuditLogRecoveryTests {
    /// A last line and why it cannot be continued.
    struct Tail: CustomTestStringConvertible, Sendable {
        var name: String
        var contents: [UInt8]
        var message: String
        var testDescription: String { name }
    }

    static func record(seq: String) -> [UInt8] {
        Array(#"{"seq":\#(seq),"time":"2026-12-06T00:00:00.000Z","op":"ping","prev":"\#(AuditLog.genesisHash)"}"#.utf8) + [0x0A]
    }

    static let tails: [Tail] = [
        Tail(name: "the largest sequence number, whose successor would overflow", contents: record(seq: "9223372036854775807"), message: "out of range"),
        Tail(name: "sequence number zero", contents: record(seq: "0"), message: "out of range"),
        Tail(name: "a negative sequence number", contents: record(seq: "-4"), message: "out of range"),
        Tail(name: "a sequence number past the integers", contents: record(seq: "99999999999999999999999"), message: "damaged"),
        Tail(name: "a fractional sequence number", contents: record(seq: "1.5"), message: "damaged"),
        Tail(name: "a garbage line", contents: Array("not json at all\n".utf8), message: "damaged"),
        Tail(name: "a record cut before its line end", contents: Array(record(seq: "3").dropLast(20)), message: "damaged"),
        Tail(
            name: "a last line of 2 MiB", contents: [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20) + [0x0A],
            message: "longer than"),
        Tail(
            name: "a 2 MiB file without any line end", contents: [UInt8](repeating: UInt8(ascii: "{"), count: 2 << 20),
            message: "longer than"),
    ]

    @Test("a last record the writer cannot continue is refused with a message naming the file", arguments: tails)
    func refusesDamagedTail(_ tail: Tail) throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("audit.jsonl", Data(Self.record(seq: "1") + tail.contents))
        let error = try #require(throws: AuditError.self) { try AuditLog(path: file.path) }
        #expect(error.description.hasPrefix(file.path + ": "))
        #expect(error.description.contains(tail.message), "\(error.description)")
        #expect(error.description.contains("cordon audit verify"))
        #expect(error.description.count < 300, "the message does not quote the line")
    }

    @Test("an intact file is continued: the next record follows the last one in sequence and chain")
    func continuesIntactFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appending(path: "audit.jsonl").path
        try AuditLog(path: path).append(AuditRecord(operation: "ping", policyVersion: "v"))
        let sequence = try AuditLog(path: path).append(AuditRecord(operation: "ping", policyVersion: "v"))
        #expect(sequence == 2)
        let contents = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(AuditVerifier.verify(contents).problem == nil)
    }

    @Test("missing folders of the audit path are created, readable by the owner only")
    func createsFolders() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appending(path: "state/cordon/audit.jsonl").path
        try AuditLog(path: path).append(AuditRecord(operation: "ping", policyVersion: "v"))
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.url.appending(path: "state/cordon").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: path)
        #expect((file[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("a last record one below the largest sequence number: the writer refuses the next append instead of trapping after it")
    func exhaustedSequenceNumbers() throws {
        // Found by fuzz-audit (fuzz/regressions/audit/writer-trap-largest-sequence-but-one): the
        // record numbered Int.max was written, then its successor computed, which trapped.
        let folder = try TemporaryFolder()
        let file = try folder.write("audit.jsonl", Data(Self.record(seq: "9223372036854775806")))
        let log = try AuditLog(path: file.path)
        let error = try #require(throws: AuditError.self) { try log.append(AuditRecord(operation: "ping", policyVersion: "v")) }
        #expect(error.message.contains("exhausted") && error.message.contains("cordon audit verify"))
        #expect(try Data(contentsOf: file) == Data(Self.record(seq: "9223372036854775806")), "nothing was written")
    }
}
