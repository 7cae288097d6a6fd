import Cordon

/// An error in a policy file: bad YAML, an unknown or missing field, a wrong value, an unknown
/// detector, destination or level.
///
/// The description names the file and the line when known. Like ``DetectorError``, it never
/// quotes text from the file beyond field names and known identifiers.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy file (or `<built-in>`).
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        return text + ": " + message
    }
}
