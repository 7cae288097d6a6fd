@testable import CordonJSON
import CordonTestSupport
import Testing

/// The word-at-a-time string scanning of the JSON reader and writer, against byte-by-byte
/// references: the stops it finds, and the strings read and written with it.
@Suite("JSON string bytes")
struct JSONStringBytesTests {
    /// Bytes at and around every boundary the scan tests: control characters and 0x20, the
    /// quote and backslash and their neighbours, 0x7F/0x80, invalid UTF-8 leads, plain letters.
    static let alphabet: [UInt8] = [
        0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x61, 0x7A, 0x7F, 0x80, 0xA9, 0xBF,
        0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF,
    ]

    static func referenceStop(_ bytes: [UInt8], from start: Int, writing: Bool) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 || (writing && byte >= 0x80) { return index }
            index += 1
        }
        return bytes.count
    }

    @Test("the first stop is the reference's at every start, with one stop byte at every position of a plain run")
    func stopsAtEveryPosition() {
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                for stop in Self.alphabet {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if position < length { bytes[position] = stop }
                    // Shifted by 0...7 bytes, so that words start at every alignment.
                    for shift in [0, 3, 7] {
                        let shifted = [UInt8](repeating: UInt8(ascii: "b"), count: shift) + bytes
                        shifted.withUnsafeBufferPointer { buffer in
                            for start in shift...shifted.count {
                                #expect(JSONStringBytes.firstStop(parsing: buffer, from: start) == Self.referenceStop(shifted, from: start, writing: false))
                                #expect(JSONStringBytes.firstStop(writing: buffer, from: start) == Self.referenceStop(shifted, from: start, writing: true))
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("the first stop is the reference's on random bytes, where borrows between bytes could mislead a word test")
    func stopsOnRandomBytes() {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<4000 {
            let count = Int.random(in: 0...48, using: &generator)
            // Mostly plain bytes with a few from the boundary alphabet, or all from it.
            let dense = Bool.random(using: &generator)
            let bytes = (0..<count).map { _ -> UInt8 in
                if dense || Int.random(in: 0..<10, using: &generator) == 0 { return Self.alphabet.randomElement(using: &generator)! }
                return UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...count {
                    #expect(JSONStringBytes.firstStop(parsing: buffer, from: start) == Self.referenceStop(bytes, from: start, writing: false))
                    #expect(JSONStringBytes.firstStop(writing: buffer, from: start) == Self.referenceStop(bytes, from: start, writing: true))
                }
            }
        }
    }

    /// The writer before the word scan, byte by byte: the reference for ``JSONValue/writeString(_:to:)``.
    static func referenceWrite(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x22]
        let hex = Array("0123456789abcdef".utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: output += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            case 0x20..<0x80: output.append(byte)
            default:
                let length = bytes.withUnsafeBufferPointer { UTF8Validation.sequenceLength($0, at: index) }
                if length > 0 {
                    output += bytes[index..<(index + length)]
                    index += length
                    continue
                }
                output += [0xEF, 0xBF, 0xBD]
            }
            index += 1
        }
        return output + [0x22]
    }

    /// `bytes` with each byte that starts no well-formed UTF-8 sequence replaced by U+FFFD.
    static func replacingInvalidUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let length = bytes.withUnsafeBufferPointer { UTF8Validation.sequenceLength($0, at: index) }
            if length > 0 {
                output += bytes[index..<(index + length)]
                index += length
            } else {
                output += [0xEF, 0xBF, 0xBD]
                index += 1
            }
        }
        return output
    }

    /// Random string contents: plain text, boundary bytes, valid multi-byte UTF-8.
    static func randomContents(_ generator: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        let pieces = Int.random(in: 0...12, using: &generator)
        for _ in 0..<pieces {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes += (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
            case 1: bytes.append(Self.alphabet.randomElement(using: &generator)!)
            case 2: bytes += Array(["é", "€", "😀", "\u{7FF}", "\u{FFFD}"].randomElement(using: &generator)!.utf8)
            default: bytes += [0x5C, 0x22, 0x0A, 0x09]
            }
        }
        return bytes
    }

    @Test("strings are written as the byte-by-byte writer wrote them, and read back as written")
    func writesAndReadsLikeTheReference() throws {
        var generator = SeededGenerator(seed: 0xC0FFEE)
        for _ in 0..<3000 {
            let contents = Self.randomContents(&generator)
            let written = JSONValue.string(contents).serialized()
            #expect(written == Self.referenceWrite(contents))
            // Reading the written text gives the contents with each byte that starts no valid
            // sequence as U+FFFD (the writer's replacement, byte by byte).
            let expected = Self.replacingInvalidUTF8(contents)
            #expect(try JSONValue(parsing: written) == .string(expected))
            // In an object, as a member name and a value, after other members (the output grows).
            let name = String(decoding: contents, as: UTF8.self)
            let object = JSONValue.object([JSONMember(name: "first", value: .string(contents)), JSONMember(name: name + "!", value: .int(1))])
            let parsed = try JSONValue(parsing: object.serialized())
            #expect(parsed.members?.map(\.name) == ["first", name + "!"])
            #expect(parsed["first"] == .string(expected))
        }
    }

    @Test("escapes are decoded in the middle of plain runs of every length, and \\u escapes to every UTF-8 length")
    func decodesEscapesBetweenRuns() throws {
        let escapes: [(String, [UInt8])] = [
            (#"\""#, [0x22]), (#"\\"#, [0x5C]), (#"\/"#, [0x2F]), (#"\b"#, [0x08]), (#"\f"#, [0x0C]), (#"\n"#, [0x0A]),
            (#"\r"#, [0x0D]), (#"\t"#, [0x09]), (#"\u0000"#, [0x00]), (#"\u007f"#, [0x7F]), (#"\u0080"#, [0xC2, 0x80]),
            (#"\u07FF"#, [0xDF, 0xBF]), (#"\u0800"#, [0xE0, 0xA0, 0x80]), (#"\uFFFF"#, [0xEF, 0xBF, 0xBF]),
            (#"\ud83d\ude00"#, Array("😀".utf8)), (#"\uDBFF\uDFFF"#, [0xF4, 0x8F, 0xBF, 0xBF]), (#"\ud800"#, [0xEF, 0xBF, 0xBD]),
            (#"\udc00"#, [0xEF, 0xBF, 0xBD]), (#"\ud800\u0041"#, [0xEF, 0xBF, 0xBD, 0x41]),
        ]
        for (escape, decoded) in escapes {
            for before in [0, 1, 7, 8, 9, 16] {
                for after in [0, 1, 7, 8, 9] {
                    let text = "\"" + String(repeating: "x", count: before) + escape + String(repeating: "y", count: after) + "\""
                    let expected = [UInt8](repeating: UInt8(ascii: "x"), count: before) + decoded
                        + [UInt8](repeating: UInt8(ascii: "y"), count: after)
                    #expect(try JSONValue(parsing: Array(text.utf8)) == .string(expected), "\(escape) after \(before), before \(after)")
                }
            }
        }
    }

    @Test("a control character or a missing closing quote is an error at its offset, wherever it falls in a word")
    func errorsAtTheirOffset() {
        for before in 0...17 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: before)
            for control: UInt8 in [0x00, 0x0A, 0x1F] {
                let bytes = [0x22] + plain + [control] + Array("bc\"".utf8)
                #expect(throws: JSONParseError(offset: 1 + before, message: "control character in a string")) { try JSONValue(parsing: bytes) }
                let name = Array("{\"".utf8) + plain + [control] + Array("\":1}".utf8)
                #expect(throws: JSONParseError(offset: 2 + before, message: "control character in a string")) { try JSONValue(parsing: name) }
            }
            let unterminated = [0x22] + plain
            #expect(throws: JSONParseError(offset: 1 + before, message: "unterminated string")) { try JSONValue(parsing: unterminated) }
        }
    }
}
