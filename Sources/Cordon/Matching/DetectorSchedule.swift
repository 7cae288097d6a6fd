/// The detectors one pass over a message runs, in ascending order, each with the offsets that
/// gate it: the detectors whose gate words occur (with those occurrences), the run-gated ones
/// whose runs occur (with the runs' starts), and the ungated ones (searched in full).
///
/// The reason: the pass used to visit every detector of the catalogue (512) for every message
/// and every decoded island, and to lay out each one's keyword hits in an array of one slot per
/// detector — for a few hundred bytes, most of the pass (~40 k instructions of a 300-byte scan's
/// ~115 k, callgrind, #13), though only a handful of detectors have anything to look at. Now the
/// work is in proportion to the hits: the detectors are read off the hits themselves.
struct DetectorSchedule {
    /// The detectors to run, ascending.
    private var detectors: [Int32] = []
    /// For ``detectors``[i]: where its starts are. `-1`: ungated (no starts, the whole message);
    /// `-2 - key`: the run starts of run gate `key`; `g ≥ 0`: the `g`th group of
    /// ``keywordStarts``, which ends where `hitGroups[g]` says (and starts where group `g - 1`
    /// ends).
    private var sources: [Int32] = []
    /// For each detector with keyword hits, ascending, its index and the end of its hits in
    /// ``keywordStarts`` (``KeywordHits/group(detector:end:)``).
    private var hitGroups: [UInt64] = []
    /// Every keyword hit's start, grouped by detector (ascending detector, ascending start).
    private var keywordStarts: [Int] = []
    private var runStarts: RunStarts

    /// The number of detectors to run.
    var count: Int { detectors.count }

    /// The schedule for one message whose gate-word occurrences are `hits` and whose run-gate
    /// starts are `runStarts` (``RunGates/runStarts(in:)``).
    init(hits: KeywordHits, runStarts: RunStarts, gates: RunGates) {
        self.runStarts = runStarts
        (keywordStarts, hitGroups) = hits.groupedByDetector()
        let withHits = hitGroups
        // The run-gated detectors whose runs occur.
        var runGated: [(detector: Int32, key: Int32)] = []
        for key in runStarts.indices where !runStarts.isEmpty(key: key) {
            for detector in gates.detectorsOfKey[key] { runGated.append((detector, Int32(key))) }
        }
        if runGated.count > 1 { runGated.sort { $0.detector < $1.detector } }
        let ungated = gates.ungatedDetectors
        // Merge the three ascending lists (a detector is in one of them at most).
        let total = withHits.count + runGated.count + ungated.count
        detectors.reserveCapacity(total)
        sources.reserveCapacity(total)
        var (hit, run, plain) = (0, 0, 0)
        while hit < withHits.count || run < runGated.count || plain < ungated.count {
            let nextHit = hit < withHits.count ? KeywordHits.detector(ofGroup: withHits[hit]) : Int32.max
            let nextRun = run < runGated.count ? runGated[run].detector : Int32.max
            let nextPlain = plain < ungated.count ? ungated[plain] : Int32.max
            if nextHit < nextRun, nextHit < nextPlain {
                detectors.append(nextHit)
                sources.append(Int32(hit))
                hit += 1
            } else if nextRun < nextPlain {
                detectors.append(nextRun)
                sources.append(-2 - runGated[run].key)
                run += 1
            } else {
                detectors.append(nextPlain)
                sources.append(-1)
                plain += 1
            }
        }
    }

    /// The index of the `position`th detector to run.
    @inline(__always)
    func detector(at position: Int) -> Int { Int(detectors[position]) }

    /// The offsets that gate the `position`th detector (never empty), or `nil` for an ungated
    /// detector, which searches the whole message.
    func starts(at position: Int) -> ArraySlice<Int>? {
        let source = Int(sources[position])
        if source == -1 { return nil }
        if source < -1 { return runStarts[-2 - source] }
        let lower = source == 0 ? 0 : KeywordHits.end(ofGroup: hitGroups[source - 1])
        return keywordStarts[lower..<KeywordHits.end(ofGroup: hitGroups[source])]
    }
}

extension KeywordHits {
    /// At most this many hits are grouped by sorting their keys (insertion sort in place of a
    /// counting sort's tables).
    static let sortedGroupingLimit = 32

    /// One group of ``groupedByDetector()``: the detector in the high half, the end of its
    /// starts in the low half.
    @inline(__always)
    static func group(detector: Int32, end: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: detector)) << 32 | UInt64(UInt32(truncatingIfNeeded: end))
    }

    @inline(__always)
    static func detector(ofGroup group: UInt64) -> Int32 { Int32(truncatingIfNeeded: group >> 32) }

    @inline(__always)
    static func end(ofGroup group: UInt64) -> Int { Int(group & 0xFFFF_FFFF) }

    /// The hits' starts grouped by detector — ascending detectors, each one's starts ascending —
    /// and, for each detector with hits, the detector and the end of its group
    /// (``group(detector:end:)``; fewer than 2^32 hits).
    ///
    /// The keys are `detector << 40 | start`, so their order is the grouping. Few hits (a short
    /// message) are sorted by insertion in a stack copy; many are placed by a counting sort over
    /// the detectors that occur. Two arrays, each allocated once at its final size: the per-call
    /// allocations (five to seven), zero-fills and appends that grew were most of the
    /// hand-over's cost (callgrind, #13).
    func groupedByDetector() -> (starts: [Int], groups: [UInt64]) {
        let count = keys.count
        guard count > 0 else { return ([], []) }
        precondition(count <= Int(UInt32.max), "2^32 keyword hits or more in one message")
        return keys.withUnsafeBufferPointer { keys in
            count <= Self.sortedGroupingLimit ? Self.groupedBySorting(keys) : Self.groupedByCounting(keys)
        }
    }

    /// ``groupedByDetector()`` for a few hits: the keys sorted, then read off in order.
    private static func groupedBySorting(_ keys: UnsafeBufferPointer<UInt64>) -> (starts: [Int], groups: [UInt64]) {
        let count = keys.count
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { sorted in
            for index in 0..<count {
                // Insertion sort: at most `sortedGroupingLimit` keys.
                let key = keys[index]
                var slot = index
                while slot > 0, sorted[slot &- 1] > key {
                    sorted[slot] = sorted[slot &- 1]
                    slot &-= 1
                }
                sorted[slot] = key
            }
            var distinct = 0
            var previous = UInt64.max
            for key in sorted where key >> startBits != previous {
                distinct &+= 1
                previous = key >> startBits
            }
            let starts = [Int](unsafeUninitializedCapacity: count) { starts, initialized in
                for index in 0..<count { starts[index] = Int(sorted[index] & startMask) }
                initialized = count
            }
            // Each group's detector and end, read off the sorted keys.
            let groups = [UInt64](unsafeUninitializedCapacity: distinct) { groups, initialized in
                var group = 0
                var detector = Int32(truncatingIfNeeded: sorted[0] >> startBits)
                for index in 1..<count {
                    let next = Int32(truncatingIfNeeded: sorted[index] >> startBits)
                    if next != detector {
                        groups[group] = Self.group(detector: detector, end: index)
                        group &+= 1
                        detector = next
                    }
                }
                groups[group] = Self.group(detector: detector, end: count)
                initialized = distinct
            }
            return (starts: starts, groups: groups)
        }
    }

    /// ``groupedByDetector()`` for many hits: a counting sort over the detectors that occur (a
    /// 32-bit slot per detector index from the smallest to the largest that occurs: zeroing a
    /// table of 64-bit slots up to the largest index was a fifth of the grouping's cost).
    private static func groupedByCounting(_ keys: UnsafeBufferPointer<UInt64>) -> (starts: [Int], groups: [UInt64]) {
        let count = keys.count
        var (smallestKey, largestKey) = (UInt64.max, UInt64.min)
        for key in keys {
            smallestKey = min(smallestKey, key)
            largestKey = max(largestKey, key)
        }
        let lowest = Int(smallestKey >> startBits)
        let slots = Int(largestKey >> startBits) - lowest + 1
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: slots) { offsets in
            offsets.initialize(repeating: 0)
            // The detectors that occur (as slots), in order of first occurrence, then ascending.
            var distinct = 0
            return withUnsafeTemporaryAllocation(of: Int32.self, capacity: min(slots, count)) { found in
                for key in keys {
                    let slot = Int(truncatingIfNeeded: key >> startBits) &- lowest
                    if offsets[slot] == 0 {
                        found[distinct] = Int32(truncatingIfNeeded: slot)
                        distinct &+= 1
                    }
                    offsets[slot] &+= 1
                }
                var occurring = UnsafeMutableBufferPointer(rebasing: found[0..<distinct])
                occurring.sort()
                // Each occurring detector's count becomes the end of its group.
                let groups = [UInt64](unsafeUninitializedCapacity: distinct) { groups, initialized in
                    var end: UInt32 = 0
                    for (group, slot) in occurring.enumerated() {
                        end &+= offsets[Int(slot)]
                        offsets[Int(slot)] = end
                        groups[group] = Self.group(detector: slot &+ Int32(truncatingIfNeeded: lowest), end: Int(end))
                    }
                    initialized = distinct
                }
                let starts = [Int](unsafeUninitializedCapacity: count) { grouped, initialized in
                    // Placed from the last hit back, each group's end moves to its start and its
                    // hits keep the order in which they were found.
                    var index = count
                    while index > 0 {
                        index &-= 1
                        let slot = Int(truncatingIfNeeded: keys[index] >> startBits) &- lowest
                        offsets[slot] &-= 1
                        grouped[Int(offsets[slot])] = Int(keys[index] & startMask)
                    }
                    initialized = count
                    // Hits are appended by end position; a longer keyword ending later may start
                    // earlier: such a group is sorted in place.
                    var lower = 0
                    for group in groups {
                        let upper = Self.end(ofGroup: group)
                        if upper - lower > 1 {
                            var members = UnsafeMutableBufferPointer(rebasing: grouped[lower..<upper])
                            var ordered = true
                            for position in 1..<members.count where members[position &- 1] > members[position] {
                                ordered = false
                                break
                            }
                            if !ordered { members.sort() }
                        }
                        lower = upper
                    }
                }
                return (starts: starts, groups: groups)
            }
        }
    }
}
