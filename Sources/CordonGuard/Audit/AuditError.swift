import Cordon

/// An audit file that cannot be opened, read or written.
///
/// A sidecar that cannot write its audit record does not answer the request (fail closed).
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The audit file.
    public var file: String
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
