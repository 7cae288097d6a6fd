import Cordon
import Foundation

/// Shared material for the sidecar tests: a small fixture detector set with stable ids, request
/// builders and response parsing (with Foundation's JSON, independent of Cordon's parser).
package enum SidecarFixtures {
    /// Detectors whose behaviour the tests rely on, whatever the built-in set becomes:
    /// `fx-token` (secret, restricted), `fx-mail` (pii, confidential), `fx-host` (internal,
    /// internal) and `fx-slow`, whose pattern backtracks past PCRE2's match limit on
    /// ``slowText`` so that the scan is incomplete.
    package static let detectorsYAML = """
        detectors:
          - id: fx-token
            name: Fixture token
            description: A token format used only by the sidecar tests.
            category: secret
            level: restricted
            pattern: '(?<![a-z0-9_])tok_[a-z0-9]{12}(?![a-z0-9])'
            keywords: [tok_]
            examples: ['tok_abcdefabcdef', 'x tok_000000000000 y']
            negative_examples: ['tok_short']
          - id: fx-mail
            name: Fixture e-mail
            description: An e-mail address at the fixture domain.
            category: pii
            level: confidential
            pattern: '(?<![a-z0-9])[a-z0-9]+@example\\.test'
            keywords: ['@example.test']
            examples: ['a@example.test', 'mail bob1@example.test now']
            negative_examples: ['bob@example.org']
          - id: fx-host
            name: Fixture host
            description: An internal host name.
            category: internal
            level: internal
            pattern: '(?<![a-z0-9])[a-z0-9]+\\.corp\\.internal'
            keywords: ['.corp.internal']
            examples: ['db1.corp.internal', 'ssh web.corp.internal']
            negative_examples: ['corp.internal']
          - id: fx-slow
            name: Fixture slow pattern
            description: A pattern that backtracks exponentially, to make scans fail.
            category: secret
            level: restricted
            pattern: 'slowpoke(?:x|xx)+y'
            keywords: [slowpoke]
            examples: ['slowpokexy', 'slowpokexxy']
            negative_examples: ['slowpoke']

        """

    /// A policy over the fixture detectors that exercises every rule: destinations with redact
    /// and block actions, detector and category overrides, path rules, an active and an expired
    /// exception, and a path-only exception that lifts the path rules for its files.
    package static let policyYAML = """
        default_destination: public
        destinations:
          public:
            max_level: internal
            action: redact
          onprem:
            max_level: confidential
          strict:
            max_level: internal
            action: block
          local:
            max_level: restricted
        detectors:
          fx-host:
            level: confidential
          fx-token:
            action: block
        categories:
          pii:
            level: restricted
        paths:
          - glob: '**/auth/**'
            level: restricted
          - glob: '**/*.pem'
            level: restricted
          - glob: 'infra/**'
            level: restricted
        exceptions:
          - detector: fx-mail
            path: 'docs/**'
            reason: Public support address in the docs.
            owner: docs-team
            expires: 2999-12-31
          - detector: fx-host
            reason: Expired long ago.
            owner: platform-team
            expires: 2001-01-31
          - path: 'infra/examples/**'
            reason: Examples hold no real infrastructure.
            owner: platform-team
            expires: 2999-12-31
        """

    /// The fixture detectors compiled, for in-process tests.
    package static let engine: Engine = {
        do {
            return try Engine(DetectorSet(DetectorSet.parse(yaml: detectorsYAML, file: "fixture.yaml")))
        } catch {
            fatalError("fixture detectors do not load: \(error)")
        }
    }()

    /// A text on which `fx-slow` reaches the match limit (the scan is incomplete).
    package static let slowText = "slowpoke" + String(repeating: "x", count: 60) + "-y"

    /// Writes the fixture detectors into `folder` and returns the `--detectors` arguments.
    package static func detectorArguments(in folder: TemporaryFolder) throws -> [String] {
        let file = try folder.write("detectors/fixture.yaml", detectorsYAML)
        return ["--detectors", file.path]
    }

    /// One request line (JSON object and `\n`).
    package static func line(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Parses a response line into a dictionary (`nil` when it is not a JSON object).
    package static func parse(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    /// The error code of an error response.
    package static func errorCode(_ response: [String: Any]?) -> String? {
        (response?["error"] as? [String: Any])?["code"] as? String
    }

    /// The detector ids of a response's findings.
    package static func detectors(_ response: [String: Any]?) -> [String] {
        ((response?["findings"] as? [[String: Any]]) ?? []).compactMap { $0["detector"] as? String }
    }

    /// Runs `cordon serve` over `lines` (standard input closed after them).
    package static func runServe(_ arguments: [String], lines: [String]) throws -> CordonProcess.Output {
        try CordonProcess.run(["serve", "--log-level", "debug"] + arguments, input: lines.joined())
    }
}
