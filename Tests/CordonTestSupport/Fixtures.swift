import Foundation

@testable import Cordon

/// A small detector set with known behaviour, independent of the built-in catalogue, so engine
/// tests do not change when the catalogue does.
package enum Fixtures {
    package static let yaml = #"""
        detectors:
          - id: gh-token
            name: GitHub token
            description: Fixture GitHub token with checksum.
            category: secret
            level: restricted
            pattern: '(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9])'
            keywords: [ghp_, gho_, ghu_, ghs_, ghr_]
            validators: [github_checksum]
            examples: ['x', 'y']
            negative_examples: ['z']
          - id: password
            name: Password assignment
            description: Fixture password assignment; the value is group 1.
            category: secret
            level: restricted
            pattern: '(?i)\bpassword\s{0,4}[=:]\s{0,4}"?([^\s"]{6,64})'
            keywords: [password]
            allowlist:
              values: [changeme]
              patterns: ['^\$\{[A-Za-z_]+\}$']
            examples: ['x', 'y']
            negative_examples: ['z']
          - id: email
            name: E-mail address
            description: Fixture e-mail.
            category: pii
            level: confidential
            pattern: '(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}'
            keywords: ['@']
            examples: ['x', 'y']
            negative_examples: ['z']
          - id: card
            name: Card number
            description: Fixture card number.
            category: financial
            level: restricted
            pattern: '(?<![0-9])4[0-9]{3}(?:[ -]?[0-9]{4}){3}(?![0-9])'
            validators: [luhn]
            examples: ['x', 'y']
            negative_examples: ['z']
          - id: hexkey
            name: Hex key
            description: Fixture high-entropy hex key after key=.
            category: secret
            level: restricted
            pattern: 'key=([0-9a-f]{16,64})'
            keywords: ['key=']
            entropy: 3.0
            examples: ['x', 'y']
            negative_examples: ['z']
          - id: internal-host
            name: Internal host
            description: Fixture internal host name.
            category: internal
            level: internal
            pattern: '(?<![A-Za-z0-9.-])[a-z0-9-]{1,63}\.corp(?![A-Za-z0-9-])'
            keywords: [.corp]
            examples: ['x', 'y']
            negative_examples: ['z']
        """#

    /// One deliberately pathological detector: nested repeats that backtrack exponentially.
    package static let catastrophicYAML = """
        detectors:
          - id: catastrophic
            name: Catastrophic backtracking
            description: A deliberately pathological pattern.
            category: secret
            level: restricted
            pattern: '(?:(a|aa)+)+$'
            examples: ['x', 'y']
            negative_examples: ['z']
        """

    /// The fixture detectors, compiled once for all tests.
    /// The built-in detector set, compiled once for every suite that needs it.
    package static let builtInEngine: Engine = {
        do { return try Engine(DetectorSet.builtIn()) } catch { fatalError("built-in detectors do not load: \(error)") }
    }()

    package static let engine: Engine = {
        do {
            return try Engine(DetectorSet(DetectorSet.parse(yaml: yaml, file: "fixtures.yaml")))
        } catch {
            fatalError("fixture detectors do not load: \(error)")
        }
    }()
}

extension ScanResult {
    /// `(detector id, range)` of each finding, for compact expectations.
    package var spans: [(String, Range<Int>)] { findings.map { ($0.detectorID, $0.range) } }
}

/// A detector file with one valid detector; tests change one thing at a time.
package func detectorYAML(
    id: String = "test-token", pattern: String = "(?<![A-Za-z0-9])(tok_[a-z0-9]{12})(?![a-z0-9])",
    extra: String = "", examples: String = "['x tok_abcdef123456 y', 'tok_abcdef654321']",
    negatives: String = "['tok_short']"
) -> String {
    """
    detectors:
      - id: \(id)
        name: Test token
        description: A token used by tests.
        category: secret
        level: restricted
        pattern: '\(pattern)'
        keywords: [tok_]
    \(extra)
        examples: \(examples)
        negative_examples: \(negatives)

    """
}
