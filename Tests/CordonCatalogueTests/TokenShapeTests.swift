import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The shape check passes over keyword occurrences at which no match can start, before PCRE2.
@Suite("Token shape: checked before PCRE2 at each keyword occurrence")
struct TokenShapeTests {
    /// The shape of `pattern` with keyword `keyword`, as (offset, minimum count, members).
    static func shape(_ pattern: String, _ keyword: String) -> (Int, Int, String)? {
        guard let shape = PatternPrefix.tokenShape(pattern, keywords: [keyword]) else { return nil }
        let members = String(decoding: (0...UInt8(127)).filter { shape.members.contains($0) }, as: UTF8.self)
        return (shape.offset, shape.minimumCount, members)
    }

    static let alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    static let hex = "0123456789ABCDEFabcdef"

    @Test("Reads the class and minimum count after the literal, past lookaheads and into plain groups")
    func readsShapes() throws {
        #expect(Self.shape("ghp_[A-Za-z0-9]{36}", "ghp_")! == (4, 36, Self.alphanumerics))
        #expect(Self.shape("(?<![A-Za-z0-9])0x(?=[0-9a-fA-F]{0,39}[a-f])(?=[0-9a-fA-F]{0,39}[A-F])[0-9a-fA-F]{40}(?![A-Za-z0-9])", "0x")!
            == (2, 40, Self.hex))
        // Letters in both cases whatever the options: a superset is always safe.
        #expect(Self.shape("sk_live_[0-9a-z]{24,}", "sk_live_")! == (8, 24, Self.alphanumerics))
        #expect(Self.shape("(sk-ant-api03-)([A-Za-z0-9_-]{93})", "sk-ant")! == (13, 93, "-" + Self.alphanumerics.prefix(36) + "_" + Self.alphanumerics.dropFirst(36)))
        #expect(Self.shape("(?x) xoxb- \\d+", "xoxb-")! == (5, 1, "0123456789"))
        #expect(Self.shape("tok_[a-f]", "tok_")! == (4, 1, "ABCDEFabcdef"))
        #expect(Self.shape("(?:AKIA)(?:[A-Z2-7]{16})", "akia")?.1 == 16)
    }

    @Test("Answers nil where it cannot be sure", arguments: [
        "ghp_[^ ]{36}",  // negated class
        "ghp_(?:[a-z]{36}|[0-9]{40})",  // alternatives after the literal
        "ghp_[a-z]?[0-9]{36}",  // optional
        "ghp_[a-z]*",  // possibly empty
        "ghp_[!-\\/]{5}",  // a range to an escaped byte
        "ghp_[[:alpha:]]{5}",  // POSIX class
        "ghp_\\b[a-z]{5}",  // an assertion this reader does not skip
        "ghp_(?<=_)[a-z]{5}",  // a lookbehind after the literal
        "ghp_.{5}",  // any byte
        "ghp_([a-z]{5}){2}",  // a quantified group
        "(?:ghp|gho)_[a-z]{5}",  // no literal all matches start with
        "xghp_[a-z]{5}",  // does not start with the keyword
    ])
    func answersNilWhenUnsure(pattern: String) {
        #expect(PatternPrefix.tokenShape(pattern, keywords: ["ghp_"]) == nil)
    }

    @Test("Admits an occurrence only when the run follows it, within the text")
    func admits() throws {
        let shape = try #require(PatternPrefix.tokenShape("0x[0-9a-fA-F]{4}", keywords: ["0x"]))
        for (text, at, expected) in [("x 0xBEEF", 2, true), ("0x12", 0, false), ("0x12g4", 0, false), ("0xabcd", 0, true), ("a0x1234", 1, true)] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { shape.admits($0, at: at) } == expected, "\(text) at \(at)")
        }
    }

    @Test("Built-in detectors behind the most frequent keywords get a shape check")
    func builtInShapes() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let shaped = Set(engine.compiled.filter { $0.shape != nil }.map(\.id))
        for id in ["github-pat"] where engine.compiled.contains(where: { $0.id == id }) {
            #expect(shaped.contains(id), "\(id)")
        }
        // Ethereum addresses are gated by their 42-character run, not by every `0x` (#13).
        #expect(engine.compiled.first { $0.id == "ethereum-address" }?.runGate != nil)
        #expect(shaped.count >= 50, "\(shaped.count) detectors with a shape")
    }

    @Test("Keyword followed by near-miss tokens: the fast scan equals the reference scan")
    func nearMisses() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 5)
        // Keywords of shaped detectors, each followed by runs that are one byte short, one byte
        // off the class, or just right, so matches start at every kind of occurrence.
        let prefixes = engine.compiled.compactMap { detector -> (String, TokenShape)? in
            guard let shape = detector.shape, let word = detector.gateWords.first else { return nil }
            return (word, shape)
        }
        let alphabet = Array("0123456789abcdefABCDEF_-.xyzXYZ+/=".utf8)
        for _ in 0..<400 {
            var text: [UInt8] = []
            for _ in 0..<Int(generator.next() % 6 + 1) {
                let (word, shape) = prefixes[Int(generator.next() % UInt64(prefixes.count))]
                text += Array(" \(word)".utf8)
                let length = shape.minimumCount + Int(generator.next() % 3) - 1
                for _ in 0..<max(0, length) { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            }
            #expect(engine.scan(text) == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(text.count) bytes")
        }
    }
}
