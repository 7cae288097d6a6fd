import CordonDetectorModel
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Every built-in detector's allowlist and test-value patterns, combined (``AllowlistMatcher``),
/// answer every value as the patterns one by one do — so a value's verdict (dropped, test value,
/// value) is the one it always was: `accepts` asks the same two questions in the same order.
@Suite("Catalogue allowlists combined")
struct AllowlistMatcherCatalogueTests {
    /// Values a detector's allowlist is about: its examples' text, placeholder shapes, and random
    /// bytes (invalid UTF-8 among them).
    static func values(for detector: Detector, using generator: inout SeededGenerator) -> [[UInt8]] {
        var values: [[UInt8]] = [[]]
        for example in detector.examples + detector.negativeExamples {
            let bytes = Array(example.utf8)
            values.append(bytes)
            // Pieces of it: a value is usually part of an example.
            for _ in 0..<4 where !bytes.isEmpty {
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let end = Int.random(in: start...bytes.count, using: &generator)
                values.append(Array(bytes[start..<end]))
            }
        }
        let shapes = [
            "xxxxxxxx", "XXXXXXXXXXXXXXXXXXXXXXXX", "your_api_key_here", "${TOKEN}", "<token>", "placeholder", "EXAMPLE",
            "example.com", "AAAAAAAAAAAAAAAA", "aaaaaaaaaaaa", "1234567890", "changeme", "$(secret)", "{{ secret }}", "%PASSWORD%",
            "abcdefghijklmnop", "0123456789abcdef", "null", "password", "my_password", "/etc/passwd", "arn:aws:iam::1", "-----BEGIN",
            "4111 1111 1111 1111", "192.0.2.1", "...", "***", "short", "••••", "replace_me", "!Ref", "a.b.c", "user@example.org",
        ]
        let alphabet = Array("abcxyzABCXYZ0123456789-_./:@$%{}<>[]()*#!' \n".utf8) + [0x80, 0xC3, 0xA9, 0xE2, 0xFF]
        for _ in 0..<24 {
            var value: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                if Bool.random(using: &generator) {
                    value += shapes.randomElement(using: &generator)!.utf8
                } else {
                    for _ in 0..<Int.random(in: 0...12, using: &generator) { value.append(alphabet.randomElement(using: &generator)!) }
                }
            }
            values.append(value)
        }
        return values
    }

    @Test("For every catalogue detector and many values, combined equals one by one (reference comparison)")
    func everyDetector() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let scratch = MatchScratch(limits: .default)
        var generator = SeededGenerator(seed: 0xA11_0_1157_CA7)
        var compared = 0
        var matches = 0
        var alone: [String: CompiledPattern] = [:]
        func compiledAlone(_ sources: [String]) throws -> [CompiledPattern] {
            try sources.map { source in
                if let known = alone[source] { return known }
                let pattern = try CompiledPattern(source)
                alone[source] = pattern
                return pattern
            }
        }
        for (detector, compiled) in zip(engine.detectors, engine.compiled) {
            // The reference: the detector's patterns as listed, each run alone, as before.
            let references = [
                (compiled.allowedPatterns, try compiledAlone(detector.allowlist.patterns)),
                (compiled.testValuePatterns, try compiledAlone(detector.allowlist.testValues.patterns)),
            ]
            for value in Self.values(for: detector, using: &generator) {
                (value + [0]).withUnsafeBufferPointer { padded in
                    let buffer = UnsafeBufferPointer(rebasing: padded[0..<value.count])
                    for (matcher, patterns) in references {
                        let combined = matcher.matches(buffer, scratch: scratch)
                        let alone = patterns.contains { pattern in
                            if case .match = scratch.match(pattern, in: buffer, from: 0) { return true }
                            return false
                        }
                        #expect(combined == alone, "\(detector.id): \(value.count)-byte value")
                        compared += 1
                        if alone { matches += 1 }
                    }
                }
            }
        }
        #expect(compared > 20_000)
        #expect(matches > compared / 20)
    }

    @Test("The catalogue's anchored allowlist patterns run as one call per list")
    func callsPerValue() throws {
        let engine = try Engine(DetectorSet.builtIn())
        var before = 0
        var after = 0
        for (detector, compiled) in zip(engine.detectors, engine.compiled) {
            for (sources, matcher) in [
                (detector.allowlist.patterns, compiled.allowedPatterns), (detector.allowlist.testValues.patterns, compiled.testValuePatterns),
            ] {
                let unique = sources.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                let anchored = unique.filter { AllowlistCombination.startsAnchored($0) }.count
                // Every anchored pattern of the catalogue is combinable.
                #expect(matcher.callsPerValue == unique.count - anchored + min(anchored, 1), "\(detector.id)")
                before += sources.count
                after += matcher.callsPerValue
            }
        }
        // 2,424 patterns in 1,729 calls summed over the lists (password-assignment: 31 in 6).
        #expect(after < before)
    }
}
