import Cordon

/// The bounds of a ``PlaceholderStore``: it never holds more than this.
///
/// Reversible placeholders keep the original values in memory; the limits bound that memory
/// and how long a value stays. When a session is full, further values get one-way placeholders;
/// when the store is full, the least recently used session is dropped; a session idle for
/// longer than ``idleTimeout`` is dropped.
public struct PlaceholderLimits: Sendable, Hashable {
    /// The most values one session remembers.
    public var entriesPerSession: Int
    /// The most sessions the store keeps.
    public var sessions: Int
    /// How long a session may go unused before it is dropped.
    public var idleTimeout: Duration

    /// Creates limits; the defaults suit a sidecar serving one agent harness.
    public init(entriesPerSession: Int = 1_000, sessions: Int = 256, idleTimeout: Duration = .seconds(1_800)) {
        self.entriesPerSession = entriesPerSession
        self.sessions = sessions
        self.idleTimeout = idleTimeout
    }
}
