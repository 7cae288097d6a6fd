import CordonTestSupport
import Testing

@testable import Cordon

/// The superset automaton read off a pattern and run over a search window before PCRE2: it may
/// admit a window PCRE2 finds nothing in, never reject one PCRE2 finds a match in.
@Suite("Pattern sketches: a superset automaton of a pattern rules out windows before PCRE2")
struct PatternSketchTests {
    static func admits(_ sketch: PatternSketch, _ text: String, from lower: Int = 0, through upper: Int = 0) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { sketch.admits($0, from: lower, through: upper) }
    }

    /// Whether PCRE2 finds a match of `pattern` starting from `lower` through `upper` of `bytes`.
    static func pcre2Matches(_ pattern: CompiledPattern, _ bytes: [UInt8], from lower: Int, through upper: Int, scratch: MatchScratch) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            if case .match = scratch.match(pattern, in: buffer, from: lower, startLimit: upper) { return true }
            return false
        }
    }

    @Test("An assignment after a keyword: spaces, an operator, a quote — the automaton dies at the first byte that cannot follow")
    func assignment() throws {
        let sketch = try #require(PatternSketch(pattern: #"(?i:token|secret)s?(?:\\?["'])?[ \t]{0,16}(?:=>|:=|=(?!=)|:)[ \t]{0,8}"?([A-Za-z0-9]{8,})"#))
        #expect(Self.admits(sketch, "token = abcdefgh12"))
        #expect(Self.admits(sketch, "SECRETS: \"abcdefgh"))
        #expect(Self.admits(sketch, "token=>abcdefgh"))
        #expect(!Self.admits(sketch, "token is abcdefgh"))
        #expect(!Self.admits(sketch, "tokens in a list"))
        #expect(!Self.admits(sketch, "token = abc"))  // the value's first 8 bytes are read exactly
        #expect(Self.admits(sketch, "token = abcdefgh"))  // 8 bytes at the text's end
        #expect(!Self.admits(sketch, "token = abcdefg"))  // 7: one short
        #expect(!Self.admits(sketch, ""))
        // 16 blanks then `=`: the `{0,16}` is read as `*`, a superset: 17 are admitted too.
        #expect(Self.admits(sketch, "token" + String(repeating: " ", count: 17) + "=abcdefgh"))
    }

    @Test("A window: a match may start at any offset from lower through upper, not before nor after")
    func window() throws {
        let sketch = try #require(PatternSketch(pattern: "ab=[0-9]{4}"))
        let text = "xxab=1234yy"
        #expect(Self.admits(sketch, text, from: 2, through: 2))
        #expect(Self.admits(sketch, text, from: 0, through: 2))
        #expect(!Self.admits(sketch, text, from: 0, through: 1))  // upper one short
        #expect(!Self.admits(sketch, text, from: 3, through: 10))  // lower one past
        #expect(Self.admits(sketch, text, from: 2, through: 100))
        #expect(!Self.admits(sketch, "xxab=123", from: 0, through: 8))  // the text ends one byte early
    }

    @Test("(*F) matches nothing, so a branch ending in it adds no start; verbs and lookarounds are empty")
    func verbsAndLookarounds() throws {
        let sketch = try #require(PatternSketch(pattern: "(?:[a-z]+(?!@)(*SKIP)(*F)|(?=[^@]{1,8}@)[a-z]+@[a-z]+\\.)"))
        #expect(Self.admits(sketch, "ann@corp.io"))
        #expect(!Self.admits(sketch, "annual report", from: 0, through: 12))
        #expect(!Self.admits(sketch, "ann@corp io", from: 0, through: 10))
        #expect(PatternSketch(pattern: "a(*F)") == nil)  // nothing can start
    }

    @Test("Constructs the reader does not follow become a stop that admits what reaches it", arguments: [
        ("ab([0-9])\\1", "ab7", "ax7"),
        ("ab(?(1)x|y)z", "ab", "ax"),
        ("ab(?R)?c", "ab", "ax"),
        ("ab(*ACCEPT)c", "ab", "ax"),
    ])
    func stops(pattern: String, admitted: String, rejected: String) throws {
        let sketch = try #require(PatternSketch(pattern: pattern), "\(pattern)")
        #expect(Self.admits(sketch, admitted), "\(pattern)")
        #expect(!Self.admits(sketch, rejected), "\(pattern)")
    }

    @Test("No sketch when it would rule nothing out or the syntax is not read", arguments: [
        "a*",  // the empty string
        "(?:ab)?",
        "\\1ab",  // a stop first
        "a[[:alpha:]]",  // a POSIX class
        "a\\p{L}",  // a property
        "a{2",  // a brace not followed
        "a(b",  // unclosed
        "a\\Qb\\E",
    ])
    func noSketch(pattern: String) {
        #expect(PatternSketch(pattern: pattern) == nil, "\(pattern)")
    }

    @Test("Classes: ranges, \\xhh, escapes, letters in both cases; a negated class is the complement of its members as written")
    func classes() throws {
        let sketch = try #require(PatternSketch(pattern: #"(?i)k[\xC3-\xDB][\x80-\xBF]x[\d_-]"#))
        #expect(Self.admits(sketch, "K\u{00E9}x_"))  // é is C3 A9
        #expect(Self.admits(sketch, "k\u{00E9}X9"))
        #expect(!Self.admits(sketch, "kAx9"))
        #expect(!Self.admits(sketch, "k\u{00E9}x+"))
        let negated = try #require(PatternSketch(pattern: #"k[^"\s]x"#))
        #expect(Self.admits(negated, "kzx"))
        #expect(Self.admits(negated, "k-x"))
        #expect(!Self.admits(negated, "k\"x"))
        #expect(!Self.admits(negated, "k\tx"))
    }

    @Test("Extended mode: blanks and comments are not part of the pattern, until (?-x)")
    func extended() throws {
        let sketch = try #require(PatternSketch(pattern: "(?x) a b # a comment ( with a bracket\n c (?-x) d"))
        #expect(Self.admits(sketch, "abc d"))
        #expect(!Self.admits(sketch, "abcd"))
        #expect(!Self.admits(sketch, "a bc d"))
    }

    @Test("Bounded repetitions: the minimum is read exactly up to 8 copies, the maximum as no bound")
    func repetitions() throws {
        let sketch = try #require(PatternSketch(pattern: "k[0-9]{3,5}!"))
        #expect(!Self.admits(sketch, "k12!"))
        #expect(Self.admits(sketch, "k123!"))
        #expect(Self.admits(sketch, "k1234567!"))  // beyond the maximum: a superset
        let long = try #require(PatternSketch(pattern: "k[0-9]{20}!"))
        #expect(!Self.admits(long, "k1234567x"))
        #expect(Self.admits(long, "k12345678!"))  // 8 copies and a star
        let exact = try #require(PatternSketch(pattern: "k[0-9]{2}!"))
        #expect(!Self.admits(exact, "k123!"))
    }

    @Test("Alive 256 bytes past the last start, the automaton admits the window without reading on; dead within them, it rules the window out")
    func reach() throws {
        let sketch = try #require(PatternSketch(pattern: "a[0-9]{0,500}!"))
        let digits = { (count: Int) in "a" + String(repeating: "7", count: count) + "x" }
        #expect(PatternSketch.reach == 256)
        #expect(!Self.admits(sketch, digits(255)))  // dies at byte 256
        #expect(Self.admits(sketch, digits(256)))  // alive after byte 256
        #expect(Self.admits(sketch, digits(400)))
        #expect(!Self.admits(sketch, "b" + digits(400)))  // no start
    }

    @Test("A sketch read lazily is set aside once it has ruled out fewer than three quarters of 512 or more windows; at three quarters it stays")
    func yield() {
        let lazy = LazyPatternSketch(pattern: "ab=[0-9]{4}")
        #expect(lazy.sketch(confirming: LazyPatternSketch.occurrencesBeforeSketch - 1) == nil)  // one occurrence short
        #expect(lazy.sketch(confirming: 1) != nil)
        lazy.record(checks: 511, rejections: 0)
        #expect(!lazy.isSetAside)  // 511 windows: not judged yet
        lazy.record(checks: 1, rejections: 384)
        #expect(!lazy.isSetAside)  // 512 windows, 384 ruled out: three quarters
        lazy.record(checks: 2, rejections: 0)
        #expect(lazy.isSetAside && lazy.readNow == nil)  // 514, 384: fewer than three quarters
        let none = LazyPatternSketch(pattern: "a*")
        #expect(none.readNow == nil && !none.isSetAside)
    }

    /// Every byte in `pattern`'s source and the keywords, and a few common ones: texts over the
    /// pattern's own alphabet, so that matches do occur.
    static func alphabet(of detector: Detector) -> [UInt8] {
        var bytes = Set(detector.pattern.utf8)
        for word in detector.keywords { bytes.formUnion(word.utf8) }
        bytes.formUnion(" \n\t=:\"'aZ09_-.@".utf8)
        bytes.formUnion([0xC3, 0xA9, 0x80, 0xFF])  // UTF-8 and invalid UTF-8 bytes
        return bytes.sorted()
    }

    @Test("Built-in patterns: wherever the sketch rejects a window, PCRE2 finds no match in it (examples, their mutations, random texts over each pattern's alphabet)")
    func builtInPatternsAgreeWithPCRE2() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let scratch = MatchScratch(limits: .default)
        var generator = SeededGenerator(seed: 13)
        var sketched = 0
        var rejected = 0
        var matched = 0
        for (index, detector) in engine.detectors.enumerated() where engine.compiled[index].isGated {
            guard let sketch = PatternSketch(pattern: detector.pattern) else { continue }
            sketched += 1
            let pattern = engine.compiled[index].pattern
            let alphabet = Self.alphabet(of: detector)
            var texts = (detector.examples + detector.negativeExamples + detector.testValueExamples).map { Array($0.utf8) }
            for example in texts {
                for _ in 0..<4 {
                    var mutated = example
                    for _ in 0..<(1 + Int(generator.next() % 3)) where !mutated.isEmpty {
                        let at = Int(generator.next() % UInt64(mutated.count))
                        switch generator.next() % 3 {
                        case 0: mutated[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                        case 1: mutated.remove(at: at)
                        default: mutated.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: at)
                        }
                    }
                    texts.append(mutated)
                }
            }
            for _ in 0..<20 {
                let keyword = detector.keywords.isEmpty ? [] : Array(detector.keywords[Int(generator.next() % UInt64(detector.keywords.count))].utf8)
                let tail = (0..<Int(generator.next() % 40)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                texts.append(keyword + tail)
            }
            for text in texts {
                for lower in stride(from: 0, through: text.count, by: 1) {
                    let upper = min(text.count, lower + Int(generator.next() % 4))
                    let admitted = text.withUnsafeBufferPointer { sketch.admits($0, from: lower, through: upper) }
                    let found = Self.pcre2Matches(pattern, text, from: lower, through: upper, scratch: scratch)
                    if found {
                        matched += 1
                        #expect(admitted, "\(detector.id): a window with a match rejected (offset \(lower))")
                    }
                    if !admitted { rejected += 1 }
                }
            }
        }
        #expect(sketched > 300)
        #expect(matched > 1000)
        #expect(rejected > 10000)
    }

    @Test("The deterministic form admits exactly the windows the automaton admits (every built-in pattern; windows before, across and past the text)")
    func deterministicFormEqualsTheAutomaton() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 17)
        var sketched = 0
        var admittedCount = 0
        var rejectedCount = 0
        for (index, detector) in engine.detectors.enumerated() where engine.compiled[index].isGated {
            guard let sketch = PatternSketch(pattern: detector.pattern) else { continue }
            let dfa = try #require(SketchDFA(sketch: sketch))
            sketched += 1
            let alphabet = Self.alphabet(of: detector)
            var texts = (detector.examples + detector.negativeExamples + detector.testValueExamples).map { Array($0.utf8) }
            for _ in 0..<8 {
                let keyword = detector.keywords.isEmpty ? [] : Array(detector.keywords[Int(generator.next() % UInt64(detector.keywords.count))].utf8)
                let head = (0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                let tail = (0..<Int(generator.next() % 160)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                texts.append(head + keyword + tail)
            }
            for text in texts {
                text.withUnsafeBufferPointer { buffer in
                    for lower in -1...(text.count + 1) {
                        for width in [-1, 0, 1, Int(generator.next() % 70)] {
                            let deterministic = dfa.admits(buffer, from: lower, through: lower + width)
                            let automaton = sketch.admits(buffer, from: lower, through: lower + width)
                            #expect(deterministic == automaton, "\(detector.id): offset \(lower), width \(width), \(text.count) bytes")
                            if automaton { admittedCount += 1 } else { rejectedCount += 1 }
                        }
                    }
                }
            }
            #expect(dfa.stateCount <= dfa.stateLimit)
            #expect(dfa.stateLimit <= SketchDFA.capacity && dfa.stateLimit * sketch.classCount <= SketchDFA.entryLimit)
        }
        #expect(sketched > 300)
        #expect(admittedCount > 10000)
        #expect(rejectedCount > 10000)
    }

    @Test("A collect call's cursor answers every window as the sketch alone does — ascending, overlapping, adjacent, nested, repeated or descending — and the starts it skips are ones the sketch rules out")
    func cursorEqualsTheSketchAlone() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 31)
        var sketched = 0
        var windows = 0
        var rejected = 0
        var skipped = 0
        for (index, detector) in engine.detectors.enumerated() where engine.compiled[index].isGated {
            guard let sketch = PatternSketch(pattern: detector.pattern) else { continue }
            sketched += 1
            let alphabet = Self.alphabet(of: detector)
            let words = (detector.keywords + (detector.context?.words ?? [])).map { Array($0.utf8) }
            let examples = (detector.examples + detector.negativeExamples).map { Array($0.utf8) }
            for round in 0..<3 {
                // Gate words, examples and bytes of the pattern's alphabet; round 0 is empty.
                var text: [UInt8] = []
                while round > 0, text.count < 40 + Int(generator.next() % 300) {
                    switch generator.next() % 4 {
                    case 0 where !words.isEmpty: text += words[Int(generator.next() % UInt64(words.count))]
                    case 1 where !examples.isEmpty: text += examples[Int(generator.next() % UInt64(examples.count))]
                    default: text += (0..<Int(1 + generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                    }
                }
                text.withUnsafeBufferPointer { buffer in
                    for deterministic in [nil, SketchDFA(sketch: sketch)] {
                        var cursor = CompiledDetector.SketchCursor(sketch: sketch, deterministic: deterministic)
                        var expectedRejections = 0
                        var lower = 0
                        for step in 0..<40 {
                            // Mostly ascending and overlapping, as gate words' windows are; now
                            // and then adjacent (-1/0/+1 around the last upper), nested or back.
                            switch generator.next() % 6 {
                            case 0: lower = cursor.ruledOutUpper + Int(generator.next() % 3)
                            case 1: lower = max(0, lower - Int(generator.next() % 20))
                            default: lower += Int(generator.next() % 24)
                            }
                            let upper = lower + (step % 7 == 0 ? 0 : Int(generator.next() % UInt64(PatternSketch.widestWindow + 1)))
                            let alone = sketch.admits(buffer, from: lower, through: upper)
                            let open = cursor.firstOpenStart(from: lower)
                            let admitted = cursor.admits(buffer, from: lower, through: upper)
                            #expect(admitted == alone, "\(detector.id): window \(lower)...\(upper) of \(text.count) bytes")
                            windows += 1
                            if !alone { expectedRejections += 1 }
                            // Each start passed over is one the sketch rules out by itself.
                            for start in lower..<min(open, upper + 1) {
                                #expect(!sketch.admits(buffer, from: start, through: start), "\(detector.id): start \(start) skipped")
                                skipped += 1
                            }
                        }
                        #expect(cursor.checks == 40)
                        #expect(cursor.rejections == expectedRejections)
                        rejected += expectedRejections
                    }
                }
            }
        }
        #expect(sketched > 300)
        #expect(windows > 50000)
        #expect(rejected > 10000)
        #expect(skipped > 10000)
    }

    @Test("A cursor at the edges: a window starting at the last ruled-out start, just past it (shared) or one further (not); a nested window is ruled out without a walk")
    func cursorEdges() throws {
        let sketch = try #require(PatternSketch(pattern: "key=[0-9]{4}"))
        let text = Array("..........key=12 ..........key=1234".utf8)
        try text.withUnsafeBufferPointer { buffer in
            var cursor = CompiledDetector.SketchCursor(sketch: sketch, deterministic: try #require(SketchDFA(sketch: sketch)))
            let admitted1 = cursor.admits(buffer, from: 0, through: 9)
            #expect(!admitted1)
            #expect(cursor.ruledOutLower == 0 && cursor.ruledOutUpper == 9)
            #expect(cursor.firstOpenStart(from: 9) == 10)
            #expect(cursor.firstOpenStart(from: 10) == 10)
            #expect(cursor.firstOpenStart(from: 11) == 11)
            // Just past the interval: joined to it.
            let admitted2 = cursor.admits(buffer, from: 10, through: 12)
            #expect(!admitted2)
            #expect(cursor.ruledOutLower == 0 && cursor.ruledOutUpper == 12)
            // Nested: ruled out without a walk, counted.
            let admitted3 = cursor.admits(buffer, from: 3, through: 8)
            #expect(!admitted3)
            #expect(cursor.ruledOutUpper == 12 && cursor.checks == 3 && cursor.rejections == 3)
            // One past the next start: a new interval.
            let admitted4 = cursor.admits(buffer, from: 14, through: 20)
            #expect(!admitted4)
            #expect(cursor.ruledOutLower == 14 && cursor.ruledOutUpper == 20)
            // A window reaching the match is admitted from the first start not ruled out, and the
            // interval stays as it was.
            let admitted5 = cursor.admits(buffer, from: 15, through: 27)
            #expect(admitted5)
            #expect(cursor.ruledOutLower == 14 && cursor.ruledOutUpper == 20)
            #expect(cursor.firstOpenStart(from: 15) == 21)
            #expect(cursor.rejections == 4 && cursor.checks == 5)
        }
        // An empty text: nothing to admit, from any window.
        [UInt8]().withUnsafeBufferPointer { buffer in
            var cursor = CompiledDetector.SketchCursor(sketch: sketch, deterministic: nil)
            let admitted6 = cursor.admits(buffer, from: 0, through: 0)
            #expect(!admitted6)
            let admitted7 = cursor.admits(buffer, from: 0, through: 64)
            #expect(!admitted7)
            #expect(cursor.rejections == 2)
        }
    }

    @Test("Scans with every sketch read equal the reference scan on texts dense with gate words, whose windows overlap: keywords, phone words, prose, code and numbers")
    func overlappingWindowScansEqualTheReference() throws {
        let engine = try Engine(DetectorSet.builtIn())
        for detector in engine.compiled { _ = detector.sketch.readNow }
        var generator = SeededGenerator(seed: 37)
        let pieces = [
            "call", "Call me on ", "message", "office", "desk", "text me", "Tel: ", "phone", "fax ", "mobile", "\n",
            "def call(self, message):\n    return self.office.desk\n", "the office called about the message yesterday. ",
            "06-72314856", "(029) 3743-196", "+44 20 7946 0958", "650-752-7354x549", "742 819 305", "12:30:45", "10.0.0.1",
            "2024-01-05", "v1.2.3", "x = 12345", " ", "\n", "; ", "0", "7", "-", "(", ")", "+", "Rue ", "@acme.io",
            "token", "key", "key=", "pass", "password: ", "password = get_password()", "secret", "api_key", " = ", "\"",
            "Xu8BzdGMJpwaR5OR", "ghp_", "sk-", "jane.doe@acme-corp.io", "0123456789abcdef0123456789abcdef",
        ].map { Array($0.utf8) }
        for _ in 0..<300 {
            var text: [UInt8] = []
            for _ in 0..<(6 + Int(generator.next() % 40)) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            #expect(engine.scan(text) == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(text.count) bytes")
        }
    }

    @Test("A thread's checks reach the sketch's yield in batches of 64: 63 are held, the 64th sends all")
    func checksAreReportedInBatches() throws {
        let lazy = LazyPatternSketch(pattern: "key=[0-9]{4}")
        let sketch = try #require(lazy.readNow)
        let dfa = try #require(SketchDFA(sketch: sketch))
        #expect(SketchDFA.checksPerReport == 64)
        // Nothing ruled out: judged and set aside at 512 checks, once they are reported.
        for _ in 0..<(LazyPatternSketch.checksBeforeJudging - 1) { dfa.report(checks: 1, rejections: 0, to: lazy) }
        #expect(!lazy.isSetAside)
        #expect(dfa.unreportedChecks == 63)
        dfa.report(checks: 1, rejections: 0, to: lazy)
        #expect(dfa.unreportedChecks == 0)
        #expect(lazy.isSetAside)
        // Rejections travel with their checks.
        let kept = LazyPatternSketch(pattern: "key=[0-9]{4}")
        _ = try #require(kept.readNow)
        for _ in 0..<1_000 { dfa.report(checks: 1, rejections: 1, to: kept) }
        #expect(!kept.isSetAside)
        #expect(dfa.unreportedRejections == dfa.unreportedChecks)
    }

    @Test("A deterministic form that reaches its capacity forgets its states and answers as the automaton does")
    func deterministicFormHasACapacity() throws {
        // After `[ab]*a`, the last nine bytes must each be remembered: 2^9 sets of states.
        let sketch = try #require(PatternSketch(pattern: "[ab]*a[ab]{8}!"))
        let dfa = try #require(SketchDFA(sketch: sketch))
        var generator = SeededGenerator(seed: 23)
        var most = 0
        var admitted = 0
        for round in 0..<400 {
            var text = (0..<(20 + round % 40)).map { _ in generator.next() % 2 == 0 ? UInt8(ascii: "a") : UInt8(ascii: "b") }
            if generator.next() % 2 == 0 { text.append(UInt8(ascii: "!")) }
            text.withUnsafeBufferPointer { buffer in
                for lower in 0..<text.count {
                    let upper = lower + Int(generator.next() % 64)
                    let expected = sketch.admits(buffer, from: lower, through: upper)
                    #expect(dfa.admits(buffer, from: lower, through: upper) == expected, "round \(round), offset \(lower)")
                    if expected { admitted += 1 }
                    most = max(most, dfa.stateCount)
                }
            }
        }
        #expect(dfa.stateLimit == SketchDFA.capacity)
        #expect(most == SketchDFA.capacity)
        #expect(dfa.stateCount < SketchDFA.capacity)
        #expect(admitted > 1000)
    }

    @Test("Scans with every sketch read equal the reference scan on texts of keywords, assignments and values")
    func scansEqualTheReference() throws {
        let engine = try Engine(DetectorSet.builtIn())
        for detector in engine.compiled { _ = detector.sketch.readNow }
        var generator = SeededGenerator(seed: 29)
        let pieces = [
            "token", "key", "pass", "secret", "password", "@", "api_key", "auth", "account", "address", "call me on", " = ", ": ",
            "=>", "\"", "'", "\n", " ", "Xu8BzdGMJpwaR5OR", "jane.doe@acme-corp.io", "+1 415 555 0132", "ghp_", "sk-",
            "0123456789abcdef0123456789abcdef", "Bank account number: 004418239207", "password: Hx4$bN8qTz",
        ].map { Array($0.utf8) }
        for _ in 0..<300 {
            var text: [UInt8] = []
            for _ in 0..<(4 + Int(generator.next() % 20)) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            #expect(engine.scan(text) == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(String(decoding: text, as: UTF8.self).count) bytes")
        }
    }
}
