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
                #expect(grouped.groups.map { Int(KeywordHits.detector(ofGroup: $0)) } == expectedDetectors)
                #expect(grouped.groups.map(KeywordHits.end(ofGroup:)) == expectedDetectors.map { offsets[$0 + 1] })
            }
        }
    }

    @Test("Hits of sparse, large detector indices and far starts group as the reference does, around the sorted/counted limit")
    func groupingOfSparseDetectorsMatchesTheReference() {
        var generator = SeededGenerator(seed: 21)
        let limit = KeywordHits.sortedGroupingLimit
        for count in [limit - 1, limit, limit + 1, 3 * limit, 500] {
            for _ in 0..<20 {
                var hits = KeywordHits()
                // A few detectors among a thousand, starts anywhere up to the largest a key holds.
                let chosen = (0..<3).map { _ in Int32(Int.random(in: 0..<1_000, using: &generator)) }
                for _ in 0..<count {
                    let start = Bool.random(using: &generator) ? Int.random(in: 0..<300, using: &generator) : Int(KeywordHits.startMask) - Int.random(in: 0..<300, using: &generator)
                    hits.append(detector: chosen.randomElement(using: &generator)!, start: start)
                }
                let (offsets, starts) = hits.grouped(detectorCount: 1_000)
                let grouped = hits.groupedByDetector()
                #expect(grouped.starts == starts)
                let expectedDetectors = (0..<1_000).filter { offsets[$0 + 1] > offsets[$0] }
                #expect(grouped.groups.map { Int(KeywordHits.detector(ofGroup: $0)) } == expectedDetectors)
                #expect(grouped.groups.map(KeywordHits.end(ofGroup:)) == expectedDetectors.map { offsets[$0 + 1] })
            }
        }
    }

    @Test("A hit key holds its detector and start and orders by detector, then start; starts fit up to 1 TiB - 1")
    func hitKeysRoundTripAndOrder() {
        #expect(KeywordHits.fitsStart(0))
        #expect(KeywordHits.fitsStart(1 << 40 - 1))
        #expect(!KeywordHits.fitsStart(1 << 40))
        #expect(!KeywordHits.fitsStart(-1))
        let largest = Int32(KeywordHits.detectorLimit - 1)
        var hits = KeywordHits()
        hits.append(detector: 7, start: 1 << 40 - 1)
        hits.append(detector: 0, start: 0)
        hits.append(detector: largest, start: 1)
        hits.append(detector: 7, start: 0)
        #expect(hits.detectors == [7, 0, largest, 7])
        #expect(hits.starts == [1 << 40 - 1, 0, 1, 0])
        #expect(hits.count == 4)
        let grouped = hits.groupedByDetector()
        #expect(grouped.groups.map(KeywordHits.detector(ofGroup:)) == [0, 7, largest])
        #expect(grouped.starts == [0, 0, 1 << 40 - 1, 1])
        #expect(grouped.groups.map(KeywordHits.end(ofGroup:)) == [1, 3, 4])
        #expect(KeywordHits().groupedByDetector().starts.isEmpty)
        #expect(KeywordHits().groupedByDetector().groups.isEmpty)
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
