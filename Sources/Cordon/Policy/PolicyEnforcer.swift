/// Applies a policy to messages: scans them, decides, and redacts or blocks.
///
/// This is the library's one-stop entry point for a gateway: create one enforcer at start-up
/// from a compiled ``Engine``, a ``Policy`` and a ``PlaceholderStore``, and share it between
/// threads (it is immutable and `Sendable`; the store synchronises itself). `cordon serve` and
/// `cordon hook claude-code` are thin layers over it.
public final class PolicyEnforcer: Sendable {
    /// The compiled detectors.
    public let engine: Engine
    /// The policy.
    public let policy: Policy
    /// The per-session maps of reversible placeholders.
    public let placeholders: PlaceholderStore

    /// Creates an enforcer.
    public init(engine: Engine, policy: Policy, placeholders: PlaceholderStore = PlaceholderStore()) {
        self.engine = engine
        self.policy = policy
        self.placeholders = placeholders
    }

    /// Scans `bytes`, decides under the policy for `context`, and, when `replacement` is given and
    /// the message may go out, builds the bytes to forward.
    ///
    /// - Throws: ``EnforcementError`` for an unknown destination, or for reversible placeholders
    ///   without a session.
    public func enforce(
        _ bytes: UnsafeBufferPointer<UInt8>, context: MessageContext, replacement: ValueReplacement? = nil,
        on day: CalendarDay = .today()
    ) throws(EnforcementError) -> Enforcement {
        guard let destination = policy.destination(named: context.destination) else {
            throw .unknownDestination(known: policy.destinations.map(\.name))
        }
        if case .reversiblePlaceholder = replacement, context.session == nil { throw .sessionRequired }
        var scan = engine.scan(bytes)
        var pass = 0
        while true {
            let decision = policy.decide(scan, path: context.path, destination: destination, on: day)
            guard let replacement, decision.action == .redact else {
                let output = replacement != nil && decision.action == .allow ? Array(bytes) : nil
                return Enforcement(scan: scan, decision: decision, output: output)
            }
            let (replaced, irreversible) = replacedSpans(
                bytes, findings: decision.aboveLimit, replacement: replacement, session: context.session)
            let output = replaced.apply(to: bytes)
            let enforcement = Enforcement(scan: scan, decision: decision, output: output, irreversibleReplacements: irreversible)
            // An incomplete scan that the policy lets out (fail open) goes as it is.
            guard scan.isComplete else { return enforcement }
            // Settle, as `Engine.redact` does: a value that the replacements uncovered (a boundary
            // rule no longer rejects it) joins the findings, and the message is decided again. A
            // rescan failure, or values still uncovered after the last pass, make the scan
            // incomplete, which the next decision handles (fail closed, or open).
            let rescan = output.withUnsafeBufferPointer { engine.scan($0) }
            let uncovered = replaced.uncoveredFindings(
                policy.decide(rescan, path: context.path, destination: destination, on: day).aboveLimit)
            if uncovered.isEmpty, rescan.isComplete { return enforcement }
            scan.failures += rescan.failures
            scan.findings = Engine.union(scan.findings, uncovered, in: bytes)
            if pass == Engine.settlingPasses, !uncovered.isEmpty { scan.failures.append(Engine.unsettled(uncovered)) }
            pass += 1
        }
    }

    /// Scans and decides for the UTF-8 bytes of `text`; see ``enforce(_:context:replacement:on:)``.
    public func enforce(
        _ text: String, context: MessageContext, replacement: ValueReplacement? = nil, on day: CalendarDay = .today()
    ) throws(EnforcementError) -> Enforcement {
        let bytes = Array(text.utf8)
        let result: Result<Enforcement, EnforcementError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(EnforcementError) {
                return .success(try enforce(buffer, context: context, replacement: replacement, on: day))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Puts back the values behind the reversible placeholders of `session` found in `bytes` (a
    /// model's reply). Placeholders the session does not know are left as they are.
    public func restore(_ bytes: UnsafeBufferPointer<UInt8>, session: String) -> Restoration {
        placeholders.restore(bytes, session: session)
    }

    /// The spans of `findings` (sorted by range) in `bytes` and their replacements.
    private func replacedSpans(
        _ bytes: UnsafeBufferPointer<UInt8>, findings: [Finding], replacement: ValueReplacement, session: String?
    ) -> (spans: ReplacedSpans, irreversible: Int) {
        let spans = Engine.mergedSpans(findings)
        var replacements: [[UInt8]] = []
        var irreversible = 0
        switch replacement {
        case .operator(let redactionOperator):
            replacements = spans.map {
                redactionOperator.replacement(for: UnsafeBufferPointer(rebasing: bytes[$0.range]), detectorID: $0.detectorID)
            }
        case .reversiblePlaceholder:
            let assigned = placeholders.placeholders(
                for: spans.map { (value: bytes[$0.range], detectorID: $0.detectorID) }, session: session ?? "")
            replacements = zip(spans, assigned).map { span, placeholder in
                if let placeholder { return placeholder }
                irreversible += 1
                return Array("[REDACTED:\(span.detectorID)]".utf8)
            }
        }
        return (ReplacedSpans(spans.map(\.range), replacements: replacements), irreversible)
    }
}
