import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The Vectorscan first stage must report exactly the hits of the keyword automaton it replaced,
/// so that which one ran never changes a finding.
@Suite("Keyword prefilter (Vectorscan)")
struct KeywordPrefilterTests {
    static let engine = Fixtures.builtInEngine

    /// Every (detector, start) hit of `engine`'s first stage and of a keyword automaton over the
    /// same gate words, each sorted.
    static func hits(
        _ engine: Engine, _ bytes: [UInt8], automaton: KeywordAutomaton? = nil
    ) -> (prefilter: [[Int]], automaton: [[Int]]) {
        let automaton = automaton ?? KeywordAutomaton(keywords: engine.compiled.map(\.gateWords))
        var fromPrefilter = KeywordHits()
        var fromAutomaton = KeywordHits()
        bytes.withUnsafeBufferPointer { buffer in
            engine.withScratch { scratch in
                #expect(engine.collectKeywordHits(in: buffer, scratch: scratch, into: &fromPrefilter))
            }
            automaton.collectHits(in: buffer, into: &fromAutomaton)
        }
        func sorted(_ hits: KeywordHits) -> [[Int]] {
            zip(hits.detectors, hits.starts).map { [Int($0), $1] }.sorted { $0.lexicographicallyPrecedes($1) }
        }
        return (sorted(fromPrefilter), sorted(fromAutomaton))
    }

    @Test("The built-in set uses the database serialized at build time, not one compiled at start-up")
    func builtInUsesEmbeddedDatabase() throws {
        let prefilter = try #require(Self.engine.prefilter)
        #expect(prefilter.isEmbedded)
        // A subset of the built-in detectors needs no compilation either.
        let subset = try Engine(DetectorSet.builtIn().filtered { $0.id.hasPrefix("a") })
        #expect(subset.prefilter?.isEmbedded == true)
    }

    @Test("A custom detector set gets a database compiled when the engine is created")
    func customSetCompiles() throws {
        let detectors = try DetectorSet.parse(
            yaml: """
                detectors:
                  - id: zebra-token
                    name: Zebra token
                    description: A made-up token for this test.
                    category: secret
                    level: restricted
                    pattern: 'zbr_[a-z0-9]{8}'
                    keywords: [zbr_, ZEBRA]
                    examples: ['x zbr_abcd1234 y', 'zbr_00001111']
                    negative_examples: ['zbr_short']
                """, file: "zebra.yaml")
        let engine = try Engine(DetectorSet(detectors))
        let prefilter = try #require(engine.prefilter)
        #expect(!prefilter.isEmbedded)
        let text = Array("a zbr_abcd1234 and ZBR_ and Zebra".utf8)
        let (fast, slow) = Self.hits(engine, text)
        #expect(fast == [[0, 2], [0, 19], [0, 28]])
        #expect(fast == slow)
        #expect(engine.scan(text).findings.map(\.detectorID) == ["zebra-token"])
    }

    @Test("Every corpus sample and every detector example: the same hits as the keyword automaton")
    func sameHitsAsAutomaton() throws {
        let folder = CordonProcess.repositoryRoot.appending(path: "corpus/samples")
        var inputs: [(String, [UInt8])] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            inputs.append((file, Array(try Data(contentsOf: folder.appending(path: file)))))
        }
        for detector in Self.engine.detectors {
            for (index, example) in (detector.examples + detector.negativeExamples).enumerated() {
                inputs.append(("\(detector.id) example \(index + 1)", Array(example.utf8)))
            }
        }
        #expect(inputs.count > 500)
        let automaton = KeywordAutomaton(keywords: Self.engine.compiled.map(\.gateWords))
        var total = 0
        for (name, bytes) in inputs {
            let (fast, slow) = Self.hits(Self.engine, bytes, automaton: automaton)
            #expect(fast == slow, "\(name): the prefilter's hits differ from the automaton's")
            total += fast.count
        }
        #expect(total > 1000)
    }

    @Test("Random text over the keywords' own bytes, mixed case: the same hits as the automaton")
    func randomText() {
        var random = SeededGenerator(seed: 13)
        let alphabet = Array("abkeyKEYpstoPSTO_-:/@0x .=".utf8)
        let automaton = KeywordAutomaton(keywords: Self.engine.compiled.map(\.gateWords))
        for round in 0..<20 {
            let bytes = (0..<4096).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let (fast, slow) = Self.hits(Self.engine, bytes, automaton: automaton)
            #expect(fast == slow, "round \(round)")
        }
    }

    @Test("The embedded database holds exactly the built-in gate words: each one gates a detector")
    func embeddedHoldsOnlyGateWords() throws {
        let prefilter = try #require(Self.engine.prefilter)
        #expect(prefilter.isEmbedded)
        let gateWords = Set(Self.engine.compiled.flatMap(\.gateWords).filter { !$0.isEmpty }.map(KeywordPrefilter.lowercased))
        #expect(prefilter.wordLengths.count == gateWords.count)
        // A word that gates nothing would only cost matches: none is left.
        let idle = prefilter.wordLengths.indices.filter { prefilter.detectorStart[$0] == prefilter.detectorStart[$0 + 1] }
        #expect(idle.isEmpty, "\(idle.count) words gate no detector")
        // Context words that gate nothing exist in the catalogue (else this test proves little).
        let contextOnly = Set(Self.engine.detectors.flatMap { $0.context?.words ?? [] }.map(KeywordPrefilter.lowercased))
            .subtracting(gateWords)
        #expect(contextOnly.count > 100)
    }

    /// Text made of the catalogue's own words (gate words and the context words that gate
    /// nothing), each letter in a random case, some cut short or overlapping the next, between
    /// separators that include bytes at and above 0x80 (and invalid UTF-8).
    static func wordSalad(_ random: inout SeededGenerator, words: [[UInt8]], length: Int) -> [UInt8] {
        let separators: [[UInt8]] = [[], [0x20], [0x2F], [0x5F], [0x80], [0xC3], [0xE3], [0xFF], [0x00], Array("=\"".utf8)]
        var bytes: [UInt8] = []
        while bytes.count < length {
            var word = words[Int(random.next() % UInt64(words.count))]
            switch random.next() % 4 {
            case 0: word = Array(word.dropLast(Int(random.next() % UInt64(word.count))))  // cut short
            case 1: word = Array(word.dropFirst(Int(random.next() % UInt64(word.count))))  // a word's tail
            default: break
            }
            for byte in word {
                // ASCII letters in either case; a byte at or above 0x80 sometimes with its 0x20
                // bit flipped, which must not match (only ASCII letters fold).
                let flip = random.next() % 2 == 0
                if ByteClass.lowercased(byte) &- UInt8(ascii: "a") < 26 || byte >= 0x80 {
                    bytes.append(flip ? byte ^ 0x20 : byte)
                } else {
                    bytes.append(byte)
                }
            }
            bytes += separators[Int(random.next() % UInt64(separators.count))]
        }
        return Array(bytes.prefix(length))
    }

    @Test("Random text of the catalogue's own words (mixed case, cut, overlapping, at both ends, bytes >= 0x80): the same hits as the automaton")
    func wordSaladSameHits() {
        var random = SeededGenerator(seed: 1_097)
        let words = Array(
            Set(Self.engine.detectors.flatMap { $0.keywords + ($0.context?.words ?? []) }.filter { !$0.isEmpty }.map(KeywordPrefilter.lowercased))
        ).sorted { $0.lexicographicallyPrecedes($1) }
        let automaton = KeywordAutomaton(keywords: Self.engine.compiled.map(\.gateWords))
        var total = 0
        // Lengths 0, 1 and 2 (empty text, one-byte words alone), then longer texts.
        for (round, length) in ([0, 1, 2, 3, 64] + Array(repeating: 4096, count: 40)).enumerated() {
            let bytes = Self.wordSalad(&random, words: words, length: length)
            let (fast, slow) = Self.hits(Self.engine, bytes, automaton: automaton)
            #expect(fast == slow, "round \(round)")
            total += fast.count
            // A word at the very start and the same word ending at the very end.
            let edge = words[Int(random.next() % UInt64(words.count))]
            let (framedFast, framedSlow) = Self.hits(Self.engine, edge + bytes + edge, automaton: automaton)
            #expect(framedFast == framedSlow, "round \(round), framed")
        }
        #expect(total > 10_000)
    }
}
