import CordonGuard

/// Where requests for one policy destination go, and where they go instead when they hold
/// content above that destination's level.
///
/// Classification-based routing: a request whose content is above `destination`'s level is sent,
/// unredacted, to `overflowDestination` (say, a restricted prompt to an on-premises model) when
/// that destination may receive it; otherwise the destination's own action (redact or block)
/// applies.
public struct DestinationRoute: Sendable, Hashable {
    /// The policy destination (a name in the policy's `destinations`).
    public var destination: String
    /// The upstream it is served by.
    public var upstream: String
    /// The destination to route to when the content is above `destination`'s level, if any.
    public var overflowDestination: String?

    /// Creates a route.
    public init(destination: String, upstream: String, overflowDestination: String? = nil) {
        self.destination = destination
        self.upstream = upstream
        self.overflowDestination = overflowDestination
    }
}
