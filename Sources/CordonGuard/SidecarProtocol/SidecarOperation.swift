/// An operation of the sidecar protocol: the `op` of a request.
public enum SidecarOperation: String, Sendable, CaseIterable {
    /// Scan the content and answer with its level, the action and the findings; no text.
    case scan
    /// Scan, decide and answer with the content to forward (redacted, or as it was), or none
    /// when the message is blocked.
    case redact
    /// Put back the values behind a session's reversible placeholders.
    case restore
    /// Answer that the sidecar is up, with the policy version.
    case ping
}
