import CordonGuard

/// What the proxy sends after reading one line: lines for the server, lines for the client
/// (each compact JSON with its `\n`), and the audit records of the messages.
public struct MCPFilterOutput: Sendable {
    /// Lines to write to the server's standard input.
    public var toServer: [[UInt8]] = []
    /// Lines to write to the client (the proxy's standard output).
    public var toClient: [[UInt8]] = []
    /// One record per message decided.
    public var audit: [AuditRecord] = []
    /// Diagnostics for standard error (never a value).
    public var diagnostics: [String] = []

    /// Creates an empty output.
    public init() {}
}
