import Testing

@testable import Cordon

/// Issue #13: escapes decode into ``DecodedBytes`` (inline) instead of arrays made through a
/// `String`. Its UTF-8 must be the standard library's, code point for code point.
@Suite("Decoded bytes: a code point's UTF-8 held inline, as the standard library encodes it")
struct DecodedBytesTests {
    /// The standard library's UTF-8 of `value`, or `nil` where it has no scalar: the reference.
    static func reference(_ value: UInt32) -> [UInt8]? { Unicode.Scalar(value).map { Array(String($0).utf8) } }

    @Test("Every code point from 0 to U+10FFFF and past it encodes as the standard library encodes it; surrogates and values past U+10FFFF give nil")
    func everyCodePoint() {
        var mismatches = 0
        for value in UInt32(0)...0x11_0000 {
            if DecodedBytes(scalar: value)?.array != Self.reference(value) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        for value: UInt32 in [0x11_0001, 0x20_0000, 0xFFFF_FFFF] { #expect(DecodedBytes(scalar: value) == nil) }
    }

    @Test("The boundaries of each length, −1/0/+1: 0x7F/0x80, 0x7FF/0x800, U+D7FF/U+D800, U+DFFF/U+E000, U+FFFF/U+10000, U+10FFFF/U+110000")
    func lengthBoundaries() {
        let cases: [(UInt32, Int?)] = [
            (0, 1), (0x7F, 1), (0x80, 2), (0x81, 2), (0x7FF, 2), (0x800, 3), (0xD7FF, 3), (0xD800, nil), (0xDFFF, nil),
            (0xE000, 3), (0xFFFF, 3), (0x10000, 4), (0x10FFFF, 4), (0x110000, nil),
        ]
        for (value, count) in cases {
            #expect(DecodedBytes(scalar: value)?.count == count, "U+\(String(value, radix: 16))")
            #expect(DecodedBytes(scalar: value)?.array == Self.reference(value), "U+\(String(value, radix: 16))")
        }
    }

    @Test("A byte, bytes appended to it, and the replacement character")
    func bytesAndAppending() {
        var bytes = DecodedBytes(byte: 0xC3)
        #expect(bytes.array == [0xC3])
        bytes.append(0xA9)
        #expect(bytes.array == [0xC3, 0xA9])
        #expect(bytes == DecodedBytes(scalar: 0xE9))
        #expect(DecodedBytes.replacementCharacter.array == [0xEF, 0xBF, 0xBD])
    }

    @Test("Writing a decoded escape gives the layer and map that writing its bytes as an array gives")
    func writerAgrees() {
        let input: [UInt8] = Array("ab%C3%A9cd".utf8)
        input.withUnsafeBufferPointer { buffer in
            var inline = LayerWriter(capacity: buffer.count)
            var arrays = LayerWriter(capacity: buffer.count)
            for writer in [0, 1] {
                if writer == 0 {
                    inline.flush(upTo: 2, from: buffer)
                    inline.append(DecodedBytes(scalar: 0xE9)!, originalUnit: 6)
                    inline.flush(upTo: buffer.count, from: buffer)
                } else {
                    arrays.flush(upTo: 2, from: buffer)
                    arrays.append([0xC3, 0xA9], units: 1, derivedUnit: 2, originalUnit: 6)
                    arrays.flush(upTo: buffer.count, from: buffer)
                }
            }
            #expect(inline.bytes == arrays.bytes)
            #expect(inline.map.pieces == arrays.map.pieces)
            #expect(inline.bytes == Array("ab\u{E9}cd".utf8))
        }
    }
}
