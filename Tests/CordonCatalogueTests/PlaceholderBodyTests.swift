import CordonDetectorModel
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Provider tokens filled with a placeholder body (issue #15 class 7): the provider's exact
/// prefix and shape with a body of `x` or `0` runs (`tvly-xxxx…`,
/// `xoxb-0000000000-0000000000000-xxxx…`) are that provider's documentation values, reported
/// as test values like `AKIAIOSFODNN7EXAMPLE` — for every detector whose value starts with its
/// keyword. After a generic key, where no prefix says whose token it is, a run of `x` stays a
/// true placeholder.
@Suite("Provider tokens with a placeholder body")
struct PlaceholderBodyTests {
    static let engine = Fixtures.builtInEngine

    /// Whether `body` is what the rule calls a placeholder body, written from its definition:
    /// runs of one repeated letter or digit, each at least 4 long and 8 in all, between single
    /// `-`, `_` or `.` (one may also stand first).
    static func isPlaceholderBody(_ body: [UInt8]) -> Bool {
        var body = body[...]
        if let first = body.first, "-_.".utf8.contains(first) { body = body.dropFirst() }
        var total = 0
        for run in body.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            .flatMap({ $0.split(separator: UInt8(ascii: "_"), omittingEmptySubsequences: false) })
            .flatMap({ $0.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) })
        {
            guard run.count >= 4, let first = run.first, run.allSatisfy({ $0 == first }),
                ByteClass.isAlphanumeric(first)
            else { return false }
            total += run.count
        }
        return total >= 8
    }

    /// Every built-in detector's examples with the body of each value that starts with one of
    /// the detector's keywords rewritten to `filler` (letters and digits replaced, separators
    /// kept), when that body is a placeholder body: (detector index, text, value range).
    static func placeholderCases(filler: UInt8) -> [(detector: Int, text: [UInt8], range: Range<Int>)] {
        var cases: [(detector: Int, text: [UInt8], range: Range<Int>)] = []
        for (index, detector) in engine.detectors.enumerated() {
            let prefixes = detector.keywords.filter { $0.utf8.count >= 3 }.map { Array($0.lowercased().utf8) }
            guard !prefixes.isEmpty else { continue }
            for example in detector.examples {
                var bytes = Array(example.utf8)
                let findings = bytes.withUnsafeBufferPointer { engine.scan($0, onlyDetector: index).findings }
                for finding in findings {
                    let value = Array(bytes[finding.range])
                    guard let prefix = prefixes.first(where: { value.count > $0.count && value.prefix($0.count).map(ByteClass.lowercased) == $0 })
                    else { continue }
                    let body = value[prefix.count...].map { ByteClass.isAlphanumeric($0) ? filler : $0 }
                    guard isPlaceholderBody(body) else { continue }
                    bytes.replaceSubrange((finding.range.lowerBound + prefix.count)..<finding.range.upperBound, with: body)
                    cases.append((index, bytes, finding.range))
                    break
                }
            }
        }
        return cases
    }

    @Test("Every provider-prefixed detector reports its prefix with a body of x or 0 runs as a test value, or not at all", arguments: [UInt8(ascii: "x"), UInt8(ascii: "0")])
    func placeholderBodiesAreTestValues(_ filler: UInt8) {
        let cases = Self.placeholderCases(filler: filler)
        var taggedDetectors = Set<String>()
        for sample in cases {
            let detector = Self.engine.detectors[sample.detector]
            let findings = sample.text.withUnsafeBufferPointer { Self.engine.scan($0, onlyDetector: sample.detector).findings }
            let onValue = findings.filter { $0.range.overlaps(sample.range) }
            #expect(onValue.allSatisfy { $0.isTestValue && $0.confidence == .low }, "\(detector.id)")
            if !onValue.isEmpty { taggedDetectors.insert(detector.id) }
        }
        // The rule reaches most of the catalogue's token detectors, not a handful.
        #expect(taggedDetectors.count >= 100, "\(taggedDetectors.count) detectors of \(cases.count) cases")
        // Tokens whose shape takes the filler: letters for Tavily and GitHub, digits for Slack's ids.
        let expected: Set<String> = filler == UInt8(ascii: "x") ? ["tavily-api-key", "github-pat", "npm-token"] : ["slack-token", "stripe-secret-key"]
        #expect(taggedDetectors.isSuperset(of: expected), "\(expected.subtracting(taggedDetectors))")
    }

    /// Placeholder-bodied tokens in a message, each with the detector that must tag it.
    static let slackUser = "xoxp-" + String(repeating: "0", count: 12) + "-" + String(repeating: "0", count: 12) + "-"
        + String(repeating: "0", count: 13) + "-" + String(repeating: "x", count: 32)
    static let tavilyZeros = "tvly-" + String(repeating: "0", count: 32)
    static let messages: [(text: String, value: String, detector: String)] = [
        ("notify:\n  slack_user_token: \"\(slackUser)\"\n", slackUser, "slack-token"),
        ("client = TavilyClient(api_key=\"\(tavilyZeros)\")  # fill in yours\n", tavilyZeros, "tavily-api-key"),
        ("GH_TOKEN=ghp_" + String(repeating: "X", count: 36), "ghp_" + String(repeating: "X", count: 36), "github-pat"),
    ]

    @Test("A placeholder-bodied token in a message is found, tagged and redacted, and does not raise the message's level", arguments: messages.indices)
    func taggedInMessages(_ index: Int) throws {
        let sample = Self.messages[index]
        let result = Self.engine.scan(sample.text)
        let bytes = Array(sample.text.utf8)
        let finding = try #require(result.findings.first { String(decoding: bytes[$0.range], as: UTF8.self) == sample.value })
        #expect(finding.detectorID == sample.detector)
        #expect(finding.isTestValue && finding.confidence == .low)
        #expect(result.levelWithoutTestValues == .public)
        let redacted = String(decoding: Self.engine.redact(sample.text).bytes, as: UTF8.self)
        #expect(!redacted.contains(sample.value))
    }

    /// Runs of `x` after a generic key: no prefix says whose token it is, so a true placeholder.
    static let genericPlaceholders = [
        "api_key = \"" + String(repeating: "x", count: 32) + "\"",
        "DB_PASSWORD=" + String(repeating: "x", count: 12),
        "client_secret: " + String(repeating: "X", count: 40),
        "Authorization: Bearer " + String(repeating: "x", count: 40),
    ]

    @Test("Runs of x after a generic key are placeholders: not reported", arguments: genericPlaceholders)
    func genericPlaceholdersNotFound(_ text: String) {
        let findings = Self.engine.scan(text).findings
        #expect(findings.isEmpty, "\(findings.map(\.detectorID))")
    }

    @Test("A real-shaped token with a short run in its body is not taken for a placeholder")
    func realTokensNotTagged() throws {
        var fake = FakeSecrets(seed: 7400)
        for _ in 0..<50 {
            // A body with one run of 4 x's among random characters.
            let body = fake.random(FakeSecrets.base62, count: 14) + "xxxx" + fake.random(FakeSecrets.base62, count: 14)
            let text = "TAVILY_API_KEY=tvly-\(body)"
            let finding = try #require(Self.engine.scan(text).findings.first { $0.detectorID == "tavily-api-key" })
            #expect(!finding.isTestValue)
        }
    }
}
