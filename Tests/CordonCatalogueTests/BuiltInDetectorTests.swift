import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The built-in detector set: it loads, its examples pass, and it covers what the README
/// promises at the levels it promises.
@Suite("Built-in detectors")
struct BuiltInDetectorTests {
    static let engine = Fixtures.builtInEngine

    @Test("Every detector passes its examples and negative examples")
    func examplesPass() {
        let failures = Self.engine.checkExamples()
        #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
    }

    @Test("At least 40 detectors, each with 2 examples and 1 negative example")
    func size() {
        #expect(Self.engine.detectors.count >= 40)
        for detector in Self.engine.detectors {
            #expect(detector.examples.count >= 2 && detector.negativeExamples.count >= 1, "\(detector.id)")
        }
    }

    @Test("The embedded set is exactly the detectors/ folder")
    func embeddedMatchesFolder() throws {
        let folder = CordonProcess.repositoryRoot.appending(path: "detectors").path
        let fromDisk = try DetectorSet.load(from: [folder]).detectors
        func normalized(_ detectors: [Detector]) -> [Detector] {
            detectors.map { detector in
                var copy = detector
                copy.source = URL(fileURLWithPath: detector.source).lastPathComponent
                return copy
            }
        }
        let embedded = normalized(Self.engine.detectors)
        let onDisk = normalized(fromDisk)
        #expect(onDisk.map(\.id) == embedded.map(\.id), "the ids differ: rebuild after changing detectors/")
        let changed = zip(onDisk, embedded).filter { $0 != $1 }.map(\.0.id)
        #expect(changed.isEmpty, "detectors that differ from their files: \(changed)")
    }

    /// The detectors the README promises, with their category and level.
    static let required: [(String, Cordon.Category, Level)] = [
        ("aws-access-key-id", .secret, .restricted), ("aws-secret-access-key", .secret, .restricted),
        ("github-pat", .secret, .restricted), ("github-fine-grained-pat", .secret, .restricted),
        ("github-app-token", .secret, .restricted), ("gitlab-pat", .secret, .restricted),
        ("slack-token", .secret, .restricted), ("slack-webhook-url", .secret, .restricted),
        ("stripe-secret-key", .secret, .restricted), ("google-api-key", .secret, .restricted),
        ("openai-api-key", .secret, .restricted), ("anthropic-api-key", .secret, .restricted),
        ("npm-token", .secret, .restricted), ("pypi-token", .secret, .restricted),
        ("twilio-api-key", .secret, .restricted), ("sendgrid-api-key", .secret, .restricted),
        ("private-key-pem", .secret, .restricted), ("openssh-private-key", .secret, .restricted),
        ("jwt", .secret, .restricted), ("database-url-password", .secret, .restricted),
        ("password-assignment", .secret, .restricted), ("secret-assignment", .secret, .restricted),
        ("email", .pii, .confidential), ("phone-us", .pii, .confidential), ("phone-e164", .pii, .confidential),
        ("us-ssn", .pii, .restricted), ("payment-card", .financial, .restricted), ("iban", .financial, .restricted),
        ("ipv4-private", .internal, .internal), ("ipv6-private", .internal, .internal),
        ("ipv4-public", .pii, .confidential), ("internal-hostname", .internal, .internal),
        ("marking-internal", .internal, .internal), ("marking-confidential", .internal, .confidential),
    ]

    @Test("Required detectors exist with their documented category and level")
    func requiredDetectors() {
        let byID = Dictionary(uniqueKeysWithValues: Self.engine.detectors.map { ($0.id, $0) })
        for (id, category, level) in Self.required {
            let detector = byID[id]
            #expect(detector != nil, "missing detector \(id)")
            #expect(detector?.category == category, "\(id) category")
            #expect(detector?.level == level, "\(id) level")
        }
    }

    @Test("Checksum detectors use their validators")
    func validators() {
        let byID = Dictionary(uniqueKeysWithValues: Self.engine.detectors.map { ($0.id, $0) })
        #expect(byID["payment-card"]?.validators.contains(.luhn) == true)
        #expect(byID["iban"]?.validators.contains(.ibanMod97) == true)
        #expect(byID["us-ssn"]?.validators.contains(.usSSN) == true)
        #expect(byID["github-pat"]?.validators.contains(.githubChecksum) == true)
        #expect(byID["jwt"]?.validators.contains(.jwt) == true)
    }

    /// A fake PEM private key body: random base64 lines (not a real key).
    static func pemBody(lines: Int = 8) -> [String] {
        var fake = FakeSecrets(seed: 77)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return (0..<lines).map { _ in fake.random(alphabet, count: 64) }
    }

    func pem(_ separator: String, indent: String = "") -> String {
        (["-----BEGIN RSA PRIVATE KEY-----"] + Self.pemBody() + ["-----END RSA PRIVATE KEY-----"])
            .map { indent + $0 }.joined(separator: separator).dropFirst(indent.count).description
    }

    @Test("A PEM key split over LF or CRLF lines is one finding covering the whole block")
    func pemOverLines() throws {
        for separator in ["\n", "\r\n"] {
            let block = pem(separator)
            let text = "key:\(separator)\(block)\(separator)done"
            let findings = Self.engine.scan(text).findings.filter { $0.detectorID == "private-key-pem" }
            let start = 4 + separator.utf8.count
            #expect(findings.count == 1)
            #expect(findings.first?.range == start..<(start + block.utf8.count), "separator \(separator.debugDescription)")
        }
    }

    @Test("A PEM key inside a JSON string, its newlines written as \\n, is found and redacted")
    func pemInJSON() throws {
        let escaped = pem("\\n")
        let json = #"{"messages":[{"role":"user","content":"deploy with \#(escaped)\n thanks"}]}"#
        let result = Self.engine.scan(json)
        let finding = try #require(result.findings.first { $0.detectorID == "private-key-pem" })
        let start = try #require(json.utf8.firstRange(of: "-----BEGIN".utf8)).lowerBound
        #expect(finding.range.lowerBound == json.utf8.distance(from: json.utf8.startIndex, to: start))
        #expect(finding.range.count == escaped.utf8.count)
        let redacted = Self.engine.redact(json).text
        #expect(redacted == #"{"messages":[{"role":"user","content":"deploy with [REDACTED:private-key-pem]\n thanks"}]}"#)
    }

    @Test("Masked values and placeholders are never reported; documented example keys only as test values")
    func hardNegatives() {
        let examples = Self.engine.scan("""
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            """).findings
        #expect(examples.count == 2 && examples.allSatisfy { $0.isTestValue }, "\(examples)")
        let text = """
            ssn: ***-**-1234
            card: **** **** **** 1234
            api_key = "<YOUR_API_KEY>"
            password = "${DB_PASSWORD}"
            """
        let findings = Self.engine.scan(text).findings
        #expect(findings.isEmpty, "\(findings.map(\.detectorID))")
    }

    @Test("A secret at the first and the last byte of a message")
    func edges() {
        var fake = FakeSecrets(seed: 8)
        let first = fake.githubToken()
        let last = fake.awsAccessKeyID()
        let text = first + "\nsome text\n" + last
        let findings = Self.engine.scan(text).findings
        #expect(findings.contains { $0.detectorID == "github-pat" && $0.range == 0..<40 })
        #expect(findings.contains { $0.detectorID == "aws-access-key-id" && $0.range.upperBound == text.utf8.count })
    }
}
