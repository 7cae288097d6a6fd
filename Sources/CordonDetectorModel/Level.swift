/// How sensitive a piece of content is.
///
/// Levels are ordered `public < internal < confidential < restricted`. A message's level is the
/// highest level of anything found in it, and `public` when nothing is found. Policies compare
/// levels to decide which destination may receive a message.
public enum Level: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Nothing sensitive was found.
    case `public` = 0
    /// Internal host names and addresses, internal-use markings.
    case `internal` = 1
    /// Personal contact data, public IP addresses, confidential markings.
    case confidential = 2
    /// Credentials, private keys, payment and bank data, government and health ids.
    case restricted = 3

    /// Creates a level from its lowercase name (`"public"`, `"internal"`, …).
    public init?(name: String) {
        switch name {
        case "public": self = .public
        case "internal": self = .internal
        case "confidential": self = .confidential
        case "restricted": self = .restricted
        default: return nil
        }
    }

    /// The lowercase name of the level, as used in detector files and output.
    public var name: String {
        switch self {
        case .public: "public"
        case .internal: "internal"
        case .confidential: "confidential"
        case .restricted: "restricted"
        }
    }

    /// The lowercase name of the level.
    public var description: String { name }

    @inlinable
    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
}
