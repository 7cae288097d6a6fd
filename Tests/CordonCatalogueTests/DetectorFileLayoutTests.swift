import CordonDetectorModel
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// How the detector catalogue is written: files named by provider or family, long patterns laid
/// out in extended mode, documentation references that are web addresses.
@Suite("Detector file layout")
struct DetectorFileLayoutTests {
    static let folder = CordonProcess.repositoryRoot.appending(path: "detectors")

    static func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test("Files are named by a provider or a family, never as a catch-all")
    func fileNames() throws {
        let names = try Self.fileNames()
        #expect(names.count >= 100)
        for name in names {
            let stem = String(name.dropLast(".yaml".count))
            let words = stem.split(separator: "-")
            #expect(stem.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }, "\(name)")
            let catchAll: Set<Substring> = ["misc", "more", "extra", "extras", "variants", "other", "others", "various", "rest"]
            #expect(!words.contains { catchAll.contains($0) }, "\(name) is a catch-all name")
            // An alphabetical range such as saas-s-z or misc-d-g.
            #expect(!(words.count >= 2 && words.suffix(2).allSatisfy { $0.count == 1 }), "\(name) names a range of letters")
        }
    }

    @Test("A pattern over 120 characters is laid out in (?x), unless a fragment it uses has spaces")
    func longPatternsAreExtended() throws {
        let layoutSensitive = PatternFragment.all.filter { !$0.isLayoutFree }.map(\.reference)
        for (file, id, pattern) in try DetectorFragmentTests.writtenPatterns() where pattern.utf8.count > 120 {
            let extended = pattern.hasPrefix("(?x)")
            let exempt = layoutSensitive.contains { pattern.contains($0) }
            #expect(extended || exempt, "\(file): \(id) has a \(pattern.utf8.count)-character pattern on one line")
            if extended {
                let longest = pattern.split(separator: "\n").map(\.utf8.count).max() ?? 0
                #expect(longest <= 120, "\(file): \(id) has a \(longest)-character line")
            }
        }
    }

    @Test("A (?x) pattern finds what its examples need and nothing in its negative examples")
    func extendedPatternsPassTheirExamples() throws {
        let engine = Fixtures.builtInEngine
        let extended = engine.detectors.filter { $0.pattern.hasPrefix("(?x)") }
        #expect(extended.count >= 50)
        let failures = engine.checkExamples().filter { failure in extended.contains { $0.id == failure.detectorID } }
        #expect(failures.isEmpty, "\(failures.map(\.description))")
    }

    @Test("References are a list of http(s) addresses; anything else is an error that quotes nothing")
    func references() throws {
        func file(_ references: String) -> String {
            """
            detectors:
              - id: reference-test
                name: Reference test
                description: A detector with documentation references.
                category: secret
                level: restricted
                pattern: 'rt_[a-z0-9]{8}'
                references: \(references)
                examples: ['rt_a1b2c3d4', 'rt_0z9y8x7w']
                negative_examples: ['rt_short']

            """
        }
        let parsed = try DetectorSet.parse(yaml: file("[https://example.com/docs/tokens#format, http://example.org/rfc]"), file: "r.yaml")
        #expect(parsed[0].references == ["https://example.com/docs/tokens#format", "http://example.org/rfc"])
        for bad in ["[ftp://example.com/x]", "['https://exa mple.com']", "[https://]", "[rt_s3cretvalue]", "https://example.com", "[[https://example.com]]"] {
            do {
                _ = try DetectorSet.parse(yaml: file(bad), file: "r.yaml")
                Issue.record("accepted references \(bad)")
            } catch {
                #expect(error.line == 8, "\(bad)")
                #expect(!error.description.contains("s3cret") && !error.description.contains("exa mple"), "\(bad)")
            }
        }
        // Still strict about field names.
        #expect(throws: DetectorError.self) { try DetectorSet.parse(yaml: file("[https://example.com]").replacingOccurrences(of: "references:", with: "reference:"), file: "r.yaml") }
    }

    @Test("The embedded table keeps references, and well-known providers document their formats")
    func builtInReferences() throws {
        var detector = DetectorTableTests.awkward
        detector.references = ["https://example.com/a", "https://example.com/b?c=d#e"]
        #expect(try DetectorTableTests.decode(DetectorTable.encode([detector])) == [detector])
        let byID = Dictionary(uniqueKeysWithValues: Fixtures.builtInEngine.detectors.map { ($0.id, $0) })
        for id in ["github-pat", "aws-access-key-id", "stripe-secret-key", "slack-token", "jwt", "openai-api-key"] {
            #expect(byID[id]?.references.isEmpty == false, "\(id)")
        }
        let all = byID.values.flatMap(\.references)
        #expect(all.count >= 40)
        #expect(all.allSatisfy { $0.hasPrefix("https://") || $0.hasPrefix("http://") })
    }
}
