import CordonTestSupport
import Testing

@testable import Cordon

/// The run every match of a keyword-anchored pattern holds a bounded distance after the keyword,
/// read off the pattern and checked at each keyword occurrence without PCRE2.
@Suite("Required runs: a run every match holds within a bounded distance of its start, before PCRE2")
struct RequiredRunTests {
    static func admits(_ run: RequiredRun, _ text: String, at start: Int = 0) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { run.admits($0, at: start) }
    }

    @Test("The distance is the most bytes the pieces before the run can take, through alternatives and nested groups", arguments: [
        ("box[a-z]{0,5}=([A-Za-z0-9]{32})", 32, 4, 9),
        ("a(?:b{0,3}|c{2,9})[0-9]{10}", 10, 1, 10),
        ("(?x) a  # a comment (with a parenthesis\n  [0-9]{10}", 10, 1, 1),
        ("(?i)(?<![a-z])key(?!_id)\\s{1,4}(?:=>|:=?)[ \\t]{0,8}(?:\\\\?[\"'`])?([A-F0-9]{16,64})", 16, 5, 19),
        ("x(?=[a-z]{20})(?<name>[0-9]{2}(?:-|\\.)?)(?:[A-Z]{8})", 8, 3, 4),
        ("k(?#a comment)\\x41{2}.[0-9]{8,}", 8, 4, 4),
        ("k(?:(?:ab)|c)(?:de)?[^\"\\s]{12}", 12, 2, 5),
        // Four bytes without letters or blanks are worth a check: digits, punctuation.
        ("(?i)emp[ _]?id\\s{0,3}[:=]?\\s{0,3}(?:[A-Z]{1,4}-?)?[0-9]{4,10}", 4, 5, 18),
        ("k=[-+.]{4}", 4, 2, 2),
        // One punctuation byte: a literal, or the bytes a group's alternatives each start with.
        (#"(?i)(?<![a-z])(?:pass(?:word)?|pwd)[ \t]{0,4}(?:===?|!==?)[ \t]{0,4}"#, 1, 3, 12),
        (#"key[a-z]{0,3}\b=?\s{0,2}:"#, 1, 3, 9),
        ("(?i)tok(?:en)?[ ]?(?:\\=|\\b!|[:;])", 1, 3, 6),
        ("a[a-z]{0,63}=", 1, 1, 64),  // 64 starts: the most for a short run
    ])
    func reach(pattern: String, count: Int, earliest: Int, latest: Int) throws {
        let run = try #require(RequiredRun(pattern: pattern), "\(pattern)")
        #expect(run.count == count)
        #expect(run.earliest == earliest)
        #expect(run.latest == latest)
    }

    @Test("No run where a match need not hold one at a bounded distance, or the reader cannot be sure", arguments: [
        "a.*[0-9]{10}",  // unbounded before the run
        "a[0-9]{10}|b[0-9]{10}",  // a top-level alternative
        "a(?:[0-9]{10})?x",  // an optional group
        "a(?:[0-9]{10}|x)",  // the run in one alternative only
        "a(?=[0-9]{10})",  // a lookahead: not taken
        "a(?![0-9]{10})[0-9]{3}",  // a negative lookahead, and too short a run
        "a([0-9])\\1[0-9]{10}",  // a backreference
        "a(*SKIP)[0-9]{10}",  // a verb
        "a[[:alpha:]]{10}",  // a POSIX class
        "a\\p{L}{10}",  // a property
        "a[0-9]{10",  // an unclosed brace
        "a[0-9]{3}",  // too short a run of digits
        "a[a-z]{4}",  // four letters: too common
        "a[0-9 ]{4}",  // digits or blanks: too common
        "a\\s{4}",  // blanks
        "a[ ]?(?:=|x)",  // an alternative led by a letter
        "a[ ]?(?:=|)",  // an empty alternative
        "a[ ]?(?:=?x|!)",  // an alternative led by an optional byte
        "a(?:=|!)?b",  // an optional group
        "a[0-9]",  // one digit
        "a(?=[=!])b",  // only in a lookahead
        "a[a-z]{0,64}=",  // a short run with more than 64 starts
        "a[a-z]{0,64}[0-9]{4}",
        "a([0-9]{10}",  // an unclosed group
    ])
    func noRun(pattern: String) {
        #expect(RequiredRun(pattern: pattern) == nil, "\(pattern)")
    }

    @Test("The longest run is the one checked; letters in both cases; a negated class is its complement")
    func members() throws {
        let run = try #require(RequiredRun(pattern: "k[a-f]{8}_[0-9]{12}"))
        #expect(run.count == 12 && run.earliest == 10 && run.latest == 10)
        let hex = try #require(RequiredRun(pattern: "(?i)k[a-f]{8}"))
        #expect(hex.members.contains(UInt8(ascii: "A")) && hex.members.contains(UInt8(ascii: "f")) && !hex.members.contains(UInt8(ascii: "g")))
        let quoted = try #require(RequiredRun(pattern: "k[^\"']{8}"))
        #expect(!quoted.members.contains(UInt8(ascii: "\"")) && quoted.members.contains(UInt8(ascii: " ")) && quoted.members.contains(0xFF))
    }

    @Test("A run starting at the latest offset is admitted, one byte later or one byte short is not; the text's end bounds it")
    func admitsAtTheEdges() throws {
        let run = try #require(RequiredRun(pattern: "box[a-z]{0,5}=([A-Za-z0-9]{32})"))
        let value = String(repeating: "Q", count: 32)
        #expect(Self.admits(run, "box=" + value))
        #expect(Self.admits(run, "boxabcde=" + value))  // the run at offset 9 = latest
        #expect(!Self.admits(run, "boxabcde= " + value))  // at 10
        #expect(!Self.admits(run, "box=" + value.dropLast()))  // 31 bytes, at the text's end
        #expect(!Self.admits(run, "box=" + value.dropLast() + "!"))
        // The run may begin before `earliest`: its members from there on count.
        #expect(Self.admits(run, "box" + value + "Q!"))
        #expect(!Self.admits(run, "box" + value + "!"))
        #expect(Self.admits(run, "xx box=" + value, at: 3))
        #expect(!Self.admits(run, "xx box=" + value, at: 4))
    }

    @Test("The probing check agrees with a byte-by-byte search for a long enough run at every allowed start")
    func probingAgreesWithAByteWalk() {
        var generator = SeededGenerator(seed: 5)
        var digits = ByteSet()
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { digits.insert(byte) }
        let alphabet = Array("0123456789 x".utf8)
        for _ in 0..<3000 {
            let count = Int(generator.next() % 6) + 1
            let earliest = Int(generator.next() % 5)
            let latest = earliest + Int(generator.next() % 8)
            let run = RequiredRun(members: digits, count: count, earliest: earliest, latest: latest)
            let text = (0..<Int(generator.next() % 30)).map { _ in generator.next() % 3 == 0 ? alphabet[10] : alphabet[Int(generator.next() % 12)] }
            for start in 0...text.count {
                let expected = (earliest...latest).contains { offset in
                    let from = start + offset
                    return from + count <= text.count && text[from..<(from + count)].allSatisfy(digits.contains)
                }
                #expect(text.withUnsafeBufferPointer { run.admits($0, at: start) } == expected, "\(text) at \(start), \(count) in \(earliest)...\(latest)")
            }
        }
    }

    @Test("Built-in detectors behind common words get a required run, and every match in every example has it at its keyword")
    func builtInDetectors() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let withRun = engine.compiled.indices.filter { engine.compiled[$0].requiredRun != nil }
        let ids = Set(withRun.map { engine.compiled[$0].id })
        #expect(withRun.count > 100)
        for id in ["box-api-access-token", "adobe-client-id", "cursor-api-key"] {
            #expect(ids.contains(id), "\(id)")
        }
        let scratch = MatchScratch(limits: .default)
        var checked = 0
        for index in withRun {
            let detector = engine.detectors[index]
            let run = try #require(engine.compiled[index].requiredRun)
            let words = detector.keywords.map { Array($0.utf8.map(ByteClass.lowercased)) }
            for example in detector.examples + detector.negativeExamples + detector.testValueExamples {
                let bytes = Array(example.utf8)
                let lowered = bytes.map(ByteClass.lowercased)
                bytes.withUnsafeBufferPointer { buffer in
                    // Every keyword occurrence at which a match starts (what the engine searches).
                    for start in lowered.indices where words.contains(where: { start + $0.count <= lowered.count && Array(lowered[start..<(start + $0.count)]) == $0 }) {
                        guard case .match = scratch.match(engine.compiled[index].pattern, in: buffer, from: start, startLimit: start) else { continue }
                        #expect(run.admits(buffer, at: start), "\(detector.id): a match without its required run")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 50)
    }

    @Test("Near misses after keywords with required runs: the fast scan equals the reference scan")
    func nearMisses() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 31)
        let detectors = engine.compiled.indices.filter { engine.compiled[$0].requiredRun != nil }
        #expect(!detectors.isEmpty)
        // Each detector's keyword, then assignment-like bytes up to a little past the latest
        // start, then a run one byte short, exactly long enough or longer.
        let filler = Array("_-. :=\"'`(token)key[]\t>".utf8)
        for _ in 0..<400 {
            let index = detectors[Int(generator.next() % UInt64(detectors.count))]
            let run = try #require(engine.compiled[index].requiredRun)
            let keyword = Array(engine.detectors[index].keywords[0].utf8)
            let members = (0...UInt8(127)).filter { run.members.contains($0) && $0 > 0x20 }
            let gap = max(0, run.latest - keyword.count + Int(generator.next() % 5) - 3)
            var text = Array("x ".utf8) + keyword
            text += (0..<gap).map { _ in filler[Int(generator.next() % UInt64(filler.count))] }
            text += (0..<(run.count + Int(generator.next() % 3) - 1)).map { _ in members[Int(generator.next() % UInt64(members.count))] }
            text += Array(" ;".utf8)
            #expect(engine.scan(text) == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(engine.compiled[index].id)")
        }
    }
}


/// How far before its first keyword a match can start, read off the pattern.
@Suite("Keyword distance: the most bytes a match holds before its first keyword")
struct KeywordDistanceTests {
    /// Forty two-letter alternatives: a group that pushes a product of spellings past the limit.
    static let forty: String = {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var alternatives: [String] = []
        for index in 0..<40 { alternatives.append(String(letters[index % 26]) + String(letters[index / 26])) }
        return alternatives.joined(separator: "|")
    }()
    static let settledLater: String = "(?:xtoken|t)(?:q|q_)(?:" + forty + ")"
    static let settledAll: String = "(?:token|tq)(?:r|r_)(?:" + forty + ")z"
    static let unsettled: String = "(?:token|u)(?:q|r)(?:" + forty + ")"

    @Test("Literals, small classes, optional pieces and alternatives are spelled out; the farthest keyword counts", arguments: [
        ("(?i:secret|api[_-]?(?:key|secret))x", ["secret", "api_key", "apikey", "api-key"], 4 as Int?),
        ("define\\([ \\t]{0,4}['\"][A-Z_]{0,40}(?:PASSWORD|PWD)['\"]", ["pass", "pwd"], 52),
        ("(?:(?<![a-z])|(?<=\\\\n))(?i:pass(?:word)?)[ =]{1,3}", ["pass"], 0),
        ("x?pass", ["pass"], 1),
        ("a{2}pass", ["pass"], 2),
        ("(?x) (?| pass [a-z]{3} | \\( [ ]{0,3} pwd ) =", ["pass", "pwd"], 4),
        ("(?:[0-9]{1,5}|ab)NetworkCredential", ["NetworkCredential"], 5),
        // Past the spelling limit (2 × 2 × 40 = 160 spellings): the spellings that hold a keyword
        // already are set aside with their offset, so the product stays small.
        (KeywordDistanceTests.settledLater, ["token", "tq"], 1),
        (KeywordDistanceTests.settledAll, ["token", "tq"], 0),
        // employee-id's label: 4 × 5 × 10 = 200 spellings; `emp` alone holds no keyword.
        (##"(?x)(?i)(?<![a-z0-9_])(?:(?:employee|emp|staff|personnel)[ _.-]?(?:id|identifier|number|num|no\.?|nr\.?|\#|code)|badge)"##,
         ["employee", "staff", "personnel", "badge", "empid", "empnum", "empno", "empnr", "emp#", "empcode", "emp id", "emp num", "emp no",
          "emp nr", "emp #", "emp code", "emp_id", "emp_num", "emp_no", "emp_nr", "emp_#", "emp_code", "emp.id", "emp.num", "emp.no",
          "emp.nr", "emp.#", "emp.code", "emp-id", "emp-num", "emp-no", "emp-nr", "emp-#", "emp-code"], 0),
    ])
    func distance(pattern: String, keywords: [String], expected: Int?) {
        #expect(RequiredRun.keywordDistance(pattern: pattern, keywords: keywords) == expected, "\(pattern)")
    }

    @Test("No distance where some match need not hold a keyword at a bounded distance, or the reader cannot be sure", arguments: [
        ("(?:ab|pass)word", ["pass"]),  // "abword" holds none
        ("[a-z]*pass", ["pass"]),  // unbounded before it
        ("(?=pass)[a-z]{4}", ["pass"]),  // only in a lookahead
        ("(?<=pass=)[a-z]{4}", ["pass"]),  // only in a lookbehind: before the match
        ("pass|foo", ["pass"]),  // one alternative without it
        ("(?:pass)?word", ["pass"]),  // optional
        ("(?:pass){2,}", ["pass"]),  // repeated: read as unknown
        ("p\\x61ss", ["pass"]),  // an escape the speller does not follow
        ("(*UTF)pass", ["pass"]),
        // Past the spelling limit, a spelling without a keyword (`u…`) still leaves it unknown.
        (KeywordDistanceTests.unsettled, ["token"]),
        // employee-id's label without the `emp…` keywords.
        (##"(?i)(?:employee|emp|staff|personnel)[ _.-]?(?:id|identifier|number|num|no\.?|nr\.?|\#|code)"##, ["employee", "staff", "personnel"]),
    ])
    func noDistance(pattern: String, keywords: [String]) {
        #expect(RequiredRun.keywordDistance(pattern: pattern, keywords: keywords) == nil, "\(pattern)")
    }

    @Test("Built-in detectors: secret assignments search a short window; detectors led by their keywords, and password assignments (`define(` is a keyword), none")
    func builtInDetectors() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let byID = Dictionary(uniqueKeysWithValues: engine.compiled.map { ($0.id, $0) })
        #expect(byID["password-assignment"]?.lookbehind == 0)
        #expect(byID["secret-assignment"]?.lookbehind == 4)
        #expect(byID["secret-named-assignment"]?.lookbehind == 0)
        // Its label spelled out is 200 spellings: the ones holding a keyword are set aside.
        #expect(byID["employee-id"]?.lookbehind == 0)
        // Its window is the file's `keyword_distance`: the reader cannot bound it closer.
        let email = try #require(engine.detectors.first { $0.id == "email" })
        #expect(byID["email"]?.lookbehind == email.keywordDistance ?? Engine.keywordWindow)
    }

    @Test("Examples cut, doubled and shifted around their keywords: the fast scan equals the reference scan")
    func mutatedExamples() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 47)
        // The detectors whose window the distance shortened.
        let indices = engine.compiled.indices.filter {
            let detector = engine.compiled[$0]
            return !detector.gateWords.isEmpty && detector.runGate == nil
                && detector.lookbehind < (engine.detectors[$0].keywordDistance ?? Engine.keywordWindow)
                && !PatternPrefix.anchoring(engine.detectors[$0].pattern, keywords: engine.detectors[$0].keywords).startsWithKeyword
        }
        #expect(indices.count > 50)
        var texts = 0
        for index in indices {
            for example in engine.detectors[index].examples.prefix(3) {
                let bytes = Array(example.utf8)
                guard !bytes.isEmpty else { continue }
                for _ in 0..<6 {
                    var text = bytes
                    let at = Int(generator.next() % UInt64(text.count))
                    switch generator.next() % 4 {
                    case 0: text.remove(at: at)
                    case 1: text.insert(text[at], at: at)
                    case 2: text.insert(contentsOf: Array("x_".utf8), at: at)
                    default: text = Array("pass=".utf8) + text
                    }
                    // This detector's findings: another's gate words may be cut by the change.
                    let id = engine.compiled[index].id
                    let fast = engine.scan(text).findings.filter { $0.detectorID == id }
                    let reference = text.withUnsafeBufferPointer { engine.referenceScan($0) }.findings.filter { $0.detectorID == id }
                    #expect(fast == reference, "\(id)")
                    texts += 1
                }
            }
        }
        #expect(texts > 300)
    }
}

/// The windows read off the patterns, against the reference scan on every example.
@Suite("Search windows read off the patterns")
struct SearchWindowTests {
    @Test("A detector's window is read off its pattern before its first search: secret-assignment searches 4 bytes before its keywords")
    func readBeforeTheFirstSearch() throws {
        let builtIn = try DetectorSet.builtIn()
        let engine = try Engine(builtIn)
        let detector = try #require(engine.compiled.first { $0.id == "secret-assignment" })
        #expect(detector.lookbehind == 4)
        // The same window when the pattern is read at engine creation instead of taken from the
        // build's records (a custom set: the detector files of the repository, read at run time).
        let analysis = PatternAnalysis(
            try #require(builtIn.detectors.first { $0.id == "secret-assignment" }),
            window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach)
        #expect(analysis.keywordDistance == 4)
        // An anchored detector holds its required run from the start.
        let box = try #require(engine.compiled.first { $0.id == "box-api-access-token" })
        #expect(box.lookbehind == 0)
        #expect(box.requiredRun != nil)
    }

    @Test("Every detector example, every window read: the fast scan equals the reference scan")
    func everyExampleWithEveryWindowRead() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var texts = 0
        for detector in engine.detectors {
            for example in detector.examples + detector.negativeExamples + detector.testValueExamples {
                let text = Array(example.utf8)
                #expect(engine.scan(text) == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(detector.id)")
                texts += 1
            }
        }
        #expect(texts > 3000)
    }
}
