import Foundation
import Testing

@testable import CordonGuard

/// The sidecar's in-flight bound counts request bytes, not only requests.
@Suite("In-flight limiter")
struct InFlightLimiterTests {
    @Test("A request that would pass the byte bound waits until earlier bytes are released")
    func waitsForBytes() {
        // Room for 100 requests but only 100 bytes: the count never binds here.
        let limiter = InFlightLimiter(maximumCount: 100, maximumBytes: 100)
        limiter.acquire(size: 60)
        let acquired = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            limiter.acquire(size: 60)
            acquired.signal()
        }
        #expect(acquired.wait(timeout: .now() + 0.2) == .timedOut, "60 + 60 bytes passed a 100-byte bound")
        limiter.release(size: 60)
        #expect(acquired.wait(timeout: .now() + 60) == .success)
        limiter.release(size: 60)
    }

    @Test("One request larger than the byte bound is let through alone, so it cannot stall the sidecar")
    func oversizedRequestAlone() {
        let limiter = InFlightLimiter(maximumCount: 4, maximumBytes: 10)
        limiter.acquire(size: 1_000)
        limiter.release(size: 1_000)
        limiter.acquire(size: 5)
        limiter.acquire(size: 5)
        limiter.release(size: 5)
        limiter.release(size: 5)
    }
}
