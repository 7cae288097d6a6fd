extension CompiledDetector {
    /// The searches of one ``CompiledDetector/collect(in:keywordStarts:detectorIndex:scratch:deadline:into:)``
    /// call that its ``CompiledDetector/digitFloor`` passed over and that may still matter, in
    /// order: their values would all be rejected, but where each would have resumed matters to a
    /// later search that starts before its matches could end (matches do not overlap), so they
    /// are run first, in order, when such a search is to run.
    ///
    /// At most ``capacity`` of them (when they are that many, they run before the next span is
    /// checked), kept in two small vectors on the stack: an array made and released per call was
    /// 3.4 M of the dense sample's 2,065 M instructions (`swift_release`, callgrind).
    struct PostponedSearches {
        static let capacity = 4
        private var starts = SIMD4<Int>()
        private var startLimits = SIMD4<Int>()
        /// How many searches are postponed.
        private(set) var count = 0
        /// Past which offset the last of them can have resumed (``ValueDigitFloor/resumeBound(startLimit:)``).
        private(set) var bound = 0

        var isEmpty: Bool { count == 0 }
        var isFull: Bool { count == Self.capacity }

        /// Adds the search from `start` up to `startLimit`, which resumes before `bound`.
        mutating func append(from start: Int, startLimit: Int, bound: Int) {
            precondition(!isFull, "no room for another postponed search")
            starts[count] = start
            startLimits[count] = startLimit
            count &+= 1
            self.bound = bound
        }

        /// The `index`-th search: where it starts (at the earliest) and its start limit.
        subscript(index: Int) -> (from: Int, startLimit: Int) {
            (starts[index], startLimits[index])
        }

        mutating func removeAll() {
            count = 0
        }
    }
}
