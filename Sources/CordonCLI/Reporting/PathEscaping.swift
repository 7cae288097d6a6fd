/// File names made safe to print on a terminal.
///
/// A file name may hold any byte but `/` and NUL: a line break would forge a finding line in
/// `cordon scan`'s text output, and an ANSI escape sequence (`ESC [ … m`, or the one-byte CSI
/// U+009B) could rewrite what the terminal shows. Text output and diagnostics print names through
/// ``escaped(_:)``; JSON formats escape control characters by their own rules.
enum PathEscaping {
    /// `path` with each control character (U+0000–U+001F, U+007F–U+009F) written as `\xNN` or
    /// `\u{NN}`, and `\` written as `\\` so that the escapes cannot be forged.
    static func escaped(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { needsEscape($0) }) else { return path }
        var result = ""
        result.reserveCapacity(path.utf8.count + 8)
        for scalar in path.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\x" + hex(scalar.value)
            } else if (0x80...0x9F).contains(scalar.value) {
                result += "\\u{" + hex(scalar.value) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\\"
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
