import CordonTestSupport
import Testing

@testable import Cordon

/// Issue #13: the base64, hex, columns and joined decoders read one input's byte classes from
/// block masks made once for all four (``DecoderMasks``) where they each classified every block
/// themselves. The masks must be each class's reading of every byte, for every input length
/// around the block size; the joined and columns decoders' searches over them must find what
/// their own block tests find from every start; and the layers must equal the reference that
/// reads every byte (``Decoder/Pass/everyByte``) whether the masks are shared or made by the
/// decoder.
@Suite("Decoder block masks: one classification per input, read by four decoders", .enabled(if: NibbleClass.isAvailable))
struct DecoderMasksTests {
    /// Each plane's class, as the decoders define it byte by byte.
    static let classes: [(plane: DecoderMasks.Plane, isMember: @Sendable (UInt8) -> Bool)] = [
        (.base64, { Decoder.base64Values[Int($0)] >= 0 }),
        (.hexRun, { Decoder.hexRunMembers[Int($0)] }),
        (.headerMarks, { byte in HeaderLineMasks.marked.contains { $0.contains(byte) } }),
        (.lineFeeds, { $0 == 0x0A }),
        (.joinLeads, { [0x1B, 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3].contains($0) }),
        (.quotes, { $0 == 0x22 || $0 == 0x27 }),
        (.seamStarts, { $0 <= 0x20 || $0 == 0x2B || $0 == 0x2E }),
    ]

    /// Input lengths at and around the block boundaries, and a few between.
    static let lengths = [0, 1, 2, 31, 32, 33, 62, 63, 64, 65, 66, 100, 127, 128, 129, 191, 192, 193, 300]

    /// Bytes that mix every class's members with bytes of no class.
    static let pool = Array("aZ09+/-_=:, \"'\n\r\t.\u{1B}ssn,phone|;#%&\\".utf8) + [0x00, 0x7F, 0x80, 0xC2, 0xC3, 0xE2, 0xEF, 0xF0, 0xF3, 0xFF]

    @Test("Every plane holds exactly its class's bytes, every input length around the block size, every window position")
    func planesAreTheClasses() {
        var random = SeededGenerator(seed: 1616)
        for length in Self.lengths {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in Self.pool.randomElement(using: &random)! }
                bytes.withUnsafeBufferPointer { input in
                    let masks = DecoderMasks(input)
                    #expect(masks.count == length && masks.blockCount == (length + 63) / 64)
                    // An empty input has no planes to read (the decoders never read them).
                    guard length > 0 else { return }
                    masks.withPlanes { planes in
                        for (plane, isMember) in Self.classes {
                            let words = planes.plane(plane)
                            for position in 0..<length {
                                // The window from `position`: the input's bytes, then zero bytes to
                                // the end of the last block, then no member.
                                var expected: UInt64 = 0
                                for offset in 0..<64 where position + offset < 64 * masks.blockCount {
                                    let byte = position + offset < length ? bytes[position + offset] : 0
                                    if isMember(byte) { expected |= 1 << UInt64(offset) }
                                }
                                #expect(planes.window(words, at: position) == expected, "\(plane) length \(length) at \(position)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("Every byte value at every offset of a block, in the first, a middle and the last (short) block")
    func everyByteValueAtEveryOffset() {
        for length in [64, 192, 150] {
            for value in 0...255 {
                for offset in stride(from: 0, to: length, by: 1) where offset % 64 == 0 || offset % 64 == 63 || offset % 7 == 0 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "~"), count: length)
                    bytes[offset] = UInt8(value)
                    bytes.withUnsafeBufferPointer { input in
                        DecoderMasks(input).withPlanes { planes in
                            for (plane, isMember) in Self.classes {
                                let word = planes.plane(plane)[offset / 64]
                                #expect((word >> UInt64(offset % 64) & 1 == 1) == isMember(UInt8(value)), "\(plane) byte \(value) at \(offset)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first byte at or after `start` the joined decoder must look at: a trigger that is no
    /// quote, or a quote followed by a seam's first byte or by nothing.
    static func referenceJoinTrigger(_ bytes: [UInt8], from start: Int) -> Int {
        let triggers: Set<UInt8> = [0x1B, 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3]
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if triggers.contains(byte) { return position }
            if byte == 0x22 || byte == 0x27 {
                if position + 1 == bytes.count { return position }
                let next = bytes[position + 1]
                if next <= 0x20 || next == 0x2B || next == 0x2E { return position }
            }
            position += 1
        }
        return bytes.count
    }

    @Test("The joined decoder's next trigger from the masks is the reference's, from every start of random inputs")
    func joinTriggersFromEveryStart() {
        var random = SeededGenerator(seed: 2727)
        let alphabet = Array("ab \"'+.\n\u{1B}x".utf8) + [0xC2, 0xC3, 0xE2, 0xF3, 0x80]
        for round in 0..<240 {
            let length = Self.lengths[round % Self.lengths.count] + round / Self.lengths.count % 3
            // Sparse triggers in some rounds, so that whole blocks hold none.
            let sparse = round % 2 == 0
            let bytes = (0..<length).map { _ in
                sparse && Int.random(in: 0..<40, using: &random) != 0 ? UInt8(ascii: "a") : alphabet.randomElement(using: &random)!
            }
            bytes.withUnsafeBufferPointer { input in
                let masks = DecoderMasks(input)
                Decoder.joinTriggers.withUnsafeBufferPointer { triggers in
                    masks.withPlanes { planes in
                        for start in 0...length {
                            let found = Decoder.nextJoinTrigger(input, from: start, triggers, planes)
                            #expect(found == Self.referenceJoinTrigger(bytes, from: start), "round \(round) from \(start)")
                        }
                    }
                }
            }
        }
    }

    @Test("The columns decoder's header candidates from the masks are those of its own block tests, from every line start")
    func headerCandidatesFromEveryLineStart() {
        var random = SeededGenerator(seed: 3838)
        let alphabet = Array("ab ssn,phone;x|\t\"#_-9\r\n\n.(:".utf8) + [0xC3, 0xA9]
        var found = 0
        for round in 0..<1_500 {
            let bytes = (0..<(round % 300)).map { _ in alphabet.randomElement(using: &random)! }
            bytes.withUnsafeBufferPointer { input in
                let masks = DecoderMasks(input)
                masks.withPlanes { planes in
                    for start in 0...bytes.count where start == 0 || bytes[start - 1] == 0x0A {
                        let fromMasks = Decoder.nextHeaderCandidate(input, from: start, planes)
                        #expect(fromMasks == Decoder.nextHeaderCandidate(input, from: start, nibbles: false), "round \(round) from \(start)")
                        if fromMasks != nil { found += 1 }
                    }
                }
            }
        }
        #expect(found > 3_000)
    }

    @Test("Layers with masks shared by the four decoders equal the reference, on random messages of encoded text, tables and seams")
    func sharedMasksDecodeAsTheReference() {
        var random = SeededGenerator(seed: 4949)
        var decoded = 0
        for round in 0..<300 {
            let text = DecodingPrescanTests.message(&random, length: Int.random(in: 0..<1_500, using: &random))
            let bytes = Array(text.utf8).dropLast(round % 3)
            Array(bytes).withUnsafeBufferPointer { input in
                let masks = DecoderMasks(input)
                for decoder in Decoder.allCases where decoder.readsBlockMasks {
                    let shared = decoder.decode(input, pass: .prescanned, masks: masks)
                    let reference = decoder.decode(input, pass: .everyByte)
                    #expect(shared?.bytes == reference?.bytes, "\(decoder) round \(round)")
                    #expect(shared?.map.pieces == reference?.map.pieces, "\(decoder) round \(round)")
                    if reference != nil { decoded += 1 }
                }
            }
        }
        #expect(decoded > 300)
    }
}

/// Issue #13: the base64 and hex decoders read their runs off a plane of block masks through
/// rows of whole aligned quads of members (``PlaneRuns``). The runs must be the probing walk's
/// (``ByteRuns/forEach(in:atLeast:of:_:)``), for every minimum from 7 (one quad) to past the
/// longest row (15 quads), with runs of every length around the minimum placed across the block
/// and quad boundaries.
@Suite("Plane runs: the runs read off rows of quads of block masks are the maximal runs")
struct PlaneRunsTests {
    /// The plane of `members`: bit `i` of word `b` for member `64 × b + i`, bits past the end clear.
    static func plane(_ members: [Bool]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (members.count + 63) / 64)
        for (index, isMember) in members.enumerated() where isMember { words[index / 64] |= 1 << UInt64(index % 64) }
        return words
    }

    static func runs(_ members: [Bool], minimum: Int) -> (found: [[Int]], reference: [[Int]]) {
        let words = plane(members)
        var found: [[Int]] = []
        words.withUnsafeBufferPointer { words in
            // An empty plane has no word to point at: any address serves, none is read.
            let base = words.baseAddress ?? UnsafePointer(bitPattern: 8)!
            PlaneRuns.forEach(in: base, count: members.count, atLeast: minimum) { found.append([$0, $1]) }
        }
        var reference: [[Int]] = []
        let bytes = members.map { $0 ? UInt8(1) : 0 }
        bytes.withUnsafeBufferPointer { text in
            ByteRuns.forEach(in: text, atLeast: minimum, of: { $0 == 1 }) { reference.append([$0, $1]) }
        }
        return (found, reference)
    }

    @Test("Random runs of lengths around the minimum, every minimum from 7 to 70 and 200, texts of 0 to 400 bytes")
    func runsAreTheWalksRuns() {
        var random = SeededGenerator(seed: 5151)
        var reported = 0
        for minimum in Array(7...70) + [200] {
            for round in 0..<60 {
                let length = round == 0 ? 0 : Int.random(in: 1...400, using: &random)
                var members: [Bool] = []
                while members.count < length {
                    // A run near the minimum (or a short one), then a gap of one to three.
                    let run = Bool.random(using: &random)
                        ? Int.random(in: max(1, minimum - 2)...(minimum + 2), using: &random) : Int.random(in: 1...20, using: &random)
                    members += [Bool](repeating: true, count: run) + [Bool](repeating: false, count: Int.random(in: 1...3, using: &random))
                }
                members = Array(members.prefix(length))
                // Some texts end inside a run.
                if round % 3 == 0, length > 0 { members[length - 1] = true }
                let (found, reference) = Self.runs(members, minimum: minimum)
                #expect(found == reference, "minimum \(minimum) round \(round)")
                reported += reference.count
            }
        }
        #expect(reported > 5_000)
    }

    @Test("A run of the minimum, one shorter and longer ones, at every offset against the blocks and quads, texts ending around it")
    func runAtEveryOffset() {
        for minimum in [7, 20, 32, 63, 64] {
            for length in [minimum - 1, minimum, minimum + 1, 64, 65, 130] {
                for offset in 0..<140 {
                    var members = [Bool](repeating: false, count: 300)
                    for index in offset..<min(300, offset + length) { members[index] = true }
                    for count in [offset + length - 1, offset + length, offset + length + 1, 300] where count >= 0 && count <= 300 {
                        let (found, reference) = Self.runs(Array(members.prefix(count)), minimum: minimum)
                        #expect(found == reference, "minimum \(minimum) run \(length) at \(offset), text \(count)")
                    }
                }
            }
        }
    }

    @Test("Whole texts of members, and no members at all")
    func wholeAndEmpty() {
        for count in [0, 1, 19, 20, 21, 63, 64, 65, 128, 1_000] {
            let all = Self.runs([Bool](repeating: true, count: count), minimum: 20)
            #expect(all.found == all.reference && all.found == (count >= 20 ? [[0, count]] : []), "\(count)")
            let none = Self.runs([Bool](repeating: false, count: count), minimum: 20)
            #expect(none.found.isEmpty && none.reference.isEmpty)
        }
    }
}
