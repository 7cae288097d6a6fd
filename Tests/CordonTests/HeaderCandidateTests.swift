import CordonTestSupport
import Testing

@testable import Cordon

/// Issue #13: outside a table the columns decoder looks only at the lines that may be a header,
/// found 64 bytes at a time (``Decoder/nextHeaderCandidate(_:from:)``, ``HeaderLineMasks``).
/// The lines found must be exactly the lines ended by a line feed, with a delimiter, without a
/// byte of ``HeaderLineMasks/marked`` — checked against a plain walk written here — the marked bytes
/// must be bytes no header holds, and the layer must equal the reference that walks every line
/// (``Decoder/Pass/everyByte``), wherever the lines, line feeds and bytes fall against the 16-
/// and 64-byte blocks.
@Suite("Columns decoder: header lines found in blocks are the lines a walk finds")
struct HeaderCandidateTests {
    /// The bytes a header line may hold, by byte value.
    static let isHeaderByte: [Bool] = (0..<256).map { byte in
        let value = UInt8(byte)
        return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || (0x30...0x39).contains(value)
            || "_-# \t\",;|\r".utf8.contains(value)
    }

    /// The bytes ``HeaderLineMasks`` marks, by byte value.
    static let isMarked: [Bool] = (0..<256).map { byte in HeaderLineMasks.marked.contains { $0.contains(UInt8(byte)) } }

    /// The lines ended by a line feed with a delimiter and without a marked byte, by a walk.
    static func referenceCandidates(_ bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        var clean = true
        var delimited = false
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A {
                if clean, delimited { result.append(start..<index) }
                (start, clean, delimited) = (index + 1, true, false)
            } else {
                clean = clean && !isMarked[Int(byte)]
                delimited = delimited || ",\t;|".utf8.contains(byte)
            }
        }
        return result
    }

    @Test("The marked bytes are bytes no header holds, the most frequent of them in code and prose among them")
    func markedBytesHoldNoHeaderByte() {
        for byte in 0..<256 where Self.isMarked[byte] { #expect(!Self.isHeaderByte[byte], "byte \(byte)") }
        for byte in Array(".(){}=:/<>'[]".utf8) + [0x0A, 0x80, 0xC3, 0xFF] { #expect(Self.isMarked[Int(byte)], "byte \(byte)") }
        // Every line made wholly of header bytes is a candidate: none of its bytes is marked.
        let header = Array("\"ssn #1\",\tphone; tax-id|NAME_2\r\n".utf8)
        #expect(Self.candidates(header) == [0..<(header.count - 1)])
    }

    /// The lines ``Decoder/nextHeaderCandidate(_:from:)`` finds, each search starting after the
    /// line found before.
    static func candidates(_ bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { input in
            var result: [Range<Int>] = []
            var start = 0
            while let line = Decoder.nextHeaderCandidate(input, from: start) {
                result.append(line)
                start = line.upperBound + 1
            }
            return result
        }
    }

    /// `bytes` decoded both ways by the columns decoder: the layers agree; returns whether it decoded.
    static func layersAgree(_ bytes: [UInt8], _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        bytes.withUnsafeBufferPointer { input in
            let blocks = Decoder.columns.decode(input, pass: .prescanned)
            let reference = Decoder.columns.decode(input, pass: .everyByte)
            #expect(blocks?.bytes == reference?.bytes, "\(comment)", sourceLocation: sourceLocation)
            #expect(blocks?.map.pieces == reference?.map.pieces, "\(comment)", sourceLocation: sourceLocation)
            return reference != nil
        }
    }

    @Test("Every byte value at every offset of a 140-byte header line, the line starting at offsets 0, 1, 17 and 63")
    func everyByteAtEveryOffset() {
        var found = 0
        for lead in [0, 1, 17, 63] {
            // A line of `lead - 1` header bytes before (none when `lead` is 0), then the line tested.
            let before: [UInt8] = lead == 0 ? [] : [UInt8](repeating: UInt8(ascii: "a"), count: lead - 1) + [0x0A]
            let line = Array(String(repeating: "ab,c ", count: 28).utf8)
            for value in 0..<256 {
                for offset in 0..<line.count {
                    var bytes = before + line + [0x0A] + Array("x,y\n".utf8)
                    bytes[before.count + offset] = UInt8(value)
                    let expected = Self.referenceCandidates(bytes)
                    #expect(Self.candidates(bytes) == expected, "lead \(lead) byte \(value) offset \(offset)")
                    found += expected.count
                }
            }
        }
        // The bytes not marked leave the line a candidate, and the line after it is one.
        #expect(found > 4 * 140 * 256)
    }

    @Test("Line feeds at every pair of offsets across three blocks: empty lines, lines of one byte, lines crossing blocks")
    func lineFeedsAtEveryPairOfOffsets() {
        let text = Array(String(repeating: "ab,cd;ef\t|", count: 14).utf8)
        var found = 0
        for first in 0..<text.count {
            for second in first..<text.count {
                var bytes = text
                bytes[first] = 0x0A
                bytes[second] = 0x0A
                let expected = Self.referenceCandidates(bytes)
                #expect(Self.candidates(bytes) == expected, "line feeds at \(first) and \(second)")
                found += expected.count
            }
        }
        #expect(found > text.count * text.count / 4)
    }

    @Test("A last line without a line feed, CRLF line ends and lines of 2, 3, 1,024 and 1,025 bytes")
    func lineEndsAndLengths() {
        for lead in 0..<130 {
            let before = [UInt8](repeating: UInt8(ascii: "q"), count: lead)
            for tail in ["a,b", "a,b\r", "a,b\r\n", "a.b\n", "\n", "\r\n", ""] {
                let bytes = before + Array(("\n" + tail).utf8)
                #expect(Self.candidates(bytes) == Self.referenceCandidates(bytes), "lead \(lead) tail \(tail.debugDescription)")
            }
        }
        // Headers of 2, 3, 1,024 and 1,025 bytes over a row, at every offset of a 64-byte block.
        let long = "ssn" + String(repeating: ",ab", count: 340) + "b"
        #expect(long.utf8.count == 1024)
        let longRow = "512-47-3081" + String(repeating: ",x", count: 340)
        for lead in 0..<70 {
            let before = String(repeating: "q", count: lead) + ".\n"
            #expect(!Self.layersAgree(Array((before + "a,\n1,\n").utf8), "2 bytes, lead \(lead)"))
            #expect(!Self.layersAgree(Array((before + "a,b\nxyzuvw,q\n").utf8), "3 bytes, lead \(lead)"))
            #expect(Self.layersAgree(Array((before + "ssn,\n512-47-3081,\n").utf8), "4 bytes, lead \(lead)"))
            #expect(Self.layersAgree(Array((before + long + "\n" + longRow + "\n").utf8), "1,024 bytes, lead \(lead)"))
            #expect(!Self.layersAgree(Array((before + long + "b\n" + longRow + "\n").utf8), "1,025 bytes, lead \(lead)"))
            #expect(Self.layersAgree(Array((before + "ssn,name\r\n512-47-3081,Ann\r\n").utf8), "CRLF, lead \(lead)"))
            // The row is the last line, without a line feed; the header is the last line.
            #expect(Self.layersAgree(Array((before + "ssn,name\n512-47-3081,Ann").utf8), "last row, lead \(lead)"))
            #expect(!Self.layersAgree(Array((before + "ssn,name").utf8), "last header, lead \(lead)"))
            #expect(!Self.layersAgree(Array((before + "ssn,name\n").utf8), "header and empty line, lead \(lead)"))
        }
    }

    @Test("Markdown tables with separator rows, quoted delimiters and empty lines, after lines of every length to 130")
    func tablesAfterEveryLead() {
        let tables = [
            ("| ssn | name |\n|-----|:----:|\n| 512-47-3081 | Ann |\n| 512-47-3082 | Bob |\n", true),
            // A quoted delimiter counts as a delimiter in the header's shape and the rows' count,
            // and no column name holds one.
            ("\"ssn\",\"name, full\"\n\"512-47-3081\",\"Ann, B\"\n\n\"ssn\",x\n", false),
            ("\"ssn\",\"name\"\n\"512-47-3081\",\"Ann\"\n\n", true),
            ("name,\"ssn,tax\"\nAnn,\"512-47-3081,5\"\n", false),
            ("phone;name\n\n5551234567;Ann\n", false),
            ("ssn,name\n512-47-3081,Ann\nnot a row\nphone\tname\n5551234567\tAnn\n", true),
        ]
        for lead in 0..<130 {
            let before = String(repeating: "w", count: lead) + "\n"
            for (table, decodes) in tables {
                let bytes = Array((before + table).utf8)
                #expect(Self.candidates(bytes) == Self.referenceCandidates(bytes), "lead \(lead) \(table.debugDescription)")
                #expect(Self.layersAgree(bytes, "lead \(lead) \(table.debugDescription)") == decodes, "lead \(lead) \(table.debugDescription)")
            }
        }
    }

    @Test("Random messages of headers, rows, separator rows, prose and code: the same lines and the same layer as the walk")
    func randomMessages() {
        var random = SeededGenerator(seed: 1311)
        let lines = [
            "ssn,name", "\"phone\";city", "| token | user |", "password\tuser", "|---|---|", "512-47-3081,Ann", "5551234567;Rome",
            "| sk_live_abcdef | ann |", "hunter2pass\tann", "", " ", "the key is here.", "let x = f(y)", "a,b", "a,b,c", "x;y",
            "ab|cd", "\u{E9},\u{E9}", "\"a,b\",c", "    ssn , dob ", "tel\t\tfax",
        ]
        var decoded = 0
        for round in 0..<4_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<24, using: &random) {
                text += lines[Int.random(in: 0..<lines.count, using: &random)]
                text += Int.random(in: 0..<5, using: &random) == 0 ? "\r\n" : "\n"
            }
            if Bool.random(using: &random), !text.isEmpty { text.removeLast() }
            let bytes = Array(text.utf8)
            #expect(Self.candidates(bytes) == Self.referenceCandidates(bytes), "round \(round)")
            if Self.layersAgree(bytes, "round \(round)") { decoded += 1 }
        }
        // Tables are found in many of them, and missed in many.
        #expect(decoded > 400 && decoded < 3_600)
    }

    @Test("Every type word, in either case, at a header cell's start, inside it and at the line's end makes a table; with its last letter changed only when another word remains")
    func typeWordsAnywhereInTheHeader() {
        let words = Decoder.columnTypeWords.map { String(decoding: $0, as: UTF8.self) }
        var tables = 0
        for word in words {
            let changed = String(word.dropLast()) + "q"
            for (name, typed) in [(word, true), (word.uppercased(), true), (changed, words.contains { changed.contains($0) })] {
                for (header, row) in [
                    (name + ",city", "512473081x,Rome"), ("city," + name, "Rome,512473081x"), ("x_" + name + "_y;c", "512473081x;Rome"),
                ] {
                    let decodes = Self.layersAgree(Array(("\n" + header + "\n" + row + "\n").utf8), "\(header)")
                    #expect(decodes == typed, "\(header)")
                    if decodes { tables += 1 }
                }
            }
        }
        #expect(tables >= words.count * 6)
    }
}

