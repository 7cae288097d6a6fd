import Synchronization

/// A detector's ``PatternSketch``, read off its pattern once the detector has had
/// ``occurrencesBeforeSketch`` gating offsets to confirm, and shared by all threads.
///
/// The reason for waiting: reading a pattern and building its automaton costs tens of thousands
/// of instructions; a hook process (one engine, one 4 KB event) confirms a few occurrences of a
/// few dozen detectors and would pay more for the sketches than they save, while a scan of a
/// megabyte confirms thousands.
///
/// A built-in pattern's sketch is decoded from the build's (``EmbeddedSketchLookup``), a few
/// thousand instructions; a custom pattern's is read off the pattern.
final class LazyPatternSketch: Sendable {
    /// The pattern the sketch is read from.
    private let pattern: String
    /// Occurrences seen so far while there is no sketch.
    private let occurrences = Atomic<Int>(0)
    /// 0: not read yet; 1: read (``sketch`` set, maybe `nil`); 2: set aside (``record(checks:rejections:)``).
    private let state = Atomic<UInt8>(0)
    /// Windows checked with the sketch so far, and how many it ruled out.
    private let checks = Atomic<Int>(0)
    private let rejections = Atomic<Int>(0)
    private let lock = Mutex<Void>(())
    /// Written once, under `lock`, before `state` becomes 1.
    nonisolated(unsafe) private var sketch: PatternSketch?

    /// How many gating offsets a detector confirms with PCRE2 alone before its sketch is read.
    static let occurrencesBeforeSketch = 64

    /// How many windows the sketch checks before its yield is judged.
    static let checksBeforeJudging = 512

    /// Counts `checks` windows checked with the sketch, `rejections` of them ruled out; once
    /// ``checksBeforeJudging`` windows are counted and the sketch has ruled out fewer than three
    /// quarters of them, it is set aside and the detector's windows go to PCRE2 directly.
    ///
    /// The reason: where the detector's windows mostly hold a match (a message dense with
    /// values) the sketch rules out little, and running it before every PCRE2 call cost more than
    /// it saved — the dense corpus took 19 % more instructions with sketches than without, real
    /// text 4 % fewer; judged at half, dense still took 3.8 % more, at three quarters 3.2 %
    /// (callgrind, #13). What the sketch costs against what it saves is read off its own
    /// results, not off the detector: findings are the same either way.
    func record(checks count: Int, rejections rejected: Int) {
        guard count > 0, state.load(ordering: .relaxed) == 1 else { return }
        let total = checks.wrappingAdd(count, ordering: .relaxed).newValue
        let ruledOut = rejections.wrappingAdd(rejected, ordering: .relaxed).newValue
        if total >= Self.checksBeforeJudging, ruledOut * 4 < total * 3 { state.store(2, ordering: .relaxed) }
    }

    init(pattern: String) {
        self.pattern = pattern
    }

    /// The sketch, or `nil` before ``occurrencesBeforeSketch`` occurrences (`count` more are
    /// about to be confirmed) or when the pattern gives none.
    @inline(__always)
    func sketch(confirming count: Int) -> PatternSketch? {
        switch state.load(ordering: .acquiring) {
        case 1: return sketch
        case 2: return nil
        default: break
        }
        guard occurrences.wrappingAdd(count, ordering: .relaxed).newValue >= Self.occurrencesBeforeSketch else { return nil }
        return lock.withLock { _ in
            if state.load(ordering: .acquiring) == 0 {
                sketch = EmbeddedSketchLookup.sketch(of: pattern)
                state.store(1, ordering: .releasing)
            }
            return state.load(ordering: .acquiring) == 1 ? sketch : nil
        }
    }

    /// The sketch now, whatever the count (tests).
    var readNow: PatternSketch? { sketch(confirming: Self.occurrencesBeforeSketch) }

    /// Whether the sketch has been set aside (``record(checks:rejections:)``).
    var isSetAside: Bool { state.load(ordering: .acquiring) == 2 }
}
