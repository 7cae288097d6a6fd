extension CompiledDetector {
    /// The sketch checks of one ``collect(in:keywordStarts:detectorIndex:scratch:deadline:into:)``
    /// call: the automaton (in this thread's deterministic form when there is one), how many
    /// windows it checked and ruled out (for its yield, ``LazyPatternSketch``), and the starts it
    /// has ruled out so far.
    ///
    /// The reason for the last: the windows of nearby gate words overlap (a required context's
    /// words every line or two, a keyword's occurrences in a list), and each was walked whole, so
    /// the same bytes were walked again and again. A rejection proves that no match starts
    /// anywhere in the window (the automaton reads the text to its end), so a window that begins
    /// inside the starts already ruled out is walked from just past them only, and one that lies
    /// inside them is ruled out without a walk: exact, and the same windows are ruled out.
    ///
    /// Passed `inout` rather than captured by the loop's local functions: captured, its fields
    /// were boxed and every access checked for exclusivity at run time (`swift_beginAccess`, 30 M
    /// instructions of the real-text corpus; callgrind, #13).
    struct SketchCursor {
        let sketch: PatternSketch
        /// This thread's deterministic form of ``sketch`` (``SketchDFA``), when it has one.
        let deterministic: SketchDFA?
        /// Windows checked so far, and how many of them were ruled out.
        private(set) var checks = 0
        private(set) var rejections = 0
        /// The starts ruled out so far, as one interval (empty while `ruledOutUpper < ruledOutLower`).
        private(set) var ruledOutLower = 0
        private(set) var ruledOutUpper = -1

        init(sketch: PatternSketch, deterministic: SketchDFA?) {
            self.sketch = sketch
            self.deterministic = deterministic
        }

        /// The first start from `lower` on not ruled out so far: a search over a window the
        /// sketch admitted need not try the starts before it.
        @inline(__always)
        func firstOpenStart(from lower: Int) -> Int {
            lower >= ruledOutLower && lower <= ruledOutUpper &+ 1 ? ruledOutUpper &+ 1 : lower
        }

        /// Whether a match of the sketch may start from `lower` through `upper` of `text`:
        /// `false` proves none does. Windows are expected in ascending order of their first
        /// start (any order gives correct answers; ascending ones share the most).
        @inline(__always)
        mutating func admits(_ text: UnsafeBufferPointer<UInt8>, from lower: Int, through upper: Int) -> Bool {
            checks &+= 1
            let continues = lower >= ruledOutLower && lower <= ruledOutUpper &+ 1
            let from = continues ? ruledOutUpper &+ 1 : lower
            if from <= upper,
                deterministic?.admits(text, from: from, through: upper) ?? sketch.admits(text, from: from, through: upper)
            {
                return true
            }
            if continues {
                ruledOutUpper = Swift.max(ruledOutUpper, upper)
            } else {
                ruledOutLower = lower
                ruledOutUpper = upper
            }
            rejections &+= 1
            return false
        }
    }
}
