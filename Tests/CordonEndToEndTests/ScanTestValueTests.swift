import CordonTestSupport
import Foundation
import Testing

/// `cordon scan` reports documentation and test values tagged, in every format, and does not
/// fail a CI run on them; `cordon redact` redacts them. Built-in detectors.
@Suite("Scan and redact of test values")
struct ScanTestValueTests {
    let folder: TemporaryFolder
    let onlyTestValues: String
    let withRealValue: String
    var fake = FakeSecrets(seed: 17)
    let realToken: String

    static let testText = """
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        card: 4242 4242 4242 4242
        contact: jane.doe@example.com

        """

    init() throws {
        folder = try TemporaryFolder()
        realToken = fake.githubToken()
        onlyTestValues = try folder.write("docs/guide.md", Self.testText).path
        withRealValue = try folder.write("src/app.env", Self.testText + "GITHUB_TOKEN=\(realToken)\n").path
    }

    @Test("Only test values: exit status 0 in every format, each finding tagged")
    func onlyTestValuesDoNotFail() throws {
        let text = try CordonProcess.run(["scan", onlyTestValues], input: "")
        #expect(text.status == 0)
        #expect(text.stdoutLines.count == 4)
        #expect(text.stdoutLines.dropLast().allSatisfy { $0.contains(" low test-value ") })
        #expect(text.stdoutLines.last == "3 findings (3 test values) in 1 file; level: public")

        let jsonl = try CordonProcess.run(["scan", "--format", "jsonl", onlyTestValues], input: "")
        #expect(jsonl.status == 0)
        let records = try jsonl.stdoutLines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let findings = records.filter { $0["type"] as? String == "finding" }
        #expect(findings.count == 3)
        #expect(findings.allSatisfy { $0["test_value"] as? Bool == true && $0["confidence"] as? String == "low" })
        #expect(records.last?["level"] as? String == "public")

        let json = try CordonProcess.run(["scan", "--format", "json", onlyTestValues], input: "")
        #expect(json.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(document["test_values"] as? Int == 3)
        #expect(document["level"] as? String == "public")

        let sarif = try CordonProcess.run(["scan", "--format", "sarif", onlyTestValues], input: "")
        #expect(sarif.status == 0)
        let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for result in results {
            #expect(result["level"] as? String == "note")
            #expect((result["properties"] as? [String: Any])?["test_value"] as? Bool == true)
        }
    }

    @Test("A real value next to test values still fails the scan")
    func realValueFails() throws {
        let output = try CordonProcess.run(["scan", "--format", "jsonl", withRealValue], input: "")
        #expect(output.status == 1)
        #expect(output.stdoutLines.filter { $0.contains(#""test_value":true"#) }.count == 3)
        #expect(output.stdoutLines.last?.contains(#""level":"restricted""#) == true)
        #expect(!output.stdoutText.contains(realToken))
        #expect(!output.stdoutText.contains("AKIAIOSFODNN7EXAMPLE"))
    }

    @Test("--min-confidence medium leaves test values out of the report")
    func minimumConfidence() throws {
        let output = try CordonProcess.run(["scan", "--min-confidence", "medium", onlyTestValues], input: "")
        #expect(output.status == 0)
        #expect(output.stdoutLines == ["0 findings in 1 file; level: public"])
    }

    @Test("cordon redact replaces test values like any other value")
    func redactRedacts() throws {
        let output = try CordonProcess.run(["redact"], input: Self.testText)
        #expect(output.status == 0)
        for value in ["AKIAIOSFODNN7EXAMPLE", "4242 4242 4242 4242", "jane.doe@example.com"] {
            #expect(!output.stdoutText.contains(value))
        }
        #expect(output.stdoutText.contains("[REDACTED:aws-access-key-id]"))
    }
}
