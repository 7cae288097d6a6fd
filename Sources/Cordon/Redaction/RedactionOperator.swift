import Crypto
import Foundation

/// How a redacted value is replaced.
public enum RedactionOperator: Sendable, Hashable {
    /// A typed placeholder, `[REDACTED:<detector-id>]`. The default.
    case placeholder
    /// Every character replaced by `*` but the last 4, which are kept when the value has at least
    /// 12 characters (card and account numbers); shorter values are masked completely.
    case mask
    /// A stable keyed token, `[HMAC:<detector-id>:<16 hex digits>]`: the start of the
    /// HMAC-SHA256 of the value under the key bytes `key`. The same value and key always give
    /// the same token, and without the key the token reveals nothing.
    case keyedHash(key: [UInt8])
    /// The value is deleted.
    case remove

    /// The operator names accepted by ``init(name:hashKey:)`` and the CLI's `--operator`.
    public static let names = ["placeholder", "mask", "hash", "remove"]

    /// Creates an operator from its name; `hash` needs `hashKey`.
    ///
    /// - Returns: `nil` for an unknown name, or for `hash` without a key.
    public init?(name: String, hashKey: [UInt8]? = nil) {
        switch name {
        case "placeholder": self = .placeholder
        case "mask": self = .mask
        case "hash":
            guard let hashKey, !hashKey.isEmpty else { return nil }
            self = .keyedHash(key: hashKey)
        case "remove": self = .remove
        default: return nil
        }
    }

    /// The replacement bytes for `value`, found by `detectorID`.
    package func replacement(for value: UnsafeBufferPointer<UInt8>, detectorID: String) -> [UInt8] {
        switch self {
        case .placeholder:
            return PlaceholderSyntax.redacted(detectorID: detectorID)
        case .mask:
            // Count characters by UTF-8 lead bytes, so a multi-byte character is one `*`.
            let characters = value.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            let kept = characters >= 12 ? 4 : 0
            var tailStart = value.count
            var seen = 0
            while seen < kept, tailStart > 0 {
                tailStart -= 1
                if value[tailStart] & 0xC0 != 0x80 { seen += 1 }
            }
            return [UInt8](repeating: UInt8(ascii: "*"), count: characters - kept) + value[tailStart...]
        case .keyedHash(let key):
            let mac = HMAC<SHA256>.authenticationCode(for: value, using: SymmetricKey(data: key))
            return PlaceholderSyntax.keyedHash(detectorID: detectorID, digest: mac.prefix(PlaceholderSyntax.keyedHashDigits / 2))
        case .remove:
            return []
        }
    }
}
