import Cordon

/// A request a ``PolicyEnforcer`` cannot carry out.
public enum EnforcementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The destination is not one of the policy's.
    case unknownDestination(known: [String])
    /// Reversible placeholders and restoring need a session.
    case sessionRequired

    /// A message that names no input: the known destinations, or the missing session.
    public var description: String {
        switch self {
        case .unknownDestination(let known): "unknown destination (known: \(known.joined(separator: ", ")))"
        case .sessionRequired: "placeholder-reversible and restore need a 'session'"
        }
    }
}
