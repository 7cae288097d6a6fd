import Cordon

/// A policy's change to how one detector's (or one category's) findings are treated.
///
/// An override can give the findings another level (raising e-mail addresses to `restricted`,
/// or lowering internal host names to `public`), and can force the action taken when a finding
/// is above a destination's level: `block` blocks the message even where the destination would
/// redact, `redact` redacts even where it would block.
public struct PolicyOverride: Sendable, Hashable {
    /// The level the findings get instead of the detector's own, or `nil` to keep it.
    public var level: Level?
    /// The action for a finding above the destination's level, or `nil` for the destination's.
    public var action: PolicyAction?
    /// The 1-based line of the override in its policy file, for error messages.
    public var line: Int?

    /// Creates an override.
    public init(level: Level? = nil, action: PolicyAction? = nil, line: Int? = nil) {
        self.level = level
        self.action = action
        self.line = line
    }
}
