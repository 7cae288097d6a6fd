import Cordon

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
    /// The level (after the policy's overrides) and category of each detector's values, which
    /// the restore policy weighs.
    private let restoreClasses: [String: (level: Level, category: Category)]

    /// Creates an enforcer.
    public init(engine: Engine, policy: Policy, placeholders: PlaceholderStore = PlaceholderStore()) {
        self.engine = engine
        self.policy = policy
        self.placeholders = placeholders
        var classes: [String: (level: Level, category: Category)] = [:]
        for detector in engine.detectors {
            let level = policy.override(detectorID: detector.id, category: detector.category)?.level ?? detector.level
            classes[detector.id] = (level, detector.category)
        }
        restoreClasses = classes
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
        let policy = self.policy
        let decide = { (scan: ScanResult) in policy.decide(scan, path: context.path, destination: destination, on: day) }
        let first = engine.scan(bytes)
        guard let replacement else {
            return Enforcement(scan: first, decision: decide(first), output: nil)
        }
        // Redact, and settle as `Engine.redact` does: a value that the replacements uncovered
        // joins the findings and the message is decided again, so a message that turns out to
        // be blocked (a rescan that failed under a closed policy) goes nowhere.
        let settled = engine.settle(
            bytes, scan: first,
            redacting: { scan -> Engine.SettlingStep<(decision: PolicyDecision, irreversible: Int)>? in
                let decision = decide(scan)
                switch decision.action {
                case .block:
                    return nil
                case .allow:
                    let unchanged = ReplacedSpans([], replacements: [])
                    return Engine.SettlingStep(spans: unchanged, output: Array(bytes), extra: (decision, 0))
                case .redact:
                    let (spans, irreversible) = replacedSpans(
                        bytes, findings: decision.aboveLimit, replacement: replacement, session: context.session)
                    return Engine.SettlingStep(spans: spans, output: spans.apply(to: bytes), extra: (decision, irreversible))
                }
            },
            relevant: { decide($0).aboveLimit })
        guard let step = settled.step else {
            return Enforcement(scan: settled.scan, decision: decide(settled.scan), output: nil)
        }
        return Enforcement(
            scan: settled.scan, decision: step.extra.decision, output: step.output, irreversibleReplacements: step.extra.irreversible)
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
    /// model's reply), as far as the policy's ``Policy/restore`` lets them into `place`.
    /// Placeholders the session does not know, and those the policy withholds, are left as they
    /// are.
    ///
    /// Whether a placeholder stands in a URL is read from `bytes` and `preceding`, the text just
    /// before them (``URLContext``); `precedingIsComplete` says whether `preceding` reaches back
    /// to the start of the reply. `inURL` overrides that reading, for a caller that restores a
    /// lone placeholder whose surroundings it has checked itself.
    public func restore(
        _ bytes: UnsafeBufferPointer<UInt8>, session: String, into place: RestorePlace = .text,
        preceding: [UInt8] = [], precedingIsComplete: Bool = true, inURL: Bool? = nil
    ) -> Restoration {
        let restore = policy.restore
        let classes = restoreClasses
        return placeholders.restore(bytes, session: session) { detectorID, range in
            let found = classes[detectorID]
            let url = inURL ?? URLContext.isInURL(bytes, at: range.lowerBound, preceding: preceding, precedingIsComplete: precedingIsComplete)
            return restore.permits(
                level: found?.level ?? .restricted, detectorID: detectorID, category: found?.category, into: place, inURL: url)
        }
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
                return PlaceholderSyntax.redacted(detectorID: span.detectorID)
            }
        }
        return (ReplacedSpans(spans.map(\.range), replacements: replacements), irreversible)
    }
}
