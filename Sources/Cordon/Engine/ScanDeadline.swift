/// The instant by which one scan must be done, checked inside long loops.
///
/// The budget of ``ScanLimits`` was once checked only between detectors, so one detector's
/// search over a flood of key headers could run for many seconds on its own (17 s per MiB of
/// `-----BEGIN PGP PRIVATE KEY BLOCK-----` lines). The matching loops now read this deadline
/// before every bounded piece of work — a search over at most ``CompiledDetector/searchSpan``
/// start positions, a batch of propagated values, a decoded layer — and stop with a
/// ``DetectorFailure`` when it has passed, so the scan is incomplete and callers fail closed.
struct ScanDeadline {
    let instant: ContinuousClock.Instant

    init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// Whether the deadline has passed (one read of the monotonic clock, tens of nanoseconds).
    var hasPassed: Bool { ContinuousClock.now > instant }

    /// The reason recorded for a detector stopped by the deadline.
    static let reason = "time budget exceeded"
}
