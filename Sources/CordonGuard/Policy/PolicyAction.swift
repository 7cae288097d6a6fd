import Cordon

/// What happens to a message on its way to a destination.
///
/// Actions are ordered by severity, `allow < redact < block`, so the action for several pieces
/// of content (the strings of one tool call, say) is the most severe of theirs.
public enum PolicyAction: String, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// The message goes out unchanged.
    case allow
    /// The values above the destination's level are replaced, the rest goes out.
    case redact
    /// Nothing goes out.
    case block

    private var severity: Int {
        switch self {
        case .allow: 0
        case .redact: 1
        case .block: 2
        }
    }

    /// The lowercase name, as used in policy files and responses.
    public var description: String { rawValue }

    /// Whether `lhs` is less severe than `rhs`.
    public static func < (lhs: PolicyAction, rhs: PolicyAction) -> Bool { lhs.severity < rhs.severity }
}
