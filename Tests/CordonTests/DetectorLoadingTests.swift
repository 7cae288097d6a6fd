import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

@Suite("Detector files")
struct DetectorLoadingTests {
    @Test("A valid file loads every field")
    func loadsValidFile() throws {
        let yaml = detectorYAML(extra: """
                entropy: 2.5
                validators: [luhn, jwt]
                allowlist:
                  values: [tok_000000000000]
                  patterns: ['^tok_0+$']
            """)
        let detectors = try DetectorSet.parse(yaml: yaml, file: "t.yaml")
        let detector = try #require(detectors.first)
        #expect(detector.id == "test-token")
        #expect(detector.category == .secret)
        #expect(detector.level == .restricted)
        #expect(detector.keywords == ["tok_"])
        #expect(detector.minimumEntropy == 2.5)
        #expect(detector.validators == [.luhn, .jwt])
        #expect(detector.allowlist.values == ["tok_000000000000"])
        #expect(detector.allowlist.patterns == ["^tok_0+$"])
        #expect(detector.examples.count == 2)
        #expect(detector.negativeExamples.count == 1)
        #expect(detector.source == "t.yaml")
    }

    @Test("A file-wide allowlist is added to every detector in the file")
    func fileAllowlist() throws {
        let yaml = "allowlist:\n  values: [shared]\n" + detectorYAML(extra: "    allowlist:\n      values: [own]")
        let detector = try #require(try DetectorSet.parse(yaml: yaml, file: "t.yaml").first)
        #expect(Set(detector.allowlist.values) == ["own", "shared"])
    }

    /// Each malformed file and what its error must say.
    static let malformed: [(name: String, yaml: String, expected: [String])] = [
        ("bad YAML", "detectors:\n  - id: [unclosed\n", ["bad.yaml", "invalid YAML"]),
        ("empty file", "", ["bad.yaml", "empty"]),
        ("no detectors list", "allowlist:\n  values: [a]\n", ["missing field 'detectors'"]),
        ("unknown field", detectorYAML(extra: "    keyword: [tok_]"), ["test-token", "unknown field 'keyword'"]),
        ("unknown top-level field", "version: 2\n" + detectorYAML(), ["unknown field 'version'"]),
        ("unknown validator", detectorYAML(extra: "    validators: [crcsum]"), ["test-token", "unknown validator 'crcsum'"]),
        // A name with a digit may be a value: described, not quoted.
        ("unknown validator with a digit", detectorYAML(extra: "    validators: [crc64]"), ["test-token", "unknown validator (a name", "not shown"]),
        ("unknown category", detectorYAML().replacingOccurrences(of: "category: secret", with: "category: secrets"),
         ["test-token", "unknown category 'secrets'"]),
        ("unknown level", detectorYAML().replacingOccurrences(of: "level: restricted", with: "level: top-secret"),
         ["test-token", "unknown level 'top-secret'"]),
        ("missing pattern", detectorYAML().replacingOccurrences(of: "pattern:", with: "#pattern:"),
         ["test-token", "missing field 'pattern'"]),
        ("one example", detectorYAML(examples: "['tok_abcdef123456']"), ["test-token", "at least 2 examples"]),
        ("no negative example", detectorYAML(negatives: "[]"), ["test-token", "at least 1 negative example"]),
        ("bad entropy", detectorYAML(extra: "    entropy: lots"), ["test-token", "'entropy'"]),
        ("entropy out of range", detectorYAML(extra: "    entropy: 9"), ["test-token", "'entropy'"]),
        ("bad id", detectorYAML(id: "Test_Token"), ["invalid id", "not shown"]),
        ("secret-looking level", detectorYAML().replacingOccurrences(of: "level: restricted", with: "level: AKIAZ7QLMXKWPNBT4VHD"),
         ["unknown level", "not shown"]),
        ("category with a digit", detectorYAML().replacingOccurrences(of: "category: secret", with: "category: secr3t"),
         ["unknown category", "not shown"]),
        ("secret-looking field name", detectorYAML(extra: "    ghp_abcdefghij0123456789: x"), ["unknown field", "not shown"]),
        ("examples not a list", detectorYAML(examples: "tok_abcdef123456"), ["test-token", "'examples' must be a list"]),
        ("run with keywords", detectorYAML(extra: "    run: {class: digits, length: 4}"), ["test-token", "'run' is for detectors without 'keywords'"]),
        ("run without keywords, unknown class",
         detectorYAML(extra: "    run: {class: hex, length: 4}").replacingOccurrences(of: "    keywords: [tok_]\n", with: ""),
         ["test-token", "'run' needs a 'class'"]),
        ("run length out of range",
         detectorYAML(extra: "    run: {class: digits, length: 0}").replacingOccurrences(of: "    keywords: [tok_]\n", with: ""),
         ["test-token", "'length'"]),
        ("run within out of range",
         detectorYAML(extra: "    run: {class: digits, length: 2, within: 900}").replacingOccurrences(of: "    keywords: [tok_]\n", with: ""),
         ["test-token", "'within'"]),
        ("run unknown field",
         detectorYAML(extra: "    run: {class: digits, length: 2, near: 1}").replacingOccurrences(of: "    keywords: [tok_]\n", with: ""),
         ["test-token", "unknown field 'near'"]),
        // Yams rejects duplicate keys before the detector is read, so no id is known yet.
        ("field twice", detectorYAML(extra: "    name: again"), ["bad.yaml:", "'name' appears twice"]),
    ]

    @Test("A run gate loads and gates the detector to runs of its class")
    func runGate() throws {
        let yaml = detectorYAML(
            pattern: "(?<![A-Za-z0-9])(?:ref-)?[0-9]{4}-[0-9]{4}(?![0-9])", extra: "    run: {class: digits, length: 4, within: 4}",
            examples: "['ref-1234-5678', 'x 1234-5678 y']", negatives: "['12-34']"
        ).replacingOccurrences(of: "    keywords: [tok_]\n", with: "")
        let detectors = try DetectorSet.parse(yaml: yaml, file: "run.yaml")
        #expect(detectors.first?.runGate == RunGate(characterClass: .digits, length: 4, within: 4))
        let engine = try Engine(DetectorSet(detectors))
        #expect(engine.checkExamples().isEmpty)
        for text in ["ref-1234-5678", "1234-5678", "a ref-1234-5678 b 9999-0000", "12345-678", "ref-123-4567", "ref-1234-567", ""] {
            #expect(engine.scan(text) == engine.referenceScan(text), "\(text)")
        }
        #expect(engine.scan("a ref-1234-5678 b 9999-0000").findings.map(\.range) == [2..<15, 18..<27])
    }

    @Test("Malformed files give clear errors naming the file and detector", arguments: malformed.indices)
    func malformedFile(index: Int) {
        let (name, yaml, expected) = Self.malformed[index]
        do {
            _ = try DetectorSet.parse(yaml: yaml, file: "bad.yaml")
            Issue.record("\(name): expected an error")
        } catch {
            let text = error.description
            #expect(text.hasPrefix("bad.yaml"), "\(name): \(text)")
            for part in expected { #expect(text.contains(part), "\(name): '\(text)' should contain '\(part)'") }
            // Errors must never quote example values or secret-looking text from the file.
            for value in ["abcdef123456", "AKIAZ7QLMXKWPNBT4VHD", "ghp_abcdefghij", "Test_Token", "secr3t", "crc64"] {
                #expect(!text.contains(value), "\(name): error quotes file text: \(text)")
            }
        }
    }

    @Test("An error names the line of the offending field")
    func errorLine() throws {
        let yaml = detectorYAML(extra: "    validators: [crc64]")
        let error = try #require(throws: DetectorError.self) { try DetectorSet.parse(yaml: yaml, file: "f.yaml") }
        let expectedLine = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("validators:") }.map { $0 + 1 }
        #expect(error.line == expectedLine)
        #expect(error.detectorID == "test-token")
    }

    @Test("A pattern PCRE2 rejects is an error naming the detector when compiled")
    func badPattern() throws {
        let detectors = try DetectorSet.parse(yaml: detectorYAML(pattern: "(tok_[a-z"), file: "p.yaml")
        let error = try #require(throws: DetectorError.self) { try Engine(DetectorSet(detectors)) }
        #expect(error.file == "p.yaml")
        #expect(error.detectorID == "test-token")
        #expect(error.message.contains("pattern does not compile"))
    }

    @Test("A bad allowlist pattern is an error too")
    func badAllowlistPattern() throws {
        let yaml = detectorYAML(extra: "    allowlist:\n      patterns: ['(unclosed']")
        let detectors = try DetectorSet.parse(yaml: yaml, file: "a.yaml")
        let error = try #require(throws: DetectorError.self) { try Engine(DetectorSet(detectors)) }
        #expect(error.message.contains("allowlist pattern #1"))
    }

    @Test("Duplicate ids across files are an error naming both files")
    func duplicateIDs() throws {
        let folder = try TemporaryFolder()
        try folder.write("a.yaml", detectorYAML())
        try folder.write("b.yaml", detectorYAML())
        let error = try #require(throws: DetectorError.self) { try DetectorSet.load(from: [folder.url.path]) }
        #expect(error.detectorID == "test-token")
        #expect(error.file.hasSuffix("b.yaml"))
        #expect(error.message.contains("duplicate id"))
        #expect(error.message.contains("a.yaml"))
    }

    @Test("Loading a missing path or an empty folder fails clearly")
    func missingPaths() throws {
        let folder = try TemporaryFolder()
        #expect(throws: DetectorError.self) { try DetectorSet.load(from: [folder.url.path + "/nope.yaml"]) }
        let error = try #require(throws: DetectorError.self) { try DetectorSet.load(from: [folder.url.path]) }
        #expect(error.message.contains("no *.yaml"))
    }

    @Test("Scalars are read as written, without YAML type coercion")
    func noCoercion() throws {
        let yaml = detectorYAML(examples: "['no', 'tok_abcdef123456']", negatives: "[yes, 0x10, ~]")
        let detector = try #require(try DetectorSet.parse(yaml: yaml, file: "t.yaml").first)
        #expect(detector.examples.first == "no")
        #expect(detector.negativeExamples == ["yes", "0x10", "~"])
    }
}
