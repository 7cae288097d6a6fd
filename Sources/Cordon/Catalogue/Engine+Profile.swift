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
            let (offsets, starts) = hits.grouped(detectorCount: compiled.count)
            timings.append(
                DetectorTiming(
                    detectorID: "(keywords)", seconds: Double(DispatchTime.now().uptimeNanoseconds - keywordStart) / 1e9,
                    matches: starts.count + runStarts.map(\.count).reduce(0, +)))
            for (index, detector) in compiled.enumerated() {
                var keywordStarts: ArraySlice<Int>?
                if let key = runGates.keyOfDetector[index] {
                    keywordStarts = runStarts[key][...]
                } else if detector.isGated {
                    keywordStarts = starts[offsets[index]..<offsets[index + 1]]
                }
                var raw: [RawFinding] = []
                let start = DispatchTime.now().uptimeNanoseconds
                if keywordStarts?.isEmpty != true {
                    _ = detector.collect(
                        in: buffer, keywordStarts: keywordStarts, detectorIndex: index, scratch: scratch,
                        deadline: ScanDeadline(.now + limits.budget(forByteCount: buffer.count)), into: &raw)
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                timings.append(DetectorTiming(detectorID: detector.id, seconds: seconds, matches: raw.count))
            }
        }
        return timings
    }
}
