import Testing

@testable import Cordon

/// Issue #13: ``Decoder/isWorthDecoding(_:at:)`` measures an escape's stretch only as far as its
/// answer needs. It must answer as the full walk to the stretch's ends does
/// (``Decoder/isWorthDecodingByFullWalk(_:at:)``), at every length around ``Decoder/minimumStretch``.
@Suite("Escape stretches: the shortened measure answers as the full walk does")
struct StretchRuleTests {
    /// Both measures at every index of `bytes`: they agree, and the reference's answers are returned.
    static func agree(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [Bool] {
        bytes.withUnsafeBufferPointer { input in
            (0..<input.count).map { index in
                let reference = Decoder.isWorthDecodingByFullWalk(input, at: index)
                #expect(
                    Decoder.isWorthDecoding(input, at: index) == reference, "index \(index) of \(bytes)",
                    sourceLocation: sourceLocation)
                return reference
            }
        }
    }

    @Test("A stretch end is exactly one of the listed bytes, for each of the 256 byte values")
    func stretchEndsAreTheListedBytes() {
        for byte in 0...255 {
            #expect(Decoder.isStretchEnd(UInt8(byte)) == Decoder.stretchEndBytes.contains(UInt8(byte)), "byte \(byte)")
        }
    }

    @Test("An escape in a stretch of minimum − 1, minimum and minimum + 1 bytes, at every place in it, at the message's edges and inside")
    func stretchLengthsAroundTheMinimum() {
        let minimum = Decoder.minimumStretch
        for length in [1, minimum - 2, minimum - 1, minimum, minimum + 1, Decoder.stretchReach, 2 * Decoder.stretchReach + 3] {
            for escapeAt in 0..<length {
                var stretch = [UInt8](repeating: UInt8(ascii: "k"), count: length)
                stretch[escapeAt] = UInt8(ascii: "%")
                for (lead, tail) in [([UInt8](), [UInt8]()), (Array("a b ".utf8), Array(" c d".utf8)), (Array("\"".utf8), Array("<".utf8))] {
                    let answers = Self.agree(lead + stretch + tail)
                    // The escape itself answers by the stretch's length alone.
                    #expect(answers[lead.count + escapeAt] == (length >= minimum), "length \(length), escape at \(escapeAt)")
                }
            }
        }
    }

    @Test("The empty message and a message of one escape: nothing is worth decoding")
    func emptyAndSingle() {
        #expect(Self.agree([]).isEmpty)
        #expect(Self.agree([UInt8(ascii: "\\")]) == [false])
    }

    @Test("Random messages from escapes, stretch ends, letters and bytes of UTF-8: both measures agree at every index")
    func randomMessages() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("%\\&=ak9".utf8) + Decoder.stretchEndBytes + [0xC3, 0xA9, 0x80, 0xFF, 0x00, 0x7F, 0x5F]
        for round in 0..<2_000 {
            // Mostly stretch bytes, so that stretches of every length around the minimum occur.
            let endShare = [2, 8, 16, 40][round % 4]
            let count = Int.random(in: 0...160, using: &generator)
            let bytes: [UInt8] = (0..<count).map { _ in
                Int.random(in: 0..<100, using: &generator) < endShare
                    ? Decoder.stretchEndBytes.randomElement(using: &generator)!
                    : alphabet.randomElement(using: &generator)!
            }
            _ = Self.agree(bytes)
        }
    }
}
