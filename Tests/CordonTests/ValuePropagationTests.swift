import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// ``ValuePropagation``'s one pass with its tables and prefix chains against the simplest
/// search: at each position, the longest value added (the first added among equal lengths) that
/// stands there, is not already known and is accepted.
@Suite("Value propagation against a reference search")
struct ValuePropagationTests {
    /// The values to look for: distinct byte strings, in the order added, with their finding.
    static func reference(
        _ values: [(bytes: [UInt8], finding: RawFinding)], in text: [UInt8], existing: [RawFinding],
        accepted: (Range<Int>) -> Bool
    ) -> [RawFinding] {
        var distinct: [(bytes: [UInt8], finding: RawFinding)] = []
        for value in values where !distinct.contains(where: { $0.bytes == value.bytes }) { distinct.append(value) }
        let known = Set(existing.map { [$0.range.lowerBound, $0.range.upperBound, $0.detector] })
        var found: [RawFinding] = []
        var position = 0
        while position + 4 <= text.count {
            var best: (bytes: [UInt8], finding: RawFinding)?
            for value in distinct {
                let range = position..<(position + value.bytes.count)
                guard range.upperBound <= text.count, value.bytes.count > (best?.bytes.count ?? 0),
                    Array(text[range]) == value.bytes,
                    !known.contains([range.lowerBound, range.upperBound, value.finding.detector]), accepted(range)
                else { continue }
                best = value
            }
            if let best {
                found.append(RawFinding(
                    range: position..<(position + best.bytes.count), detector: best.finding.detector, fromContext: false,
                    confidence: best.finding.confidence, isTestValue: best.finding.isTestValue))
                position += best.bytes.count
            } else {
                position += 1
            }
        }
        return found
    }

    /// `length` bytes drawn from `alphabet`.
    static func randomText(length: Int, over alphabet: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
    }

    /// The occurrences ``ValuePropagation`` finds in `text` for the values of `findings`, with a
    /// batch made for `capacity` values, and the number of distinct values it holds.
    static func propagated(
        _ findings: [RawFinding], in text: [UInt8], capacity: Int, existing: [RawFinding] = [],
        accepted: (Range<Int>) -> Bool
    ) -> (count: Int, found: [RawFinding]?) {
        text.withUnsafeBufferPointer { buffer in
            var propagation = ValuePropagation(capacity: capacity)
            for finding in findings { propagation.add(finding, in: buffer) }
            return (propagation.count, propagation.occurrences(in: buffer, excluding: existing, deadline: .now + .seconds(600), where: accepted))
        }
    }

    @Test("Random texts over a small alphabet, values sharing prefixes, batches of 1 to 300: same occurrences as the reference")
    func randomTexts() {
        var generator = SeededGenerator(seed: 1601)
        let alphabet = Array("abAB01 -".utf8)
        var totalFound = 0
        for round in 0..<300 {
            let length = Int(generator.next() % 400)
            let text = Self.randomText(length: length, over: alphabet, using: &generator)
            guard text.count >= 4 else { continue }
            // Values taken from the text (so they occur), some extended or shortened, some shared.
            let valueCount = round % 3 == 0 ? Int(generator.next() % 300) + 1 : Int(generator.next() % 8) + 1
            var values: [(bytes: [UInt8], finding: RawFinding)] = []
            var addedFindings: [RawFinding] = []
            for index in 0..<valueCount {
                let start = Int(generator.next() % UInt64(text.count - 3))
                let count = min(text.count - start, 4 + Int(generator.next() % 12))
                let range = start..<(start + count)
                let finding = RawFinding(
                    range: range, detector: Int(generator.next() % 4), fromContext: false,
                    confidence: index % 2 == 0 ? .high : .low, isTestValue: index % 5 == 0)
                values.append((Array(text[range]), finding))
                addedFindings.append(finding)
            }
            let existing = Array(addedFindings.prefix(Int(generator.next() % 4)))
            let rejected = Int(generator.next() % 7)
            let accepted: (Range<Int>) -> Bool = { $0.lowerBound % 7 != rejected }
            let expected = Self.reference(values, in: text, existing: existing, accepted: accepted)
            let (count, found) = Self.propagated(
                addedFindings, in: text, capacity: Int(generator.next() % 600), existing: existing, accepted: accepted)
            #expect(count == Set(values.map(\.bytes)).count)
            #expect(found == expected, "round \(round)")
            totalFound += expected.count
        }
        #expect(totalFound > 1000)
    }

    @Test("Texts of 0 to 5 bytes and values of exactly 4 bytes at the text's edges")
    func edges() {
        let value = Array("abcd".utf8)
        for text in ["", "a", "abc", "abcd", "xabcd", "abcdx", "abcdabcd", "ababcd"] {
            let bytes = Array(text.utf8)
            let source = value + Array(" ".utf8)
            let finding = RawFinding(range: 0..<4, detector: 0, fromContext: false, confidence: .high)
            let found: [RawFinding]? = source.withUnsafeBufferPointer { source in
                var propagation = ValuePropagation(capacity: 1)
                propagation.add(finding, in: source)
                return bytes.withUnsafeBufferPointer {
                    propagation.occurrences(in: $0, excluding: [], deadline: .now + .seconds(60), where: { _ in true })
                }
            }
            #expect(found == Self.reference([(value, finding)], in: bytes, existing: [], accepted: { _ in true }), "\(text)")
        }
    }

    @Test("Long texts whose values start with 1 to 5 distinct bytes (the lead-byte jump, and the plain pass past four): same occurrences as the reference")
    func fewLeadBytes() {
        var generator = SeededGenerator(seed: 2611)
        // A wide alphabet, so that the values' first bytes are rare and the jump skips whole blocks.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz .,;:=-_/ABCDEFGHIJ0123456789\n".utf8)
        var totalFound = 0
        for round in 0..<200 {
            let length = 4 + Int(generator.next() % 3_000)
            var text = Self.randomText(length: length, over: alphabet, using: &generator)
            let leadCount = 1 + round % 5
            let leads = (0..<leadCount).map { UInt8(0xE0 + $0) }  // bytes the alphabet never holds
            // Values made of a lead byte and alphabet bytes, planted at offsets around the 16-byte
            // blocks and at the very end, some twice, some overlapping.
            var values: [[UInt8]] = []
            for index in 0..<(leadCount + Int(generator.next() % 4)) {
                let count = 4 + Int(generator.next() % 9)
                var value = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                value[0] = leads[index % leadCount]
                values.append(value)
            }
            var plantedFindings: [RawFinding] = []
            for (index, value) in values.enumerated() {
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    let base = Int(generator.next() % UInt64(max(1, text.count / 16))) * 16
                    let start = min(text.count - value.count, max(0, base + [-1, 0, 1, 15][Int(generator.next() % 4)]))
                    guard start >= 0 else { continue }
                    text.replaceSubrange(start..<(start + value.count), with: value)
                    if plantedFindings.count <= index {
                        plantedFindings.append(RawFinding(
                            range: start..<(start + value.count), detector: index % 3, fromContext: false, confidence: .medium))
                    }
                }
            }
            // A value at the very end: its start is the last position the pass looks at.
            if let value = values.first, text.count >= value.count, round % 4 == 0 {
                text.replaceSubrange((text.count - value.count)..<text.count, with: value)
            }
            // Each value as it now stands in the text (later plants may have cut earlier ones).
            let findings = plantedFindings.filter { $0.range.upperBound <= text.count && $0.range.count >= 4 }
            let pairs = findings.map { (bytes: Array(text[$0.range]), finding: $0) }
            let accepted: (Range<Int>) -> Bool = { $0.lowerBound % 11 != 3 }
            let expected = Self.reference(pairs, in: text, existing: [], accepted: accepted)
            let found = Self.propagated(findings, in: text, capacity: findings.count, accepted: accepted).found
            #expect(found == expected, "round \(round)")
            totalFound += expected.count
        }
        #expect(totalFound > 300)
    }

    @Test("The lead-byte finder gives the first lead byte at or after every start, for 0 to 4 lead bytes")
    func leadByteFinder() {
        var generator = SeededGenerator(seed: 4417)
        for round in 0..<400 {
            let length = 4 + Int(generator.next() % 200)
            let text = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % 16) }
            let leads = Array(Set((0..<(round % 5)).map { _ in UInt8(truncatingIfNeeded: generator.next() % 20) }))
            let finder = LeadBytes(leads)
            let last = length - 4
            text.withUnsafeBufferPointer { buffer in
                for start in 0...(last + 1) {
                    let want = (start...max(start, last)).first { $0 <= last && leads.contains(text[$0]) } ?? last + 1
                    #expect(finder.next(from: start, through: last, in: buffer.baseAddress!) == want, "round \(round), start \(start)")
                }
            }
        }
    }

    @Test("The lead-pair finder gives the first position at or after every start whose two bytes are one of 0 to 4 pairs")
    func leadPairFinder() {
        var generator = SeededGenerator(seed: 4421)
        var matchesSeen = 0
        for round in 0..<400 {
            let length = 4 + Int(generator.next() % 200)
            // Few byte values, so pairs recur, and a high bit on some so both halves count.
            let text = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % 6) | (generator.next() % 3 == 0 ? 0x80 : 0) }
            let pairs = Array(Set((0..<(round % 5)).map { _ -> UInt16 in
                let at = Int(generator.next() % UInt64(length - 1))
                return UInt16(text[at]) << 8 | UInt16(text[at + 1])
            }))
            let finder = LeadPairs(pairs)
            let last = length - 4
            text.withUnsafeBufferPointer { buffer in
                for start in 0...(last + 1) {
                    let want = (start...max(start, last)).first { $0 <= last && pairs.contains(UInt16(text[$0]) << 8 | UInt16(text[$0 + 1])) } ?? last + 1
                    if want <= last { matchesSeen += 1 }
                    #expect(finder.next(from: start, through: last, in: buffer.baseAddress!) == want, "round \(round), start \(start)")
                }
            }
        }
        #expect(matchesSeen > 10_000)
    }

    @Test("The pair finder gives the first position at or after every start whose two bytes are in the table, for tables of 0 to 40 pairs")
    func pairFinder() {
        var generator = SeededGenerator(seed: 5023)
        var matchesSeen = 0
        for round in 0..<300 {
            let length = 2 + Int(generator.next() % 300)
            // Bytes of a small range and of the high half, so pairs recur and both byte orders count.
            let text = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % 8) | (generator.next() % 2 == 0 ? 0 : 0xF8) }
            var table = [UInt64](repeating: 0, count: 65536 / 64)
            var members = Set<Int>()
            for _ in 0..<(round % 41) {
                let pair = Int(text[Int(generator.next() % UInt64(length - 1))]) << 8 | Int(text[Int(generator.next() % UInt64(length))])
                members.insert(pair)
                table[pair >> 6] |= 1 << UInt64(pair & 63)
            }
            let last = length - 2
            text.withUnsafeBufferPointer { buffer in
                table.withUnsafeBufferPointer { pairs in
                    for start in 0...(last + 1) {
                        var expected = start
                        while expected <= last, !members.contains(Int(buffer[expected]) << 8 | Int(buffer[expected + 1])) { expected += 1 }
                        let found = ValuePropagation.nextPair(from: start, through: last, in: buffer.baseAddress!, pairs: pairs.baseAddress!)
                        #expect(found == expected, "round \(round), start \(start)")
                        if expected <= last { matchesSeen += 1 }
                    }
                }
            }
        }
        #expect(matchesSeen > 10_000)
    }

    @Test("Texts of 64 KiB and more, values led by common and by rare bytes: same occurrences as the reference")
    func longTexts() {
        var generator = SeededGenerator(seed: 7331)
        let alphabet = Array("abcdAB01 -=:".utf8)
        var totalFound = 0
        for round in 0..<6 {
            let length = (64 << 10) + Int(generator.next() % 20_000)
            var text = Self.randomText(length: length, over: alphabet, using: &generator)
            var findings: [RawFinding] = []
            for index in 0..<(1 + Int(generator.next() % 40)) {
                let count = 4 + Int(generator.next() % 8)
                let start = Int(generator.next() % UInt64(length - count))
                // Odd rounds: values led by a byte the alphabet lacks (rare leads, the jump).
                if round % 2 == 1 { text[start] = UInt8(0xF0 + index % 3) }
                findings.append(RawFinding(range: start..<(start + count), detector: index % 3, fromContext: false, confidence: .low))
                // Two more copies elsewhere, so that there is something to propagate.
                for _ in 0..<2 {
                    let copy = Int(generator.next() % UInt64(length - count))
                    text.replaceSubrange(copy..<(copy + count), with: Array(text[start..<(start + count)]))
                }
            }
            let pairs = findings.map { (bytes: Array(text[$0.range]), finding: $0) }
            let expected = Self.reference(pairs, in: text, existing: [], accepted: { _ in true })
            let found = Self.propagated(findings, in: text, capacity: findings.count, accepted: { _ in true }).found
            #expect(found == expected, "round \(round)")
            totalFound += expected.count
        }
        #expect(totalFound > 100)
    }
}

