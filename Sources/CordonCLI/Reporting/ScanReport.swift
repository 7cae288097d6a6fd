import Cordon
import CordonGuard
import CordonJSON
import Foundation

/// Writes scan results to standard output in one of `cordon scan`'s formats.
///
/// Text and JSON Lines are written as each file completes (a block at a time into a pipe or a
/// file, see ``BufferedOutput``); JSON and SARIF are single documents written at the end. No format ever includes a matched value: only detector ids, categories,
/// levels and positions. A documentation or test value (``Finding/isTestValue``) is shown in
/// every format, tagged (`test-value` in text, `"test_value": true` in JSON, a SARIF `note`
/// with the property), and left out of the levels, which are what a CI run fails on. Inputs not
/// scanned are listed with their ``SkipReason`` in every format and counted in the summary;
/// the text format prints file names with control characters escaped (``PathEscaping``).
final class ScanReport {
    private let format: ScanCommand.Format
    private let engine: Engine
    private var files: [JSONValue] = []
    private var pendingFindings: [JSONValue] = []
    private var sarifResults: [JSONValue] = []
    private var ruleIndex: [String: Int] = [:]
    private var rules: [JSONValue] = []
    private var totalFindings = 0
    private var testValueFindings = 0
    private var fileCount = 0
    private var skipped: [(path: String, reason: SkipReason)] = []
    private var highest = Level.public
    /// Standard output, written a block at a time (``BufferedOutput``).
    private let output: BufferedOutput

    /// The error number of a failed write to standard output, or `nil`: the report is then
    /// incomplete.
    var outputFailure: Int32? { output.failure }

    init(format: ScanCommand.Format, engine: Engine, output: BufferedOutput = BufferedOutput()) {
        self.format = format
        self.engine = engine
        self.output = output
    }

    func add(path: String, result: ScanResult) {
        add(path: path, findings: result.findings)
        endFile(path: path, level: result.levelWithoutTestValues, findingCount: result.findings.count)
    }

    /// Writes (or keeps, for single-document formats) findings of the file at `path`; may be
    /// called several times per file, in order.
    func add(path: String, findings: [Finding]) {
        totalFindings += findings.count
        testValueFindings += findings.count { $0.isTestValue }
        switch format {
        case .text:
            var text = ""
            let path = PathEscaping.escaped(path)
            for finding in findings {
                text += "\(path):\(finding.line):\(finding.column): \(finding.level) \(finding.category) \(finding.detectorID) \(finding.confidence)\(finding.isTestValue ? " test-value" : "")\(finding.layer.map { " in " + $0 } ?? "") (bytes \(finding.range.lowerBound)-\(finding.range.upperBound))\n"
            }
            write(text)
            // A stream's findings come a window at a time: on a terminal they show as each
            // window ends, not only when the file does.
            output.endRecord()
        case .jsonl:
            guard !findings.isEmpty else { return }
            // The same line `JSONValue.members([...]).write(to:)` wrote, member by member: the
            // path escaped once per file instead of once per finding, and no array, member
            // list or number string made per finding (#13: on the dense corpus the JSON Lines
            // output was a tenth of a folder scan's instructions, callgrind).
            var pathValue: [UInt8] = []
            JSONValue.string(path).write(to: &pathValue)
            output.append { bytes in
                for finding in findings { Self.appendFindingLine(finding, path: pathValue, to: &bytes) }
            }
            output.endRecord()
        case .json:
            pendingFindings += findings.map { finding in
                .members([
                    ("start", .int(finding.range.lowerBound)), ("end", .int(finding.range.upperBound)),
                    ("line", .int(finding.line)), ("column", .int(finding.column)),
                    ("detector", .string(finding.detectorID)), ("category", .string(finding.category.rawValue)),
                    ("level", .string(finding.level.name)), ("confidence", .string(finding.confidence.name)),
                ] + Self.tags(of: finding))
            }
        case .sarif:
            for finding in findings { sarifResults.append(sarifResult(finding, path: path)) }
        }
    }

    /// Ends the file at `path`: its level and number of findings.
    func endFile(path: String, level: Level, findingCount: Int) {
        fileCount += 1
        highest = max(highest, level)
        switch format {
        case .text:
            output.endRecord()
        case .sarif:
            break
        case .jsonl:
            output.append { bytes in Self.appendFileLine(path: path, level: level, findingCount: findingCount, to: &bytes) }
            output.endRecord()
        case .json:
            files.append(.members([
                ("path", .string(path)), ("level", .string(level.name)), ("findings", .array(pendingFindings)),
            ]))
            pendingFindings = []
        }
    }

    /// Records an input that was not scanned: a line in text, a `skipped` record in JSON Lines,
    /// an entry of `skipped` in JSON, a tool execution notification in SARIF.
    func skip(path: String, reason: SkipReason) {
        skipped.append((path, reason))
        switch format {
        case .text:
            write("\(PathEscaping.escaped(path)): skipped: \(reason.explanation)\n")
            output.endRecord()
        case .jsonl:
            output.append { bytes in
                JSONValue.members([("type", .string("skipped")), ("path", .string(path)), ("reason", .string(reason.code))])
                    .write(to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            output.endRecord()
        case .json, .sarif:
            break
        }
    }

    /// The summary's account of skipped inputs: `, 2 files skipped (1 binary, 1 unreadable)`,
    /// empty when nothing was skipped.
    private var skippedSummary: String {
        guard !skipped.isEmpty else { return "" }
        var counts: [(code: String, count: Int)] = []
        for (_, reason) in skipped {
            if let index = counts.firstIndex(where: { $0.code == reason.code }) {
                counts[index].count += 1
            } else {
                counts.append((reason.code, 1))
            }
        }
        let parts = counts.map { "\($0.count) \($0.code)" }.joined(separator: ", ")
        return ", \(skipped.count) file\(skipped.count == 1 ? "" : "s") skipped (\(parts))"
    }

    /// Writes the summary (text), the document (JSON, SARIF) or nothing (JSON Lines), then
    /// everything still buffered; `succeeded` is false when an error made the scan incomplete
    /// (SARIF's `executionSuccessful`).
    func finish(succeeded: Bool = true) {
        switch format {
        case .text:
            let testValues = testValueFindings == 0 ? "" : " (\(testValueFindings) test value\(testValueFindings == 1 ? "" : "s"))"
            write("\(totalFindings) finding\(totalFindings == 1 ? "" : "s")\(testValues) in \(fileCount) file\(fileCount == 1 ? "" : "s")\(skippedSummary); level: \(highest)\n")
        case .jsonl:
            break
        case .json:
            write(JSONValue.members([
                ("level", .string(highest.name)), ("findings", .int(totalFindings)), ("test_values", .int(testValueFindings)),
                ("files", .array(files)),
                ("skipped", .array(skipped.map { .members([("path", .string($0.path)), ("reason", .string($0.reason.code))]) })),
            ])
                .text + "\n")
        case .sarif:
            write(JSONValue.members([
                ("version", .string("2.1.0")),
                ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
                ("runs", .array([.members([
                    ("tool", .members([("driver", .members([
                        ("name", .string("cordon")), ("version", .string(CordonCommand.configuration.version)),
                        ("rules", .array(rules)),
                    ]))])),
                    ("results", .array(sarifResults)),
                    ("invocations", .array([.members([
                        ("executionSuccessful", .bool(succeeded)),
                        ("toolExecutionNotifications", .array(skipped.map(sarifNotification))),
                    ])])),
                ])])),
            ])
                .text + "\n")
        }
        output.flush()
    }

    /// A skipped input as a SARIF notification: a warning naming the file and the reason.
    private func sarifNotification(_ entry: (path: String, reason: SkipReason)) -> JSONValue {
        .members([
            ("level", .string("warning")),
            ("message", .members([("text", .string("skipped: \(entry.reason.explanation)"))])),
            ("locations", .array([.members([("physicalLocation", .members([
                ("artifactLocation", .members([("uri", .string(entry.path))])),
            ]))])])),
            ("properties", .members([("reason", .string(entry.reason.code))])),
        ])
    }

    private func sarifResult(_ finding: Finding, path: String) -> JSONValue {
        let index: Int
        if let known = ruleIndex[finding.detectorID] {
            index = known
        } else {
            index = rules.count
            ruleIndex[finding.detectorID] = index
            let detector = engine.detectors.first { $0.id == finding.detectorID }
            rules.append(.members([
                ("id", .string(finding.detectorID)),
                ("name", .string(detector?.name ?? finding.detectorID)),
                ("shortDescription", .members([("text", .string(detector?.name ?? finding.detectorID))])),
                ("fullDescription", .members([("text", .string(detector?.description ?? ""))])),
                ("properties", .members([
                    ("category", .string(finding.category.rawValue)), ("level", .string(finding.level.name)),
                ])),
            ]))
        }
        // A test value is a note whatever its level, so that a code-scanning gate on errors and
        // warnings does not fail on it.
        let sarifLevel = switch finding.level {
        case _ where finding.isTestValue: "note"
        case .restricted: "error"
        case .confidential: "warning"
        case .internal, .public: "note"
        }
        return .members([
            ("ruleId", .string(finding.detectorID)), ("ruleIndex", .int(index)), ("level", .string(sarifLevel)),
            ("properties", .members([("confidence", .string(finding.confidence.name))] + Self.tags(of: finding))),
            ("message", .members([("text", .string("\(rules[index]["name"]?.stringValue ?? finding.detectorID) (\(finding.category), \(finding.level)\(finding.isTestValue ? ", test value" : ""))"))])),
            ("locations", .array([.members([("physicalLocation", .members([
                ("artifactLocation", .members([("uri", .string(path))])),
                ("region", .members([
                    ("startLine", .int(finding.line)), ("startColumn", .int(finding.column)),
                    ("byteOffset", .int(finding.range.lowerBound)), ("byteLength", .int(finding.range.count)),
                ])),
            ]))])])),
        ])
    }

    /// The optional members of a finding's JSON: `test_value` and `layer`, when they apply.
    private static func tags(of finding: Finding) -> [(String, JSONValue)] {
        (finding.isTestValue ? [("test_value", JSONValue.bool(true))] : [])
            + (finding.layer.map { [("layer", JSONValue.string($0))] } ?? [])
    }

    /// Appends `text` as a JSON string, as `JSONValue.string(text).write(to:)` does: copied
    /// between quotes when it holds only printable ASCII other than `"` and `\` (detector ids,
    /// categories, levels, layer names), written by `JSONValue` otherwise.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        // The string's bytes in place (a copy of a native string shares its storage): testing
        // them through the UTF-8 view was 1.3 % of a dense folder scan (callgrind).
        var text = text
        let written = text.withUTF8 { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: bytes)
            output.append(UInt8(ascii: "\""))
            return true
        }
        if !written { JSONValue.string(text).write(to: &output) }
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        output.write(text)
    }
}
