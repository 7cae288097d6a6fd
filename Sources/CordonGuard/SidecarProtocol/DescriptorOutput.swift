import Foundation

/// Writes bytes to a file descriptor completely, retrying on `EINTR` and short writes.
///
/// The sidecar and the hook write standard output with this rather than through `FileHandle` or `print`, so
/// a response leaves in one piece with no buffering between it and the pipe.
public struct DescriptorOutput: Sendable {
    /// The descriptor written to.
    public let descriptor: Int32

    /// A writer of `descriptor`.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Standard output.
    public static let standardOutput = DescriptorOutput(descriptor: STDOUT_FILENO)

    /// Writes all of `bytes`; returns `false` when the descriptor is closed or broken.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += result
        }
        return true
    }
}
