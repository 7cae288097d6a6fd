/// Recognises Cordon's own replacement tokens, so redacted output is never redacted again.
///
/// A generic detector (a password after `password=`) would otherwise take
/// `[REDACTED:password]` — or a reversible `⟦PASSWORD_1⟧` — for a password, and redacting twice
/// would differ from redacting once. Only a value made of placeholders and punctuation is
/// skipped: a value with letters or digits outside a placeholder (`[REDACTED:x]hunter2`) is
/// still reported.
enum Placeholders {
    /// `[REDACTED:`, `[HMAC:` and `⟦` (U+27E6), each with the byte that closes it.
    private static let forms: [(opening: [UInt8], closing: [UInt8])] = [
        (Array("[REDACTED:".utf8), Array("]".utf8)), (Array("[HMAC:".utf8), Array("]".utf8)),
        (Array("\u{27E6}".utf8), Array("\u{27E7}".utf8)),
    ]

    /// Whether `value` holds at least one placeholder and no letter or digit outside them.
    static func isRedacted(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.contains(where: { $0 == UInt8(ascii: "[") || $0 == 0xE2 }) else {
            return false
        }
        var index = 0
        var sawPlaceholder = false
        while index < value.count {
            if value[index] == UInt8(ascii: "[") || value[index] == 0xE2,
                let form = forms.first(where: { value[index...].starts(with: $0.opening) }),
                let close = firstIndex(of: form.closing, in: value, from: index + form.opening.count),
                value[(index + form.opening.count)..<close].allSatisfy(isTokenByte)
            {
                sawPlaceholder = true
                index = close + form.closing.count
                continue
            }
            if Engine.isAlphanumeric(value[index]) { return false }
            index += 1
        }
        return sawPlaceholder
    }

    private static func firstIndex(of needle: [UInt8], in value: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + needle.count <= value.count {
            if value[index...].starts(with: needle) { return index }
            index += 1
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        Engine.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
    }
}
