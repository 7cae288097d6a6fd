import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The digit-run scanner that gates the digit-shaped detectors, and the `group` field of a run
/// gate.
@Suite("Digit runs, digit groups and the bytes before a run")
struct DigitRunTests {
    /// The maximal digit runs of `bytes`, one byte at a time: what the scanner must find.
    static func referenceRuns(_ bytes: [UInt8]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            if ByteClass.isDigit(byte) {
                if start == nil { start = index }
            } else if let open = start {
                runs.append(open..<index)
                start = nil
            }
        }
        if let open = start { runs.append(open..<bytes.count) }
        return runs
    }

    static func scannedRuns(_ bytes: [UInt8]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            DigitRuns.forEach(in: buffer) { start, length in runs.append(start..<(start + length)) }
        }
        return runs
    }

    @Test("Every maximal digit run is found, at every length and alignment, including the tail")
    func runsMatchByteByByte() {
        var generator = SeededGenerator(seed: 13)
        let alphabet: [UInt8] = Array("0123456789 -.a\n".utf8) + [0xC2, 0xA0, 0xFF, 0x2F, 0x3A]
        for length in 0..<80 {
            for _ in 0..<25 {
                let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                #expect(Self.scannedRuns(bytes) == Self.referenceRuns(bytes), "\(bytes)")
            }
        }
        let allDigits = [UInt8](repeating: UInt8(ascii: "7"), count: 1000)
        #expect(Self.scannedRuns(allDigits) == [0..<1000])
        #expect(Self.scannedRuns([]) == [])
    }

    @Test("Runs join into a group across 1 to 3 separator bytes, not across 4 or a letter")
    func joins() {
        func joined(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            let runs = Self.referenceRuns(bytes)
            return bytes.withUnsafeBufferPointer { DigitRuns.joins($0, from: runs[0].upperBound, to: runs[1].lowerBound) }
        }
        for text in ["1 2", "1-2", "1.2", "1/2", "1(2", "1)2", "1\t2", "1\r\n2", "1\u{A0}2", "1) 2", "1 / 2", "1\u{A0}-2"] {
            #expect(joined(text), "\(text.debugDescription)")
        }
        for text in ["1    2", "1 a 2", "1,2", "1:2", "1_2", "1 - -2", "1+2"] {
            #expect(!joined(text), "\(text.debugDescription)")
        }
    }

    @Test("The separator test of a group's gaps holds for exactly the bytes of the separator set, for every byte value")
    func separatorBits() {
        for byte in 0...255 {
            #expect(DigitRuns.isSeparator(UInt8(byte)) == DigitRuns.separators.contains(UInt8(byte)), "byte \(byte)")
        }
    }

    @Test("Runs too short for any key still count toward their group: a group reaches its digits only with them")
    func shortRunsCountInGroups() throws {
        let engine = try Engine(DetectorSet(DetectorSet.parse(yaml: Self.groupedYAML, file: "group.yaml")))
        // The key: runs of 3 in groups of 10. `1 2 3 4` are runs of one digit, kept by no key.
        for (text, expected) in [
            ("1 2 3 4 555 666", [[8, 12]]), ("1 2 3 555 666", [[]]), ("555 666 1 2 3 4", [[0, 4]]), ("555 666 1 2 3", [[]]),
            ("1 2 555 3 4 666", [[4, 12]]), ("1 2 555 3 4    666", [[]]), ("12 34 5555 12", [[6]]), ("12 34 5555 1", [[]]),
        ] {
            let starts = Array(text.utf8).withUnsafeBufferPointer { engine.runGates.runStarts(in: $0) }
            #expect(starts.map(Array.init) == expected, "\(text)")
            #expect(expected == [RunGatesTests.expectedStarts(Array(text.utf8), gate: engine.compiled[0].runGate!)], "\(text)")
        }
    }

    /// A detector gated by digit runs of 3 with groups of at least 10 digits.
    static let groupedYAML = detectorYAML(
        pattern: "(?<![0-9])[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}(?![0-9])", extra: "    run: {class: digits, length: 3, within: 0, group: 10}",
        examples: "['call 415 555 0132', 'x 415-555-0132 y']", negatives: "['415 555 013']"
    ).replacingOccurrences(of: "    keywords: [tok_]\n", with: "")

    @Test("A group gate loads, and only runs in large enough groups are searched")
    func groupGate() throws {
        let detectors = try DetectorSet.parse(yaml: Self.groupedYAML, file: "group.yaml")
        #expect(detectors.first?.runGate == RunGate(characterClass: .digits, length: 3, within: 0, groupDigits: 10))
        let engine = try Engine(DetectorSet(detectors))
        #expect(engine.checkExamples().isEmpty)
        let text = "year 2024, port 8080, 415 555 0132 and 12 345 678 9, 415 555 013"
        let starts = Array(text.utf8).withUnsafeBufferPointer { engine.runGates.runStarts(in: $0) }
        // 2024 and 8080 stand alone, `12 345 678 9` is a group of 9 digits: only the phone's runs.
        #expect(starts.map(Array.init) == [[22, 26, 30]])
        #expect(engine.scan(text).findings.map(\.range) == [22..<34])
        for sample in [text, "415 555 0132", "415  555 0132", "4155550132", "415 555 0132 1", "(415) 555 0132", ""] {
            #expect(engine.scan(sample) == engine.referenceScan(sample), "\(sample)")
        }
    }

    @Test("The bytes before a run are read as bracket classes and single characters")
    func beforeClasses() {
        #expect(RunGate.beforeClasses("[A-Z][A-Z] ") == [Set(65...90), Set(65...90), [32]])
        #expect(RunGate.beforeClasses("[a-c\\]\\-]x") == [[97, 98, 99, 93, 45], [120]])
        #expect(RunGate.beforeClasses("[-a]") == [[45, 97]])
        for bad in ["", "[A-Z", "[]", "[z-a]", "é", "\t", String(repeating: "x", count: 17)] {
            #expect(RunGate.beforeClasses(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test("A run opens a gate with 'before' only right after those bytes")
    func beforeGate() throws {
        let yaml = detectorYAML(
            pattern: "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}-[0-9]{4}(?![0-9])", extra: "    run: {class: digits, length: 2, within: 2, before: '[A-Z][A-Z]'}",
            examples: "['GB12-3456', 'x DE99-0000 y']", negatives: "['G12-3456']"
        ).replacingOccurrences(of: "    keywords: [tok_]\n", with: "")
        let detectors = try DetectorSet.parse(yaml: yaml, file: "before.yaml")
        #expect(detectors.first?.runGate == RunGate(characterClass: .digits, length: 2, within: 2, before: "[A-Z][A-Z]"))
        let engine = try Engine(DetectorSet(detectors))
        #expect(engine.checkExamples().isEmpty)
        let text = "12 ab34 GB12-3456 x99 DE99-0000"
        let starts = Array(text.utf8).withUnsafeBufferPointer { engine.runGates.runStarts(in: $0) }
        // `12` is at the start, `ab34` has lower-case letters, `x99` one letter.
        #expect(starts.map(Array.init) == [[10, 24]])
        #expect(engine.scan(text).findings.map(\.range) == [8..<17, 22..<31])
        for sample in [text, "GB12-3456", "G12-3456", "aGB12-3456", "GB1-3456", ""] {
            #expect(engine.scan(sample) == engine.referenceScan(sample), "\(sample)")
        }
    }

    @Test("A group gate is refused on a class other than digits, and below the run's length")
    func groupErrors() {
        let cases = [
            ("run: {class: alphanumerics, length: 3, group: 10}", "'group' applies only to a run of class 'digits'"),
            ("run: {class: digits, length: 3, group: 2}", "'group' must be a whole number"),
            ("run: {class: digits, length: 3, group: ten}", "'group' must be a whole number"),
            ("run: {class: digits, length: 3, before: '[A-Z'}", "'before' must be 1 to 16 bracket classes"),
            ("run: {class: digits, length: 3, before: ''}", "'before' must be 1 to 16 bracket classes"),
        ]
        for (gate, message) in cases {
            let yaml = detectorYAML(extra: "    " + gate).replacingOccurrences(of: "    keywords: [tok_]\n", with: "")
            do {
                _ = try DetectorSet.parse(yaml: yaml, file: "bad.yaml")
                Issue.record("\(gate): expected an error")
            } catch {
                #expect(error.description.contains(message), "\(gate): \(error.description)")
            }
        }
    }

    @Test("The detector table keeps a run gate's group")
    func tableRoundTrip() throws {
        let detectors = try DetectorSet.parse(yaml: Self.groupedYAML, file: "group.yaml")
        let decoded = try DetectorTable.encode(detectors).withUnsafeBufferPointer {
            (buffer) throws(DetectorTable.DecodingError) in try DetectorTable.decode(buffer)
        }
        #expect(decoded.first?.runGate?.groupDigits == 10)
        #expect(decoded == detectors)
        var gated = detectors
        gated[0].runGate?.before = "[A-Z] "
        let decodedBefore = try DetectorTable.encode(gated).withUnsafeBufferPointer {
            (buffer) throws(DetectorTable.DecodingError) in try DetectorTable.decode(buffer)
        }
        #expect(decodedBefore.first?.runGate?.before == "[A-Z] ")
        #expect(decodedBefore == gated)
    }
}
