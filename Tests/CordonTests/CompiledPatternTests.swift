import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// A pattern's first matches run in PCRE2's interpreter, later ones in a JIT-compiled copy: the
/// two must find the same.
@Suite("Compiled patterns")
struct CompiledPatternTests {
    @Test("The JIT compiles a pattern after its first matches, which the interpreter runs alike")
    func interpreterThenJIT() throws {
        var fake = FakeSecrets(seed: 5)
        let text = Array((0..<100).map { "row \($0): \(fake.email()) key=\(fake.githubToken()) \(fake.cardNumber())\n" }.joined().utf8)
        let sources = [
            #"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}"#,
            #"key=(gh[pousr]_[A-Za-z0-9]{36})"#, #"\b(?:\d[ -]?){12,18}\d\b"#, #"(?i)row\s+(\d+)"#,
        ]
        let scratch = MatchScratch(limits: .default)
        for source in sources {
            let pattern = try CompiledPattern(source)
            var runs: [(isJIT: Bool, whole: Range<Int>, value: Range<Int>)] = []
            var offset = 0
            text.withUnsafeBufferPointer { buffer in
                while case .match(let whole, let value) = scratch.match(pattern, in: buffer, from: offset) {
                    runs.append((pattern.isJITCompiled, whole, value))
                    offset = max(whole.upperBound, whole.lowerBound + 1)
                }
            }
            #expect(runs.count >= 100, "\(source)")
            // The first matches ran before the JIT compiled the pattern, the last ones after.
            #expect(runs.prefix(CompiledPattern.matchesBeforeJIT - 1).allSatisfy { !$0.isJIT }, "\(source)")
            #expect(runs.last?.isJIT == true, "\(source)")
            // A fresh pattern run by the interpreter alone (never reaching the threshold per
            // pattern: a new one per match) finds the same matches.
            var interpreted: [(whole: Range<Int>, value: Range<Int>)] = []
            offset = 0
            try text.withUnsafeBufferPointer { buffer in
                while true {
                    let fresh = try CompiledPattern(source)
                    guard case .match(let whole, let value) = scratch.match(fresh, in: buffer, from: offset) else { break }
                    #expect(!fresh.isJITCompiled)
                    interpreted.append((whole, value))
                    offset = max(whole.upperBound, whole.lowerBound + 1)
                }
            }
            #expect(interpreted.map(\.whole) == runs.map(\.whole), "\(source)")
            #expect(interpreted.map(\.value) == runs.map(\.value), "\(source)")
        }
    }
}
