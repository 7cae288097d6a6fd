import Cordon
import Crypto

/// Keyed fingerprints of what an audit record refers to: the content, the session and the path.
///
/// An unkeyed hash of a short message is no secret: a record of a message holding only a US
/// Social Security number has at most 10⁹ candidates, which a laptop tries in under a second.
/// So a record never holds a plain hash or the session and path as written (an e-mail used as a
/// session id, a key in a file name): it holds HMAC-SHA256 fingerprints under a key derived from
/// the audit key (HKDF-SHA256, its own `info`, so the fingerprints and the records' HMACs never
/// share a key). Whoever holds the audit key and a message can compute its fingerprint and find
/// its records (`cordon audit fingerprint`); whoever holds only the file cannot test guesses.
///
/// Content is fingerprinted through its SHA-256 (`HMAC(k, "content" ‖ SHA-256(bytes))`), so a
/// producer hashes a large message once, without the key, and the log keys the digest; the
/// session and the path are fingerprinted as their bytes, each under its own label so that
/// equal strings in different roles give different fingerprints.
public struct AuditFingerprinter: Sendable {
    /// The derived key's bytes (`SymmetricKey` is not `Sendable`).
    private let key: [UInt8]

    /// The `info` of the HKDF that derives the fingerprint key from the audit key.
    static let derivationInfo = Array("cordon audit fingerprints v2".utf8)

    /// A fingerprinter under the key derived from `auditKey` (the bytes of the audit key file).
    public init(auditKey: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: auditKey), info: Self.derivationInfo, outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    /// The fingerprint of content whose SHA-256 is `digest`, in hex as ``AuditRecord/sha256(_:)``
    /// writes it.
    public func content(sha256 digest: String) -> String {
        fingerprint(label: "content", Self.bytes(hex: digest) ?? Array(digest.utf8))
    }

    /// The fingerprint of the content `bytes`.
    public func content(_ bytes: [UInt8]) -> String {
        content(sha256: AuditRecord.sha256(bytes))
    }

    /// The fingerprint of a session id.
    public func session(_ session: String) -> String {
        fingerprint(label: "session", Array(session.utf8))
    }

    /// The fingerprint of a path, as the request named it (not normalised: the record says what
    /// was asked).
    public func path(_ path: String) -> String {
        fingerprint(label: "path", Array(path.utf8))
    }

    /// The bytes of an even-length hex string, or `nil` when it is not one.
    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Hex.value(of: digits[index]), let low = Hex.value(of: digits[index + 1]) else { return nil }
            bytes.append(UInt8(high << 4 | low))
            index += 2
        }
        return bytes
    }

    private func fingerprint(label: String, _ bytes: [UInt8]) -> String {
        var message = Array(label.utf8)
        message.append(0)
        message += bytes
        return Hex.string(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
