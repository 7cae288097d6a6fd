import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The digit groups of one 64-byte block read off its masks (``DigitGroupMasks``), against the
/// byte walk of ``DigitRuns/previousRun(in:before:)`` and ``DigitRuns/nextRun(in:after:)``.
@Suite("Digit groups read off a block's masks: the byte walk's groups, or none when bytes outside the block may join")
struct DigitGroupMasksTests {
    /// The separators of a block as bits, one byte at a time.
    static func referenceSeparators(_ block: [UInt8]) -> UInt64 {
        var mask: UInt64 = 0
        for (index, byte) in block.enumerated() where DigitRuns.isSeparator(byte) { mask |= 1 << UInt64(index) }
        return mask
    }

    static func digitMask(_ block: [UInt8]) -> UInt64 {
        var mask: UInt64 = 0
        for (index, byte) in block.enumerated() where ByteClass.isDigit(byte) { mask |= 1 << UInt64(index) }
        return mask
    }

    /// The group that holds the digit at `position` of `text`, as the byte walk reads it: from
    /// its first digit to the end of its last.
    static func referenceGroup(_ text: [UInt8], around position: Int) -> Range<Int> {
        text.withUnsafeBufferPointer { text in
            var first = position
            while first > 0, ByteClass.isDigit(text[first - 1]) { first -= 1 }
            var end = position
            while end < text.count, ByteClass.isDigit(text[end]) { end += 1 }
            while let previous = DigitRuns.previousRun(in: text, before: first) { first = previous.start }
            while let next = DigitRuns.nextRun(in: text, after: end) { end = next.start + next.length }
            return first..<end
        }
    }

    @Test("Separators: the vector comparisons and the nibble tables mark exactly the separator bytes, for every byte at every position")
    func separators() throws {
        let nibbles = NibbleClass.isAvailable ? try #require(NibbleClass(DigitRuns.isSeparator)).tables : nil
        for byte in 0...255 {
            for filler: UInt8 in [0x30, 0x20, 0x2E, 0x41, 0x00, 0xA0, 0xC2, 0xFF] {
                for position in 0..<64 {
                    var block = [UInt8](repeating: filler, count: 64)
                    block[position] = UInt8(byte)
                    let expected = Self.referenceSeparators(block)
                    let vector = block.withUnsafeBytes { DigitGroupMasks.vectorSeparators($0.baseAddress!) }
                    #expect(vector == expected, "byte \(byte) at \(position) among \(filler)")
                    if let nibbles {
                        let viaTables = block.withUnsafeBytes { block in
                            nibbles.withUnsafeBufferPointer { DigitGroupMasks.separators(block.baseAddress!, nibbles: $0.baseAddress!) }
                        }
                        #expect(viaTables == expected, "nibbles: byte \(byte) at \(position) among \(filler)")
                    }
                }
            }
        }
    }

    /// Checks every digit of the middle block of `text` (bytes 64 ..< 128): a group the masks
    /// give is the byte walk's group, and the masks decline only a group that reaches the
    /// block's edge or stands 1 to 3 separators from it.
    static func check(_ text: [UInt8], _ note: @autoclosure () -> String) -> (found: Int, declined: Int) {
        let block = Array(text[64..<128])
        let groups = DigitGroupMasks(digits: digitMask(block), separators: referenceSeparators(block))
        var found = 0
        var declined = 0
        for bit in 1..<64 where ByteClass.isDigit(block[bit]) {
            let reference = referenceGroup(text, around: 64 + bit)
            if let group = groups.group(around: bit) {
                #expect(64 + group.first..<64 + group.end == reference, "digit at \(bit): \(note())")
                found += 1
            } else {
                // Declined: the group, or the separators between it and an edge, touch the edge.
                let local = (reference.lowerBound - 64)..<(reference.upperBound - 64)
                let left = local.lowerBound <= 0 || (local.lowerBound <= DigitRuns.maximumGap && block[0..<local.lowerBound].allSatisfy(DigitRuns.isSeparator))
                let right = local.upperBound >= 64 || (local.upperBound >= 64 - DigitRuns.maximumGap && block[local.upperBound...].allSatisfy(DigitRuns.isSeparator))
                // Inside the block, a group whose first byte is not one of a shorter true group.
                let outsideBlock = reference.lowerBound < 64 || reference.upperBound > 128
                #expect(left || right || outsideBlock, "digit at \(bit) declined, group \(reference): \(note())")
                declined += 1
            }
        }
        return (found, declined)
    }

    @Test("Random blocks of digits, separators of every kind and other bytes, among random neighbours: every group found is the byte walk's")
    func randomBlocks() {
        var generator = SeededGenerator(seed: 1616)
        let digits = Array("0123456789".utf8)
        let separators = Array(" \t\r\n.-/()".utf8) + [0xC2, 0xA0]
        let others: [UInt8] = Array("aZ:_,+x".utf8) + [0x00, 0x80, 0xFF, 0xC3]
        var found = 0
        var declined = 0
        for trial in 0..<4000 {
            let digitShare = [0.2, 0.5, 0.8][trial % 3]
            let separatorShare = [0.1, 0.3, 0.6][(trial / 3) % 3]
            let text = (0..<192).map { _ -> UInt8 in
                let draw = Double(generator.next() % 1000) / 1000
                let pool = draw < digitShare ? digits : draw < digitShare + separatorShare * (1 - digitShare) ? separators : others
                return pool[Int(generator.next() % UInt64(pool.count))]
            }
            let counts = Self.check(text, "trial \(trial)")
            found += counts.found
            declined += counts.declined
        }
        // Both outcomes are exercised, and most groups are read off the masks.
        #expect(found > 2 * declined)
        #expect(declined > 100)
    }

    @Test("Groups at each distance from the block's edges, with 0 to 5 separators between them and the edge, and runs joined across 1 to 4 separators")
    func groupsAtEdges() {
        var checked = 0
        for shape in ["7", "12", "1 2", "1-2-3", "12  34", "1   2", "1    2", "9.9.9.9", "1\u{A0}2", "(1) 2"] {
            for offset in [0, 1, 2, 3, 4, 5, 30, 57, 58, 59, 60, 61, 62, 63] {
                for edge in ["", " ", "  ", "   ", "    ", "     "] {
                    for neighbour in ["x", "5"] {
                        // The group at `offset` of the middle block, the edge bytes on both sides
                        // of the block's edges, and a neighbour beyond them.
                        var text = [UInt8](repeating: UInt8(ascii: "_"), count: 192)
                        let bytes = Array(shape.utf8)
                        for (index, byte) in bytes.enumerated() where 64 + offset + index < 192 { text[64 + offset + index] = byte }
                        let edgeBytes = Array(edge.utf8)
                        for (index, byte) in edgeBytes.enumerated() {
                            text[63 - index] = byte
                            text[128 + index] = byte
                        }
                        text[63 - edgeBytes.count] = Array(neighbour.utf8)[0]
                        text[128 + edgeBytes.count] = Array(neighbour.utf8)[0]
                        _ = Self.check(text, "\(shape.debugDescription) at \(offset), edge \(edge.count), neighbour \(neighbour)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 1000)
    }
}
