import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The build reads the built-in patterns once (``PatternAnalysis``, embedded by `CordonEmbed`);
/// an engine that uses those answers must be the engine that reads the patterns itself, and a
/// record that does not belong to its detector must never be used.
@Suite("Embedded pattern analysis")
struct EmbeddedPatternAnalysisTests {
    /// The built-in set as an engine reads it at start-up (embedded records), and the same
    /// detectors as a set of no known origin (every pattern read, every word looked up).
    static let embedded = Fixtures.builtInEngine
    static let recomputed: Engine = {
        let builtIn = try! DetectorSet.builtIn()
        return try! Engine(DetectorSet(builtIn.detectors))
    }()

    /// The fields of a compiled detector that engine creation derives from the analysis.
    static func derived(_ detector: CompiledDetector) -> [String] {
        [
            "\(detector.gateWords)", "\(detector.lookbehind)", "\(detector.lookahead)", "\(detector.mergeDistance)",
            "\(String(describing: detector.shape))", "\(String(describing: detector.frame))",
            "\(String(describing: detector.startSteps))", "\(String(describing: detector.terminator))",
        ]
    }

    @Test("The build's limits are the engine's")
    func limitsAgree() {
        #expect(PatternAnalysis.builtInWindow == Engine.keywordWindow)
        #expect(PatternAnalysis.builtInStartStepsReach == CompiledDetector.startStepsReach)
    }

    @Test("Every built-in detector has an embedded record that belongs to it and equals a reading of its pattern at run time")
    func everyRecordBelongs() throws {
        let set = try DetectorSet.builtIn()
        let records = try #require(DetectorSet.embeddedAnalysis)
        #expect(records.count == set.detectors.count)
        let prefilter = try #require(Self.embedded.prefilter)
        for (index, detector) in set.detectors.enumerated() {
            let record = records[index]
            #expect(
                record.digest
                    == PatternAnalysis.digest(of: detector, window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach),
                "\(detector.id)")
            #expect(
                record.analysis
                    == PatternAnalysis(detector, window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach),
                "\(detector.id)")
            #expect(record.gateWordsDigest == PatternAnalysis.digest(ofGateWords: PatternAnalysis.gateWords(of: detector)))
            // The word ids name the detector's words, lowercased, each once.
            let words = Set(PatternAnalysis.gateWords(of: detector).filter { !$0.isEmpty }.map(KeywordPrefilter.lowercased))
            #expect(record.wordIDs.map { Int(prefilter.wordLengths[Int($0)]) }.sorted() == words.map(\.count).sorted(), "\(detector.id)")
        }
        // Some of each kind of answer is there (the records are not all empty).
        #expect(records.filter(\.analysis.startsWithKeyword).count > 100)
        #expect(records.contains { $0.analysis.shape != nil })
        #expect(records.contains { $0.analysis.frame != nil })
        #expect(records.contains { $0.analysis.startSteps != nil })
        #expect(records.contains { $0.analysis.terminator != nil })
    }

    @Test("An engine from the embedded analysis equals one that reads every pattern: the same tables")
    func sameTables() throws {
        let embedded = Self.embedded
        let recomputed = Self.recomputed
        #expect(embedded.compiled.count == recomputed.compiled.count)
        for (a, b) in zip(embedded.compiled, recomputed.compiled) {
            #expect(a.id == b.id)
            #expect(Self.derived(a) == Self.derived(b), "\(a.id)")
        }
        let fast = try #require(embedded.prefilter)
        let slow = try #require(recomputed.prefilter)
        #expect(fast.isEmbedded && slow.isEmbedded)
        #expect(fast.wordLengths == slow.wordLengths)
        #expect(fast.detectorStart == slow.detectorStart)
        #expect(fast.wordDetectors == slow.wordDetectors)
    }

    @Test("An engine from the embedded analysis equals one that reads every pattern: the same findings on every detector example")
    func sameFindings() {
        var inputs = 0
        for detector in Self.embedded.detectors {
            for example in detector.examples + detector.negativeExamples + detector.testValueExamples {
                let expected = Self.recomputed.scan(example)
                let actual = Self.embedded.scan(example)
                #expect(actual.findings == expected.findings, "\(detector.id)")
                #expect(actual.failures == expected.failures, "\(detector.id)")
                inputs += 1
            }
        }
        #expect(inputs > 3_000)
    }

    @Test("A subset of the built-in set uses the records of its detectors' positions")
    func subsetUsesItsRecords() throws {
        let subset = try DetectorSet.builtIn().filtered { $0.id.hasPrefix("s") }
        let records = try #require(subset.embeddedRecords)
        #expect(records.count == subset.detectors.count && !records.isEmpty)
        for (detector, record) in zip(subset.detectors, records) {
            #expect(
                record?.digest
                    == PatternAnalysis.digest(of: detector, window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach))
        }
        let engine = try Engine(subset)
        #expect(engine.prefilter?.isEmbedded == true)
    }

    @Test("A record whose digest is not its detector's is not used: the pattern and the words are read at start-up")
    func mismatchedRecordFallsBack() throws {
        let builtIn = try DetectorSet.builtIn()
        let records = try #require(DetectorSet.embeddedAnalysis)
        // A detector whose every match starts with its keyword (searched at the keyword only):
        // made optional-prefixed, its matches no longer do, and its record says otherwise.
        let index = try #require(builtIn.detectors.indices.first {
            records[$0].analysis.startsWithKeyword && !builtIn.detectors[$0].pattern.hasPrefix("(*")
        })
        var changed = builtIn.detectors
        changed[index].pattern = "(?:zq)?" + changed[index].pattern
        // Another detector gets one more keyword, which its record's word ids lack.
        let other = try #require(builtIn.detectors.indices.first { $0 != index && !builtIn.detectors[$0].keywords.isEmpty })
        changed[other].keywords.append("zqxj")
        var set = try DetectorSet(changed)
        set.builtInPositions = Array(changed.indices)  // claims the built-in records
        let engine = try Engine(set)
        let reading = PatternAnalysis(changed[index], window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach)
        #expect(!reading.startsWithKeyword)
        // The window is the one the changed pattern gives (the optional prefix's bytes before the
        // keyword), not the record's search at the keyword.
        let window = changed[index].keywordDistance ?? Engine.keywordWindow
        #expect(engine.compiled[index].lookbehind == min(window, reading.keywordDistance ?? window))
        #expect(engine.compiled[index].lookbehind > 0)
        #expect(engine.compiled[index].shape == nil)
        // The added word is found for the other detector (a database compiled for the set).
        let prefilter = try #require(engine.prefilter)
        #expect(!prefilter.isEmbedded)
        let text = Array("xx zqxj yy".utf8)
        let (fast, slow) = KeywordPrefilterTests.hits(engine, text)
        #expect(fast.contains([other, 3]))
        #expect(fast == slow)
        // Every other detector still equals the reading of its own pattern.
        let reference = try Engine(DetectorSet(changed))
        for (a, b) in zip(engine.compiled, reference.compiled) {
            #expect(Self.derived(a) == Self.derived(b), "\(a.id)")
        }
    }

    @Test("The embedded form decodes to what was encoded, and a damaged one to nothing")
    func encodingRoundTrip() throws {
        let records = try #require(DetectorSet.embeddedAnalysis)
        let numbers = PatternAnalysis.encode(records)
        #expect(numbers.withUnsafeBufferPointer { PatternAnalysis.decode($0) } == records)
        #expect(Array(numbers.dropLast(3)).withUnsafeBufferPointer { PatternAnalysis.decode($0) } == nil)
        #expect((numbers + [7]).withUnsafeBufferPointer { PatternAnalysis.decode($0) } == nil)
        #expect(([1, 2, 3] as [UInt64]).withUnsafeBufferPointer { PatternAnalysis.decode($0) } == nil)
    }
}
