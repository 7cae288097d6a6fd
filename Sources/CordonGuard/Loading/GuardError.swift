/// Why a ``Guard`` could not be set up: a detector file, the policy, a key or the audit file.
///
/// The description names the file (and the line, for detector files and policies) and what is
/// wrong, never the file's content, which may hold keys or example secrets.
public struct GuardError: Error, Sendable, CustomStringConvertible {
    /// One line for a person: the file and the problem.
    public var description: String

    /// Creates an error with its description.
    public init(_ description: String) {
        self.description = description
    }
}
