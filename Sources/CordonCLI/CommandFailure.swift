/// An error that ends a command with exit status 2 and a one-line message on standard error.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
