import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Bounded matching: limits, time budgets, pattern warnings and adversarial inputs.
@Suite("Hardening")
struct HardeningTests {
    @Test("A message over its time budget is incomplete, naming the detector, not the input")
    func timeBudget() throws {
        let limits = ScanLimits(timeBudget: .zero, timeBudgetPerMegabyte: .zero)
        let engine = try Engine(DetectorSet(DetectorSet.parse(yaml: Fixtures.yaml, file: "f.yaml")), limits: limits)
        let text = "mail jane@acme-corp.io secretvalue"
        let result = engine.scan(text)
        #expect(!result.isComplete)
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.reason == "time budget exceeded")
        #expect(!result.failures.description.contains("jane"))
        // The default budget is far above what the fixtures need.
        #expect(Fixtures.engine.scan(text).isComplete)
    }

    @Test("Lower match limits make a pathological pattern fail fast, reported once by id")
    func matchLimit() throws {
        let yaml = Fixtures.catastrophicYAML
        let engine = try Engine(DetectorSet(DetectorSet.parse(yaml: yaml, file: "bad.yaml")), limits: ScanLimits(matchLimit: 10_000))
        let result = engine.scan(String(repeating: "a", count: 10_000) + "!")
        #expect(result.failures.map(\.detectorID) == ["catastrophic"])
        #expect(result.failures.first?.reason.contains("limit") == true)
    }

    @Test("Pattern warnings: nested unbounded repeats and a leading unbounded repeat")
    func patternWarnings() {
        #expect(PatternLint.warnings(for: "(?:(a|aa)+)+$").count == 1)
        let nested = PatternLint.warnings(for: "(\\w*,)*x")
        #expect(nested.count == 2, "nested, and led by an unbounded class: \(nested)")
        #expect(PatternLint.warnings(for: "\\w+@secret").count == 1)
        #expect(PatternLint.warnings(for: "(?i).*password").count == 1)
        #expect(PatternLint.warnings(for: "(?<![a-z])tok_[a-z]{4,}(?:-[a-z]++)*").isEmpty, "possessive inner repeat")
        #expect(PatternLint.warnings(for: "(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z2-7]{16})").isEmpty)
        #expect(PatternLint.warnings(for: "(?>(a+))+b").isEmpty, "atomic group")
        #expect(PatternLint.warnings(for: "x{2,}(?:ab{1,3})+").isEmpty, "a repeated literal leads; the inner repeat is bounded")
        #expect(PatternLint.warnings(for: "[a-z]{2,}@").count == 1, "a repeated class leads")
        #expect(PatternLint.warnings(for: "[+*](?:a+)?").count == 0, "quantifier characters inside a class")
    }

    @Test("The built-in set has no unbounded pattern")
    func builtInPatternsAreBounded() {
        let warned = Fixtures.builtInEngine.detectors.filter { !$0.patternWarnings.isEmpty }.map(\.id)
        #expect(warned.isEmpty, "\(warned)")
    }

    /// 1 MB adversarial inputs for the whole default set.
    static let adversarial: [(String, [UInt8])] = {
        var random = SeededGenerator(seed: 3)
        let size = 1_000_000
        func randomText(_ alphabet: String) -> [UInt8] {
            let bytes = Array(alphabet.utf8)
            return (0..<size).map { _ in bytes[Int(random.next() % UInt64(bytes.count))] }
        }
        return [
            ("one repeated letter", [UInt8](repeating: UInt8(ascii: "a"), count: size)),
            ("digits", randomText("0123456789")),
            ("equals signs", [UInt8](repeating: UInt8(ascii: "="), count: size)),
            ("base64 alphabet", randomText("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")),
            ("at signs", [UInt8](repeating: UInt8(ascii: "@"), count: size)),
            ("nested JSON", Array((String(repeating: "{\"a\":[", count: size / 12) + String(repeating: "]}", count: size / 12)).utf8)),
            ("key assignments", Array(String(repeating: "password=secret=key=", count: size / 20).utf8)),
        ]
    }()

    @Test("Adversarial 1 MB inputs finish, or fail closed on the time budget only", arguments: adversarial.indices)
    func adversarialInput(index: Int) {
        let (name, bytes) = Self.adversarial[index]
        // Behaviour, not timing (the time per MB of each shape is in bench/bounds/RESULTS.md):
        // the scan returns, and is either complete or incomplete because its time budget ran
        // out, which callers treat as "block" — never stopped by anything else.
        let result = Fixtures.builtInEngine.scan(bytes)
        #expect(
            result.isComplete || result.failures.allSatisfy { $0.reason == ScanDeadline.reason },
            "\(name): \(result.failures.map(\.description))")
        #expect(!result.failures.description.contains("password=secret"))
    }

    @Test("Adversarial 1 MB inputs finish complete when the budget allows", arguments: adversarial.indices)
    func adversarialInputFinishes(index: Int) throws {
        let (name, bytes) = Self.adversarial[index]
        // With a budget no scan of 1 MB reaches, every shape must finish: no detector stops on a
        // match limit or any other bound.
        let engine = try Engine(DetectorSet.builtIn(), limits: ScanLimits(timeBudget: .seconds(3600)))
        let result = engine.scan(bytes)
        #expect(result.isComplete, "\(name): \(result.failures.map(\.description))")
    }
}
