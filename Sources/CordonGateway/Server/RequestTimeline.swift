import Foundation
import NIOCore
import Synchronization

/// Monotonic timestamps of one request's way through the gateway, for finding where the time to
/// first token goes: opt-in (`CORDON_GATEWAY_TIMELINE=1`), written to standard error as one line
/// per request — step names and nanoseconds, nothing of the request's content.
///
/// The clock is `CLOCK_MONOTONIC` (NIO's deadline clock), the one Python's `time.perf_counter_ns`
/// reads on Linux, so bench/gateway/timeline.py can put the gateway's steps between the client's
/// and the upstream's own stamps. Off, it costs one branch per step.
final class RequestTimeline: Sendable {
    /// Whether timelines are recorded (the environment variable, read once).
    static let isEnabled = ProcessInfo.processInfo.environment["CORDON_GATEWAY_TIMELINE"] == "1"
    /// How many streamed events are stamped (read from the upstream, written to the client).
    static let eventLimit = 12

    private let stamps = Mutex<[(step: String, nanoseconds: UInt64)]>([])
    private let events = Mutex<Int>(0)

    /// A timeline when recording is on, else `nil`.
    static func start() -> RequestTimeline? {
        guard isEnabled else { return nil }
        let timeline = RequestTimeline()
        timeline.stamp("received")
        return timeline
    }

    /// Records `step` now.
    func stamp(_ step: String) {
        let now = NIODeadline.now().uptimeNanoseconds
        stamps.withLock { $0.append((step, now)) }
    }

    /// The number of the next streamed event to stamp, or `nil` past ``eventLimit``.
    func nextEvent() -> Int? {
        events.withLock { count in
            guard count < Self.eventLimit else { return nil }
            count += 1
            return count
        }
    }

    /// Writes the timeline as one line to standard error.
    func write() {
        let line = stamps.withLock { stamps in
            "cordon-gateway-timeline " + stamps.map { "\($0.step)=\($0.nanoseconds)" }.joined(separator: " ") + "\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
