import Cordon
import Crypto
import Foundation

/// Policy as code: which destination may receive which content, and what happens to the rest.
///
/// A policy is read from a YAML file (see the README's policy section, and
/// `examples/policy.yaml`) or is the built-in default. It names destinations with the highest
/// ``Level`` each may receive and the action for content above it, a default destination,
/// per-detector and per-category overrides, path rules that raise the level of files,
/// time-limited exceptions, and whether an incomplete scan fails closed or open.
///
/// ``decide(_:path:destination:on:)`` turns a ``ScanResult`` into a ``PolicyDecision``. Every
/// policy has a ``version``: the SHA-256 of its file's bytes, which responses and audit records
/// name so that any decision can be traced to the exact policy that made it.
public struct Policy: Sendable {
    /// The destinations, in file order.
    public var destinations: [PolicyDestination]
    /// The destination used when a request names none.
    public var defaultDestination: String
    /// What happens to a message whose scan is incomplete.
    public var failureMode: FailureMode
    /// Overrides by detector id.
    public var detectorOverrides: [String: PolicyOverride]
    /// Overrides by category; a detector override takes precedence for its detector.
    public var categoryOverrides: [Category: PolicyOverride]
    /// Rules that raise the level of files by path.
    public var pathRules: [PathRule]
    /// Time-limited exceptions.
    public var exceptions: [PolicyException]
    /// What may be put back in place of reversible placeholders, and where.
    public var restore: RestorePolicy
    /// The SHA-256 (lowercase hex) of the policy's source text.
    public var version: String
    /// The file the policy was read from, or `<built-in>`.
    public var source: String

    /// Creates a policy from its parts.
    public init(
        destinations: [PolicyDestination], defaultDestination: String, failureMode: FailureMode = .closed,
        detectorOverrides: [String: PolicyOverride] = [:], categoryOverrides: [Category: PolicyOverride] = [:],
        pathRules: [PathRule] = [], exceptions: [PolicyException] = [], restore: RestorePolicy = RestorePolicy(),
        version: String, source: String
    ) {
        self.destinations = destinations
        self.defaultDestination = defaultDestination
        self.failureMode = failureMode
        self.detectorOverrides = detectorOverrides
        self.categoryOverrides = categoryOverrides
        self.pathRules = pathRules
        self.exceptions = exceptions
        self.restore = restore
        self.version = version
        self.source = source
    }

    /// The YAML text of the built-in policy, used when no policy file is given.
    public static let builtInYAML = """
        # Cordon's built-in policy, used when no --policy file is given.
        default_destination: public-api
        failure_mode: closed
        destinations:
          public-api:
            max_level: internal
            action: redact
          on-prem:
            max_level: confidential
            action: redact
          local:
            max_level: restricted
        paths:
          - glob: '**/*.pem'
            level: restricted
          - glob: '**/*.key'
            level: restricted
          - glob: '**/.ssh/**'
            level: restricted

        """

    /// The built-in policy: `public-api` (the default) receives up to `internal`, `on-prem` up to
    /// `confidential`, `local` everything; content above is redacted; key files are restricted;
    /// incomplete scans fail closed.
    public static func builtIn() -> Policy {
        // The built-in text is a constant that the test suite parses, so this cannot fail.
        try! parse(yaml: builtInYAML, file: "<built-in>")
    }

    /// Loads the policy file at `path`.
    ///
    /// - Throws: ``PolicyError`` for a file that cannot be read, or the first error in it.
    public static func load(from path: String) throws(PolicyError) -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(file: path, message: "cannot read the file")
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: path, message: "the file is not valid UTF-8")
        }
        return try parse(yaml: yaml, file: path)
    }

    /// Parses the YAML text of a policy; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws(PolicyError) -> Policy {
        let version = Hex.string(SHA256.hash(data: Array(yaml.utf8)))
        return try PolicyParser(file: file).parse(yaml, version: version)
    }

    /// Checks that every detector id the policy names (in overrides and exceptions) is one of
    /// `detectors`, so a misspelt id cannot silently disable a rule.
    ///
    /// - Throws: ``PolicyError`` naming the line of the first unknown id.
    public func validate(against detectors: [Detector]) throws(PolicyError) {
        let known = Set(detectors.map(\.id))
        for (id, override) in detectorOverrides.sorted(by: { ($0.value.line ?? 0) < ($1.value.line ?? 0) }) where !known.contains(id) {
            throw PolicyError(file: source, line: override.line, message: "'detectors' names an unknown detector \(StrictYAML.quotedIdentifier(id))")
        }
        for exception in exceptions {
            if let id = exception.detectorID, !known.contains(id) {
                throw PolicyError(file: source, line: exception.line, message: "an exception names an unknown detector \(StrictYAML.quotedIdentifier(id))")
            }
        }
        for id in restore.neverDetectors.sorted() where !known.contains(id) {
            throw PolicyError(file: source, message: "'restore: never' names an unknown detector or category \(StrictYAML.quotedIdentifier(id))")
        }
    }

    /// The destination called `name`, or the default destination when `name` is `nil`; `nil`
    /// when there is no such destination.
    public func destination(named name: String?) -> PolicyDestination? {
        let wanted = name ?? defaultDestination
        return destinations.first { $0.name == wanted }
    }

    /// The exceptions that have expired on `day`.
    public func expiredExceptions(on day: CalendarDay = .today()) -> [PolicyException] {
        exceptions.filter { $0.isExpired(on: day) }
    }

    /// The override for findings of `detectorID` in `category`: the detector's, else the
    /// category's.
    public func override(detectorID: String, category: Category) -> PolicyOverride? {
        detectorOverrides[detectorID] ?? categoryOverrides[category]
    }

    /// What the policy does with a finding of `level`, with `override`, sent to `destination`.
    public func action(for level: Level, override: PolicyOverride? = nil, destination: PolicyDestination) -> PolicyAction {
        let effective = override?.level ?? level
        guard effective > destination.maximumLevel else { return .allow }
        return override?.action ?? destination.action
    }

    /// Decides what happens to a message with `scan`'s findings, read from `path` (if any), sent
    /// to `destination` on `day`.
    ///
    /// Findings an active exception allows are dropped, overrides set the level of the rest, and
    /// path rules set a floor for the message's level. Content within the destination's level is
    /// allowed. Above it, the message is blocked when a path rule put it there, when a finding's
    /// action (its override's, else the destination's) is `block`, or when the scan is incomplete
    /// and the policy fails closed; otherwise the findings above the level are redacted.
    public func decide(
        _ scan: ScanResult, path: String?, destination: PolicyDestination, on day: CalendarDay = .today()
    ) -> PolicyDecision {
        let activeExceptions = exceptions.filter { !$0.isExpired(on: day) }
        var findings: [Finding] = []
        findings.reserveCapacity(scan.findings.count)
        var blocking: [Finding] = []
        var redacted: [Finding] = []
        for var finding in scan.findings {
            if activeExceptions.contains(where: { $0.allows(finding, path: path, destination: destination.name, on: day) }) {
                continue
            }
            let override = override(detectorID: finding.detectorID, category: finding.category)
            if let level = override?.level { finding.level = level }
            findings.append(finding)
            guard finding.level > destination.maximumLevel else { continue }
            if (override?.action ?? destination.action) == .block {
                blocking.append(finding)
            } else {
                redacted.append(finding)
            }
        }
        var level = findings.map(\.level).max() ?? .public
        var pathRule: PathRule?
        if let path, !activeExceptions.contains(where: { $0.liftsPathRules(path: path, destination: destination.name, on: day) }) {
            // Rules match letters in either case (`server.PEM` is a key file as much as
            // `server.pem`): a rule only ever raises a level. Exceptions match exactly.
            for rule in pathRules where rule.level > (pathRule?.level ?? .public) && rule.glob.matches(path, ignoringCase: true) {
                pathRule = rule
            }
            if let pathRule { level = max(level, pathRule.level) }
        }

        let reason: PolicyDecision.Reason
        let action: PolicyAction
        if !scan.isComplete && failureMode == .closed {
            (action, reason) = (.block, .scanIncomplete)
        } else if level <= destination.maximumLevel {
            (action, reason) = (.allow, .withinLimit)
        } else if let pathRule, pathRule.level > destination.maximumLevel {
            (action, reason) = (.block, .pathRule(pathRule.glob.pattern))
        } else if !blocking.isEmpty {
            (action, reason) = (.block, .aboveLimit)
        } else {
            (action, reason) = (.redact, .aboveLimit)
        }
        return PolicyDecision(
            level: level, action: action, reason: reason, findings: findings,
            aboveLimit: (blocking + redacted).sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) },
            destination: destination, isScanComplete: scan.isComplete)
    }
}
