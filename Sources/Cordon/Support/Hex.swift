/// Hexadecimal digits: writing bytes as lowercase hex, and reading a digit's value.
///
/// Digests in audit records, policy versions and keyed-hash placeholders are written here, and
/// the decoders read hex runs through the same table, so that Cordon has one spelling of hex.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The value of each byte as a hex digit (either case), -1 for other bytes.
    package static let values: [Int8] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int8(byte) - Int8(UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int8(byte) - Int8(UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int8(byte) - Int8(UInt8(ascii: "A")) + 10
        default: -1
        }
    }

    /// The value of `byte` as a hex digit, or `nil` when it is not one.
    @inline(__always)
    package static func value(of byte: UInt8) -> Int? {
        let value = values[Int(byte)]
        return value >= 0 ? Int(value) : nil
    }

    /// The lowercase hex digits of `bytes`, two per byte.
    package static func lowercase(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }

    /// The lowercase hex digits of `bytes` as a string.
    package static func string(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: lowercase(bytes), as: UTF8.self)
    }
}
