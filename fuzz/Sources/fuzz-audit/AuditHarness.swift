import Cordon
import CordonGuard
import CordonJSON
import Foundation
import FuzzSupport

private let key = Array("fuzz-audit-key".utf8)
private let folder: String = {
    let path = NSTemporaryDirectory() + "cordon-fuzz-audit-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

/// Feeds arbitrary bytes as an audit file to the two readers of audit files: the verifier
/// (`AuditVerifier.verify`, what `cordon audit verify` runs) and the writer's last-line reader
/// (`AuditLog(path:key:)`, which every hook event and `serve` start-up runs to continue the
/// chain). Checks:
///
/// - no crash and no trap, whatever the file holds (issue #16 item 1: a hostile last record
///   trapped the hook);
/// - `problem-line`: a broken file names a line within the file, after exactly the records it
///   calls intact; an intact file's count is its line count;
/// - `first-problem`: the lines before the reported problem verify as intact on their own, with
///   the same last hash;
/// - `key-stricter`: a file intact with the key is intact without it;
/// - `message-quotes-input`: a problem message holds no (distinctive) string of the file;
/// - `writer-continues`: when the file verifies intact (with the key, or without one when it has
///   no HMACs), the writer opens it and the file stays intact, one record longer, after an
///   append; when the writer refuses a file, its error names the file and quotes nothing of it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let bytes = Array(input)
    let withoutKey = AuditVerifier.verify(bytes)
    let withKey = AuditVerifier.verify(bytes, key: key)
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    let strings = distinctiveStrings(lines)
    for result in [withoutKey, withKey] {
        if let problem = result.problem {
            Fuzz.check(
                problem.line >= 1 && problem.line <= lines.count && result.intactRecords == problem.line - 1, "problem-line",
                input: input, "problem at line \(problem.line) of \(lines.count), \(result.intactRecords) intact")
            if let quoted = strings.first(where: { problem.message.contains($0) }) {
                Fuzz.violated("message-quotes-input", input: input, "\(problem.message) quotes \(Fuzz.show(Array(quoted.utf8)))")
            }
            let prefix = Array(lines.prefix(problem.line - 1).map { Array($0) + [UInt8(ascii: "\n")] }.joined())
            let again = AuditVerifier.verify(prefix, key: result.checkedHMACs ? key : nil)
            Fuzz.check(
                again.isIntact && again.intactRecords == problem.line - 1 && again.lastHash == result.lastHash, "first-problem",
                input: input, "the \(problem.line - 1) lines before the problem verify as \(again.problem?.description ?? "intact")")
        } else {
            Fuzz.check(result.intactRecords == lines.count, "problem-line", input: input, "intact with \(result.intactRecords) of \(lines.count) lines")
        }
    }
    if withKey.isIntact {
        Fuzz.count("intact-with-key")
        Fuzz.check(withoutKey.isIntact, "key-stricter", input: input, "intact with the key, not without: \(withoutKey.problem!)")
    }
    if withoutKey.isIntact { Fuzz.count("intact-without-key") }

    // The writer: continue the file, as a hook event or `serve` would.
    let path = folder + "/audit-\(size % 4).jsonl"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return 0 }
    defer { unlink(path) }
    let hasHMACs = withKey.isIntact && !lines.isEmpty
    let writerKey = hasHMACs || lines.isEmpty ? key : nil
    do {
        let log = try AuditLog(path: path, key: writerKey)
        try log.append(AuditRecord(operation: "ping", session: "s", path: "p", inputSHA256: AuditRecord.sha256(bytes), policyVersion: "v"))
        Fuzz.count("writer-continued")
        if (hasHMACs || lines.isEmpty) || withoutKey.isIntact {
            let after = AuditVerifier.verify(Array(FileManager.default.contents(atPath: path) ?? Data()), key: writerKey)
            Fuzz.check(
                after.isIntact && after.intactRecords == lines.count + 1, "writer-continues", input: input,
                "after one append: \(after.problem?.description ?? "intact, \(after.intactRecords) records")")
        }
    } catch {
        Fuzz.count("writer-refused")
        Fuzz.check(error.file == path, "writer-error-file", input: input, "the error names \(error.file)")
        if let quoted = strings.first(where: { error.message.contains($0) }) {
            Fuzz.violated("message-quotes-input", input: input, "\(error.message) quotes \(Fuzz.show(Array(quoted.utf8)))")
        }
    }
    return 0
}

/// The distinctive JSON strings and member names of the file's lines (the values a message must
/// not quote).
private func distinctiveStrings(_ lines: [ArraySlice<UInt8>]) -> [String] {
    var found: [String] = []
    func walk(_ value: JSONValue) {
        switch value {
        case .string(let bytes): found.append(String(decoding: bytes, as: UTF8.self))
        case .array(let items): items.forEach(walk)
        case .object(let members):
            for member in members {
                found.append(member.name)
                walk(member.value)
            }
        default: break
        }
    }
    for line in lines.prefix(64) {
        if let value = try? JSONValue(parsing: Array(line)) { walk(value) }
    }
    // Member names Cordon's own messages spell are not quotes of the input.
    let ownNames: Set<String> = ["session", "path", "input_sha256", "output_sha256", "hmac", "prev", "seq"]
    return found.filter { isDistinctive($0) && !ownNames.contains($0) }
}
