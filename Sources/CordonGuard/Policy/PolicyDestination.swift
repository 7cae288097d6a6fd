import Cordon

/// A place messages are sent to, and the most sensitive content it may receive.
///
/// A destination is a model or service (a public model API, an on-premises model, a local
/// tool). Content up to ``maximumLevel`` goes out unchanged; content above it gets ``action``:
/// the values above the level are redacted, or the whole message is blocked.
public struct PolicyDestination: Sendable, Hashable {
    /// The destination's name, as given in requests (`destination`) and `--destination`.
    public var name: String
    /// The highest level of content the destination may receive.
    public var maximumLevel: Level
    /// What happens to a message with content above ``maximumLevel``: `redact` or `block`.
    public var action: PolicyAction

    /// Creates a destination.
    public init(name: String, maximumLevel: Level, action: PolicyAction) {
        self.name = name
        self.maximumLevel = maximumLevel
        self.action = action
    }
}
