import Cordon

/// The outcome of applying a policy to one message.
///
/// It holds the scan and the decision (neither holds values) and, when a replacement was asked
/// for and the message may go out, the bytes to forward.
public struct Enforcement: Sendable {
    /// The engine's scan of the message.
    public var scan: ScanResult
    /// The policy's decision.
    public var decision: PolicyDecision
    /// The bytes to forward: the input unchanged when the action is `allow`, redacted when it is
    /// `redact`; `nil` when the message is blocked or no replacement was asked for.
    public var output: [UInt8]?
    /// How many values could not get a reversible placeholder because the session was full, and
    /// got a one-way `[REDACTED:<id>]` placeholder instead.
    public var irreversibleReplacements: Int

    /// Creates an outcome.
    public init(scan: ScanResult, decision: PolicyDecision, output: [UInt8]?, irreversibleReplacements: Int = 0) {
        self.scan = scan
        self.decision = decision
        self.output = output
        self.irreversibleReplacements = irreversibleReplacements
    }

    /// The policy's action.
    public var action: PolicyAction { decision.action }
    /// The message's level under the policy.
    public var level: Level { decision.level }
}
