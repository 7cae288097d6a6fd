import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The build reads each built-in pattern's sketch and embeds its words; a process decodes the
/// sketch instead of reading the pattern. The decoded sketch must be the sketch read at run time.
@Suite("Embedded pattern sketches")
struct EmbeddedPatternSketchTests {
    @Test("Every built-in pattern's stored entry is the sketch read off the pattern now, or none where the pattern gives none")
    func everyBuiltInEntryIsTheSketchOfItsPattern() throws {
        var sketches = 0
        var withoutSketch = 0
        for detector in try DetectorSet.builtIn().detectors {
            let readNow = PatternSketch(pattern: detector.pattern)
            switch EmbeddedSketchLookup.entry(for: detector.pattern) {
            case .sketch(let stored):
                let readNow = try #require(readNow, "\(detector.id): a sketch is stored, but the pattern gives none")
                #expect(stored.isSame(as: readNow), "\(detector.id)")
                sketches += 1
            case .none:
                #expect(readNow == nil, "\(detector.id): no sketch is stored, but the pattern gives one")
                withoutSketch += 1
            case .notStored:
                Issue.record("\(detector.id): the build stored nothing for a built-in pattern")
            }
        }
        // Most built-in patterns give a sketch; a build that stored none would pass the loop.
        #expect(sketches > 400)
        #expect(sketches + withoutSketch >= 481)
    }

    @Test("A pattern the build did not see, or a built-in one changed by one byte, is not stored: it is read at run time")
    func otherPatternsAreReadAtRunTime() throws {
        #expect(isNotStored(EmbeddedSketchLookup.entry(for: #"token\s*=\s*"[a-z]{12}""#)))
        #expect(isNotStored(EmbeddedSketchLookup.entry(for: "")))
        let builtIn = try #require(DetectorSet.builtIn().detectors.first { PatternSketch(pattern: $0.pattern) != nil })
        #expect(isNotStored(EmbeddedSketchLookup.entry(for: builtIn.pattern + "x")))
        let changed = String(builtIn.pattern.dropLast()) + (builtIn.pattern.last == "a" ? "b" : "a")
        #expect(isNotStored(EmbeddedSketchLookup.entry(for: changed)))
        // The lookup's answer for such a pattern is the one read off it.
        let custom = #"secret\s*[:=]\s*[A-Za-z0-9]{16,}"#
        let read = try #require(PatternSketch(pattern: custom))
        #expect(try #require(EmbeddedSketchLookup.sketch(of: custom)).isSame(as: read))
    }

    @Test("A sketch's words decode to the same automaton (every built-in pattern's sketch)")
    func encodedSketchesDecodeToThemselves() throws {
        for detector in try DetectorSet.builtIn().detectors {
            guard let sketch = PatternSketch(pattern: detector.pattern) else { continue }
            let decoded = try #require(sketch.encoded.withUnsafeBufferPointer { PatternSketch(encoded: $0) }, "\(detector.id)")
            #expect(decoded.isSame(as: sketch), "\(detector.id)")
            #expect(decoded.startBytes == sketch.startBytes, "\(detector.id)")
        }
    }

    @Test("Words that are not a well-formed encoding give no sketch: another version, counts out of range, a class or state out of bounds, too few or too many words")
    func malformedWordsGiveNoSketch() throws {
        let sketch = try #require(PatternSketch(pattern: #"key\s*=\s*"[a-z]{8}"#))
        let words = sketch.encoded
        func decodes(_ words: [UInt64]) -> Bool { words.withUnsafeBufferPointer { PatternSketch(encoded: $0) } != nil }
        #expect(decodes(words))
        #expect(!decodes([]))
        #expect(!decodes(Array(words.dropLast())))
        #expect(!decodes(words + [0]))
        var changed = words
        changed[0] &+= 1  // version
        #expect(!decodes(changed))
        for stateCount: UInt64 in [0, 65, UInt64(sketch.stateCount) + 1] {
            changed = words
            changed[1] = stateCount
            #expect(!decodes(changed), "state count \(stateCount)")
        }
        for classCount: UInt64 in [0, 257, UInt64(sketch.classCount) + 1] {
            changed = words
            changed[5] = classCount
            #expect(!decodes(changed), "class count \(classCount)")
        }
        // A state past the count in the first, final or stop states, a class or a follow set.
        let outside = UInt64(1) << UInt64(sketch.stateCount)
        for index in [2, 3, 4, 6 + 32, words.count - 1] {
            changed = words
            changed[index] |= outside
            #expect(!decodes(changed), "word \(index)")
        }
        // A byte's class past the class count.
        changed = words
        changed[6] = changed[6] & ~0xFF | UInt64(sketch.classCount)
        #expect(!decodes(changed))
        // Two classes with the same states: `encoded` never writes that (bytes with equal states
        // share one class).
        if sketch.classCount >= 2 {
            changed = words
            changed[6 + 32 + 1] = changed[6 + 32]
            #expect(!decodes(changed))
        }
    }

    private func isNotStored(_ entry: EmbeddedSketchLookup.Entry) -> Bool {
        if case .notStored = entry { return true }
        return false
    }
}
