import Cordon
import CordonJSON
import CordonTestSupport
import Testing

@testable import CordonCLI

/// The JSON Lines finding and file records written part by part
/// (``ScanReport/appendFindingLine(_:path:to:)``, ``ScanReport/appendFileLine(path:level:findingCount:to:)``)
/// against the same records written by `JSONValue`, the reference for every other format.
@Suite("JSON Lines finding and file records")
struct FindingLineTests {
    /// The record as `JSONValue.members([...]).write(to:)` writes it.
    static func reference(_ finding: Finding, path: String) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("type", .string("finding")), ("path", .string(path)),
            ("start", .int(finding.range.lowerBound)), ("end", .int(finding.range.upperBound)),
            ("line", .int(finding.line)), ("column", .int(finding.column)),
            ("detector", .string(finding.detectorID)), ("category", .string(finding.category.rawValue)),
            ("level", .string(finding.level.name)), ("confidence", .string(finding.confidence.name)),
        ]
        if finding.isTestValue { members.append(("test_value", .bool(true))) }
        if let layer = finding.layer { members.append(("layer", .string(layer))) }
        var bytes: [UInt8] = []
        JSONValue.members(members).write(to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    static func written(_ finding: Finding, path: String) -> [UInt8] {
        var encodedPath: [UInt8] = []
        JSONValue.string(path).write(to: &encodedPath)
        var bytes: [UInt8] = []
        ScanReport.appendFindingLine(finding, path: encodedPath, to: &bytes)
        return bytes
    }

    @Test("Decimal numbers are written as String(_:) writes them, at every digit-count boundary")
    func decimals() {
        var values = [0, 1, 9, 10, 11, 99, 100, Int.max, Int.max - 1, -1, -9, -10, Int.min, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        for value in values {
            var bytes: [UInt8] = [UInt8(ascii: "x")]
            ScanReport.appendDecimal(value, to: &bytes)
            #expect(bytes == [UInt8(ascii: "x")] + Array(String(value).utf8), "\(value)")
        }
    }

    @Test("Every level, confidence, category, tag and layer, random positions and odd paths: the record equals JSONValue's")
    func records() {
        var generator = SeededGenerator(seed: 1501)
        let paths = ["a.txt", "dir/file with space.log", "quote\"back\\slash", "tab\tnewline\ncontrol\u{1}", "ünïcode/⟦x⟧", ""]
        let ids = ["aws-access-key", "generic-secret", "id\"with\\escapes", "ünï", ""]
        let layers: [String?] = [nil, "base64", "percent+base64", "json\u{7}"]
        var compared = 0
        for level in [Level.public, .internal, .confidential, .restricted] {
            for confidence in [Confidence.low, .medium, .high] {
                for category in Category.allCases {
                    for layer in layers {
                        for isTestValue in [false, true] {
                            let start = Int(generator.next() % 1_000_000)
                            let finding = Finding(
                                detectorID: ids[Int(generator.next() % UInt64(ids.count))], category: category, level: level,
                                confidence: confidence, layer: layer, range: start..<(start + Int(generator.next() % 500)),
                                line: Int(generator.next() % 100_000) + 1, column: Int(generator.next() % 10_000) + 1,
                                isTestValue: isTestValue)
                            let path = paths[Int(generator.next() % UInt64(paths.count))]
                            #expect(Self.written(finding, path: path) == Self.reference(finding, path: path))
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(compared == 4 * 3 * Category.allCases.count * layers.count * 2)
    }

    @Test("File records, every level, counts at digit boundaries and odd paths: the record equals JSONValue's")
    func fileRecords() {
        let paths = ["a.txt", "dir/file with space.log", "quote\"back\\slash", "tab\tnewline\ncontrol\u{1}\u{7f}", "ünïcode/⟦x⟧", ""]
        var compared = 0
        for level in [Level.public, .internal, .confidential, .restricted] {
            for count in [0, 1, 9, 10, 99, 100, 12_345, Int.max] {
                for path in paths {
                    var reference: [UInt8] = []
                    JSONValue.members([
                        ("type", .string("file")), ("path", .string(path)), ("level", .string(level.name)), ("findings", .int(count)),
                    ]).write(to: &reference)
                    reference.append(UInt8(ascii: "\n"))
                    var written: [UInt8] = [UInt8(ascii: "x")]
                    ScanReport.appendFileLine(path: path, level: level, findingCount: count, to: &written)
                    #expect(written == [UInt8(ascii: "x")] + reference, "\(path) \(level) \(count)")
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 8 * 6)
    }
}
