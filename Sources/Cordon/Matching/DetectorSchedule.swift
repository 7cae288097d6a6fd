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
    /// ``keywordStarts``, which ends at `hitEnds[g]` (and starts where group `g - 1` ends).
    private var sources: [Int32] = []
    /// For each scheduled detector with keyword hits, the end of its hits in ``keywordStarts``.
    private var hitEnds: [Int32] = []
    /// Every keyword hit's start, grouped by detector (ascending detector, ascending start).
    private var keywordStarts: [Int] = []
    private var runStarts: RunStarts

    /// The number of detectors to run.
    var count: Int { detectors.count }

    /// The schedule for one message whose gate-word occurrences are `hits` and whose run-gate
    /// starts are `runStarts` (``RunGates/runStarts(in:)``).
    init(hits: KeywordHits, runStarts: RunStarts, gates: RunGates) {
        self.runStarts = runStarts
        var withHits: [Int32] = []
        (keywordStarts, withHits, hitEnds) = hits.groupedByDetector()
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
            let nextHit = hit < withHits.count ? withHits[hit] : Int32.max
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
        let lower = source == 0 ? 0 : Int(hitEnds[source - 1])
        return keywordStarts[lower..<Int(hitEnds[source])]
    }
}

extension KeywordHits {
    /// The hits' starts grouped by detector — ascending detectors, each one's starts ascending —
    /// with the detectors that have hits and the end of each one's group.
    ///
    /// Few hits (a short message) are sorted as packed `(detector, start)` keys; many are placed
    /// by a counting sort over the detectors that occur (as ``grouped(detectorCount:)`` does over
    /// all of them).
    func groupedByDetector() -> (starts: [Int], detectors: [Int32], ends: [Int32]) {
        let count = detectors.count
        guard count > 0 else { return ([], [], []) }
        var grouped = [Int](repeating: 0, count: count)
        var withHits: [Int32] = []
        var ends: [Int32] = []
        // A start fits in 40 bits as long as the message is under 1 TiB (a scan's window is far
        // smaller); the detector index goes above it.
        if count <= 32, starts.allSatisfy({ $0 < 1 << 40 }) {
            var keys = [UInt64](repeating: 0, count: count)
            keys.withUnsafeMutableBufferPointer { keys in
                detectors.withUnsafeBufferPointer { detectors in
                    starts.withUnsafeBufferPointer { starts in
                        for index in 0..<count { keys[index] = UInt64(detectors[index]) << 40 | UInt64(starts[index]) }
                    }
                }
                keys.sort()
                grouped.withUnsafeMutableBufferPointer { grouped in
                    var previous = UInt64.max
                    for index in 0..<count {
                        let detector = keys[index] >> 40
                        grouped[index] = Int(keys[index] & (1 << 40 - 1))
                        if detector != previous {
                            if index > 0 { ends.append(Int32(index)) }
                            withHits.append(Int32(detector))
                            previous = detector
                        }
                    }
                }
            }
            ends.append(Int32(count))
            return (grouped, withHits, ends)
        }
        // A counting sort: each detector's count, then the end of its group, for the detectors
        // that occur (a slot per detector index up to the largest that occurs).
        let largest = Int(detectors.max()!)
        var offsets = [Int](repeating: 0, count: largest + 2)
        offsets.withUnsafeMutableBufferPointer { offsets in
            detectors.withUnsafeBufferPointer { detectors in
                for detector in detectors {
                    if offsets[Int(detector)] == 0 { withHits.append(detector) }
                    offsets[Int(detector)] += 1
                }
            }
            withHits.sort()
            ends.reserveCapacity(withHits.count)
            var end = 0
            for detector in withHits {
                end += offsets[Int(detector)]
                offsets[Int(detector)] = end
                ends.append(Int32(end))
            }
            grouped.withUnsafeMutableBufferPointer { grouped in
                detectors.withUnsafeBufferPointer { detectors in
                    starts.withUnsafeBufferPointer { starts in
                        // Placed from the last hit back, each group's end moves to its start and
                        // its hits keep the order in which they were found.
                        var index = detectors.count
                        while index > 0 {
                            index -= 1
                            let detector = Int(detectors[index])
                            offsets[detector] -= 1
                            grouped[offsets[detector]] = starts[index]
                        }
                    }
                }
                // Hits are appended by end position; a longer keyword ending later may start
                // earlier: such a group is sorted in place.
                var lower = 0
                for end in ends {
                    let upper = Int(end)
                    if upper - lower > 1 {
                        var group = UnsafeMutableBufferPointer(rebasing: grouped[lower..<upper])
                        if zip(group, group.dropFirst()).contains(where: { $0 > $1 }) { group.sort() }
                    }
                    lower = upper
                }
            }
        }
        return (grouped, withHits, ends)
    }
}
