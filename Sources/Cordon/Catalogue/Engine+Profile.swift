import Dispatch

/// How long one detector took on a sample, from ``Engine/profile(_:)``.
public struct DetectorTiming: Sendable, Hashable {
    /// The detector's id.
    public var detectorID: String
    /// CPU-independent wall time spent matching this detector's pattern (and checking its
    /// values), in seconds.
    public var seconds: Double
    /// How many values the pattern produced before one-finding-per-span and propagation.
    public var matches: Int
}

extension Engine {
    /// Times each detector on `buffer`: one keyword pass, then each detector's pattern alone,
    /// exactly as a scan runs it.
    ///
    /// Use it to find the patterns that make a detector set slow; the keyword pass itself is
    /// reported as the first entry, `(keywords)`.
    public func profile(_ buffer: UnsafeBufferPointer<UInt8>) -> [DetectorTiming] {
        guard !buffer.isEmpty else { return [] }
        var timings: [DetectorTiming] = []
        withScratch { scratch in
            var hits = KeywordHits()
            let keywordStart = DispatchTime.now().uptimeNanoseconds
            _ = collectKeywordHits(in: buffer, scratch: scratch, into: &hits)
            let runStarts = runGates.runStarts(in: buffer)
            // The detectors a scan would run, with the offsets that gate them: the scan's own
            // schedule, so that the profile cannot drift from what a scan does.
            let schedule = DetectorSchedule(hits: hits, runStarts: runStarts, gates: runGates)
            timings.append(
                DetectorTiming(
                    detectorID: "(keywords)", seconds: Double(DispatchTime.now().uptimeNanoseconds - keywordStart) / 1e9,
                    matches: hits.starts.count + runStarts.map(\.count).reduce(0, +)))
            var measured = [(seconds: Double, matches: Int)](repeating: (0, 0), count: compiled.count)
            for position in 0..<schedule.count {
                let index = schedule.detector(at: position)
                var raw: [RawFinding] = []
                let start = DispatchTime.now().uptimeNanoseconds
                _ = compiled[index].collect(
                    in: buffer, keywordStarts: schedule.starts(at: position), detectorIndex: index, scratch: scratch,
                    deadline: ScanDeadline(.now + limits.budget(forByteCount: buffer.count)), into: &raw)
                measured[index] = (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, raw.count)
            }
            for (index, detector) in compiled.enumerated() {
                timings.append(DetectorTiming(detectorID: detector.id, seconds: measured[index].seconds, matches: measured[index].matches))
            }
        }
        return timings
    }
}
