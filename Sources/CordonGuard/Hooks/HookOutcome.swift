import Cordon

/// What a hook process should do after handling one event: its exit status, its output and the
/// audit record of the event.
///
/// Standard output, when not empty, is the JSON Claude Code reads; standard error is the reason
/// shown when the status is 2. Neither ever holds a found value.
public struct HookOutcome: Sendable {
    /// The exit status: 0 to let the event proceed (possibly rewritten by the output), 2 to
    /// block it.
    public var exitStatus: Int32
    /// The JSON to print on standard output, or empty for none.
    public var standardOutput: [UInt8]
    /// The message to print on standard error, or empty for none.
    public var standardError: String
    /// The audit record for the event.
    public var auditRecord: AuditRecord

    /// Creates an outcome.
    public init(exitStatus: Int32, standardOutput: [UInt8] = [], standardError: String = "", auditRecord: AuditRecord) {
        self.exitStatus = exitStatus
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.auditRecord = auditRecord
    }
}
