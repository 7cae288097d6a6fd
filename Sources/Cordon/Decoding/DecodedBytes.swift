/// The one to four bytes an escape decodes to (a byte, or a code point's UTF-8), held inline.
///
/// The reason: each decoded escape built an array for its bytes (`[byte]`, a `%C3%A9` sequence)
/// and a code point's UTF-8 was made through a `String` — an allocation, or three, per escape,
/// for values the writer copies at once. The dense corpus decodes tens of thousands of escapes,
/// most of them again in the islands of an outer layer (#13, callgrind: `decodePercent`,
/// `decodeJSONEscapes` and `decodeBackslashEscapes` 60 M instructions).
struct DecodedBytes: Equatable {
    /// The bytes, the first in the lowest lane; lanes from ``count`` on are zero.
    private(set) var lanes: SIMD4<UInt8>
    /// How many bytes: 1 to 4.
    private(set) var count: Int

    private init(_ lanes: SIMD4<UInt8>, count: Int) {
        self.lanes = lanes
        self.count = count
    }

    /// One byte.
    init(byte: UInt8) { self.init(SIMD4(byte, 0, 0, 0), count: 1) }

    /// The UTF-8 bytes of the code point `value`, or `nil` for a surrogate or a value past
    /// U+10FFFF (as `Unicode.Scalar(value)` refuses them).
    init?(scalar value: UInt32) {
        switch value {
        case 0..<0x80:
            self.init(byte: UInt8(value))
        case 0x80..<0x800:
            self.init(SIMD4(UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F), 0, 0), count: 2)
        case 0xD800...0xDFFF:
            return nil
        case 0x800..<0x10000:
            self.init(SIMD4(UInt8(0xE0 | value >> 12), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F), 0), count: 3)
        case 0x10000...0x10FFFF:
            self.init(
                SIMD4(
                    UInt8(0xF0 | value >> 18), UInt8(0x80 | value >> 12 & 0x3F), UInt8(0x80 | value >> 6 & 0x3F),
                    UInt8(0x80 | value & 0x3F)),
                count: 4)
        default:
            return nil
        }
    }

    /// U+FFFD, the replacement character, which stands for an escape of no code point.
    static let replacementCharacter = DecodedBytes(scalar: 0xFFFD)!

    /// The byte at `position` (below ``count``).
    subscript(position: Int) -> UInt8 { lanes[position] }

    /// Appends `byte`; at most four bytes are held.
    mutating func append(_ byte: UInt8) {
        precondition(count < 4, "at most four decoded bytes")
        lanes[count] = byte
        count += 1
    }

    /// The bytes as an array (for the tests).
    var array: [UInt8] { (0..<count).map { lanes[$0] } }
}
