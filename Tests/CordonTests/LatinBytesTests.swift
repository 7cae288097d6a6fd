import Testing

@testable import Cordon

/// The build embeds the keyword database in a string literal, one character per byte
/// (``LatinBytes``); every start-up decodes it, eight ASCII bytes at a time where it can.
@Suite("Embedded bytes")
struct LatinBytesTests {
    /// Each byte as the character with its number, as `CordonEmbed` writes it.
    private func encoded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { $0 < 0x80 ? [$0] : [0xC0 | $0 >> 6, 0x80 | $0 & 0x3F] }
    }

    @Test("Every byte value decodes to itself, in runs of every length and at every alignment")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        var cases: [[UInt8]] = [[], Array(0...255), Array((0...255).reversed()), [UInt8](repeating: 0x41, count: 64)]
        // Runs of ASCII of every length up to 20 between high bytes, so the eight-byte steps start
        // at every offset and end next to a two-byte character.
        for length in 0...20 {
            for lead in 0..<3 {
                cases.append([UInt8](repeating: 0xE9, count: lead) + (0..<length).map { UInt8($0 % 0x80) } + [0x80, 0xFF, 0x7F])
            }
        }
        for _ in 0..<50 {
            cases.append((0..<Int.random(in: 0..<300, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0..<0x80, using: &generator) : UInt8.random(in: 0...255, using: &generator)
            })
        }
        for bytes in cases {
            let text = encoded(bytes)
            #expect(text.withUnsafeBufferPointer { LatinBytes.decode($0) } == bytes)
        }
    }

    @Test("A character above U+00FF is refused, after ASCII runs too")
    func refusesWideCharacters() {
        let wide = Array("é€".utf8)  // U+00E9 fits, U+20AC does not
        for prefix in [0, 7, 8, 9, 16] {
            let text = [UInt8](repeating: 0x61, count: prefix) + wide
            #expect(text.withUnsafeBufferPointer { LatinBytes.decode($0) } == nil)
        }
    }
}
