import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Anchoring a keyword search at the keyword is only right when every match begins with it.
@Suite("Pattern prefix: searches anchored at the keyword")
struct PatternPrefixTests {
    @Test(
        "Reads the literal every match starts with, past options and zero-width assertions",
        arguments: [
            ("ghp_[A-Za-z0-9]{36}", "ghp_"),
            ("(?x)(?<![A-Za-z0-9])  xoxb- [0-9]+", "xoxb-"),
            ("(?:(?<![A-Za-z0-9#/.,-])|(?<=\\\\[nrt]))AKIA[A-Z2-7]{16}", "AKIA"),
            ("(?i)(?<![A-Za-z])poly(?:market)?[_.-]?key", "poly"),
            ("(?x)(?i:box)[\\w.-]{0,20}", "box"),
            ("\\bsk_live_[0-9a-z]{24}", "sk_live_"),
            ("(sk-ant-api03-)[A-Za-z0-9_-]{93}", "sk-ant-api03-"),
            ("https?://x", "http"),
            ("a|b", nil),
            ("(?:key|secret)=x", ""),
            ("[a-z]+@x", ""),
            ("(?:abc)?def", ""),
            ("ab?c", "a"),
            ("(?<name>tok)_", ""),
            ("(?|a|b)", ""),
            ("(?x) # comment (with | a bar\n tok_ x", "tok_x"),
        ] as [(String, String?)])
    func readsLeadingLiteral(pattern: String, expected: String?) {
        let literal = PatternPrefix.leadingLiteral(Array(pattern.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(literal == expected, "\(pattern)")
    }

    @Test("A pattern counts as anchored only when its literal starts with one of the keywords")
    func keywordMustStartTheLiteral() {
        #expect(PatternPrefix.startsWithKeyword("(?i)(?<![A-Za-z])poly(?:market)?key", keywords: ["POLY"]))
        #expect(PatternPrefix.startsWithKeyword("AKIA[A-Z2-7]{16}", keywords: ["akia", "asia"]))
        #expect(!PatternPrefix.startsWithKeyword("AKIA[A-Z2-7]{16}", keywords: ["kia"]))
        #expect(!PatternPrefix.startsWithKeyword("[a-z]+@example", keywords: ["@"]))
        #expect(!PatternPrefix.startsWithKeyword("(?:ghp|gho)_x", keywords: ["ghp_", "gho_"]))
    }

    @Test("Every built-in detector taken as anchored: each match in its examples starts at a keyword")
    func builtInAnchoredDetectorsStartAtKeywords() throws {
        let engine = Fixtures.builtInEngine
        let scratch = MatchScratch(limits: .default)
        var anchored = 0
        var matches = 0
        for (index, detector) in engine.detectors.enumerated()
        where !detector.keywords.isEmpty && PatternPrefix.startsWithKeyword(detector.pattern, keywords: detector.keywords) {
            anchored += 1
            // \K moves the reported start past the text the attempt began with.
            guard !detector.pattern.contains("\\K") else { continue }
            let words = detector.keywords.map { Array($0.lowercased().utf8) }
            for example in detector.examples + detector.negativeExamples {
                let bytes = Array(example.utf8)
                let lowered = bytes.map(ByteClass.lowercased)
                bytes.withUnsafeBufferPointer { buffer in
                    var offset = 0
                    while offset <= buffer.count, case .match(let whole, _) = scratch.match(engine.compiled[index].pattern, in: buffer, from: offset) {
                        let start = whole.lowerBound
                        let startsAtKeyword = words.contains { word in
                            start + word.count <= lowered.count && Array(lowered[start..<(start + word.count)]) == word
                        }
                        #expect(startsAtKeyword, "\(detector.id): a match does not start at a keyword")
                        matches += 1
                        offset = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
                    }
                }
            }
        }
        #expect(anchored > 100)
        #expect(matches > anchored)
    }
}
