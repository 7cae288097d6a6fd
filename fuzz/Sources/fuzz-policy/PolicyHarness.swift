import Cordon
import CordonGuard
import CordonJSON
import FuzzSupport

private let file = "fuzz-policy.yaml"
private let day = CalendarDay(year: 2026, month: 6, day: 15)!
private let categories = Category.allCases
private let levels = Level.allCases

/// Feeds arbitrary bytes as the text of a policy file to `Policy.parse(yaml:file:)` (what
/// `Policy.load(from:)` and `cordon policy check` run) and checks:
///
/// - no crash, and only `PolicyError` (typed throws); `error-file`: errors name the file;
/// - `value-leak`: no error message quotes a (distinctive) value of the file — the parser
///   documents "never quotes text from the file beyond field names and known identifiers";
///   `key-leak` (counted only): a field name quoted;
/// - for a parsed policy: `default-destination`: the default destination exists; validating it
///   against the built-in detector ids, listing expired exceptions and deciding synthetic scans
///   (findings of every id the policy names, of every category and level, complete and
///   incomplete) for every destination and several paths (including each glob's own text) does
///   not crash, and every decision keeps the documented rules:
///   `decision-destination` (the decision names the destination asked for), `fail-closed` (an
///   incomplete scan under `failure_mode: closed` blocks), `allow-iff-within` (the action is
///   allow exactly when the level is within the destination's and no failure blocks),
///   `redact-above-limit` (a redaction has findings above the limit, and only such findings are
///   listed above the limit), `findings-subset` (decided findings come from the scan).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let yaml = String(decoding: input, as: UTF8.self)
    let policy: Policy
    do {
        policy = try Policy.parse(yaml: yaml, file: file)
    } catch {
        Fuzz.check(error.file == file, "error-file", input: input, "the error names '\(error.file)'")
        let scalars = YAMLScalars(yaml, listKeys: [])
        let message = error.message
        // A value inside a field name that the message quotes is the field name's (allowed).
        let quotedKeys = scalars.keys.filter { message.contains($0) }
        if let leaked = scalars.values.first(where: { value in
            isDistinctive(value) && message.contains(value) && !quotedKeys.contains { $0.contains(value) }
        }) {
            Fuzz.violated("value-leak", input: input, "the message \(Fuzz.show(Array(message.utf8), limit: 300)) quotes the value \(Fuzz.show(Array(leaked.utf8)))")
        } else if let leaked = scalars.keys.first(where: { isDistinctive($0) && message.contains($0) }) {
            Fuzz.observe("key-leak", input: input, "the message \(Fuzz.show(Array(message.utf8), limit: 300)) quotes the field name \(Fuzz.show(Array(leaked.utf8)))")
        }
        return 0
    }
    Fuzz.count("parsed")
    Fuzz.check(policy.destination(named: nil) != nil, "default-destination", input: input, "no destination '\(policy.defaultDestination)'")
    _ = try? policy.validate(against: [])
    _ = policy.expiredExceptions(on: day)
    _ = policy.expiredExceptions()

    // Findings of every id and category the policy names, and of fixed ones, at every level.
    var ids = Array(policy.detectorOverrides.keys.sorted()) + policy.exceptions.compactMap(\.detectorID)
    ids += ["email", "private-key-pem", "aws-access-key-id"]
    var findings: [Finding] = []
    for (index, id) in ids.prefix(32).enumerated() {
        let start = index * 10
        findings.append(Finding(
            detectorID: id, category: categories[index % categories.count], level: levels[index % levels.count],
            range: start..<(start + 5), line: 1, column: start + 1))
    }
    var paths: [String?] = [nil, "src/main.swift", "docs/readme.md", "infra/examples/a.tf", "a/b/c.pem", "/etc/ssh/id_rsa", ".ssh/config"]
    for rule in policy.pathRules.prefix(8) { paths.append(rule.glob.pattern) }
    for exception in policy.exceptions.prefix(8) { if let glob = exception.path { paths.append(glob.pattern) } }
    for path in paths.prefix(24) {
        for destination in policy.destinations.prefix(8) {
            for complete in [true, false] {
                let scan = ScanResult(
                    findings: findings, failures: complete ? [] : [DetectorFailure(detectorID: "x", reason: "match limit")])
                let decision = policy.decide(scan, path: path, destination: destination, on: day)
                _ = decision.explanation
                checkDecision(decision, scan: scan, policy: policy, destination: destination, input: input)
            }
        }
    }
    return 0
}

func checkDecision(
    _ decision: PolicyDecision, scan: ScanResult, policy: Policy, destination: PolicyDestination,
    input: UnsafeBufferPointer<UInt8>
) {
    Fuzz.check(decision.destination == destination, "decision-destination", input: input, "asked '\(destination.name)', got '\(decision.destination.name)'")
    let failureBlocks = !scan.isComplete && policy.failureMode == .closed
    if failureBlocks {
        Fuzz.check(decision.action == .block, "fail-closed", input: input, "an incomplete scan gives \(decision.action)")
    }
    Fuzz.check(
        (decision.action == .allow) == (decision.level <= destination.maximumLevel && !failureBlocks), "allow-iff-within",
        input: input, "level \(decision.level.name), limit \(destination.maximumLevel.name), action \(decision.action)")
    if decision.action == .redact {
        Fuzz.check(!decision.aboveLimit.isEmpty, "redact-above-limit", input: input, "a redaction with nothing above the limit")
    }
    for finding in decision.aboveLimit {
        Fuzz.check(
            finding.level > destination.maximumLevel, "redact-above-limit", input: input,
            "\(finding.detectorID) at level \(finding.level.name) listed above the limit \(destination.maximumLevel.name)")
    }
    for finding in decision.findings {
        Fuzz.check(
            scan.findings.contains { $0.range == finding.range && $0.detectorID == finding.detectorID }, "findings-subset",
            input: input, "\(finding.detectorID) at \(finding.range) is not in the scan")
    }
}
