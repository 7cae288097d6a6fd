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
}
