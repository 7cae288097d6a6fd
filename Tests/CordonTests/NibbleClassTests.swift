import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Issue #13: where the processor has AVX2 the columns, base64 and hex decoders classify each
/// 64-byte block with nibble tables (``NibbleClass``) instead of their SSE2 range tests. The
/// tables must hold exactly each class, the vector masks must be the tables' reading of every
/// byte at every offset, the columns decoder's masks must equal its SSE2 masks, and the layers
/// must equal the reference that reads every byte (``Decoder/Pass/everyByte``) on random messages
/// made of the decoders' own alphabets.
@Suite("Nibble tables: the decoders' classes tested 64 bytes at a time are the classes")
struct NibbleClassTests {
    /// The classes the decoders read with nibble tables, each with the test that defines it.
    static let classes: [(name: String, tables: [UInt8], isMember: @Sendable (UInt8) -> Bool)] = [
        ("base64", Decoder.base64Class.tables, { Decoder.base64Values[Int($0)] >= 0 }),
        ("hex runs", Decoder.hexRunClass.tables, { Decoder.hexRunMembers[Int($0)] }),
        ("header marks", Array(HeaderLineMasks.nibbleTables[0..<32]), { byte in HeaderLineMasks.marked.contains { $0.contains(byte) } }),
        ("line feeds", Array(HeaderLineMasks.nibbleTables[32..<64]), { $0 == 0x0A }),
        ("join leads", Array(Decoder.joinClassTables[0..<32]), { [0x1B, 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3].contains($0) }),
        ("join quotes", Array(Decoder.joinClassTables[32..<64]), { $0 == 0x22 || $0 == 0x27 }),
        ("seam starts", Array(Decoder.joinClassTables[64..<96]), { $0 <= 0x20 || $0 == 0x2B || $0 == 0x2E }),
    ]

    /// Whether `tables` (low then high nibble) make `byte` a member, read as the vector code reads them.
    static func reads(_ tables: [UInt8], _ byte: UInt8) -> Bool { tables[Int(byte & 15)] & tables[16 + Int(byte >> 4)] != 0 }

    @Test("Each class's tables hold exactly its bytes, all 256 values")
    func tablesHoldExactlyTheClass() {
        for (name, tables, isMember) in Self.classes {
            #expect(tables.count == 32)
            for byte in 0...255 { #expect(Self.reads(tables, UInt8(byte)) == isMember(UInt8(byte)), "\(name) byte \(byte)") }
        }
    }

    @Test("Classes of 0, 1, 7, 8 and 9 different rows: all but the last fit, and hold exactly their bytes")
    func rowsAtTheLimit() {
        for rowCount in [0, 1, 7, 8, 9] {
            // Row r (high nibble r) holds the low nibbles 0 ... r: a different set in each row.
            let isMember = { (byte: UInt8) in Int(byte >> 4) < rowCount && Int(byte & 15) <= Int(byte >> 4) }
            let members = NibbleClass(isMember)
            #expect((members != nil) == (rowCount <= 8), "\(rowCount) rows")
            if let members {
                for byte in 0...255 { #expect(members.contains(UInt8(byte)) == isMember(UInt8(byte)), "\(rowCount) rows, byte \(byte)") }
            }
        }
        // Sixteen rows with one of two sets fit: rows are grouped by their set.
        let alternating = NibbleClass { $0 >> 4 & 1 == 0 ? $0 & 1 == 0 : $0 & 15 > 9 }
        #expect(alternating != nil)
        #expect(NibbleClass { _ in true }?.contains(0xFF) == true)
    }

    /// `bytes` (64) as the vector code's mask of `tables` and as the tables' reading of each byte.
    static func masks(_ bytes: [UInt8], _ tables: [UInt8]) -> (vector: UInt64, scalar: UInt64) {
        var scalar: UInt64 = 0
        for (index, byte) in bytes.enumerated() where reads(tables, byte) { scalar |= 1 << UInt64(index) }
        let vector = bytes.withUnsafeBytes { block in
            tables.withUnsafeBufferPointer { NibbleClass.mask64(block.baseAddress!, $0.baseAddress!) }
        }
        return (vector, scalar)
    }

    @Test(
        "The vector masks are the tables' reading: every byte value at every offset, and random blocks of each class's bytes",
        .enabled(if: NibbleClass.isAvailable))
    func vectorMasksReadTheTables() {
        for (name, tables, isMember) in Self.classes {
            let members = (0...255).map(UInt8.init).filter(isMember)
            let others = (0...255).map(UInt8.init).filter { !isMember($0) }
            for value in 0...255 {
                for offset in 0..<64 {
                    var bytes = [UInt8](repeating: members[offset % members.count], count: 64)
                    bytes[offset] = UInt8(value)
                    let (vector, scalar) = Self.masks(bytes, tables)
                    #expect(vector == scalar, "\(name) byte \(value) at \(offset)")
                }
            }
            var random = SeededGenerator(seed: 4242)
            for _ in 0..<2_000 {
                let bytes = (0..<64).map { _ in Bool.random(using: &random) ? members.randomElement(using: &random)! : others.randomElement(using: &random)! }
                let (vector, scalar) = Self.masks(bytes, tables)
                #expect(vector == scalar, "\(name) \(bytes)")
            }
        }
    }

    @Test("The columns decoder's masks from nibble tables equal its SSE2 masks, on random blocks of marked, header and line-feed bytes",
        .enabled(if: NibbleClass.isAvailable))
    func headerMasksEqualTheSSE2Masks() {
        let pool = (0...255).map(UInt8.init)
        let headerish = Array("ab,;|\t \"#_-Z09\r\n.(:".utf8)
        var random = SeededGenerator(seed: 77)
        for round in 0..<20_000 {
            let bytes = (0..<64).map { _ in round % 2 == 0 ? pool.randomElement(using: &random)! : headerish.randomElement(using: &random)! }
            let (vector, sse2) = bytes.withUnsafeBytes { block in
                HeaderLineMasks.nibbleTables.withUnsafeBufferPointer { tables in
                    (HeaderLineMasks(block.baseAddress!, nibbleTables: tables.baseAddress!), HeaderLineMasks(block.baseAddress!))
                }
            }
            #expect(vector.others == sse2.others && vector.lineFeeds == sse2.lineFeeds, "\(bytes)")
        }
    }

    @Test("Header candidates with and without nibble tables are the same lines, on random messages of header, marked and line-feed bytes")
    func headerCandidatesEitherWay() {
        let alphabet = Array("ab ssn,phone;x|\t\"#_-9\r\n\n.(:é".utf8)
        var random = SeededGenerator(seed: 2026)
        var found = 0
        for round in 0..<3_000 {
            let bytes = (0..<(round % 400)).map { _ in alphabet.randomElement(using: &random)! }
            let (vector, sse2) = bytes.withUnsafeBufferPointer { input in
                (Self.candidates(input, nibbles: NibbleClass.isAvailable), Self.candidates(input, nibbles: false))
            }
            #expect(vector == sse2, "round \(round)")
            found += sse2.count
        }
        #expect(found > 3_000)
    }

    /// The lines ``Decoder/nextHeaderCandidate(_:from:nibbles:)`` finds, each search starting
    /// after the line found before.
    static func candidates(_ input: UnsafeBufferPointer<UInt8>, nibbles: Bool) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        while let line = Decoder.nextHeaderCandidate(input, from: start, nibbles: nibbles) {
            result.append(line)
            start = line.upperBound + 1
        }
        return result
    }

    @Test("Base64, hex, columns and joined layers equal the reference on random messages of encoded text, tables, seams, invisible characters and the alphabets' bytes")
    func layersEqualTheReference() {
        var random = SeededGenerator(seed: 13)
        let words = [
            "ssn,name\n", "512-47-3081,Ann\n", "phone;x\n", " ", "\n", ".", "=", ":", "-", "_", "/", "+", "é", "\"ab\" + \"cd\"",
            "'ab' 'cd'", "\"x\".", "\u{200B}", "\u{1B}[31m", "\"",
        ]
        var decoded = [Decoder.base64: 0, .hex: 0, .columns: 0, .joined: 0]
        for round in 0..<1_500 {
            var text = ""
            while text.utf8.count < round % 700 {
                let plain = String((0..<Int.random(in: 1...40, using: &random)).map { _ in "abcdefXYZ0189 ,:".randomElement(using: &random)! })
                // Encodings set apart by blanks (a hex run after a letter is not decoded), tables
                // on lines of their own, seams and invisible characters, and plain text.
                switch Int.random(in: 0..<8, using: &random) {
                case 0: text += " " + Data(plain.utf8).base64EncodedString() + " "
                case 1: text += " " + Data(plain.utf8).map { String(format: "%02x", $0) }.joined() + " "
                case 2: text += " " + Data(plain.utf8).map { String(format: "%02X", $0) }.joined(separator: ":") + " "
                case 3: text += "\nssn,phone\n512-47-3081,555-0100\n" + (Bool.random(using: &random) ? "512-47-3082,555-0101\n" : "")
                case 4, 5: text += words.randomElement(using: &random)!
                default: text += plain
                }
            }
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { input in
                for decoder in [Decoder.base64, .hex, .columns, .joined] {
                    let prescanned = decoder.decode(input, pass: .prescanned)
                    let reference = decoder.decode(input, pass: .everyByte)
                    #expect(prescanned?.bytes == reference?.bytes, "\(decoder) round \(round)")
                    #expect(prescanned?.map.pieces == reference?.map.pieces, "\(decoder) round \(round)")
                    if reference != nil { decoded[decoder]! += 1 }
                }
                // The joined decoder's SSE2 search, which processors without AVX2 run, finds the same.
                var sse2 = LayerWriter(capacity: input.count)
                var vector = LayerWriter(capacity: input.count)
                Decoder.join(input, &sse2, .prescanned, nibbles: false)
                Decoder.join(input, &vector, .prescanned)
                #expect(sse2.bytes == vector.bytes && sse2.map.pieces == vector.map.pieces, "joined round \(round)")
            }
        }
        // Each decoder decoded something in many rounds: the test reaches the decoding code.
        for (decoder, count) in decoded { #expect(count > 100, "\(decoder) decoded in \(count) rounds") }
    }
}
