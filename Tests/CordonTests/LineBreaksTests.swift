import CordonTestSupport
import Testing

@testable import Cordon

/// The line counting of findings' locations and of the window loops, 64 bytes at a time.
@Suite("Line feeds counted 64 bytes at a time")
struct LineBreaksTests {
    /// The line feeds of `bytes[range]` and the offset after the last, one byte at a time.
    static func reference(_ bytes: [UInt8], _ range: Range<Int>) -> (count: Int, lastLineStart: Int?) {
        var count = 0
        var last: Int?
        for index in range where bytes[index] == UInt8(ascii: "\n") {
            count += 1
            last = index + 1
        }
        return (count, last)
    }

    static func counted(_ bytes: [UInt8], _ range: Range<Int>) -> (count: Int, lastLineStart: Int?) {
        bytes.withUnsafeBufferPointer { LineBreaks.count(in: $0, range) }
    }

    @Test("A line feed at every offset of texts up to 200 bytes, for every range start and end around the blocks")
    func everyOffset() {
        for length in [0, 1, 63, 64, 65, 127, 128, 129, 200] {
            for feed in 0..<max(1, length) {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if length > 0 { bytes[feed] = UInt8(ascii: "\n") }
                for lower in Set([0, 1, feed, max(0, feed - 1), min(length, feed + 1)]) where lower <= length {
                    for upper in Set([lower, feed, feed + 1, length, min(length, lower + 64), min(length, lower + 65)])
                    where upper >= lower && upper <= length {
                        let got = Self.counted(bytes, lower..<upper)
                        let want = Self.reference(bytes, lower..<upper)
                        #expect(got.count == want.count && got.lastLineStart == want.lastLineStart, "length \(length), feed \(feed), \(lower)..<\(upper)")
                    }
                }
            }
        }
    }

    @Test("Random texts of every line-feed density, including all line feeds and bytes ≥ 0x80, equal the byte walk")
    func randomTexts() {
        var generator = SeededGenerator(seed: 0x11AE)
        for round in 0..<2_000 {
            let length = Int.random(in: 0...400, using: &generator)
            let density = [0.0, 0.01, 0.1, 0.5, 1.0][round % 5]
            let bytes = (0..<length).map { _ -> UInt8 in
                Double.random(in: 0..<1, using: &generator) < density ? UInt8(ascii: "\n") : UInt8.random(in: 0...255, using: &generator)
            }
            let lower = Int.random(in: 0...length, using: &generator)
            let upper = Int.random(in: lower...length, using: &generator)
            let got = Self.counted(bytes, lower..<upper)
            let want = Self.reference(bytes, lower..<upper)
            #expect(got.count == want.count && got.lastLineStart == want.lastLineStart, "round \(round)")
        }
    }

    @Test("The locator gives every offset the line and column of a byte walk, for ascending offsets with gaps")
    func locatorAgrees() {
        var generator = SeededGenerator(seed: 0x70CA)
        for _ in 0..<300 {
            let length = Int.random(in: 1...600, using: &generator)
            let bytes = (0..<length).map { _ in [UInt8(ascii: "\n"), UInt8(ascii: "x"), UInt8(ascii: "\r")].randomElement(using: &generator)! }
            var offsets = (0..<Int.random(in: 0...20, using: &generator)).map { _ in Int.random(in: 0..<length, using: &generator) }
            offsets.sort()
            bytes.withUnsafeBufferPointer { buffer in
                var locator = TextLocator(buffer)
                for offset in offsets {
                    let got = locator.location(of: offset)
                    let before = Self.reference(bytes, 0..<offset)
                    #expect(got.line == before.count + 1 && got.column == offset - (before.lastLineStart ?? 0) + 1)
                }
            }
        }
    }
}
