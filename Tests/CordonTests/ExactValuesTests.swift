import CordonTestSupport
import Testing

@testable import Cordon

/// ``ExactValues`` answers as the `Set<[UInt8]>` it replaced, short lists compared in place and
/// long ones through the set.
@Suite("Allowlisted values compared in place")
struct ExactValuesTests {
    static func contains(_ values: ExactValues, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { values.contains($0) }
    }

    @Test("Empty list, empty value, equal lengths with different bytes, prefixes and extensions")
    func edges() {
        let none = ExactValues([])
        #expect(none.isEmpty)
        #expect(!Self.contains(none, []))
        #expect(!Self.contains(none, Array("abc".utf8)))
        let values = ExactValues(["tok_4eC39HqLyjWD", "", "abc", "abd"])
        #expect(!values.isEmpty)
        for (text, expected) in [
            ("tok_4eC39HqLyjWD", true), ("tok_4eC39HqLyjWE", false), ("tok_4eC39HqLyjW", false), ("tok_4eC39HqLyjWDx", false),
            ("", true), ("abc", true), ("abd", true), ("abe", false), ("ab", false), ("ABC", false),
        ] {
            #expect(Self.contains(values, Array(text.utf8)) == expected, "\(text)")
        }
    }

    @Test("Lists of 0 to 80 random values (both sides of the linear limit): same answers as a set")
    func random() {
        var generator = SeededGenerator(seed: 1701)
        let alphabet = Array("ab01".utf8) + [0x00, 0xC3, 0xFF]
        func random() -> [UInt8] {
            (0..<Int(generator.next() % 6)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        }
        var hits = 0
        for count in 0...80 {
            let strings = (0..<count).map { _ in String(decoding: random(), as: UTF8.self) }
            let reference = Set(strings.map { Array($0.utf8) })
            let values = ExactValues(strings)
            #expect(values.isEmpty == reference.isEmpty)
            for _ in 0..<200 {
                let probe = generator.next() % 2 == 0 ? random() : Array(strings.randomElement(using: &generator)?.utf8 ?? "".utf8)
                let expected = reference.contains(probe)
                if expected { hits += 1 }
                #expect(Self.contains(values, probe) == expected)
            }
        }
        #expect(hits > 2000)
    }
}
