import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Issue #13: the decoders without a single trigger byte skip text sixteen or thirty-two bytes
/// at a time (``DecoderVectors``, ``MaskedRuns``, ``TiledRuns``). Each skip rule is tested on a message that
/// holds exactly what it must not miss, at every offset against the block boundaries, and the
/// layer must equal the reference that looks at every byte (``Decoder/Pass/everyByte``) and
/// must decode something.
@Suite("Decoder skip rules: what a block test must not pass over, at every offset")
struct DecodingSkipRuleTests {
    /// `piece` placed after `lead` filler bytes and before `tail` filler bytes, decoded by
    /// `decoder` both ways: the two layers agree, and decode something when `decodes`.
    static func check(
        _ decoder: Decoder, _ piece: [UInt8], filler: UInt8, decodes: Bool, leads: Range<Int> = 0..<80,
        tails: [Int] = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for lead in leads {
            for tail in tails {
                let bytes = [UInt8](repeating: filler, count: lead) + piece + [UInt8](repeating: filler, count: tail)
                bytes.withUnsafeBufferPointer { input in
                    let skipping = decoder.decode(input, pass: .prescanned)
                    let reference = decoder.decode(input, pass: .everyByte)
                    #expect(skipping?.bytes == reference?.bytes, "\(decoder) lead \(lead) tail \(tail)", sourceLocation: sourceLocation)
                    #expect(
                        skipping?.map.pieces == reference?.map.pieces, "\(decoder) lead \(lead) tail \(tail)",
                        sourceLocation: sourceLocation)
                    #expect((reference != nil) == decodes, "\(decoder) lead \(lead) tail \(tail)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("Joined: an invisible character's lead byte is found at every offset, at a block's end and in the tail")
    func invisibleAtEveryOffset() {
        // U+200B between two token bytes: E2 80 8B.
        Self.check(.joined, Self.bytes("k\u{200B}k"), filler: UInt8(ascii: "a"), decodes: true)
        // A soft hyphen (two bytes, C2 AD) as the very last bytes of the message.
        Self.check(.joined, Self.bytes("k\u{00AD}"), filler: UInt8(ascii: "a"), decodes: true, tails: [0])
        // A byte of 0xC2 or more that starts no invisible character is passed over (é: C3 A9).
        Self.check(.joined, Self.bytes("k\u{E9}k"), filler: UInt8(ascii: "a"), decodes: false)
    }

    @Test("Joined: a terminal sequence's ESC is found at every offset")
    func escapeAtEveryOffset() {
        Self.check(.joined, Self.bytes("\u{1B}[31mK"), filler: UInt8(ascii: "a"), decodes: true)
        Self.check(.joined, Self.bytes("\u{1B}M"), filler: UInt8(ascii: "a"), decodes: true, tails: [0, 1, 16])
    }

    @Test("Joined: a seam's closing quote is found at every offset, its next byte in the next block included")
    func seamAtEveryOffset() {
        for seam in [#"x" "y"#, #"x"+"y"#, "x'\n'y", #"x".."y"#, "x\"\t\"y", "x\"\r\n\"y", #"x"."y"#] {
            Self.check(.joined, Self.bytes(seam), filler: UInt8(ascii: "b"), decodes: true)
        }
        // Quotes followed by a byte no seam starts with: nothing to join.
        Self.check(.joined, Self.bytes(#"x","y"#), filler: UInt8(ascii: "b"), decodes: false)
        Self.check(.joined, Self.bytes(#"x")"y"#), filler: UInt8(ascii: "b"), decodes: false)
    }

    @Test("Look-alikes: one byte of 0x80 or more in ASCII text is found at every offset, a 32-byte block's last byte included")
    func lookAlikeAtEveryOffset() {
        // Fullwidth `Ａ` (EF BC A1) and a Cyrillic `р` (D1 80) next to ASCII letters.
        Self.check(.unicode, Self.bytes("\u{FF21}"), filler: UInt8(ascii: "a"), decodes: true)
        Self.check(.unicode, Self.bytes("g\u{0440}"), filler: UInt8(ascii: "a"), decodes: true, tails: [0, 1, 31, 32, 33])
        // A byte of 0x80 or more that folds to nothing.
        Self.check(.unicode, Self.bytes("\u{E9}"), filler: UInt8(ascii: "a"), decodes: false)
    }

    /// 16 bytes of text as 32 hex digits: the shortest plain run decoded.
    static let hexText = Array("password=hunter2".utf8).map { String($0, radix: 16) }.joined()

    @Test("Hex: a run of exactly 32 digits is decoded at every offset against the 16- and 64-byte blocks; 31 are not")
    func hexRunOfTheMinimumLength() {
        #expect(Self.hexText.utf8.count == 32)
        // `x` is no hex run member: the run is exactly the 32 digits, bounded by `=` and `;`.
        Self.check(.hex, Self.bytes("=" + Self.hexText + ";"), filler: UInt8(ascii: "x"), decodes: true, leads: 0..<130)
        Self.check(.hex, Self.bytes("=" + Self.hexText), filler: UInt8(ascii: "x"), decodes: true, leads: 0..<70, tails: [0])
        Self.check(.hex, Self.bytes("=" + String(Self.hexText.dropLast()) + ";"), filler: UInt8(ascii: "x"), decodes: false)
        // Blanks are run members: a run of blanks and digits crossing blocks.
        Self.check(.hex, Self.bytes(" " + Self.hexText + " "), filler: UInt8(ascii: " "), decodes: true, leads: 0..<70)
    }

    @Test("Hex: a separated run of exactly 16 pairs is decoded at every offset; 15 are not")
    func separatedHexRunOfTheMinimumLength() {
        let pairs = Array("password=hunter2".utf8).map { String($0, radix: 16) }
        for separator in [":", " ", "-", ","] {
            Self.check(.hex, Self.bytes("=" + pairs.joined(separator: separator) + ";"), filler: UInt8(ascii: "x"), decodes: true)
            Self.check(
                .hex, Self.bytes("=" + pairs.dropLast().joined(separator: separator) + ";"), filler: UInt8(ascii: "x"), decodes: false)
        }
    }

    @Test("Base64: a run of exactly 20 characters is decoded at every offset against the 16- and 64-byte blocks; 19 are not")
    func base64RunOfTheMinimumLength() {
        // "password=hunter" (15 bytes) as 20 characters; `.` is outside both alphabets.
        let run = "cGFzc3dvcmQ9aHVudGVy"
        #expect(run.utf8.count == Decoder.minimumRunLength)
        Self.check(.base64, Self.bytes(";" + run + ";"), filler: UInt8(ascii: "."), decodes: true, leads: 0..<130)
        Self.check(.base64, Self.bytes(run), filler: UInt8(ascii: "."), decodes: true, leads: 0..<70, tails: [0])
        Self.check(.base64, Self.bytes(";" + String(run.dropLast()) + ";"), filler: UInt8(ascii: "."), decodes: false)
        // URL-safe characters and a run that fills whole 64-byte blocks.
        let urlSafe = "cGFzc3dvcmQ9aHVudGVyMj8-Pz8_"
        Self.check(.base64, Self.bytes(";" + urlSafe + ";"), filler: UInt8(ascii: "."), decodes: true)
        let long = String(repeating: "cGFzc3dvcmQ9aHVudGVy", count: 7)
        Self.check(.base64, Self.bytes(long), filler: UInt8(ascii: "."), decodes: true, leads: 0..<70)
    }

    /// `text` decoded both ways by the columns decoder: the layers agree; returns whether it decoded.
    static func columns(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        HeaderCandidateTests.layersAgree(Array(text.utf8), text.debugDescription, sourceLocation: sourceLocation)
    }

    @Test("Columns: a header's delimiter and a byte no header holds, at every offset in the line; the type words looked for last")
    func headerLineAtEveryOffset() {
        for lead in 0..<20 {
            // A line before the table that is all header bytes but has no delimiter, of every length.
            let before = String(repeating: "a", count: lead) + "\n"
            // Widths to 34: a column name is at most 40 bytes.
            for width in 0..<35 {
                let name = "ssn" + String(repeating: "_", count: width)
                let row = "\n512-47-3081,Ann\n"
                // The delimiter after `width` more name bytes: a header.
                #expect(Self.columns(before + name + ",name" + row), "lead \(lead) width \(width)")
                // A byte a header cannot hold at the same place (`.`, `:`, a byte of UTF-8): none.
                for other in [".", ":", "\u{E9}", "=", "\u{0}"] {
                    #expect(!Self.columns(before + name + other + ",name" + row), "lead \(lead) width \(width)")
                    #expect(!Self.columns(before + name + ",name" + other + row), "lead \(lead) width \(width)")
                }
                // Every header byte class in the line, the delimiter last (tab, `;`, `|`).
                for delimiter in ["\t", ";", "|"] {
                    let header = "\"ssn #" + String(repeating: "x", count: width) + "\"\r" + delimiter + "na-me"
                    #expect(Self.columns(before + header + "\n512-47-3081" + delimiter + "Ann\n"), "lead \(lead) width \(width)")
                }
                // No delimiter at all: not a header.
                #expect(!Self.columns(before + name + " name" + row), "lead \(lead) width \(width)")
            }
        }
    }

    @Test("Columns: an indented header, indented by every width to 40, and lines of blanks alone")
    func indentedHeaders() {
        for indent in 0...40 {
            let blanks = String(repeating: " ", count: indent)
            #expect(Self.columns(blanks + "ssn,name\n" + blanks + "512-47-3081,Ann\n"), "indent \(indent)")
            #expect(Self.columns("x\n" + blanks + "\"ssn\";name\n512-47-3081;Ann"), "indent \(indent)")
            #expect(!Self.columns(blanks + "ssn.name\n" + blanks + "512-47-3081,Ann\n"), "indent \(indent)")
            #expect(!Self.columns(blanks + "\n" + blanks + ",\n" + blanks), "indent \(indent)")
            #expect(!Self.columns(blanks), "indent \(indent)")
        }
    }

    @Test("Tiled and masked runs: the same maximal runs as the probing walk, on random member and non-member bytes of every length to 300")
    func tiledRunsAgreeWithTheProbingWalk() {
        var random = SeededGenerator(seed: 1013)
        var runsFound = 0
        for round in 0..<6_000 {
            let count = round % 300
            // Members (`a`, blank) in long stretches broken by a non-member (`x`) now and then.
            let breakEvery = [3, 9, 17, 25, 40, 80][round % 6]
            let bytes: [UInt8] = (0..<count).map { _ in
                Int.random(in: 0..<breakEvery, using: &random) == 0 ? UInt8(ascii: "x") : (Bool.random(using: &random) ? 0x61 : 0x20)
            }
            bytes.withUnsafeBufferPointer { text in
                DecoderVectors.with { vectors in
                    for minimum in [20, 15, 32, 31, 40] {
                        var expected: [Range<Int>] = []
                        var found: [Range<Int>] = []
                        if minimum < 2 * TiledRuns.tile - 1 {
                            // The base64 decoder's masks. In base64 terms `x` is a member and the
                            // blank is not; use `b` and `.` instead.
                            let mapped = bytes.map { $0 == 0x20 ? UInt8(ascii: "b") : $0 == UInt8(ascii: "x") ? UInt8(ascii: ".") : $0 }
                            mapped.withUnsafeBufferPointer { text in
                                let isMember = { (byte: UInt8) in byte != UInt8(ascii: ".") }
                                ByteRuns.forEach(in: text, atLeast: minimum, of: isMember) { expected.append($0..<($0 + $1)) }
                                MaskedRuns.forEach(
                                    in: text, atLeast: minimum, mask16: { vectors.base64MemberBits($0) }, isMember: isMember
                                ) { found.append($0..<($0 + $1)) }
                            }
                        } else {
                            // The hex decoder's tiles.
                            let isMember = { (byte: UInt8) in byte != UInt8(ascii: "x") }
                            ByteRuns.forEach(in: text, atLeast: minimum, of: isMember) { expected.append($0..<($0 + $1)) }
                            TiledRuns.forEach(in: text, atLeast: minimum, members16: { vectors.hexMembers($0) }, isMember: isMember) {
                                found.append($0..<($0 + $1))
                            }
                        }
                        #expect(found == expected, "round \(round) minimum \(minimum)")
                        runsFound += expected.count
                    }
                }
            }
        }
        #expect(runsFound > 5_000)
    }

    @Test("Base64: a run is decoded exactly when its bytes read as text, at the 5 % and 30 % limits and with a last group of 2 or 3")
    func base64TextRuleAtItsLimits() {
        var random = SeededGenerator(seed: 2213)
        var decoded = 0
        var refused = 0
        for round in 0..<3_000 {
            // Nine letters (a head that reads as text), then bytes near the rule's limits.
            let count = 15 + round % 40
            var bytes = Array("abcdefghi".utf8)
            let otherShare = [0, 3, 5, 6, 8][round % 5]
            let highShare = [0, 20, 28, 30, 32, 40][round / 5 % 6]
            while bytes.count < count {
                let roll = Int.random(in: 0..<100, using: &random)
                bytes.append(roll < otherShare ? 0x01 : roll < otherShare + highShare ? 0xC3 : UInt8(ascii: "k"))
            }
            let text = ";" + Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "") + ";"
            let expected = Decoder.looksLikeText(bytes)
            Array(text.utf8).withUnsafeBufferPointer { input in
                for pass in [Decoder.Pass.prescanned, .everyByte] {
                    let layer = Decoder.base64.decode(input, pass: pass)
                    #expect((layer != nil) == expected, "round \(round) \(pass)")
                    if let layer { #expect(layer.bytes == Array(";".utf8) + bytes + Array(";".utf8), "round \(round)") }
                }
            }
            if expected { decoded += 1 } else { refused += 1 }
        }
        // Both sides of the limits are reached.
        #expect(decoded > 500 && refused > 500)
    }
}
