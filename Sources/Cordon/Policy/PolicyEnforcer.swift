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
        let scan = engine.scan(bytes)
        let decision = policy.decide(scan, path: context.path, destination: destination, on: day)
        guard let replacement else { return Enforcement(scan: scan, decision: decision, output: nil) }
        switch decision.action {
        case .block:
            return Enforcement(scan: scan, decision: decision, output: nil)
        case .allow:
            return Enforcement(scan: scan, decision: decision, output: Array(bytes))
        case .redact:
            let (output, irreversible) = redact(bytes, findings: decision.aboveLimit, replacement: replacement, session: context.session)
            return Enforcement(scan: scan, decision: decision, output: output, irreversibleReplacements: irreversible)
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

    /// Replaces the values of `findings` (sorted by range) in `bytes`.
    private func redact(
        _ bytes: UnsafeBufferPointer<UInt8>, findings: [Finding], replacement: ValueReplacement, session: String?
    ) -> (output: [UInt8], irreversible: Int) {
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
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for (span, replacementBytes) in zip(spans, replacements) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<span.range.lowerBound]))
            output += replacementBytes
            copied = span.range.upperBound
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return (output, irreversible)
    }
}
