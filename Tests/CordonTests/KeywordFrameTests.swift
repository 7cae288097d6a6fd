import CordonTestSupport
import Testing

@testable import Cordon

/// The keyword frame and the start steps: where a match can start around a keyword occurrence or
/// a run, read off the pattern and checked without PCRE2.
@Suite("Keyword frames and start steps: the starts a match can have, before PCRE2")
struct KeywordFrameTests {
    static func starts(_ frame: KeywordFrame, _ text: String, at occurrence: Int) -> ClosedRange<Int>? {
        Array(text.utf8).withUnsafeBufferPointer { frame.starts(around: occurrence, in: $0) }
    }

    @Test("A run of bounded length before the keyword gives the starts at which the run can begin")
    func runBeforeTheKeyword() throws {
        let pattern = "(?:(?<![A-Za-z0-9_:-])|(?<=\\\\[nrt])|(?<=/bot))([0-9]{5,16}:A[A-Za-z0-9_-]{33,34})(?![A-Za-z0-9_-])"
        let frame = try #require(PatternPrefix.keywordFrame(pattern, keywords: [":A"], window: 256))
        let tail = String(repeating: "x", count: 33)
        // "bot 123456789:A…": 9 digits before the keyword; a match starts 5 to 9 bytes before it.
        #expect(Self.starts(frame, "bot 123456789:A" + tail, at: 13) == 4...8)
        // Four digits are too few; a short tail after the keyword rules it out too.
        #expect(Self.starts(frame, "bot 1234:A" + tail, at: 8) == nil)
        #expect(Self.starts(frame, "123456789:A" + String(tail.dropLast()), at: 9) == nil)
        // Seventeen digits: the run is counted up to its maximum only.
        #expect(Self.starts(frame, String(repeating: "1", count: 17) + ":A" + tail, at: 17) == 1...12)
        #expect(Self.starts(frame, ":A" + tail, at: 0) == nil)
    }

    @Test("Fixed bytes before the keyword give one start")
    func fixedBytesBeforeTheKeyword() throws {
        let frame = try #require(PatternPrefix.keywordFrame(
            "(?:(?<![A-Za-z0-9])|(?<=\\\\[nrt]))(00[A-Za-z0-9]{13}![A-Za-z0-9._-]{80,128})(?![A-Za-z0-9._/+=-])",
            keywords: ["!"], window: 15))
        #expect(frame.run == nil)
        #expect(frame.fixed.length == 15)
        let token = "00D5e000000abcd!" + String(repeating: "A", count: 80)
        #expect(Self.starts(frame, "x " + token, at: 17) == 2...2)
        #expect(Self.starts(frame, "x 01D5e000000abcd!" + String(repeating: "A", count: 80), at: 17) == nil)
        #expect(Self.starts(frame, "x " + token.prefix(60), at: 17) == nil)
        #expect(Self.starts(frame, "hello world!", at: 11) == nil)
        let mailchimp = try #require(PatternPrefix.keywordFrame(
            "(?:(?<![A-Za-z0-9])|(?<=\\\\[nrt]))([a-f0-9]{32}-us[0-9]{1,2})(?![A-Za-z0-9])", keywords: ["-us"], window: 256))
        #expect(mailchimp.fixed.length == 32)
        #expect(mailchimp.after.length == 4)
    }

    @Test("No frame where the reader cannot be sure, or the keyword could lie farther than the window", arguments: [
        ("[0-9]+:A[a-z]{5}", ":A"),  // an unbounded run: a match may start farther back than the window
        ("[0-9]{5,16}[a-z]{1,3}:A", ":A"),  // two runs of variable length
        ("(?:[0-9]{5}|x):A", ":A"),  // an alternative before the keyword
        ("[^ ]{5}:A", ":A"),  // a negated class
        (".{5}:A", ":A"),  // any byte
        ("[0-9]{5}:B", ":A"),  // the keyword is not in the pattern
        (":A[0-9]{5}", ":A"),  // starts with the keyword: anchored instead
        ("[0-9]{300}:A", ":A"),  // farther than the window
        ("(?:[0-9]{5}){2}:A", ":A"),  // a quantified group
    ])
    func noFrameWhenUnsure(pattern: String, keyword: String) {
        #expect(PatternPrefix.keywordFrame(pattern, keywords: [keyword], window: 256) == nil)
    }

    @Test("A detector with two different keywords gets no frame: an occurrence does not say which it is")
    func twoKeywords() {
        #expect(PatternPrefix.keywordFrame("[0-9]{5}:A", keywords: [":A", ":B"], window: 256) == nil)
        #expect(PatternPrefix.keywordFrame("[0-9]{5}:A", keywords: [":A", ":a"], window: 256) != nil)
    }

    @Test("Start steps read the fixed bytes and the first run's minimum from a match's start")
    func startSteps() throws {
        let steps = try #require(PatternPrefix.startSteps("(?:(?<![A-Za-z0-9])|(?<=\\\\[nrt]))D[5-9A-HJ-NP-U][1-9A-HJ-NP-Za-km-z]{32}(?![A-Za-z0-9])"))
        #expect(steps.counts == [1, 1, 32])
        let address = "D" + "7" + String(repeating: "a", count: 32)
        for (text, at, expected) in [(address, 0, true), ("x" + address, 1, true), ("E" + address.dropFirst(), 0, false),
                                     ("D4" + address.dropFirst(2), 0, false), (String(address.dropLast()), 0, false)] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { steps.admits($0, at: at) } == expected, "\(text) at \(at)")
        }
        #expect(PatternPrefix.startSteps("(?x) [a-z]* foo") == nil)
        #expect(PatternPrefix.startSteps("(?:a|b)cd") == nil)
    }

    @Test("Built-in detectors behind frequent short keywords and long runs get a frame or start steps")
    func builtInDetectors() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let framed = Set(engine.compiled.filter { $0.frame != nil }.map(\.id))
        for id in ["telegram-bot-token", "salesforce-access-token", "mailchimp-api-key"] {
            #expect(framed.contains(id), "\(id)")
        }
        let stepped = Set(engine.compiled.filter { $0.startSteps != nil }.map(\.id))
        for id in ["dogecoin-address", "litecoin-address"] {
            #expect(stepped.contains(id), "\(id)")
        }
    }

    @Test("Near misses around framed keywords and stepped runs: the fast scan equals the reference scan")
    func nearMisses() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 21)
        // Each framed detector's keyword with runs before and after it that are too short, just
        // right or too long, in and out of class; each stepped detector's run shape likewise.
        let framed = engine.compiled.filter { $0.frame != nil }
        let stepped = engine.compiled.filter { $0.startSteps != nil }
        #expect(!framed.isEmpty && !stepped.isEmpty)
        let alphabet = Array("0123456789abcdefABCDEFDLM_-.!:xyz+/=".utf8)
        func randomRun(_ length: Int) -> [UInt8] {
            (0..<max(0, length)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        }
        func member(_ set: ByteSet) -> UInt8 {
            let members = (0...UInt8(127)).filter { set.contains($0) }
            return members[Int(generator.next() % UInt64(members.count))]
        }
        for _ in 0..<300 {
            var text: [UInt8] = []
            for _ in 0..<Int(generator.next() % 5 + 1) {
                text += Array(" ".utf8)
                if generator.next() % 2 == 0, let detector = framed.randomElement(using: &generator), let frame = detector.frame {
                    if let run = frame.run {
                        let length = run.minimum + Int(generator.next() % UInt64(run.maximum - run.minimum + 3)) - 1
                        text += (0..<max(0, length)).map { _ in member(run.members) }
                    }
                    for (set, count) in zip(frame.fixed.members, frame.fixed.counts) {
                        text += (0..<count).map { _ in generator.next() % 8 == 0 ? UInt8(ascii: "~") : member(set) }
                    }
                    for (set, count) in zip(frame.after.members, frame.after.counts) {
                        let length = count + (generator.next() % 6 == 0 ? -1 : Int(generator.next() % 3))
                        text += (0..<max(0, length)).map { _ in member(set) }
                    }
                } else if let detector = stepped.randomElement(using: &generator), let steps = detector.startSteps {
                    for (set, count) in zip(steps.members, steps.counts) {
                        let length = count + (generator.next() % 6 == 0 ? -1 : 0)
                        text += (0..<max(0, length)).map { _ in generator.next() % 16 == 0 ? UInt8(ascii: "0") : member(set) }
                    }
                }
                text += randomRun(Int(generator.next() % 4))
            }
            #expect(engine.scan(text) == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(text.count) bytes")
        }
    }
}
