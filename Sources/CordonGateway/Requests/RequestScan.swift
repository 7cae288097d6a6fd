import Cordon
import CordonGuard
import CordonJSON

/// The outcome of scanning one request body: what to forward, and what was decided.
///
/// Holds detector ids, counts and levels, never a value.
public struct RequestScan: Sendable {
    /// The body to forward (values above the destination's level replaced by placeholders), or
    /// `nil` when the request is blocked.
    public var body: JSONValue?
    /// The bytes to forward, when the body was scanned as received
    /// (``RequestScanner/scan(bytes:context:useCache:)``): the request's bytes with only the
    /// rewritten values spliced in; `nil` when blocked.
    public var bytes: [UInt8]?
    /// The highest level found.
    public var level: Level
    /// The most severe action taken on any string.
    public var action: PolicyAction
    /// Findings by detector id (after policy exceptions).
    public var detectorCounts: [String: Int]
    /// Whether every scan finished.
    public var isComplete: Bool
    /// A one-line reason for a block (levels, destination, detector ids; never a value).
    public var explanation: String?
    /// Values that got a one-way placeholder because the session was full.
    public var irreversibleReplacements: Int

    /// Whether the request must not be forwarded.
    public var isBlocked: Bool { action == .block }
}
