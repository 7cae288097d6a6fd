import CordonDetectorModel
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Named pattern fragments: a detector file refers to shared sub-patterns as `(?{name})`, and
/// every reader of detector files sees the full pattern.
@Suite("Pattern fragments")
struct DetectorFragmentTests {
    /// A detector file with `pattern` (written as a YAML single-quoted scalar unless it is a
    /// block) and examples the pattern need not match: only parsing is tested.
    static func file(pattern: String, block: Bool = false) -> String {
        let patternField = block
            ? "    pattern: |-\n" + pattern.split(separator: "\n", omittingEmptySubsequences: false).map { "      \($0)" }.joined(separator: "\n")
            : "    pattern: '\(pattern.replacingOccurrences(of: "'", with: "''"))'"
        return """
            detectors:
              - id: fragment-test
                name: Fragment test
                description: A detector that exercises fragment references.
                category: secret
                level: restricted
            \(patternField)
                examples: ['a', 'b']
                negative_examples: ['c']

            """
    }

    static func parse(_ yaml: String) throws(DetectorError) -> Detector {
        try DetectorSet.parse(yaml: yaml, file: "fragments.yaml")[0]
    }

    static func error(_ yaml: String) -> DetectorError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("A reference is replaced by the fragment's text, wherever it stands in the pattern")
    func expansion() throws {
        let start = PatternFragment.byName["token_start"]!.text
        let uuid = PatternFragment.byName["uuid"]!.text
        let detector = try Self.parse(Self.file(pattern: "(?{token_start})key_(?{uuid})|x(?{token_start})"))
        #expect(detector.pattern == "\(start)key_\(uuid)|x\(start)")
        #expect(try Self.parse(Self.file(pattern: "key_[0-9]{8}")).pattern == "key_[0-9]{8}")
    }

    @Test("(?{ inside a character class, after a backslash or in a (?x) comment is pattern text")
    func notReferences() throws {
        #expect(try Self.parse(Self.file(pattern: "a[(?{]b")).pattern == "a[(?{]b")
        #expect(try Self.parse(Self.file(pattern: "a[](?{x})]b")).pattern == "a[](?{x})]b")
        #expect(try Self.parse(Self.file(pattern: #"a\(?\{b"#)).pattern == #"a\(?\{b"#)
        let commented = "(?x)key  # like (?{nothing}) here\n  (?{uuid})"
        #expect(
            try Self.parse(Self.file(pattern: commented, block: true)).pattern
                == "(?x)key  # like (?{nothing}) here\n  \(PatternFragment.byName["uuid"]!.text)")
    }

    @Test("An unknown fragment is an error naming the file, line, detector and name, never the pattern")
    func unknownFragment() throws {
        let error = try #require(Self.error(Self.file(pattern: "sk_live_Zq8Fake0nly(?{no_such_fragment})")))
        #expect(error.file == "fragments.yaml")
        #expect(error.line == 7)
        #expect(error.detectorID == "fragment-test")
        #expect(error.description.contains("unknown fragment 'no_such_fragment'"))
        #expect(!error.description.contains("sk_live_Zq8Fake0nly"))
        // A name that is not a plain word is not quoted either.
        let odd = try #require(Self.error(Self.file(pattern: "(?{hunter_two})")))
        #expect(odd.description.contains("unknown fragment"))
    }

    @Test("In a block pattern the error names the line of the reference")
    func blockLine() throws {
        let error = try #require(Self.error(Self.file(pattern: "(?x)(?{token_start})\n  key_\n  (?{nope})", block: true)))
        #expect(error.line == 10)
    }

    @Test("A malformed reference is an error, so a mistyped one cannot reach PCRE2")
    func malformed() throws {
        for pattern in ["(?{token_start)", "(?{})", "(?{Token})", "(?{token start})", "abc(?{"] {
            let error = try #require(Self.error(Self.file(pattern: pattern)), "\(pattern)")
            #expect(error.description.contains("malformed fragment reference"), "\(pattern)")
        }
    }

    @Test("A (?x) pattern may not use a fragment with literal spaces, which (?x) would drop")
    func extendedNeedsLayoutFreeFragments() throws {
        let error = try #require(Self.error(Self.file(pattern: "(?x)key(?{assign_phrase})(\\w{8})")))
        #expect(error.description.contains("'assign_phrase'"))
        #expect(try Self.parse(Self.file(pattern: "key(?{assign_phrase})(\\w{8})")).pattern.contains(" (?:api "))
        let layoutSensitive = PatternFragment.all.filter { !$0.isLayoutFree }.map(\.name)
        #expect(layoutSensitive == ["assign_phrase"])
    }

    @Test("Every fragment compiles on its own and names one idea: at least two detectors use it")
    func fragmentsCompileAndAreShared() throws {
        let written = try Self.writtenPatterns()
        for fragment in PatternFragment.all {
            #expect(throws: Never.self) { _ = try CompiledPattern(fragment.text) }
            let users = written.filter { $0.pattern.contains(fragment.reference) }.count
            #expect(users >= 2, "\(fragment.name) is used by \(users) detectors")
            #expect(fragment.name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") })
        }
        #expect(Set(PatternFragment.all.map(\.name)).count == PatternFragment.all.count)
    }

    @Test("No detector file spells a fragment out: the text lives in the fragment alone")
    func noSpeltOutFragments() throws {
        for (file, id, pattern) in try Self.writtenPatterns() {
            for fragment in PatternFragment.all {
                #expect(!pattern.contains(fragment.text), "\(file): \(id) spells out (?{\(fragment.name)})")
            }
        }
    }

    @Test("detectors/README.md lists every fragment")
    func readmeListsFragments() throws {
        let readme = try String(contentsOf: CordonProcess.repositoryRoot.appending(path: "detectors/README.md"), encoding: .utf8)
        for fragment in PatternFragment.all {
            #expect(readme.contains("| `\(fragment.reference)` |"), "\(fragment.name)")
        }
    }

    @Test("A folder given at run time expands fragments as the build does")
    func runtimeFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "cordon-fragments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = Self.file(pattern: "(?{token_start})(fk_[a-z0-9]{8})(?![A-Za-z0-9])")
            .replacingOccurrences(of: "examples: ['a', 'b']", with: "examples: ['k = fk_a1b2c3d4', '\"fk_0z9y8x7w\"']")
            .replacingOccurrences(of: "negative_examples: ['c']", with: "negative_examples: ['xfk_a1b2c3d4']")
        try yaml.write(to: folder.appending(path: "fake.yaml"), atomically: true, encoding: .utf8)
        let set = try DetectorSet.load(from: [folder.path])
        #expect(set.detectors[0].pattern.hasPrefix(PatternFragment.byName["token_start"]!.text))
        let engine = try Engine(set)
        #expect(engine.checkExamples().isEmpty)
    }

    /// Every built-in detector's pattern as its file writes it: `(file, id, pattern)`.
    static func writtenPatterns() throws -> [(file: String, id: String, pattern: String)] {
        let folder = CordonProcess.repositoryRoot.appending(path: "detectors")
        var patterns: [(file: String, id: String, pattern: String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".yaml") {
            let yaml = try String(contentsOf: folder.appending(path: name), encoding: .utf8)
            for detector in try DetectorFileParser(file: name, expandsFragments: false).parse(yaml) {
                patterns.append((name, detector.id, detector.pattern))
            }
        }
        return patterns
    }
}
