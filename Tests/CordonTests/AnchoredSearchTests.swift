import Testing

@testable import Cordon

/// A search allowed one start runs, once its pattern is JIT-compiled and has run
/// ``CompiledPattern/oneStartSearchesBeforeAnchoredCopy`` such searches, on a copy compiled with
/// PCRE2_ANCHORED and PCRE2_NO_START_OPTIMIZE; it finds what the search limited to that start
/// finds: the same pattern's JIT copy with PCRE2's offset limit at that start is the reference.
@Suite("One-start searches on the anchored copy: the same match as the search limited to that start")
struct AnchoredSearchTests {
    static func describe(_ outcome: MatchScratch.Outcome) -> String {
        switch outcome {
        case .match(let whole, let value): "\(whole) \(value)"
        case .noMatch: "none"
        case .failure(let code): "failure \(code)"
        }
    }

    /// Runs `pattern`'s one-start searches until its anchored copy is in use.
    static func warmUp(_ pattern: CompiledPattern, _ scratch: MatchScratch) {
        let text = Array("warm-up text without much in it".utf8)
        text.withUnsafeBufferPointer { text in
            for _ in 0..<(CompiledPattern.matchesBeforeJIT + CompiledPattern.oneStartSearchesBeforeAnchoredCopy + 1) {
                _ = scratch.match(pattern, in: text, from: 0, startLimit: 0)
            }
        }
    }

    @Test("A pattern gets its anchored copy only after its JIT copy and enough one-start searches")
    func copyAfterEnoughSearches() throws {
        let pattern = try CompiledPattern(#"://[^\s:@/]{0,128}:([^\s@/]{1,256})@"#, allowsStartLimit: true)
        let scratch = MatchScratch(limits: .default)
        #expect(!pattern.hasAnchoredCopy)
        Self.warmUp(pattern, scratch)
        #expect(pattern.isJITCompiled)
        #expect(pattern.hasAnchoredCopy)
        // A pattern searched only over windows of several starts never gets one.
        let windowed = try CompiledPattern(#"://[^\s:@/]{0,128}:([^\s@/]{1,256})@"#, allowsStartLimit: true)
        let text = Array("see https://a:b@c.io and http://d:e@f.io".utf8)
        text.withUnsafeBufferPointer { text in
            for _ in 0..<1_000 { _ = scratch.match(windowed, in: text, from: 0, startLimit: 10) }
        }
        #expect(windowed.isJITCompiled)
        #expect(!windowed.hasAnchoredCopy)
    }

    @Test("Patterns with a leading literal, a required later byte, lookbehind, \\K, groups and verbs: every start of every text", arguments: [
        #"(?i)(?<=https|http|ftp)://[^\s:@/?#'"<>]{0,128}:([^\s@/'"<>]{1,256})@(?=[A-Za-z0-9\[])"#,
        #"ghp_[A-Za-z0-9]{36}"#,
        #"(?i)(?<![a-z0-9_])(?:pass|pwd|secret)[ \t]{0,4}(?:===?|!==?)[ \t]{0,4}"([^"\\\s]{4,64})""#,
        #"(?i)(?:employee|staff)[ _.-]?id\s*\K[0-9]{4,10}(?![0-9])"#,
        #"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}+(?!@)(*SKIP)(*F)|[A-Za-z0-9._%+-]{1,64}@[a-z0-9.-]+\.[a-z]{2,}"#,
        #"(?:pass|secret)(*COMMIT)=([0-9]+)"#,
        #"(?m)^key=(\w+)$"#,
        #"x*"#,
    ])
    func everyStart(source: String) throws {
        let anchored = try CompiledPattern(source, allowsStartLimit: true)
        let scratch = MatchScratch(limits: .default)
        Self.warmUp(anchored, scratch)
        #expect(anchored.hasAnchoredCopy)
        let texts = [
            "git remote add origin https://deploy:Zt6pQ9wX2mRk@git.acme-corp.io/api.git and http://a:b@ and ftp://x:y@[::1]",
            "token ghp_" + String(repeating: "aB3", count: 12) + " ghp_short ghp_" + String(repeating: "Z9", count: 18) + "!",
            #"if (password === "team10") { } if pwd != 'abc' ; secret == "x1y2z3w4" ; pass=="a""#,
            "staff id 104233, employee-id 00412877 staffid 55 staff_id 1234567890123",
            "mail ann.lee@acme-corp.io, icon@2x.png, bob@acme, ann@@b.io, x@y.zz",
            "pass=12 secret=34 passsecret=56 pass=",
            "key=abc\nkey=d e\nkey=xyz\n",
            "xxyxx",
            "",
        ]
        var matched = 0
        for text in texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { bytes in
                for offset in 0...bytes.count {
                    let fast = Self.describe(scratch.match(anchored, in: bytes, from: offset, startLimit: offset))
                    let expected = Self.describe(
                        scratch.match(anchored, in: bytes, from: offset, startLimit: offset, allowsAnchoredCopy: false))
                    #expect(fast == expected, "\(source) at \(offset) of \(text.debugDescription)")
                    if fast != "none" { matched += 1 }
                }
            }
        }
        #expect(matched > 0, "\(source) matched nowhere: the comparison proves little")
    }
}
