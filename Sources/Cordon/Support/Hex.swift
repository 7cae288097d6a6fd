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
    ///
    /// The bytes are copied into an array once and written from its buffer: read one at a time
    /// through the generic sequence (a digest from another module) with two appends each, a
    /// 32-byte digest cost ~35 k instructions, twice per sidecar request (callgrind, #13).
    package static func lowercase(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        return digits.withUnsafeBufferPointer { digits in
            bytes.withUnsafeBufferPointer { bytes in
                [UInt8](unsafeUninitializedCapacity: bytes.count * 2) { text, count in
                    for index in 0..<bytes.count {
                        text[2 &* index] = digits[Int(bytes[index] >> 4)]
                        text[2 &* index &+ 1] = digits[Int(bytes[index] & 0xF)]
                    }
                    count = bytes.count * 2
                }
            }
        }
    }

    /// The lowercase hex digits of `bytes` as a string.
    package static func string(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: lowercase(bytes), as: UTF8.self)
    }
}
