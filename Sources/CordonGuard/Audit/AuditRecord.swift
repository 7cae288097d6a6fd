import Cordon
import CordonJSON
import Crypto
import Foundation

/// What happened to one request, for the audit trail: everything but the content.
///
/// A record names the operation, session, destination, source, path, level, action and the
/// detector ids with counts, and fingerprints the input and the output with SHA-256 — enough to
/// prove what was decided and to match a record to a message you hold, never enough to recover
/// a value. ``AuditLog`` adds the sequence number, time, policy version, chain hash and HMAC.
public struct AuditRecord: Sendable, Hashable {
    /// The operation: `scan`, `redact`, `restore`, `ping`, a hook event name, or `invalid` for a
    /// request that could not be read.
    public var operation: String
    /// The session, when the request named one.
    public var session: String?
    /// The destination decided for.
    public var destination: String?
    /// Where the content came from.
    public var source: MessageSource?
    /// The file path the request named.
    public var path: String?
    /// The content's level under the policy.
    public var level: Level?
    /// What was done.
    public var action: PolicyAction?
    /// The number of findings by detector id.
    public var detectorCounts: [String: Int]
    /// The SHA-256 (hex) of the input bytes.
    public var inputSHA256: String?
    /// The SHA-256 (hex) of the bytes sent on (`nil` when nothing was).
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


    /// The record's JSON members in their fixed order, before `seq`/`time` and after them the
    /// chain fields that ``AuditLog`` adds.
    func members(sequence: Int, time: String) -> [JSONMember] {
        func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        return [
            JSONMember(name: "seq", value: .int(sequence)),
            JSONMember(name: "time", value: .string(time)),
            JSONMember(name: "op", value: .string(operation)),
            JSONMember(name: "session", value: optional(session)),
            JSONMember(name: "destination", value: optional(destination)),
            JSONMember(name: "source", value: optional(source?.rawValue)),
            JSONMember(name: "path", value: optional(path)),
            JSONMember(name: "level", value: optional(level?.name)),
            JSONMember(name: "action", value: optional(action?.rawValue)),
            JSONMember(name: "detectors", value: .object(detectorCounts.sorted { $0.key < $1.key }.map {
                JSONMember(name: $0.key, value: .int($0.value))
            })),
            JSONMember(name: "input_sha256", value: optional(inputSHA256)),
            JSONMember(name: "output_sha256", value: optional(outputSHA256)),
            JSONMember(name: "policy", value: .string(policyVersion)),
            JSONMember(name: "error", value: optional(error)),
        ]
    }
}
