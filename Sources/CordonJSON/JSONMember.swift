/// One member of a JSON object: a name and a value.
///
/// A ``JSONValue`` object keeps its members in an array of these, in order, so objects are
/// written back with their members where they were read.
public struct JSONMember: Sendable, Equatable {
    /// The member name.
    public var name: String
    /// The member value.
    public var value: JSONValue

    /// Creates a member.
    public init(name: String, value: JSONValue) {
        self.name = name
        self.value = value
    }
}
