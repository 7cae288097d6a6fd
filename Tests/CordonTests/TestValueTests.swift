import CordonDetectorModel
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Documentation and test values (`allowlist.test_values`) are found and tagged, unlike template
/// placeholders (`allowlist.values`/`patterns`), which are never reported.
@Suite("Test values")
struct TestValueTests {
    /// A fixture detector with a placeholder pattern, a test-value list and a test-value pattern.
    static let yaml = detectorYAML(
        pattern: "(?<![A-Za-z0-9])(tok_[A-Za-z0-9]{12})(?![A-Za-z0-9])",
        extra: """
                allowlist:
                  patterns: ['^tok_x+$', '(?i)your']
                  test_values:
                    values: [tok_4eC39HqLyjWD]
                    patterns: ['(?i)example', '^tok_test']
            """)

    static func engine(_ yaml: String = Self.yaml) throws -> Engine {
        try Engine(DetectorSet(DetectorSet.parse(yaml: yaml, file: "t.yaml")))
    }

    @Test("A value on the test-value list is found, tagged as a test value, with low confidence")
    func exactTestValue() throws {
        let found = try Self.engine().scan("key tok_4eC39HqLyjWD end").findings
        #expect(found.count == 1)
        #expect(found.first?.isTestValue == true)
        #expect(found.first?.confidence == .low)
        #expect(found.first?.range == 4..<20)
    }

    @Test("A value a test-value pattern matches is found and tagged")
    func patternTestValue() throws {
        let found = try Self.engine().scan("a tok_EXAMPLEabcde b tok_testAbCdEfGh").findings
        #expect(found.map(\.isTestValue) == [true, true])
    }

    @Test("Any other value is found untagged, with its detector's confidence")
    func realValue() throws {
        let found = try Self.engine().scan("key tok_q7Lm2Pz9Wk4R").findings
        #expect(found.count == 1)
        #expect(found.first?.isTestValue == false)
        #expect(found.first?.confidence == .medium)
    }

    @Test("A template placeholder is not found, even when it also matches a test-value pattern")
    func placeholdersStayNonFindings() throws {
        let engine = try Self.engine()
        #expect(engine.scan("key tok_YOURexample1").findings.isEmpty)
        #expect(engine.scan("key tok_xxxxYOURxxxx").findings.isEmpty)
        // The detector's own prefix with a body of x runs is the provider's documentation value
        // (CompiledDetector+PlaceholderBody): found as a test value despite `^tok_x+$`.
        let filler = engine.scan("key tok_xxxxxxxxxxxx").findings
        #expect(filler.count == 1 && filler.allSatisfy(\.isTestValue))
    }

    @Test("A scan's level counts test values; the level without test values does not")
    func levels() throws {
        let engine = try Self.engine()
        let onlyTest = engine.scan("tok_4eC39HqLyjWD")
        #expect(onlyTest.level == .restricted)
        #expect(onlyTest.levelWithoutTestValues == .public)
        let mixed = engine.scan("tok_4eC39HqLyjWD tok_q7Lm2Pz9Wk4R")
        #expect(mixed.levelWithoutTestValues == .restricted)
    }

    @Test("Redaction replaces a test value like any other value")
    func redactsTestValues() throws {
        let redaction = try Self.engine().redact("use tok_4eC39HqLyjWD and tok_EXAMPLEabcde")
        let output = String(decoding: redaction.bytes, as: UTF8.self)
        #expect(output == "use [REDACTED:test-token] and [REDACTED:test-token]")
    }

    @Test("A further occurrence of a test value found by propagation is a test value too")
    func propagationKeepsTheTag() throws {
        // The second occurrence follows `_` (no token start), so only propagation finds it.
        let found = try Self.engine().scan("k tok_4eC39HqLyjWD then x_tok_4eC39HqLyjWD").findings
        #expect(found.count >= 1)
        #expect(found.allSatisfy { $0.isTestValue })
    }

    @Test("Where two detectors report the same span and one knows it as a test value, the kept finding is tagged")
    func tagSurvivesOneFindingPerSpan() throws {
        // `other-token` is listed first with high confidence, so its finding is the one kept.
        let other = """
            detectors:
              - id: other-token
                name: Other
                description: Same shape, no test values.
                category: secret
                level: restricted
                confidence: high
                pattern: '(?<![A-Za-z0-9])(tok_[A-Za-z0-9]{12})(?![A-Za-z0-9])'
                keywords: [tok_]
                examples: ['tok_q7Lm2Pz9Wk4R', 'x tok_q7Lm2Pz9Wk4Q']
                negative_examples: ['tok_short']

            """
        let detectors = try DetectorSet.parse(yaml: other, file: "o.yaml") + DetectorSet.parse(yaml: Self.yaml, file: "t.yaml")
        let engine = try Engine(DetectorSet(detectors))
        let found = engine.scan("tok_4eC39HqLyjWD").findings
        #expect(found.count == 1)
        #expect(found.first?.detectorID == "other-token")
        #expect(found.first?.isTestValue == true)
        #expect(found.first?.confidence == .low)
    }

    @Test("Filtering by confidence drops test values above low")
    func confidenceFilter() throws {
        let result = try Self.engine().scan("tok_4eC39HqLyjWD tok_q7Lm2Pz9Wk4R")
        #expect(result.filtered(minimumConfidence: .medium).findings.map(\.isTestValue) == [false])
    }

    @Test("test_values is parsed strictly: unknown fields, an empty list and examples without values are errors")
    func strictParsing() throws {
        let cases: [(String, String)] = [
            (detectorYAML(extra: "    allowlist:\n      test_values:\n        value: [a]"), "unknown field 'value'"),
            (detectorYAML(extra: "    allowlist:\n      test_values: {}"), "'test_values' needs 'values' or 'patterns'"),
            (detectorYAML(extra: "    test_value_examples: ['tok_abcdef123456']"), "test_value_examples but no allowlist test_values"),
        ]
        for (yaml, message) in cases {
            #expect {
                _ = try DetectorSet.parse(yaml: yaml, file: "t.yaml")
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test("A file-wide test-value list applies to every detector in the file")
    func fileWideTestValues() throws {
        let yaml = "allowlist:\n  test_values:\n    patterns: ['(?i)example']\n" + detectorYAML()
        let detector = try #require(try DetectorSet.parse(yaml: yaml, file: "t.yaml").first)
        #expect(detector.allowlist.testValues.patterns == ["(?i)example"])
        #expect(detector.allowlist.patterns.isEmpty)
    }

    @Test("The example check fails a test value example that is found untagged or not at all")
    func exampleCheck() throws {
        let yaml = detectorYAML(
            pattern: "(?<![A-Za-z0-9])(tok_[A-Za-z0-9]{12})(?![A-Za-z0-9])",
            extra: """
                    allowlist:
                      test_values:
                        values: [tok_4eC39HqLyjWD]
                    test_value_examples: ['x tok_4eC39HqLyjWD', 'x tok_q7Lm2Pz9Wk4R', 'nothing here']
                """,
            examples: "['x tok_q7Lm2Pz9Wk4R', 'tok_q7Lm2Pz9Wk4S']")
        let failures: [ExampleFailure] = try Self.engine(yaml).checkExamples()
        #expect(failures.map { $0.index } == [2, 3])
        #expect(failures.allSatisfy { $0.kind == ExampleFailure.Kind.notTestValue })
        #expect(failures.allSatisfy { !$0.description.contains("tok_") })
    }

    @Test("The embedded table keeps test values and test value examples")
    func tableRoundTrip() throws {
        let detectors = try DetectorSet.parse(yaml: Self.yaml, file: "t.yaml")
        let table = DetectorTable.encode(detectors)
        let decoded = try table.withUnsafeBufferPointer { buffer throws(DetectorTable.DecodingError) in try DetectorTable.decode(buffer) }
        #expect(decoded == detectors)
        #expect(decoded.first?.allowlist.testValues.values == ["tok_4eC39HqLyjWD"])
    }
}
