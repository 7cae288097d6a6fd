import Cordon

/// The outcome of restoring reversible placeholders in a reply.
public struct Restoration: Sendable, Hashable {
    /// The reply with every known placeholder replaced by its original value.
    public var bytes: [UInt8]
    /// How many placeholders were replaced.
    public var count: Int

    /// Creates an outcome.
    public init(bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }
}
