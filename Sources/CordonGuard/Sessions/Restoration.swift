import Cordon

/// The outcome of restoring reversible placeholders in a reply.
public struct Restoration: Sendable, Hashable {
    /// The reply with every placeholder the session knows and the policy lets back replaced by
    /// its original value.
    public var bytes: [UInt8]
    /// How many placeholders were replaced.
    public var count: Int
    /// How many placeholders of the session were left as they are because the restore policy
    /// does not let their value into that place (a credential in a tool's arguments, anything
    /// in a URL).
    public var withheld: Int

    /// Creates an outcome.
    public init(bytes: [UInt8], count: Int, withheld: Int = 0) {
        self.bytes = bytes
        self.count = count
        self.withheld = withheld
    }
}
