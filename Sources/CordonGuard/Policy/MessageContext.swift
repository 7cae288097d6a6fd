import Cordon

/// What a policy needs to know about a message besides its bytes.
///
/// The destination picks the level limit, the path drives path rules and path-scoped
/// exceptions, the session scopes reversible placeholders, and the source is recorded for audit.
public struct MessageContext: Sendable, Hashable {
    /// The destination's name, or `nil` for the policy's default destination.
    public var destination: String?
    /// Where the content comes from, when known.
    public var source: MessageSource?
    /// The file the content was read from or is written to, when there is one.
    public var path: String?
    /// The conversation or client session, for reversible placeholders.
    public var session: String?

    /// Creates a context.
    public init(destination: String? = nil, source: MessageSource? = nil, path: String? = nil, session: String? = nil) {
        self.destination = destination
        self.source = source
        self.path = path
        self.session = session
    }
}
