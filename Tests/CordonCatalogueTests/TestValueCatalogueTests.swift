import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The built-in detectors find published documentation and test values and tag them as test
/// values, and still report nothing in template placeholders.
@Suite("Built-in test values")
struct TestValueCatalogueTests {
    static let engine = Fixtures.builtInEngine

    /// Documentation and test values as they appear in docs, READMEs and test suites, with the
    /// detector expected to find each.
    static let testValues: [(text: String, value: String, detector: String)] = [
        ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key"),
        ("Contact jane.doe@example.com today", "jane.doe@example.com", "email"),
        ("mail ops@mail.example.org", "ops@mail.example.org", "email"),
        ("SSN: 912-34-5678", "912-34-5678", "us-ssn"),
        ("SSN 987-65-4321 (advertising)", "987-65-4321", ""),
        ("card 4111 1111 1111 1111", "4111 1111 1111 1111", "payment-card"),
        ("card 4242-4242-4242-4242", "4242-4242-4242-4242", "payment-card"),
        ("card 5555555555554444", "5555555555554444", "payment-card"),
        ("card 6011111111111117", "6011111111111117", "payment-card"),
        ("card 4012888888881881", "4012888888881881", "payment-card"),
        ("card 5105105105105100", "5105105105105100", "payment-card"),
        ("amex 378282246310005", "378282246310005", "payment-card"),
        ("stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "stripe-secret-key"),
        ("GITHUB_TOKEN=ghp_EXAMPLE0123456789abcdefghijklmnopqrs", "ghp_EXAMPLE0123456789abcdefghijklmnopqrs", ""),
        ("SLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-EXAMPLEabcdefghijklmnopq", "xoxb-123456789012-1234567890123-EXAMPLEabcdefghijklmnopq", "slack-token"),
    ]

    /// Template placeholders: no value at all.
    static let placeholders = [
        "OPENAI_API_KEY=<YOUR_API_KEY>",
        "api_key: ${API_KEY}",
        "password: {{ db_password }}",
        "password = ****",
        "aws_secret_access_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "password=changeme",
        "token = \"<your-token-here>\"",
    ]

    @Test("Every published documentation or test value is found and tagged as a test value", arguments: testValues)
    func foundAndTagged(_ sample: (text: String, value: String, detector: String)) throws {
        let found = Self.engine.scan(sample.text).findings
        let bytes = Array(sample.text.utf8)
        let onValue = found.filter { String(decoding: bytes[$0.range], as: UTF8.self) == sample.value }
        let finding = try #require(onValue.first, "not found")
        if !sample.detector.isEmpty { #expect(finding.detectorID == sample.detector) }
        #expect(finding.isTestValue)
        #expect(finding.confidence == .low)
        #expect(Self.engine.scan(sample.text).levelWithoutTestValues == .public)
    }

    @Test("Redaction removes every documentation or test value", arguments: testValues)
    func redacted(_ sample: (text: String, value: String, detector: String)) {
        let output = String(decoding: Self.engine.redact(sample.text).bytes, as: UTF8.self)
        #expect(!output.contains(sample.value))
    }

    @Test("Template placeholders are not findings", arguments: placeholders)
    func placeholdersNotFound(_ text: String) {
        #expect(Self.engine.scan(text).findings.isEmpty, "\(Self.engine.scan(text).findings.map(\.detectorID))")
    }

    @Test("Generated values of the same kinds are not tagged as test values")
    func realValuesUntagged() {
        var fake = FakeSecrets(seed: 15)
        let texts = [
            "aws_access_key_id = \(fake.awsAccessKeyID())", "GITHUB_TOKEN=\(fake.githubToken())",
            "card \(fake.cardNumber())", "SSN: \(fake.ssn())", "mail \(fake.email())",
        ]
        for text in texts {
            let result = Self.engine.scan(text)
            #expect(!result.findings.isEmpty, "nothing found")
            #expect(result.findings.allSatisfy { !$0.isTestValue })
            #expect(result.levelWithoutTestValues > .internal)
        }
    }

    @Test("An ITIN (9xx with an issued group) is a real value, not an SSN test value")
    func itinIsNotATestValue() {
        let result = Self.engine.scan("ITIN: 956-55-9136")
        #expect(result.findings.contains { $0.detectorID == "us-itin" })
        #expect(result.findings.allSatisfy { !$0.isTestValue })
    }
}
