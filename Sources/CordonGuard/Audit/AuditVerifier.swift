import Cordon
import CordonJSON
import Crypto

/// Checks an audit file written by ``AuditLog``: the hash chain, the sequence numbers and, with
/// the key, every record's HMAC.
///
/// Records are checked in order; the first failure is reported with its line. An edited record
/// fails its HMAC (with a key) or breaks the next record's `prev` (without); a deleted, inserted
/// or moved record breaks the sequence numbers and the chain. Removing records from the end
/// cannot be seen from the file alone: keep ``AuditVerification/lastHash`` somewhere else to
/// detect it.
///
/// Both record formats are read: format 2 (`"v":2` first; keyed fingerprints) and format 1 (no
/// `v`; verbatim session and path, plain content hashes), which is counted in
/// ``AuditVerification/formatOneRecords`` so that a person can be told that those records may
/// give values away. A format-1 record after a format-2 one, a format-2 record that holds a
/// format-1 member, and an unknown format are broken records: a writer that has moved to format
/// 2 never goes back.
public enum AuditVerifier {
    /// The members a format-1 record held verbatim or unkeyed, which a format-2 record must not.
    static let formatOneMembers: Set<String> = ["session", "path", "input_sha256", "output_sha256"]

    /// Verifies the bytes of an audit file; `key` checks HMACs, which every record must have.
    public static func verify(_ contents: [UInt8], key: [UInt8]? = nil) -> AuditVerification {
        var previousHash = AuditLog.genesisHash
        var expectedSequence = 1
        var formatOne = 0
        var sawFormatTwo = false
        var lines = contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        func result(_ line: Int, _ message: String) -> AuditVerification {
            AuditVerification(
                intactRecords: line - 1, problem: .init(line: line, message: message), checkedHMACs: key != nil,
                lastHash: previousHash, formatOneRecords: formatOne)
        }
        for (index, slice) in lines.enumerated() {
            let number = index + 1
            let line = Array(slice)
            if number == lines.count, contents.last != UInt8(ascii: "\n") {
                return result(number, "the record is incomplete (no line end)")
            }
            guard let record = try? JSONValue(parsing: line), record.isObject else {
                return result(number, "not a valid audit record")
            }
            if let key {
                guard case .string(let macBytes)? = record["hmac"] else {
                    return result(number, "the record has no HMAC")
                }
                let suffixLength = ",\"hmac\":\"\"}".utf8.count + macBytes.count
                guard line.count > suffixLength, record.members?.last?.name == "hmac" else {
                    return result(number, "the HMAC is not the record's last member")
                }
                let body = Array(line[..<(line.count - suffixLength)]) + [UInt8(ascii: "}")]
                let expected = Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key)))
                guard constantTimeEqual(Array(expected.utf8), macBytes) else {
                    return result(number, "the HMAC does not match: the record was changed, or written with another key")
                }
            }
            switch record["v"] {
            case nil:
                guard !sawFormatTwo else {
                    return result(number, "a format-1 record after format-2 records: records are never written in the old format again")
                }
                formatOne += 1
            case .number(let version)? where version == String(AuditRecord.formatVersion):
                guard record.members?.first?.name == "v" else {
                    return result(number, "the format version is not the record's first member")
                }
                if let member = record.members?.first(where: { formatOneMembers.contains($0.name) }) {
                    return result(number, "a format-2 record holds the format-1 member '\(member.name)'")
                }
                sawFormatTwo = true
            default:
                return result(number, "an unknown record format")
            }
            guard case .number(let sequenceText)? = record["seq"], let sequence = Int(sequenceText) else {
                return result(number, "the record has no sequence number")
            }
            guard sequence == expectedSequence else {
                return result(number, "sequence number \(sequence), expected \(expectedSequence): a record was deleted, inserted or moved")
            }
            guard case .string(let previous)? = record["prev"] else {
                return result(number, "the record has no previous-record hash")
            }
            guard String(decoding: previous, as: UTF8.self) == previousHash else {
                return result(number, number == 1
                    ? "the first record does not start the chain"
                    : "the previous-record hash does not match line \(number - 1): a record was changed, deleted, inserted or moved")
            }
            previousHash = AuditRecord.sha256(line)
            expectedSequence += 1
        }
        return AuditVerification(
            intactRecords: lines.count, problem: nil, checkedHMACs: key != nil, lastHash: previousHash, formatOneRecords: formatOne)
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
