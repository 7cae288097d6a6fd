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

    @Test("Random texts over a small alphabet, values sharing prefixes, batches of 1 to 300: same occurrences as the reference")
    func randomTexts() {
        var generator = SeededGenerator(seed: 1601)
        let alphabet = Array("abAB01 -".utf8)
        var totalFound = 0
        for round in 0..<300 {
            let length = Int(generator.next() % 400)
            let text = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
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
            let found: [RawFinding]? = text.withUnsafeBufferPointer { buffer in
                var propagation = ValuePropagation(capacity: Int(generator.next() % 600))
                for finding in addedFindings { propagation.add(finding, in: buffer) }
                #expect(propagation.count == Set(values.map(\.bytes)).count)
                return propagation.occurrences(in: buffer, excluding: existing, deadline: .now + .seconds(60), where: accepted)
            }
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
}
