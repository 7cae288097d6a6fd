import CordonGuard

/// Everything `cordon gateway` needs besides the pipeline: where to listen, where to forward,
/// and the bounds it enforces.
public struct GatewayConfiguration: Sendable {
    /// The address to listen on (`127.0.0.1`).
    public var host: String
    /// The port to listen on (0 picks a free one).
    public var port: Int
    /// The upstreams by name; the first is the default.
    public var upstreams: [Upstream]
    /// The destination routes; empty means every request goes to the policy's default
    /// destination on the first upstream.
    public var routes: [DestinationRoute]
    /// The request header naming a client's session for reversible placeholders.
    public var sessionHeader: String
    /// The request header naming the policy destination (when absent: the policy's default).
    public var destinationHeader: String
    /// The largest request body accepted, in bytes; larger ones get 413.
    public var maximumRequestBytes: Int
    /// The largest non-streamed upstream response read, in bytes; larger ones fail closed.
    public var maximumResponseBytes: Int
    /// What happens on paths the gateway does not know.
    public var unknownPaths: UnknownPathMode
    /// Whether `/v1/embeddings` token-array inputs (which cannot be scanned) are forwarded.
    public var allowTokenArrays: Bool
    /// The longest tail of a streamed field held back while it may still be the start of a
    /// sensitive value or of a placeholder, in bytes.
    public var streamHoldBack: Int
    /// How long to wait for the upstream's response head, and at most between two reads of its
    /// body, in seconds.
    public var upstreamTimeout: Int
    /// How long a client may take to send its whole request body, in seconds; a slower one gets
    /// 408 and nothing is forwarded.
    public var requestTimeout: Int
    /// The most HTTP/1 connections to one upstream host at once.
    public var upstreamConnections: Int
    /// The most messages whose decisions are cached (``DecisionCache``); 0 turns the cache off.
    public var decisionCacheEntries: Int

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8787, upstreams: [Upstream], routes: [DestinationRoute] = [],
        sessionHeader: String = "x-session-id", destinationHeader: String = "x-cordon-destination",
        maximumRequestBytes: Int = 32 * 1024 * 1024, maximumResponseBytes: Int = 64 * 1024 * 1024,
        unknownPaths: UnknownPathMode = .reject, allowTokenArrays: Bool = false, streamHoldBack: Int = StreamHoldBack.defaultLimit,
        upstreamTimeout: Int = 600, decisionCacheEntries: Int = 10_000, upstreamConnections: Int = 1_024, requestTimeout: Int = 60
    ) {
        self.requestTimeout = requestTimeout
        self.host = host
        self.port = port
        self.upstreams = upstreams
        self.routes = routes
        self.sessionHeader = sessionHeader.lowercased()
        self.destinationHeader = destinationHeader.lowercased()
        self.maximumRequestBytes = maximumRequestBytes
        self.maximumResponseBytes = maximumResponseBytes
        self.unknownPaths = unknownPaths
        self.allowTokenArrays = allowTokenArrays
        self.streamHoldBack = streamHoldBack
        self.upstreamTimeout = upstreamTimeout
        self.decisionCacheEntries = decisionCacheEntries
        self.upstreamConnections = upstreamConnections
    }

    /// The upstream called `name`.
    public func upstream(named name: String) -> Upstream? {
        upstreams.first { $0.name == name }
    }
}
