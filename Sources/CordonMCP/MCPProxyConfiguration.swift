import CordonGuard

/// How `cordon mcp` filters: the destinations of the two directions, how values are replaced,
/// per-tool rules, the line limit and what audit records hold.
public struct MCPProxyConfiguration: Sendable {
    /// The policy destination for what goes toward the model (server results, server requests,
    /// notifications); `nil` for the policy's default.
    public var modelDestination: String?
    /// The policy destination for what goes toward the server (tool arguments, URIs, answers to
    /// sampling and elicitation); `nil` for the same as ``modelDestination``.
    public var serverDestination: String?
    /// How values are replaced toward the model. Reversible placeholders let the model pass a
    /// value back (restored only for tools whose rule says so).
    public var replacement: ValueReplacement
    /// Per-tool rules; the last match wins.
    public var toolRules: [ToolRule]
    /// The largest message (one line, without its line end) in bytes; a longer one is not
    /// forwarded and, when its id can be read, answered with an error.
    public var maximumLineBytes: Int
    /// The placeholder session of this proxy (one per proxy process).
    public var session: String
    /// Whether the audit records carry the SHA-256 of each message as received and as forwarded.
    ///
    /// Only an audit log reads them; without one, serialising and hashing every message twice
    /// is work nobody uses (a tool result can be megabytes).
    public var hashesContent: Bool

    /// Creates a configuration.
    public init(
        modelDestination: String? = nil, serverDestination: String? = nil, replacement: ValueReplacement = .reversiblePlaceholder,
        toolRules: [ToolRule] = [], maximumLineBytes: Int = 16 * 1024 * 1024, session: String = "mcp", hashesContent: Bool = true
    ) {
        self.modelDestination = modelDestination
        self.serverDestination = serverDestination
        self.replacement = replacement
        self.toolRules = toolRules
        self.maximumLineBytes = maximumLineBytes
        self.session = session
        self.hashesContent = hashesContent
    }
}
