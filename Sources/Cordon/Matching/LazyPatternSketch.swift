import Synchronization

/// A detector's ``PatternSketch``, read off its pattern once the detector has had
/// ``occurrencesBeforeSketch`` gating offsets to confirm, and shared by all threads.
///
/// The reason for waiting: reading a pattern and building its automaton costs tens of thousands
/// of instructions; a hook process (one engine, one 4 KB event) confirms a few occurrences of a
/// few dozen detectors and would pay more for the sketches than they save, while a scan of a
/// megabyte confirms thousands.
final class LazyPatternSketch: Sendable {
    /// The pattern the sketch is read from.
    private let pattern: String
    /// Occurrences seen so far while there is no sketch.
    private let occurrences = Atomic<Int>(0)
    /// 0: not read yet; 1: read (``sketch`` set, maybe `nil`).
    private let state = Atomic<UInt8>(0)
    private let lock = Mutex<Void>(())
    /// Written once, under `lock`, before `state` becomes 1.
    nonisolated(unsafe) private var sketch: PatternSketch?

    /// How many gating offsets a detector confirms with PCRE2 alone before its sketch is read.
    static let occurrencesBeforeSketch = 64

    init(pattern: String) {
        self.pattern = pattern
    }

    /// The sketch, or `nil` before ``occurrencesBeforeSketch`` occurrences (`count` more are
    /// about to be confirmed) or when the pattern gives none.
    @inline(__always)
    func sketch(confirming count: Int) -> PatternSketch? {
        if state.load(ordering: .acquiring) == 1 { return sketch }
        guard occurrences.wrappingAdd(count, ordering: .relaxed).newValue >= Self.occurrencesBeforeSketch else { return nil }
        return lock.withLock { _ in
            if state.load(ordering: .acquiring) == 0 {
                sketch = PatternSketch(pattern: pattern)
                state.store(1, ordering: .releasing)
            }
            return sketch
        }
    }

    /// The sketch now, whatever the count (tests).
    var readNow: PatternSketch? { sketch(confirming: Self.occurrencesBeforeSketch) }
}
