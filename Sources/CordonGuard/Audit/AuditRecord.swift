import Cordon
import CordonJSON
import Crypto
import Foundation

/// What happened to one request, for the audit trail: everything but the content.
///
/// A record names the operation, destination, source, level, action and the detector ids with
/// counts — enough to prove what was decided. The session, the path and the content are held
/// here as given (the content as its SHA-256), but never written so: ``AuditLog`` writes them as
/// keyed fingerprints (``AuditFingerprinter``, record format ``formatVersion``), or not at all
/// when the log has no key, so that nothing in a record lets anyone without the key recover or
/// test a guess of a value, a session id or a file name. ``AuditLog`` adds the sequence number,
/// time, chain hash and HMAC. Every front end (sidecar, hook, gateway, MCP proxy) builds its
/// records with this type, so the format has one owner.
public struct AuditRecord: Sendable, Hashable {
    /// The operation: `scan`, `redact`, `restore`, `ping`, a hook event name, or `invalid` for a
    /// request that could not be read.
    public var operation: String
    /// The session, when the request named one; written only as a keyed fingerprint.
    public var session: String?
    /// The destination decided for.
    public var destination: String?
    /// Where the content came from.
    public var source: MessageSource?
    /// The file path the request named; written only as a keyed fingerprint.
    public var path: String?
    /// The content's level under the policy.
    public var level: Level?
    /// What was done.
    public var action: PolicyAction?
    /// The number of findings by detector id.
    public var detectorCounts: [String: Int]
    /// The SHA-256 (hex) of the input bytes; written only keyed, as `input_hmac`.
    public var inputSHA256: String?
    /// The SHA-256 (hex) of the bytes sent on (`nil` when nothing was); written only keyed, as
    /// `output_hmac`.
    public var outputSHA256: String?
    /// The policy's version.
    public var policyVersion: String
    /// The error code, for a request that failed.
    public var error: String?

    /// Creates a record.
    public init(
        operation: String, session: String? = nil, destination: String? = nil, source: MessageSource? = nil,
        path: String? = nil, level: Level? = nil, action: PolicyAction? = nil, detectorCounts: [String: Int] = [:],
        inputSHA256: String? = nil, outputSHA256: String? = nil, policyVersion: String, error: String? = nil
    ) {
        self.operation = operation
        self.session = session
        self.destination = destination
        self.source = source
        self.path = path
        self.level = level
        self.action = action
        self.detectorCounts = detectorCounts
        self.inputSHA256 = inputSHA256
        self.outputSHA256 = outputSHA256
        self.policyVersion = policyVersion
        self.error = error
    }

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { sha256($0) }
    }


    /// The record format ``AuditLog`` writes: 2, keyed fingerprints (`"v":2`, the first member).
    /// Format 1 (no `v`) held the session and path verbatim and plain SHA-256 hashes of the
    /// content; ``AuditVerifier`` still checks its chain and reports such records.
    public static let formatVersion = 2

    /// The record's JSON members in their fixed order, with the chain fields that ``AuditLog``
    /// adds after them. With `fingerprints` (the log has a key) the session, path and content
    /// are written as keyed fingerprints; without, as `null`.
    func members(sequence: Int, time: String, fingerprints: AuditFingerprinter?) -> [JSONMember] {
        func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        func keyed(_ text: String?, _ fingerprint: (AuditFingerprinter, String) -> String) -> JSONValue {
            guard let text, let fingerprints else { return .null }
            return .string(fingerprint(fingerprints, text))
        }
        return [
            JSONMember(name: "v", value: .int(Self.formatVersion)),
            JSONMember(name: "seq", value: .int(sequence)),
            JSONMember(name: "time", value: .string(time)),
            JSONMember(name: "op", value: .string(operation)),
            JSONMember(name: "session_hmac", value: keyed(session) { $0.session($1) }),
            JSONMember(name: "destination", value: optional(destination)),
            JSONMember(name: "source", value: optional(source?.rawValue)),
            JSONMember(name: "path_hmac", value: keyed(path) { $0.path($1) }),
            JSONMember(name: "level", value: optional(level?.name)),
            JSONMember(name: "action", value: optional(action?.rawValue)),
            JSONMember(name: "detectors", value: .object(detectorCounts.sorted { $0.key < $1.key }.map {
                JSONMember(name: $0.key, value: .int($0.value))
            })),
            JSONMember(name: "input_hmac", value: keyed(inputSHA256) { $0.content(sha256: $1) }),
            JSONMember(name: "output_hmac", value: keyed(outputSHA256) { $0.content(sha256: $1) }),
            JSONMember(name: "policy", value: .string(policyVersion)),
            JSONMember(name: "error", value: optional(error)),
        ]
    }
}
