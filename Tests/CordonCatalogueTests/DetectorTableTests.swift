import CordonDetectorModel
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The table in which the build embeds the built-in detectors, and the patterns an engine
/// compiles on their first match: neither may change what is found.
@Suite("Embedded detector table")
struct DetectorTableTests {
    /// A detector whose strings need every escape of the generated literal and whose optional
    /// fields are all set.
    static let awkward = Detector(
        id: "awkward", name: "Quotes \" and \\ backslashes", description: "Line\nbreaks\r\n, tabs\t, NUL \u{0}, DEL \u{7F}, é, 🔑, \u{202E}",
        category: .secret, level: .restricted, pattern: #"(?i)\bkey\s*=\s*"([^"\\]{8,})""#, keywords: ["key", "KÉY"],
        keywordDistance: 0, minimumEntropy: 3.25, validators: [.luhn, .eip55], confidence: .high,
        context: ContextRule(words: ["token", ""], window: 17, required: true), scansDecodedLayers: false, propagatesValue: false,
        allowlist: Allowlist(values: ["", "12:34:"], patterns: ["^x{8}$"]), examples: ["key = \"12345678\"", "9:"],
        negativeExamples: ["\"\"\"#"], source: "detectors/awkward.yaml")

    static func decode(_ bytes: [UInt8]) throws(DetectorTable.DecodingError) -> [Detector] {
        try bytes.withUnsafeBufferPointer { (buffer) throws(DetectorTable.DecodingError) in try DetectorTable.decode(buffer) }
    }

    @Test("Encoding and decoding keeps every field, optional or not")
    func roundTrip() throws {
        var plain = Self.awkward
        plain.id = "plain"
        plain.keywords = []
        plain.keywordDistance = nil
        plain.runGate = RunGate(characterClass: .digitsAndDots, length: 7, within: 3)
        plain.minimumEntropy = nil
        plain.context = nil
        plain.validators = []
        let detectors = [Self.awkward, plain]
        #expect(try Self.decode(DetectorTable.encode(detectors)) == detectors)
        #expect(try Self.decode(DetectorTable.encode([])) == [])
    }

    @Test("The built-in set decodes to the set it was encoded from")
    func builtInRoundTrip() throws {
        let builtIn = try DetectorSet.builtIn().detectors
        #expect(builtIn.count >= 400)
        #expect(try Self.decode(DetectorTable.encode(builtIn)) == builtIn)
    }

    @Test("A truncated or damaged table is an error at an offset, never a crash or a wrong set")
    func corruptTables() throws {
        let table = DetectorTable.encode([Self.awkward])
        for length in 0..<table.count {
            #expect(throws: DetectorTable.DecodingError.self) { try Self.decode(Array(table[..<length])) }
        }
        #expect(throws: DetectorTable.DecodingError.self) { try Self.decode(table + Array("0:".utf8)) }
        // A length digit changed: the fields no longer line up.
        var damaged = table
        damaged[damaged.firstIndex(of: UInt8(ascii: ":"))! - 1] &+= 1
        #expect(throws: DetectorTable.DecodingError.self) { try Self.decode(damaged) }
        // Every single-byte change either fails or decodes to a different set: none is silent.
        for index in table.indices where index % 7 == 0 {
            var changed = table
            changed[index] = changed[index] == UInt8(ascii: "Z") ? UInt8(ascii: "Y") : UInt8(ascii: "Z")
            if let decoded = try? Self.decode(changed) { #expect(decoded != [Self.awkward], "byte \(index)") }
        }
        // Invalid UTF-8 in a string field.
        let bad = Array("23:cordon-detector-table/11:11:".utf8) + [0xFF]
        #expect(throws: DetectorTable.DecodingError.self) { try Self.decode(bad) }
        #expect(throws: DetectorTable.DecodingError.self) { try Self.decode([0x32, 0x3A, 0xFF, 0xFE]) }
    }

    @Test("Every built-in pattern and allowlist pattern compiles, so an engine may defer them")
    func builtInPatternsCompile() throws {
        let detectors = try DetectorSet.builtIn().detectors
        let sources = Set(detectors.flatMap { [$0.pattern] + $0.allowlist.patterns })
        for source in sources.sorted() {
            #expect(throws: Never.self) { _ = try CompiledPattern(source, allowsStartLimit: true) }
        }
    }

    @Test("An engine of the built-in set compiles a pattern on its first match, and finds the same")
    func deferredCompilation() throws {
        let set = try DetectorSet.builtIn()
        let engine = try Engine(set)
        #expect(engine.compiled.allSatisfy { !$0.pattern.isCompiled })
        var fake = FakeSecrets(seed: 11)
        let text = "aws_access_key_id = \(fake.awsAccessKeyID())\nmail \(fake.email())\n"
        let result = engine.scan(text)
        #expect(Set(result.findings.map(\.detectorID)).isSuperset(of: ["aws-access-key-id", "email"]))
        let compiled = engine.compiled.filter { $0.pattern.isCompiled }.map(\.id)
        #expect(compiled.contains("aws-access-key-id") && compiled.contains("email"))
        #expect(compiled.count < engine.compiled.count / 4, "\(compiled.count) of \(engine.compiled.count) compiled")

        // A subset of the built-in set defers too; any other set compiles at start-up, so that
        // a bad pattern is an error there — even one made of built-in detectors.
        let subset = try Engine(set.filtered { $0.category == .secret })
        #expect(subset.compiled.allSatisfy { !$0.pattern.isCompiled })
        let rebuilt = try Engine(DetectorSet(set.detectors))
        #expect(rebuilt.compiled.allSatisfy { $0.pattern.isCompiled })
        #expect(rebuilt.scan(text) == result)
        var own = set.detectors.first { $0.id == "aws-access-key-id" }!
        own.id = "own-aws"
        let mixed = try Engine(DetectorSet([own]))
        #expect(mixed.compiled.allSatisfy { $0.pattern.isCompiled })
        #expect(mixed.scan(text).findings.map(\.detectorID) == ["own-aws"])
    }

    @Test("A deferred pattern that does not compile fails its matches (the scan cannot decide)")
    func deferredFailure() throws {
        let pattern = try CompiledPattern("(unclosed", deferred: true)
        let scratch = MatchScratch(limits: .default)
        let outcome = Array("unclosed".utf8).withUnsafeBufferPointer { scratch.match(pattern, in: $0, from: 0) }
        guard case .failure(let code) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(CompiledPattern.message(for: code).contains("parenthesis"))
        #expect(!pattern.isCompiled)
        #expect(throws: CompiledPattern.CompileError.self) { _ = try CompiledPattern("(unclosed") }
    }

    @Test("Group 1 is the value whatever the number of groups (the ovector holds two pairs)")
    func valueGroupWithManyGroups() throws {
        let scratch = MatchScratch(limits: .default)
        func value(_ source: String, _ text: String) throws -> String? {
            let pattern = try CompiledPattern(source)
            let bytes = Array(text.utf8)
            guard case .match(_, let value) = bytes.withUnsafeBufferPointer({ scratch.match(pattern, in: $0, from: 0) }) else { return nil }
            return String(decoding: bytes[value], as: UTF8.self)
        }
        #expect(try value("k=(a)(b)(c)(d)", "x k=abcd") == "a")
        #expect(try value("(?:(x)|(y)(z))w", "yzw") == "yzw")
        #expect(try value("(?:(x)|(y))w", "xw") == "x")
        #expect(try value("k=([0-9]+)", "k=42") == "42")
    }
}
