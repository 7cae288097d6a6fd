/// The spelling of every token Cordon writes in place of a value, and of their parts.
///
/// Three kinds of token stand where a value was: the one-way `[REDACTED:<detector-id>]`, the
/// keyed `[HMAC:<detector-id>:<16 hex digits>]`, and the reversible `⟦<TYPE>_<n>⟧` of a session.
/// They are written by the redaction operators and the placeholder store, and recognised by the
/// scan (so that redacted output is never redacted again) and by restoration. Writers and readers
/// take the spelling from here, so that they cannot drift apart.
public enum PlaceholderSyntax {
    /// `[REDACTED:`, which opens a one-way placeholder.
    public static let redactedOpening = Array("[REDACTED:".utf8)
    /// `[HMAC:`, which opens a keyed-hash token.
    public static let keyedHashOpening = Array("[HMAC:".utf8)
    /// `]`, which closes both bracketed forms.
    public static let bracketClosing = UInt8(ascii: "]")
    /// `⟦` (U+27E6) in UTF-8, which opens a reversible placeholder.
    public static let reversibleOpening: [UInt8] = [0xE2, 0x9F, 0xA6]
    /// `⟧` (U+27E7) in UTF-8, which closes a reversible placeholder.
    public static let reversibleClosing: [UInt8] = [0xE2, 0x9F, 0xA7]
    /// The number of hex digits of a keyed-hash token: the first 8 bytes of the HMAC.
    public static let keyedHashDigits = 16
    /// The longest reversible placeholder that restoration looks for, in bytes.
    public static let maximumReversibleLength = 96

    /// `[REDACTED:<detector-id>]`.
    public static func redacted(detectorID: String) -> [UInt8] {
        redactedOpening + Array(detectorID.utf8) + [bracketClosing]
    }

    /// `[HMAC:<detector-id>:<hex>]`, where `digest` is the start of the HMAC.
    public static func keyedHash(detectorID: String, digest: some Sequence<UInt8>) -> [UInt8] {
        keyedHashOpening + Array(detectorID.utf8) + [UInt8(ascii: ":")] + Hex.lowercase(digest) + [bracketClosing]
    }

    /// `⟦<TYPE>_<number>⟧`.
    public static func reversible(type: String, number: Int) -> [UInt8] {
        reversibleOpening + Array("\(type)_\(number)".utf8) + reversibleClosing
    }

    /// The placeholder type for a detector id: `github-pat` → `GITHUB_PAT`, upper case with `_`
    /// for `-`.
    public static func reversibleType(for detectorID: String) -> String {
        // Ids are ASCII (detector files allow `a-z`, `0-9` and `-`): map their bytes, which is
        // what the Unicode path below does for ASCII, some 50 times faster (an engine maps
        // every id at start-up).
        if detectorID.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: detectorID.utf8.map { byte in
                byte == UInt8(ascii: "-") ? UInt8(ascii: "_") : (byte &- UInt8(ascii: "a") < 26 ? byte - 32 : byte)
            }, as: UTF8.self)
        }
        return String(detectorID.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Whether `byte` may stand inside a reversible placeholder: `A`–`Z`, `0`–`9` and `_`.
    public static func isReversibleByte(_ byte: UInt8) -> Bool {
        ByteClass.isUppercaseLetter(byte) || ByteClass.isDigit(byte) || byte == UInt8(ascii: "_")
    }

    /// The ranges of `⟦…⟧` runs in `bytes` whose inside is upper-case letters, digits and `_`:
    /// the candidates for restoration, ascending and disjoint.
    public static func reversibleRanges(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        let count = bytes.count
        let opening = reversibleOpening
        let closing = reversibleClosing
        while index + opening.count + closing.count <= count {
            guard bytes[index] == opening[0], bytes[index + 1] == opening[1], bytes[index + 2] == opening[2] else {
                index += 1
                continue
            }
            var end = index + opening.count
            while end < count, end - index < maximumReversibleLength, isReversibleByte(bytes[end]) { end += 1 }
            if end + closing.count <= count, end > index + opening.count,
                bytes[end] == closing[0], bytes[end + 1] == closing[1], bytes[end + 2] == closing[2]
            {
                ranges.append(index..<(end + closing.count))
                index = end + closing.count
            } else {
                index += opening.count
            }
        }
        return ranges
    }
}
