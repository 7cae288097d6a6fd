import Cordon

/// What a policy decided for one message, and why.
///
/// A decision holds findings (detector ids, levels and byte ranges) but never the values, so it
/// is safe to log and to audit.
public struct PolicyDecision: Sendable, Hashable {
    /// Why the policy took its action.
    public enum Reason: Sendable, Hashable {
        /// The content is within the destination's level.
        case withinLimit
        /// Findings are above the destination's level.
        case aboveLimit
        /// The file's path matched a path rule above the destination's level; the glob.
        case pathRule(String)
        /// The scan could not finish and the policy fails closed.
        case scanIncomplete
    }

    /// The message's level: the highest of its findings (after exceptions and overrides) and
    /// of the path rules its path matches.
    public var level: Level
    /// What happens to the message.
    public var action: PolicyAction
    /// Why.
    public var reason: Reason
    /// The findings that count: the scan's, less those an exception allows, with overridden
    /// levels.
    public var findings: [Finding]
    /// The findings above the destination's level, sorted by range: the ones redacted when
    /// ``action`` is `redact`.
    public var aboveLimit: [Finding]
    /// The destination decided for.
    public var destination: PolicyDestination
    /// Whether the scan finished.
    public var isScanComplete: Bool

    /// Creates a decision.
    public init(
        level: Level, action: PolicyAction, reason: Reason, findings: [Finding], aboveLimit: [Finding],
        destination: PolicyDestination, isScanComplete: Bool
    ) {
        self.level = level
        self.action = action
        self.reason = reason
        self.findings = findings
        self.aboveLimit = aboveLimit
        self.destination = destination
        self.isScanComplete = isScanComplete
    }

    /// A one-line explanation for people: the level, the destination and the detector ids with
    /// counts, never a value. For example: `restricted content for destination 'public-api'
    /// (allowed up to internal): github-pat ×1, email ×2`.
    public var explanation: String {
        let head = "\(level) content for destination '\(destination.name)' (allowed up to \(destination.maximumLevel))"
        switch reason {
        case .scanIncomplete:
            return "the scan could not finish, and the policy fails closed"
        case .pathRule(let glob):
            let counts = PolicyDecision.counts(findings)
            return head + ": the path matches rule '\(glob)'" + (counts.isEmpty ? "" : "; found \(counts)")
        case .withinLimit, .aboveLimit:
            let counts = PolicyDecision.counts(aboveLimit.isEmpty ? findings : aboveLimit)
            return head + (counts.isEmpty ? "" : ": \(counts)")
        }
    }

    /// Detector ids with counts, most frequent first: `email ×2, github-pat ×1`.
    public static func counts(_ findings: [Finding]) -> String {
        detectorCounts(findings).sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    /// The number of findings by detector id.
    public static func detectorCounts(_ findings: [Finding]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for finding in findings { counts[finding.detectorID, default: 0] += 1 }
        return counts
    }

    /// The findings per detector id of several scans of one message (its strings one by one,
    /// then joined): the first decision counts, and the others add only detectors it did not
    /// find, since they find the same values again.
    public static func detectorCounts(across decisions: [PolicyDecision]) -> [String: Int] {
        guard let first = decisions.first else { return [:] }
        var counts = detectorCounts(first.findings)
        for decision in decisions.dropFirst() {
            for (id, count) in detectorCounts(decision.findings) where counts[id] == nil { counts[id] = count }
        }
        return counts
    }

    /// The explanation of the most severe of several decisions on one message, with the counts of
    /// the first decision that has findings above the limit (the scans of one message find the
    /// same values again, so adding them up would double the counts).
    public static func combinedExplanation(of decisions: [PolicyDecision]) -> String {
        guard let worst = decisions.max(by: { ($0.action, $0.level) < ($1.action, $1.level) }) else { return "nothing found" }
        var combined = worst
        combined.level = decisions.map(\.level).max() ?? worst.level
        combined.aboveLimit = decisions.first { !$0.aboveLimit.isEmpty }?.aboveLimit ?? []
        combined.findings = decisions.first { !$0.findings.isEmpty }?.findings ?? []
        return combined.explanation
    }
}
