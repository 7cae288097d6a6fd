import CordonTestSupport
import Testing

@testable import Cordon

/// A detector gated by its required context words searches from the context window plus its
/// pattern's longest match before each word.
@Suite("Context windows: the longest match read off the pattern")
struct ContextWindowTests {
    @Test("The longest match adds up the pieces' most bytes; lookarounds take none; unbounded or unread is nil", arguments: [
        ("a[0-9]{2,5}b", 7 as Int?),
        ("(?:ab|c)?x{3}", 5),
        ("(?<=ab)c(?=def)", 1),
        ("ab\\Kc", 3),
        ("(?x) a  # comment\n b{0,4}", 5),
        ("(a|bcd)(?:e|fg){2}", 7),
        ("a+", nil),
        ("a(?:b|c*)", nil),
        ("(a)\\1", nil),
        ("a[[:digit:]]", nil),
    ])
    func longestMatch(pattern: String, expected: Int?) {
        #expect(RequiredRun.longestMatch(pattern: pattern) == expected, "\(pattern)")
    }

    @Test("Built-in context-gated detectors search the context window plus their longest match before each word")
    func builtInDetectors() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let byID = Dictionary(uniqueKeysWithValues: engine.compiled.map { ($0.id, $0) })
        let phone = try #require(byID["phone-contextual"])
        let detector = try #require(engine.detectors.first { $0.id == "phone-contextual" })
        let longest = try #require(RequiredRun.longestMatch(pattern: detector.pattern))
        #expect(phone.lookbehind == 32 + longest)
        #expect(phone.lookbehind < 32 + Engine.keywordWindow)
    }

    @Test("A value before its context word at the window's edge (one byte inside, at it, one byte past), longest values: the fast scan equals the reference scan")
    func valueAtTheEdge() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let indices = engine.compiled.indices.filter {
            let detector = engine.compiled[$0]
            return detector.lookahead > 0 && detector.context?.required == true && detector.lookbehind < detector.lookahead + Engine.keywordWindow
        }
        #expect(indices.count >= 4)
        var found = 0
        var missed = 0
        for index in indices {
            let detector = engine.detectors[index]
            let compiled = engine.compiled[index]
            let word = Array(try #require(detector.context?.words.first).utf8)
            for example in detector.examples {
                let bytes = Array(example.utf8)
                // The example's values, found by the reference scan.
                let values = bytes.withUnsafeBufferPointer { engine.referenceScan($0) }.findings
                    .filter { $0.detectorID == detector.id && $0.layer == nil }.map { Array(bytes[$0.range]) }
                for value in values {
                    for gap in [compiled.lookahead - word.count - 1, compiled.lookahead - word.count, compiled.lookahead - word.count + 1,
                                compiled.lookahead]
                    where gap >= 1 {
                        // The value, blanks, the context word; and the word, blanks, the value.
                        for text in [value + Array(repeating: UInt8(ascii: " "), count: gap) + word + Array(" .".utf8),
                                     Array("x ".utf8) + word + Array(repeating: UInt8(ascii: " "), count: gap) + value + Array(" .".utf8)] {
                            let fast = engine.scan(text)
                            #expect(fast == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(detector.id)")
                            if fast.findings.contains(where: { $0.detectorID == detector.id }) { found += 1 } else { missed += 1 }
                        }
                    }
                }
            }
        }
        // Both sides of the edge occur: values reported, and values too far from their word.
        #expect(found > 20)
        #expect(missed > 5)
    }
}
