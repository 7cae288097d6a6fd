/// The ASCII byte classes the engine tests bytes against: digits, letters, hex digits.
///
/// Detectors, validators, decoders and the placeholder syntax all ask the same few questions of
/// single bytes; they ask them here, so that "alphanumeric" means one thing everywhere (ASCII
/// only: a byte of a multi-byte UTF-8 character is never a letter or digit to the engine).
package enum ByteClass {
    /// `0`–`9`.
    @inline(__always)
    package static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// `A`–`Z` and `a`–`z`.
    @inline(__always)
    package static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26
    }

    /// `A`–`Z`.
    @inline(__always)
    package static func isUppercaseLetter(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "A") < 26
    }

    /// `0`–`9`, `A`–`Z` and `a`–`z`.
    @inline(__always)
    package static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte)
    }

    /// `0`–`9`, `a`–`f` and `A`–`F`.
    @inline(__always)
    package static func isHexDigit(_ byte: UInt8) -> Bool {
        Hex.value(of: byte) != nil
    }

    /// `0`–`9` and `a`–`f`: the digits Cordon writes.
    @inline(__always)
    package static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte &- UInt8(ascii: "a") < 6
    }

    /// `byte` with `A`–`Z` mapped to `a`–`z`.
    @inline(__always)
    package static func lowercased(_ byte: UInt8) -> UInt8 {
        isUppercaseLetter(byte) ? byte + 32 : byte
    }
}
