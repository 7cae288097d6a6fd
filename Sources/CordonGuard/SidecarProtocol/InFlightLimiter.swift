import Foundation

/// Bounds how many requests, and how many request bytes, are being processed at once.
///
/// The reader acquires before dispatching a request and the writer releases once its response
/// is out, so a fast client cannot make the sidecar hold more than the bounds (one request is
/// always let through, however large, so an oversized-but-allowed request cannot stall).
public final class InFlightLimiter: @unchecked Sendable {
    private let condition = NSCondition()
    private let maximumCount: Int
    private let maximumBytes: Int
    private var count = 0
    private var bytes = 0

    /// A limiter of `maximumCount` requests and `maximumBytes` request bytes at once.
    public init(maximumCount: Int, maximumBytes: Int) {
        self.maximumCount = maximumCount
        self.maximumBytes = maximumBytes
    }

    /// Waits for room for one request of `size` bytes, then takes it.
    public func acquire(size: Int) {
        condition.lock()
        while count > 0 && (count >= maximumCount || bytes + size > maximumBytes) { condition.wait() }
        count += 1
        bytes += size
        condition.unlock()
    }

    /// Gives back the room of one request of `size` bytes.
    public func release(size: Int) {
        condition.lock()
        count -= 1
        bytes -= size
        condition.broadcast()
        condition.unlock()
    }
}
