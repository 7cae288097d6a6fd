import Cordon
import CordonTestSupport
import Foundation
import Testing

/// The labelled corpus (`corpus/samples`, ground truth in `corpus/truth.jsonl`) run through the
/// built `cordon` binary with the built-in detectors.
@Suite("Corpus")
struct CorpusTests {
    /// One labelled span: where a value is, which detector must report it, and whether it must be
    /// reported as a documentation or test value.
    struct Span: Hashable, CustomStringConvertible {
        var file: String
        var start: Int
        var end: Int
        var detector: String
        var isTestValue = false
        var description: String { "\(file):\(start)-\(end) \(detector)\(isTestValue ? " (test value)" : "")" }
    }

    /// Detectors whose values are not looked for again elsewhere (`propagate: false`).
    static let unpropagated = Set(Fixtures.builtInEngine.detectors.filter { !$0.propagatesValue }.map(\.id))

    /// How many times `value` occurs in `data`, standing alone (not inside a longer run of
    /// letters and digits, as value propagation looks for it).
    static func occurrences(of value: Data, in data: Data) -> Int {
        var count = 0
        var from = data.startIndex
        while let found = data.range(of: value, in: from..<data.endIndex) {
            let before = found.lowerBound > data.startIndex ? data[found.lowerBound - 1] : 0x20
            let after = found.upperBound < data.endIndex ? data[found.upperBound] : 0x20
            let isAlphanumeric = { (byte: UInt8) in (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
            if !isAlphanumeric(before) && !isAlphanumeric(after) { count += 1 }
            from = found.upperBound
        }
        return count
    }

    let root = CordonProcess.repositoryRoot
    let spans: Set<Span>
    let levels: [String: String]

    init() throws {
        let truth = try String(contentsOf: CordonProcess.repositoryRoot.appending(path: "corpus/truth.jsonl"), encoding: .utf8)
        var spans = Set<Span>()
        var levels: [String: String] = [:]
        for line in truth.split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let file = "corpus/" + (try #require(record["file"] as? String))
            switch record["type"] as? String {
            case "span":
                spans.insert(Span(
                    file: file, start: try #require(record["start"] as? Int), end: try #require(record["end"] as? Int),
                    detector: try #require(record["detector"] as? String), isTestValue: record["test_value"] as? Bool ?? false))
            case "file":
                levels[file] = try #require(record["level"] as? String)
            default:
                Issue.record("unknown record type in truth.jsonl")
            }
        }
        self.spans = spans
        self.levels = levels
    }

    @Test("The truth file is consistent: every labelled file exists, spans are in range")
    func truthIsConsistent() throws {
        #expect(spans.count >= 100)
        #expect(levels.values.filter { $0 == "public" }.count >= 3, "the corpus keeps clean files of hard negatives")
        for span in spans {
            let data = try Data(contentsOf: root.appending(path: span.file))
            #expect(span.start < span.end && span.end <= data.count, "\(span)")
            #expect(levels[span.file] != nil, "\(span.file) has no file record")
        }
    }

    @Test("cordon scan --format jsonl corpus/ reports exactly the labelled spans and levels")
    func scanMatchesTruth() throws {
        let output = try CordonProcess.run(["scan", "--format", "jsonl", "corpus"], currentDirectory: root)
        #expect(output.status == 1, "restricted content was found")
        var found = Set<Span>()
        var fileLevels: [String: String] = [:]
        for line in output.stdoutLines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let path = try #require(record["path"] as? String)
            if record["type"] as? String == "file" {
                fileLevels[path] = record["level"] as? String
            } else {
                found.insert(Span(
                    file: path, start: try #require(record["start"] as? Int), end: try #require(record["end"] as? Int),
                    detector: try #require(record["detector"] as? String), isTestValue: record["test_value"] as? Bool ?? false))
            }
        }
        let missed = spans.subtracting(found).sorted { $0.description < $1.description }
        let unexpected = found.subtracting(spans).sorted { $0.description < $1.description }
        #expect(missed.isEmpty, "labelled but not reported: \(missed)")
        #expect(unexpected.isEmpty, "reported but not labelled: \(unexpected)")
        for (file, level) in levels {
            #expect(fileLevels[file] == level, "\(file): level \(fileLevels[file] ?? "none"), expected \(level)")
        }
        // Files outside samples/ (README, truth) hold no values and must be clean.
        for (file, level) in fileLevels where levels[file] == nil {
            #expect(level == "public", "\(file) is not a labelled sample but has findings")
        }
    }

    @Test("cordon redact leaves no labelled value in any sample")
    func redactRemovesEveryValue() throws {
        let files = Set(spans.map(\.file)).sorted()
        #expect(files.count >= 10)
        for file in files {
            let original = try Data(contentsOf: root.appending(path: file))
            let output = try CordonProcess.run(["redact", file], currentDirectory: root)
            #expect(output.status == 0, "\(file): \(output.stderrText)")
            for span in spans where span.file == file {
                let value = original[span.start..<span.end]
                #expect(output.stderr.range(of: value) == nil, "\(span) leaks to stderr")
                if Self.unpropagated.contains(span.detector) {
                    // A user name is redacted where it was found; the same word elsewhere (the
                    // database named like its owner) is an ordinary word and stays.
                    let labelled = spans.filter { $0.file == file && original[$0.start..<$0.end] == value }.count
                    #expect(Self.occurrences(of: value, in: output.stdout) <= Self.occurrences(of: value, in: original) - labelled,
                        "\(span) survives redaction")
                } else {
                    #expect(output.stdout.range(of: value) == nil, "\(span) survives redaction")
                }
            }
        }
    }
}
