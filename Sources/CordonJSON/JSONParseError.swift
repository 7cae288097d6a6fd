/// Why a JSON text could not be parsed.
///
/// The description names the byte offset and the kind of problem only; it never quotes the
/// text, which may hold secrets.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 0-based byte offset at which the problem was found.
    public var offset: Int
    /// What is wrong, in general terms.
    public var message: String

    /// Creates an error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `message at byte N`.
    public var description: String { "\(message) at byte \(offset)" }
}
