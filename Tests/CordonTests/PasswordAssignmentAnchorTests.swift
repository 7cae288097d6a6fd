import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// `password-assignment` is searched at its keyword occurrences only. Its `define('DB_PASSWORD',
/// '…')` alternative holds `pass` up to 52 bytes after the match's start, so the pattern used to
/// be searched over the 52 starts before every occurrence, one by one: 9,167 searches of 16,600
/// instructions on the agent corpus (152 M of 3,350 M, callgrind). With `define(` among its
/// keywords every alternative starts at a keyword and each search tries one start. These tests
/// hold the window at 0 and show the findings are those of the whole-text reference scan.
@Suite("password-assignment anchored at its keywords: one start a search, the same findings")
struct PasswordAssignmentAnchorTests {
    static let id = "password-assignment"

    /// The detector alone, with the build's records (the embedded analysis) or read at engine
    /// creation (a set of its own, as a `--detectors` file would be).
    static let builtIn: Engine = try! Engine(DetectorSet.builtIn().filtered { $0.id == id })
    static let readAtCreation: Engine = try! Engine(DetectorSet(DetectorSet.builtIn().detectors.filter { $0.id == id }))

    @Test("Its window is anchored (0 bytes) in the build's records and when read at engine creation")
    func anchoredWindow() throws {
        for engine in [Self.builtIn, Self.readAtCreation] {
            let detector = try #require(engine.compiled.first { $0.id == Self.id })
            #expect(detector.lookbehind == 0)
            #expect(detector.gateWords.contains("define("))
        }
        let detector = try #require(DetectorSet.builtIn().detectors.first { $0.id == Self.id })
        let analysis = PatternAnalysis(detector, window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach)
        #expect(analysis.keywordDistance == 0)
    }

    @Test("`define(` is no value prefix: a value starting with it and a placeholder body is judged as before the keyword")
    func defineIsNoValuePrefix() throws {
        let detector = try #require(Self.builtIn.compiled.first { $0.id == Self.id })
        #expect(detector.valuePrefixes.contains(Array("pass".utf8)))
        #expect(!detector.valuePrefixes.contains(Array("define(".utf8)))
        // A run of x is the allowlist's placeholder; runs of other letters are a value.
        #expect(Self.builtIn.scan("password = \"define(xxxxxxxx\"").findings.isEmpty)
        let findings = Self.builtIn.scan("password = \"define(aaaa_bbbb\"").findings
        #expect(findings.count == 1)
        #expect(findings.allSatisfy { !$0.isTestValue && $0.confidence == .medium })
        // A keyword without a bracket stays a prefix: `pass` and a placeholder body is a test value.
        #expect(Self.builtIn.scan("password = \"passxxxx_xxxx\"").findings.map(\.isTestValue) == [true])
    }

    /// A `define()` call whose pieces lie around the pattern's bounds: 0–5 blanks (4 allowed),
    /// key names of 0, 1, 39, 40 and 41 bytes before the key word (40 allowed), values of 5, 6,
    /// 128 and 129 bytes (6–128 allowed), matching and mismatched quotes, `DEFINE(`.
    static func defineCall(_ generator: inout SeededGenerator) -> (text: String, matches: Bool) {
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let nameBytes = Array("ABCDEFGHIJKLMNOQRSTUVXYZ0123456789_")  // no P: the key word is the only keyword in the name
        // Values cut from a cycle of 40 distinct letters and digits (no `p`, no `x`): every one
        // holds no keyword, clears the entropy floor and is no placeholder.
        let cycle = Array("Kq4Zw9Rb2VmT7rLh3Hn8Jc6Ys5Fd1Gk0WuEaNoCi")
        let before = Int(generator.next() % 6), after = Int(generator.next() % 6)
        let nameLength = pick([0, 1, 39, 40, 41])
        let valueLength = pick([5, 6, 7, 127, 128, 129])
        let name = String((0..<nameLength).map { _ in pick(nameBytes) })
        let offset = Int(generator.next() % UInt64(cycle.count))
        let value = String((0..<valueLength).map { cycle[(offset + $0) % cycle.count] })
        let keyWord = pick(["PASSWORD", "PASSWD", "PASS", "PWD", "Password"])
        let keyQuote = pick(["'", "\""]), valueQuote = pick(["'", "\""])
        let call = pick(["define(", "define(", "define(", "DEFINE("])
        func blank(_ count: Int) -> String { String((0..<count).map { _ in pick([" ", "\t"] as [Character]) }) }
        let text = call + blank(before) + keyQuote + name + keyWord + keyQuote + blank(after) + "," + blank(Int(generator.next() % 3))
            + valueQuote + value + valueQuote + " );"
        let matches = call == "define(" && before <= 4 && after <= 4 && nameLength <= 40 && (6...128).contains(valueLength)
            && keyWord != "Password"
        return (text, matches)
    }

    /// The detector's other forms and near misses, to stand next to the calls.
    static let otherPieces = [
        "password = \"Xv2$kP9mQw\"", "DB_PASS=Qz8!wLm2Rt", "pwd: 'Lk8#vQ2zRw'", "--password Wr4Jm8Zq2N",
        "new NetworkCredential(\"svc\", \"Jr5$wN9xKq\")", "The password is \"Lk8#vQ2zRw\"", "bypass the define() step",
        "define('DB_HOST', 'db07.internal');", "passwd", "PASSWORD", "<?php ", "$_ENV[\"SMTP_PASSWORD\"] = \"Kp4Zw9Qx2V\";",
    ]

    /// Texts of one to six pieces, calls and other forms, joined by nothing, a blank or a line break.
    static func texts(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var text = ""
            for _ in 0..<(1 + Int(generator.next() % 6)) {
                text += generator.next() % 2 == 0
                    ? defineCall(&generator).text : otherPieces[Int(generator.next() % UInt64(otherPieces.count))]
                text += ["", " ", "\n", "\r\n", "; "][Int(generator.next() % 5)]
            }
            return Array(text.utf8)
        }
    }

    @Test("A lone define() call is found exactly when its pieces are within the pattern's bounds")
    func loneCalls() {
        var generator = SeededGenerator(seed: 18)
        var found = 0
        for _ in 0..<600 {
            let call = Self.defineCall(&generator)
            let findings = Self.builtIn.scan(call.text).findings
            #expect(findings.count == (call.matches ? 1 : 0), "\(call.text.count) bytes")
            found += findings.count
        }
        #expect(found > 40)
    }

    @Test("Every match in generated texts starts at an occurrence of one of its keywords")
    func matchesStartAtKeywords() throws {
        let index = try #require(Self.builtIn.compiled.firstIndex { $0.id == Self.id })
        let pattern = Self.builtIn.compiled[index].pattern
        let words = Self.builtIn.detectors[index].keywords.map { Array($0.lowercased().utf8) }
        let scratch = MatchScratch(limits: .default)
        var matches = 0
        for bytes in Self.texts(count: 1500, seed: 181) {
            let lowered = bytes.map(ByteClass.lowercased)
            bytes.withUnsafeBufferPointer { buffer in
                var offset = 0
                while offset <= buffer.count, case .match(let whole, _) = scratch.match(pattern, in: buffer, from: offset) {
                    let start = whole.lowerBound
                    let atKeyword = words.contains { start + $0.count <= lowered.count && Array(lowered[start..<(start + $0.count)]) == $0 }
                    #expect(atKeyword, "a match does not start at a keyword")
                    matches += 1
                    offset = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
                }
            }
        }
        #expect(matches > 1000)
    }

    @Test("define() calls at the pattern's bounds among other assignments, at the text's start and end: the fast scan equals the reference scan")
    func fastScanEqualsReference() {
        var found = 0
        for bytes in Self.texts(count: 2000, seed: 182) {
            for engine in [Self.builtIn, Self.readAtCreation] {
                let fast = engine.scan(bytes)
                #expect(fast == bytes.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(bytes.count) bytes")
                found += fast.findings.count
            }
        }
        #expect(found > 2000)
    }
}
