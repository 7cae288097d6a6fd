/// The spelling of every token Cordon writes in place of a value, and of their parts.
///
/// Three kinds of token stand where a value was: the one-way `[REDACTED:<detector-id>]`, the
/// keyed `[HMAC:<detector-id>:<16 hex digits>]`, and the reversible `⟦<TYPE>_<n>_<tag>⟧` of a
/// session, where `<tag>` is ``reversibleTagLength`` random characters drawn for each token
/// (``randomTag()``).
///
/// The tag is what makes a reversible token unforgeable. Restoring a reply puts values back for
/// exact tokens of the session only; without a tag, a literal `⟦EMAIL_1⟧` written into a
/// document, a web page or a tool's output before the session assigned `EMAIL_1` would be
/// expanded into the user's real address once it did, and the numbering would be the same in
/// every session. Escaping look-alikes on the way in was the other choice; it was not taken
/// because it changes bytes the user sent (and every front end would have to undo it), while a
/// tag changes only Cordon's own tokens. The tag is drawn per token, not per session, so a model
/// that saw one token of a session cannot spell another of its tokens either: only a token that
/// was handed out can come back as a value. 30 random bits per token: content that plants a
/// thousand guesses hits one with a probability of about one in a million.
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
    /// The number of characters of a reversible token's tag.
    public static let reversibleTagLength = 6
    /// The characters of a tag: digits and upper-case letters without `I`, `L`, `O` and `U`
    /// (Crockford's base 32), so that a model copying the token is not misled by look-alikes.
    public static let reversibleTagAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
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

    /// `⟦<TYPE>_<number>_<tag>⟧`.
    public static func reversible(type: String, number: Int, tag: [UInt8]) -> [UInt8] {
        reversibleOpening + Array("\(type)_\(number)_".utf8) + tag + reversibleClosing
    }

    /// A fresh tag: ``reversibleTagLength`` characters of ``reversibleTagAlphabet`` from the
    /// system's cryptographic random source.
    public static func randomTag() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<reversibleTagLength).map { _ in
            reversibleTagAlphabet[Int(generator.next(upperBound: UInt32(reversibleTagAlphabet.count)))]
        }
    }

    /// Where the type stands in a reversible token's inside (the bytes between `⟦` and `⟧`):
    /// `EMAIL` of `EMAIL_1_K7Q2XM`, and of the untagged `EMAIL_1` of earlier versions, which is
    /// still read as a placeholder by the scan (never restored); `nil` when it is neither.
    public static func reversibleTypeRange<C: RandomAccessCollection<UInt8>>(ofInside inside: C) -> Range<Int>? where C.Index == Int {
        func numbered(_ part: Range<Int>) -> Range<Int>? {
            guard let underscore = inside[part].lastIndex(of: UInt8(ascii: "_")), underscore > part.lowerBound,
                underscore + 1 < part.upperBound, inside[(underscore + 1)..<part.upperBound].allSatisfy(ByteClass.isDigit)
            else { return nil }
            return part.lowerBound..<underscore
        }
        let all = inside.startIndex..<inside.endIndex
        if all.count > reversibleTagLength + 1 {
            let tagStart = all.upperBound - reversibleTagLength
            if inside[tagStart - 1] == UInt8(ascii: "_"), inside[tagStart..<all.upperBound].allSatisfy(reversibleTagAlphabet.contains),
                let type = numbered(all.lowerBound..<(tagStart - 1))
            {
                return type
            }
        }
        return numbered(all)
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
