/// Recognises Cordon's own replacement tokens, so redacted output is never redacted again.
///
/// A generic detector (a password after `password=`) would otherwise take
/// `[REDACTED:password]` for a password, and redacting twice would differ from redacting once.
/// Only a value made of placeholders and punctuation is skipped: a value with letters or digits
/// outside a placeholder (`[REDACTED:x]hunter2`) is still reported.
enum Placeholders {
    private static let openings: [[UInt8]] = [Array("[REDACTED:".utf8), Array("[HMAC:".utf8)]

    /// Whether `value` holds at least one placeholder and no letter or digit outside them.
    static func isRedacted(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.contains(UInt8(ascii: "[")) else {
            return false
        }
        var index = 0
        var sawPlaceholder = false
        while index < value.count {
            if value[index] == UInt8(ascii: "["),
                let opening = openings.first(where: { value[index...].starts(with: $0) }),
                let close = value[(index + opening.count)...].firstIndex(of: UInt8(ascii: "]")),
                value[(index + opening.count)..<close].allSatisfy(isTokenByte)
            {
                sawPlaceholder = true
                index = close + 1
                continue
            }
            if Engine.isAlphanumeric(value[index]) { return false }
            index += 1
        }
        return sawPlaceholder
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        Engine.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }
}
