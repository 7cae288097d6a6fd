/// The starts of the runs one pass over a message found for each run-gate key (``RunGates``):
/// `self[key]` holds key `key`'s starts, ascending.
///
/// All keys' starts are in one array, each key's a range of it, as the keyword hits are grouped
/// (``DetectorSchedule``): the pass used to append each start to its key's own array — an
/// array per key that found anything, and two uniqueness checks per start.
struct RunStarts: RandomAccessCollection {
    /// Every start, grouped by key.
    private let starts: [Int]
    /// Key `k`'s starts are `starts[bounds[k] ..< bounds[k + 1]]`; `keyCount + 1` entries.
    private let bounds: [Int]

    /// No starts for any of `keyCount` keys.
    init(keyCount: Int) {
        starts = []
        bounds = [Int](repeating: 0, count: keyCount + 1)
    }

    /// The starts of `found`, `(key, start)` pairs in which each key's starts ascend, grouped
    /// by key (a counting sort, which keeps each key's order).
    init(keyCount: Int, found: GrowableBuffer<(key: Int, start: Int)>) {
        var bounds = [Int](repeating: 0, count: keyCount + 1)
        var starts = [Int](repeating: 0, count: found.count)
        bounds.withUnsafeMutableBufferPointer { bounds in
            // Each key's count, then each key's end: bounds[k + 1] = the starts of keys 0...k.
            for index in 0..<found.count { bounds[found[index].key &+ 1] &+= 1 }
            for key in 0..<keyCount { bounds[key &+ 1] &+= bounds[key] }
            starts.withUnsafeMutableBufferPointer { starts in
                // Placed from the last back, each key's end moves down to its first start.
                var index = found.count
                while index > 0 {
                    index &-= 1
                    let (key, start) = found[index]
                    bounds[key &+ 1] &-= 1
                    starts[bounds[key &+ 1]] = start
                }
            }
            // bounds[k + 1] now holds key k's first position: move it down to bounds[k].
            for key in 0..<keyCount { bounds[key] = bounds[key &+ 1] }
            bounds[keyCount] = found.count
        }
        self.starts = starts
        self.bounds = bounds
    }

    var startIndex: Int { 0 }
    var endIndex: Int { bounds.count - 1 }

    /// The starts of key `key`, ascending.
    subscript(_ key: Int) -> ArraySlice<Int> {
        starts[bounds[key]..<bounds[key + 1]]
    }

    /// Whether key `key` found no start.
    func isEmpty(key: Int) -> Bool {
        bounds[key] == bounds[key + 1]
    }
}
