import CordonTestSupport
import Testing

@testable import Cordon

/// The detectors a pass runs: those the first stage lets in, in ascending order, each with the
/// offsets that gate it.
@Suite("The detector schedule of one pass")
struct DetectorScheduleTests {
    /// Random hits of `count` occurrences over `detectorCount` detectors, appended as the first
    /// stage appends them (not in start order).
    static func randomHits(count: Int, detectorCount: Int, generator: inout SeededGenerator) -> KeywordHits {
        var hits = KeywordHits()
        for _ in 0..<count {
            hits.append(detector: Int32(Int.random(in: 0..<detectorCount, using: &generator)), start: Int.random(in: 0..<5_000, using: &generator))
        }
        return hits
    }

    @Test("Hits grouped by detector are the all-detector grouping's, for few hits (sorted) and many (counted)")
    func groupingMatchesTheFullGrouping() {
        var generator = SeededGenerator(seed: 9)
        for count in [0, 1, 2, 5, 31, 32, 33, 100, 2_000] {
            for _ in 0..<20 {
                let hits = Self.randomHits(count: count, detectorCount: 40, generator: &generator)
                let (offsets, starts) = hits.grouped(detectorCount: 40)
                let grouped = hits.groupedByDetector()
                #expect(grouped.starts == starts)
                let expectedDetectors = (0..<40).filter { offsets[$0 + 1] > offsets[$0] }
                #expect(grouped.detectors.map(Int.init) == expectedDetectors)
                #expect(grouped.ends.map(Int.init) == expectedDetectors.map { offsets[$0 + 1] })
            }
        }
    }

    @Test("A pass runs exactly the detectors with hits or runs and the ungated ones, ascending, with their offsets")
    func scheduleIsWhatEveryDetectorLoopWouldRun() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let texts = [
            "", "nothing here", "call me at +44 20 7946 0958 or mail ann@example.org, key sk-proj-1234",
            "AKIAIOSFODNN7EXAMPLE 4111 1111 1111 1111 token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
            String(repeating: "password=hunter22 0x1f 2001:db8::1 ", count: 40),
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                var hits = KeywordHits()
                _ = engine.withScratch { engine.collectKeywordHits(in: buffer, scratch: $0, into: &hits) }
                let runStarts = engine.runGates.runStarts(in: buffer)
                let schedule = DetectorSchedule(hits: hits, runStarts: runStarts, gates: engine.runGates)
                // What the loop over every detector ran before the schedule.
                let (offsets, starts) = hits.grouped(detectorCount: engine.compiled.count)
                var expected: [(Int, [Int]?)] = []
                for (index, detector) in engine.compiled.enumerated() {
                    guard detector.isGated else {
                        expected.append((index, nil))
                        continue
                    }
                    let gating = engine.runGates.keyOfDetector[index].map { Array(runStarts[$0]) } ?? Array(starts[offsets[index]..<offsets[index + 1]])
                    if !gating.isEmpty { expected.append((index, gating)) }
                }
                #expect(schedule.count == expected.count)
                for position in 0..<min(schedule.count, expected.count) {
                    #expect(schedule.detector(at: position) == expected[position].0)
                    #expect(schedule.starts(at: position).map(Array.init) == expected[position].1)
                }
            }
        }
    }
}
