import CordonJSON

/// What ``ShapePreservingRedactor`` made of one JSON value: the decisions of its scans and,
/// when the values above the limit could all be replaced inside content strings, the rewritten
/// value.
public struct ContentRewrite: Sendable {
    /// The decisions of the scans (the texts one by one, the texts joined, and the check of the
    /// rewritten value). They hold detector ids, levels and offsets, never values.
    public var decisions: [PolicyDecision]
    /// The strictest action of the decisions: `allow` when nothing is above the limit.
    public var action: PolicyAction
    /// The rewritten value, with every key, every number and every protected string as it came
    /// and each value above the limit replaced inside the content strings that held it; `nil`
    /// when ``action`` is not `redact` or when ``isRedactable`` is false.
    public var rewritten: JSONValue?
    /// Whether every value above the limit lies in content strings only. False when a part of
    /// one lies in a member name, a number, a protected string (a discriminator such as `type`)
    /// or an extra text (a decoded blob): replacing it there would change the value's shape, so
    /// the caller must withhold or block the whole value instead.
    public var isRedactable: Bool
    /// The values found above the limit (in memory only, never written anywhere): what a
    /// replacement is checked against.
    package var foundValues: [[UInt8]] = []

    /// Creates a result.
    public init(decisions: [PolicyDecision], action: PolicyAction, rewritten: JSONValue?, isRedactable: Bool) {
        self.decisions = decisions
        self.action = action
        self.rewritten = rewritten
        self.isRedactable = isRedactable
    }
}
