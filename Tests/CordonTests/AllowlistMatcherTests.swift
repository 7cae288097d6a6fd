import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// A detector's allowlist (and test-value) patterns run as one alternation per start kind
/// (``AllowlistCombination``, ``AllowlistMatcher``): the answer must be "some pattern matches",
/// exactly as when each ran alone.
@Suite("Allowlist patterns combined")
struct AllowlistMatcherTests {
    /// A matcher of `sources`, each compiled (and each combination compiled, not deferred, so
    /// that one that does not compile fails the test), with the reference: every source compiled
    /// alone, one call each, the way allowlists ran before.
    static func matcher(_ sources: [String]) throws -> Matcher {
        var shared: [String: CompiledPattern] = [:]
        let matcher = try AllowlistMatcher(sources) { (source: String) throws(CompiledPattern.CompileError) -> CompiledPattern in
            if let known = shared[source] { return known }
            let pattern = try CompiledPattern(source)
            shared[source] = pattern
            return pattern
        }
        return Matcher(combined: matcher, alone: try sources.map { try CompiledPattern($0) })
    }

    /// A matcher and its reference.
    struct Matcher {
        let combined: AllowlistMatcher
        let alone: [CompiledPattern]
        var callsPerValue: Int { combined.callsPerValue }
        var isEmpty: Bool { combined.isEmpty }
    }

    /// Whether one of `patterns`, each run alone from the value's start, matches it.
    static func anyMatches(_ patterns: [CompiledPattern], _ value: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) -> Bool {
        patterns.contains { pattern in
            if case .match = scratch.match(pattern, in: value, from: 0) { return true }
            return false
        }
    }

    /// Both answers for `value`, passed as the engine passes values: a slice of a larger buffer
    /// (never a null pointer, even when empty).
    static func both(_ matcher: Matcher, _ value: [UInt8], scratch: MatchScratch) -> (combined: Bool, alone: Bool) {
        (value + [0]).withUnsafeBufferPointer { padded in
            let buffer = UnsafeBufferPointer(rebasing: padded[0..<value.count])
            return (matcher.combined.matches(buffer, scratch: scratch), anyMatches(matcher.alone, buffer, scratch: scratch))
        }
    }

    @Test("A pattern with no group-dependent syntax may stand anywhere in an alternation")
    func combinableAnywhere() {
        for source in [
            "(?i)x{8}", "^\\$\\{", "^<", "(?i)(?:placeholder|your_|_here$)", "(?=a)b", "(?!a)b", "(?<=a)b", "(?<!a)b",
            "(?>a+)b", "(?#note)a", "(?-i:a)B", "(?^)a", "(?i:a)", "(?s).", "(a)(b)", "[\\[\\](){}]", "\\\\1", "", "a|b",
        ] {
            #expect(AllowlistCombination.combinability(of: source) == .anywhere, "\(source)")
        }
    }

    @Test("A pattern with a numbered back-reference may only lead an alternation")
    func backReferenceLeads() {
        #expect(AllowlistCombination.combinability(of: "([A-Za-z0-9])\\1{11}") == .first)
        #expect(AllowlistCombination.combinability(of: "^([0-9])(?:[^0-9]*\\1)+$") == .first)
        #expect(AllowlistCombination.combinability(of: "-([0-9])\\1{7,}-") == .first)
        // Two digits: PCRE2 reads `\12` by the whole pattern's group count.
        #expect(AllowlistCombination.combinability(of: "(a)\\12") == .never)
    }

    @Test("A pattern whose meaning depends on its surroundings or its group numbers stays alone")
    func neverCombined() {
        for source in [
            "\\Qa)", "(?x)a # b", "(?ix)a", "(?x:a)", "(?<name>a)", "(?P<name>a)", "(?'name'a)", "(?P=name)", "(*SKIP)a",
            "(*UTF)a", "a\\Kb", "(a)\\g1", "(a)\\g{-1}", "(?<n>a)\\k<n>", "(a)(?1)", "(?R)?a", "(?&n)", "(?(1)a|b)",
            "(?|(a)|(b))", "(?C1)a", "(?+1)(a)", "(?-1)", "a\\",
        ] {
            #expect(AllowlistCombination.combinability(of: source) == .never, "\(source)")
        }
    }

    @Test("Anchoring is read off the text: a leading ^ or \\A, no top-level |, no multi-line mode")
    func anchoring() {
        for source in ["^a", "(?i)^a", "(?i)(?-s)^a", "^(?:a|b)", "\\Aa", "^[|]", "^[]|]", "^[^]|]", "^\\|", "^a(?=b|c)", "^"] {
            #expect(AllowlistCombination.startsAnchored(source), "\(source)")
        }
        for source in ["a", "^a|b", "(?m)^a", "a^", "(?i)x{8}", "(?:^a)", "(?i)(?:^|[^a-z])x", "", "[^a]", "(?i)"] {
            #expect(!AllowlistCombination.startsAnchored(source), "\(source)")
        }
    }

    @Test("Units: the anchored patterns in one alternation, led by one back-reference pattern; repeats once; the rest alone")
    func units() {
        let units = AllowlistCombination.units([
            "(?i)x{8}", "^\\$\\{", "^<", "(?i)x{8}", "([A-Za-z0-9])\\1{11}", "^(?<n>a)", "^([0-9])(?:-\\1)+$", "^-([0-9])\\1{7,}-",
            "(?i)^b",
        ])
        #expect(units.map(\.members) == [
            ["^([0-9])(?:-\\1)+$", "^\\$\\{", "^<", "(?i)^b"], ["(?i)x{8}"], ["([A-Za-z0-9])\\1{11}"], ["^(?<n>a)"], ["^-([0-9])\\1{7,}-"],
        ])
        #expect(units[0].source == "(?:^([0-9])(?:-\\1)+$)|(?:^\\$\\{)|(?:^<)|(?:(?i)^b)")
        #expect(units.map(\.isCombined) == [true, false, false, false, false])
        #expect(AllowlistCombination.units([]).isEmpty)
        #expect(AllowlistCombination.units(["^a"]) == [AllowlistCombination.Unit(source: "^a", members: ["^a"])])
        #expect(AllowlistCombination.units(["a", "b"]).map(\.isCombined) == [false, false])
    }

    @Test("A combined alternation whose every branch is anchored is anchored for PCRE2: one start tried")
    func combinedAnchored() throws {
        let unit = try #require(AllowlistCombination.units(["(?i)^ab", "^\\$\\{", "\\Acd"]).first)
        #expect(unit.isCombined)
        let matcher = try Self.matcher(["(?i)^ab", "^\\$\\{", "\\Acd"])
        let scratch = MatchScratch(limits: .default)
        #expect(Self.both(matcher, Array("ABx".utf8), scratch: scratch) == (true, true))
        #expect(Self.both(matcher, Array("xAB".utf8), scratch: scratch) == (false, false))
        #expect(Self.both(matcher, Array("${x".utf8), scratch: scratch) == (true, true))
        #expect(matcher.callsPerValue == 1)
    }

    @Test("Options stay in their own pattern: (?i) of one does not make the next caseless")
    func optionsScoped() throws {
        let matcher = try Self.matcher(["(?i)^zz", "^QQ", "^a(?:b|c)$"])
        #expect(matcher.callsPerValue == 1)
        let scratch = MatchScratch(limits: .default)
        #expect(Self.both(matcher, Array("qq".utf8), scratch: scratch) == (false, false))
        #expect(Self.both(matcher, Array("ZZ".utf8), scratch: scratch) == (true, true))
        #expect(Self.both(matcher, Array("ab".utf8), scratch: scratch) == (true, true))
        #expect(Self.both(matcher, Array("c".utf8), scratch: scratch) == (false, false))
        // An alternation at the top of a pattern stays inside it: `^a|b$` alone is "starts with a
        // or ends with b"; it is not anchored, so it runs alone.
        let mixed = try Self.matcher(["^x", "^a|b$"])
        #expect(mixed.callsPerValue == 2)
        #expect(Self.both(mixed, Array("xxb".utf8), scratch: scratch) == (true, true))
        #expect(Self.both(mixed, Array("cbc".utf8), scratch: scratch) == (false, false))
    }

    @Test("A back-reference pattern keeps its meaning, first in the alternation or alone")
    func backReference() throws {
        let matcher = try Self.matcher(["^(x)y", "^.*([A-Za-z0-9])\\1{11}", "(?i)^q", "^-([0-9])\\1{3,}-"])
        let scratch = MatchScratch(limits: .default)
        #expect(matcher.callsPerValue == 2)
        // Twelve of a kind: `\1` is the group of its own pattern, not the `(x)` listed before it.
        #expect(Self.both(matcher, Array(("ab" + String(repeating: "A", count: 12) + "cd").utf8), scratch: scratch) == (true, true))
        #expect(Self.both(matcher, Array(("ab" + String(repeating: "A", count: 11) + "cd").utf8), scratch: scratch) == (false, false))
        #expect(Self.both(matcher, Array("-7777-b".utf8), scratch: scratch) == (true, true))
        #expect(Self.both(matcher, Array("-7778-b".utf8), scratch: scratch) == (false, false))
        #expect(Self.both(matcher, Array("xy".utf8), scratch: scratch) == (true, true))
    }

    @Test("Empty values and invalid UTF-8 bytes are answered as each pattern alone answers them")
    func emptyAndInvalidBytes() throws {
        let matcher = try Self.matcher(["^$", "\\xff\\xfe", "(?i)x{3}", "^\\x80", "^\\xc3$"])
        let scratch = MatchScratch(limits: .default)
        #expect(Self.both(matcher, [], scratch: scratch) == (true, true))
        #expect(Self.both(matcher, [0x41, 0xFF, 0xFE], scratch: scratch) == (true, true))
        #expect(Self.both(matcher, [0x80, 0x41], scratch: scratch) == (true, true))
        #expect(Self.both(matcher, [0x41, 0x80, 0xC3], scratch: scratch) == (false, false))
        let none = try Self.matcher([])
        #expect(none.isEmpty)
        #expect(Self.both(none, [], scratch: scratch) == (false, false))
    }

    @Test("A combined match that fails at a limit is answered by the patterns one by one")
    func failureFallsBack() throws {
        // `^(a+)+$` backtracks past the match limit on a run of `a` not at the end; `^a+c` matches.
        let matcher = try Self.matcher(["^(a+)+$", "^a+c"])
        #expect(matcher.callsPerValue == 1)
        let scratch = MatchScratch(limits: ScanLimits(matchLimit: 20_000))
        let value = Array((String(repeating: "a", count: 28) + "cb").utf8)
        let combined = try CompiledPattern(AllowlistCombination.combined(["^(a+)+$", "^a+c"]))
        let outcome = value.withUnsafeBufferPointer { scratch.match(combined, in: $0, from: 0) }
        guard case .failure = outcome else {
            Issue.record("expected the combined match to fail at the limit, got \(outcome)")
            return
        }
        #expect(Self.both(matcher, value, scratch: scratch) == (true, true))
    }

    /// Patterns of the shapes the catalogue uses, and some it does not.
    static let pool = [
        "(?i)x{8}", "(?i)(?:placeholder|your_?(?:api_?)?(?:key|token|secret))", "^\\$\\{", "^<", "(?i)(?:placeholder|your_|_here$)",
        "([A-Za-z0-9])\\1{11}", "(?i)example", "(?i)abcdefghijkl|0123456789abcdef", "^[0-9]+$", "^[a-z]+$", "^[A-Z]+$",
        "(?i)^(?:x+|\\*+|\\.+|bearer|null)$", "\\$\\{|\\$\\(|\\{\\{", "(?i)x{6}|\\*{3}|\\.\\.\\.", "/$", "^-----",
        "(?i)(?:^|[^a-z])(?:dummy|fake)(?:[^a-z]|$)|short$", "^(?=[A-Za-z-]*[_-])[A-Za-z_-]*(?i:pass|key)[A-Za-z_-]*$",
        "^([0-9])(?:[^0-9]*\\1)+$", "-([0-9])\\1{2,}-", "(?<n>ab)\\k<n>", "(?x) a b # comment", "\\Qa|b\\E", "(?s)a.b",
        "[\\[\\](){}]", "(?m)^b", "a$", "\\xff", "^\\x80", "(?U)a+b", "(?-i:A)(?i)b", "(?<=x)y", "(?<!x)y$", "^$",
        "(?i)^abc", "(?s)^a.b", "^(?<n>ab)\\k<n>", "(?x)^ a", "^\\Qa|\\E", "^(a)|b", "(?i)^(x)\\1", "^a(?i)B", "\\A[xy]{2}$",
    ]

    @Test("Random lists and random values: combined equals one by one (reference comparison)")
    func randomReference() throws {
        var generator = SeededGenerator(seed: 0xA11_0_1157)
        let scratch = MatchScratch(limits: .default)
        let alphabet = Array("aAbBxXyYzZ019-_$.{}<>*/|()[]\n ".utf8) + [0x80, 0xC3, 0xFF]
        let fragments = ["xxxxxxxx", "example", "${", "<", "your_key", "placeholder", "abcdefghijkl", "111111111111", "-333-", "abab", "a\nb", "pass_x"]
        var compared = 0
        var matched = 0
        for _ in 0..<300 {
            let count = Int.random(in: 0...8, using: &generator)
            let sources = (0..<count).map { _ in Self.pool.randomElement(using: &generator)! }
            let matcher = try Self.matcher(sources)
            for _ in 0..<40 {
                var value: [UInt8] = []
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    if Bool.random(using: &generator) {
                        value += fragments.randomElement(using: &generator)!.utf8
                    } else {
                        for _ in 0..<Int.random(in: 0...6, using: &generator) { value.append(alphabet.randomElement(using: &generator)!) }
                    }
                }
                let (combined, alone) = Self.both(matcher, value, scratch: scratch)
                #expect(combined == alone, "\(sources) on \(value)")
                compared += 1
                if alone { matched += 1 }
            }
        }
        // Both answers occur often enough for the comparison to mean something.
        #expect(matched > compared / 10 && matched < compared * 9 / 10)
    }
}
