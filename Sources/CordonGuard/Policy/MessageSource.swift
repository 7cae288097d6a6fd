import Cordon

/// Where a message's content comes from, as recorded in audit records.
public enum MessageSource: String, Sendable, Hashable, CaseIterable {
    /// A prompt typed by a person.
    case prompt
    /// The contents of a file.
    case file
    /// The input of a tool call written by a model (a shell command, a file to write).
    case toolInput = "tool_input"
    /// What a tool returned.
    case toolOutput = "tool_output"
}
