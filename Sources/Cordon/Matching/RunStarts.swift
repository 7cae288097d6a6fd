/// The starts of the runs one pass over a message found for each run-gate key (``RunGates``):
/// `self[key]` holds key `key`'s starts, ascending.
///
/// All keys' starts are in one array, each key's a range of it, as the keyword hits are grouped
/// (``DetectorSchedule``): the pass used to append each start to its key's own array — an
/// array per key that found anything, and two uniqueness checks per start.
struct RunStarts: RandomAccessCollection {
    /// Every start, grouped by key.
    private let starts: [Int]
    /// Key `k`'s starts are `starts[ends[k - 1] ..< ends[k]]` (from 0 for the first key).
    private let ends: [Int]

    /// No starts for any of `keyCount` keys.
    init(keyCount: Int) {
        starts = []
        ends = [Int](repeating: 0, count: keyCount)
    }

    /// The starts of `found`, `(key, start)` pairs in which each key's starts ascend, grouped
    /// by key (a counting sort, which keeps each key's order).
    init(keyCount: Int, found: GrowableBuffer<(key: Int, start: Int)>) {
        var ends = [Int](repeating: 0, count: keyCount)
        var starts = [Int](repeating: 0, count: found.count)
        ends.withUnsafeMutableBufferPointer { ends in
            for index in 0..<found.count { ends[found[index].key] &+= 1 }
            var end = 0
            for key in 0..<keyCount {
                end &+= ends[key]
                ends[key] = end
            }
            starts.withUnsafeMutableBufferPointer { starts in
                // Placed from the last back, each key's end moves to its first start.
                var index = found.count
                while index > 0 {
                    index &-= 1
                    let (key, start) = found[index]
                    ends[key] &-= 1
                    starts[ends[key]] = start
                }
            }
            // The loop left each key's first position: move each to the key's end.
            var key = 0
            while key < keyCount {
                ends[key] = key &+ 1 < keyCount ? ends[key &+ 1] : found.count
                key &+= 1
            }
        }
        self.starts = starts
        self.ends = ends
    }

    var startIndex: Int { 0 }
    var endIndex: Int { ends.count }

    /// The starts of key `key`, ascending.
    subscript(_ key: Int) -> ArraySlice<Int> {
        starts[(key == 0 ? 0 : ends[key - 1])..<ends[key]]
    }

    /// Whether key `key` found no start.
    func isEmpty(key: Int) -> Bool {
        ends[key] == (key == 0 ? 0 : ends[key - 1])
    }
}
