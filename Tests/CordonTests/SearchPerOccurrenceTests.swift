import CordonTestSupport
import Testing

@testable import Cordon

/// A pattern anchored at its keywords that PCRE2 can only find by testing starts one by one is
/// searched at each keyword occurrence alone, not over the span between nearby occurrences.
@Suite("Anchored searches per keyword occurrence: what PCRE2 says of a pattern's starts, and the same findings")
struct SearchPerOccurrenceTests {
    @Test("PCRE2 tests starts one by one for a pattern led by a start bitmap, not for one led by a literal or holding a verb", arguments: [
        (#"(?i)(?<![a-z])(?:pass|secret)[ =]{1,3}[0-9]{4}"#, true),
        (#"(?i)(?<![a-z])(?:pass|pwd)[ =]{1,3}[0-9]{4}"#, false),  // both led by `p`: a caseless first code unit
        (#"(?x)(?i)(?<![a-z0-9_])(?:employee|staff)[ _.-]?id\s*[0-9]{4,10}"#, true),
        (#"[A-Za-z0-9]{8}"#, true),
        (#"ghp_[A-Za-z0-9]{36}"#, false),  // a first code unit: memchr
        (#"(?i)pass=[0-9]{4}"#, false),  // a caseless first code unit
        (#"^pass"#, false),  // a line start
        (#"(?i)(?:pass|pwd)(*SKIP)(*F)|[0-9]{4}"#, false),  // a verb: a failure moves the search
        (#"(?:pass|secret)(*COMMIT)=1"#, false),  // a verb: a failure ends the search
    ])
    func startsByteByByte(source: String, expected: Bool) throws {
        #expect(try CompiledPattern(source, allowsStartLimit: true).findsStartsByteByByte == expected, "\(source)")
        // A deferred pattern is compiled to answer.
        let deferred = try CompiledPattern(source, allowsStartLimit: true, deferred: true)
        #expect(!deferred.isCompiled)
        #expect(deferred.findsStartsByteByByte == expected, "\(source)")
        #expect(deferred.isCompiled)
    }

    /// The built-in detectors searched per occurrence: anchored at their keywords, sharing a
    /// search with nearby occurrences otherwise, led by a start bitmap.
    static func perOccurrenceDetectors(_ engine: Engine) -> [Int] {
        engine.compiled.indices.filter {
            let detector = engine.compiled[$0]
            return !detector.gateWords.isEmpty && detector.runGate == nil && detector.lookbehind == 0 && detector.mergeDistance > 0
                && detector.frame == nil && detector.pattern.findsStartsByteByByte
        }
    }

    @Test("Built-in detectors led by several keywords are searched per occurrence: employee-id among them")
    func builtInDetectors() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let ids = Set(Self.perOccurrenceDetectors(engine).map { engine.compiled[$0].id })
        #expect(ids.count >= 20)
        #expect(ids.contains("employee-id"))
        // A literal-led detector keeps one search over nearby occurrences.
        #expect(!ids.contains("github-pat"))
    }

    @Test("Keyword occurrences closer than a search window, overlapping, matching and not, at the text's end: the fast scan equals the reference scan")
    func nearbyOccurrences() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let byID = Dictionary(uniqueKeysWithValues: engine.compiled.map { ($0.id, $0) })
        let texts = [
            // ls -l listings: `staff` every 50 bytes, no match; then matches between them.
            String(repeating: "-rw-r--r--  1 dev  staff   99991 Dec  27 19:54 file_00\n", count: 20),
            "staff id: 104233 staff staffid 55102 staff staff_no 88204 staff\n",
            "emp_no: 00412877 emp_noemp_no 12345678 badge #: 55102 badge",
            "staff id 1042 staff id 10442 staff id",
            "Employee ID: E-104233, Employee ID: E-104234; employee id E-1042335; staff",
        ]
        var found = 0
        for text in texts {
            let bytes = Array(text.utf8)
            let fast = engine.scan(bytes)
            #expect(fast == bytes.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(text)")
            found += fast.findings.filter { $0.detectorID == "employee-id" }.count
        }
        #expect(found >= 8)
        #expect(byID["employee-id"]?.pattern.findsStartsByteByByte == true)
    }

    @Test("Every per-occurrence detector's examples run together, a few bytes apart, and cut: the fast scan equals the reference scan")
    func examplesRunTogether() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var generator = SeededGenerator(seed: 71)
        let indices = Self.perOccurrenceDetectors(engine)
        var found = 0
        for index in indices {
            let detector = engine.detectors[index]
            let examples = (detector.examples + detector.negativeExamples).map { Array($0.utf8) }
            guard !examples.isEmpty else { continue }
            for _ in 0..<4 {
                var text: [UInt8] = []
                for _ in 0..<6 {
                    var example = examples[Int(generator.next() % UInt64(examples.count))]
                    if generator.next() % 3 == 0, example.count > 2 { example.removeLast(Int(generator.next() % UInt64(example.count / 2))) }
                    text += example
                    text += Array([" ", "", "\n", ";  "][Int(generator.next() % 4)].utf8)
                }
                let fast = engine.scan(text)
                #expect(fast == text.withUnsafeBufferPointer { engine.referenceScan($0) }, "\(detector.id)")
                found += fast.findings.filter { $0.detectorID == detector.id }.count
            }
        }
        #expect(found > 50)
    }
}
