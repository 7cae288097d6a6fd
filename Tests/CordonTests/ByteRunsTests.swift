import CordonTestSupport
import Testing

@testable import Cordon

/// The block-at-a-time run finder of the run gates and of the base64 and hex decoders.
@Suite("Runs of a byte class, 64 bytes at a time")
struct ByteRunsTests {
    /// The maximal runs of at least `minimum` members of `bytes`, one byte at a time.
    static func referenceRuns(_ bytes: [UInt8], atLeast minimum: Int, _ isMember: (UInt8) -> Bool) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            if isMember(byte) {
                if start == nil { start = index }
            } else if let open = start {
                if index - open >= minimum { runs.append(open..<index) }
                start = nil
            }
        }
        if let open = start, bytes.count - open >= minimum { runs.append(open..<bytes.count) }
        return runs
    }

    static func blockRuns(_ bytes: [UInt8], atLeast minimum: Int, _ members: ByteRanges) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            ByteRuns.forEach(in: buffer, atLeast: minimum, of: members) { start, length in runs.append(start..<(start + length)) }
        }
        return runs
    }

    static func probedRuns(_ bytes: [UInt8], atLeast minimum: Int, _ isMember: (UInt8) -> Bool) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            ByteRuns.forEach(in: buffer, atLeast: minimum, of: isMember) { start, length in runs.append(start..<(start + length)) }
        }
        return runs
    }

    /// The classes the engine reads runs of: the run gates' and the decoders'.
    static var classes: [(name: String, isMember: (UInt8) -> Bool)] {
        RunGate.CharacterClass.allCases.map { characterClass in ("\(characterClass)", { characterClass.contains($0) }) } + [
            ("base64", { Decoder.base64Values[Int($0)] >= 0 }),
            ("hex run", { Decoder.hexRunMembers[Int($0)] }),
        ]
    }

    @Test("The block test marks exactly the members, for every byte at every position of a block, for every class")
    func blockMask() throws {
        for (name, isMember) in Self.classes {
            let members = try #require(ByteRanges(isMember), "\(name)")
            for byte in 0...255 {
                // The byte under test at each position; the other bytes a member, a non-member or a high byte.
                for filler: UInt8 in [0x30, 0x41, 0x20, 0xB5, 0x7F, 0x01] {
                    for position in 0..<64 {
                        var block = [UInt8](repeating: filler, count: 64)
                        block[position] = UInt8(byte)
                        let mask = block.withUnsafeBytes { members.blockMask($0.baseAddress!) }
                        var expected: UInt64 = 0
                        for (index, value) in block.enumerated() where isMember(value) { expected |= 1 << UInt64(index) }
                        #expect(mask == expected, "\(name): byte \(byte) at \(position) among \(filler)")
                    }
                }
            }
        }
    }

    @Test("Every maximal run of at least the minimum is found, as the byte-by-byte walk and the probing walk find them")
    func runsMatchByteByByte() throws {
        var generator = SeededGenerator(seed: 64)
        // Members and non-members of every class, high bytes, and long stretches of one byte so
        // that runs cross block boundaries and fill whole blocks.
        let alphabet: [UInt8] = Array("aZ09fF:.+/_- ,\n=%".utf8) + [0xC2, 0xA0, 0xFF, 0x80]
        for (name, isMember) in Self.classes {
            let members = try #require(ByteRanges(isMember), "\(name)")
            let inside = alphabet.filter(isMember)
            let outside = alphabet.filter { !isMember($0) }
            for minimum in [1, 2, 5, 7, 20, 22, 32, 42, 61, 62, 63, 64, 65, 100, 130] {
                for trial in 0..<60 {
                    let length = Int(generator.next() % 400)
                    // Some texts mostly members (long runs), some mixed (short runs).
                    let memberShare = trial % 3 == 0 ? 97 : trial % 3 == 1 ? 80 : 40
                    let bytes: [UInt8] = (0..<length).map { _ in
                        let pool = Int(generator.next() % 100) < memberShare ? inside : outside
                        return pool[Int(generator.next() % UInt64(pool.count))]
                    }
                    let expected = Self.referenceRuns(bytes, atLeast: minimum, isMember)
                    #expect(Self.blockRuns(bytes, atLeast: minimum, members) == expected, "\(name), minimum \(minimum): \(bytes)")
                    #expect(Self.probedRuns(bytes, atLeast: minimum, isMember) == expected, "\(name), minimum \(minimum)")
                }
            }
        }
    }

    @Test("Runs at the edges of blocks: a run ending at 63, 64 or 65 bytes, filling a block, or ending the text")
    func blockEdges() throws {
        let members = try #require(ByteRanges(ByteClass.isAlphanumeric))
        for length in [1, 5, 22, 62, 63, 64, 65, 127, 128, 129, 200] {
            for offset in [0, 1, 2, 40, 63, 64, 65, 100] {
                var bytes = [UInt8](repeating: UInt8(ascii: " "), count: offset) + [UInt8](repeating: UInt8(ascii: "k"), count: length)
                for tail in [0, 1, 70] {
                    bytes += [UInt8](repeating: UInt8(ascii: " "), count: tail)
                    for minimum in [1, 5, 22, 63, 64, 65] {
                        let expected = Self.referenceRuns(bytes, atLeast: minimum, ByteClass.isAlphanumeric)
                        #expect(Self.blockRuns(bytes, atLeast: minimum, members) == expected, "run \(length) at \(offset), tail \(tail), minimum \(minimum)")
                    }
                }
            }
        }
    }

    /// The runs the block-fed finder (``ByteRuns/Tracker``) reads off `bytes`' masks.
    static func trackedRuns(_ bytes: [UInt8], atLeast minimum: Int, _ members: ByteRanges) -> [Range<Int>] {
        var tracker = ByteRuns.Tracker(atLeast: minimum)
        var runs: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { text in
            var block = 0
            while block < text.count {
                let tail = ByteRuns.lastBlock(of: UnsafeBufferPointer(rebasing: text[block..<min(text.count, block + 64)]), from: 0)
                let valid = text.count - block >= 64 ? ~0 : ByteRuns.validBits(text.count - block)
                if tracker.load(withUnsafeBytes(of: tail) { members.blockMask($0.baseAddress!) } & valid, at: block) {
                    while let run = tracker.next() { runs.append(run.start..<(run.start + run.length)) }
                }
                block += 64
            }
            if let run = tracker.finish(at: text.count) { runs.append(run.start..<(run.start + run.length)) }
        }
        return runs
    }

    @Test("The block-fed run finder finds every maximal run of at least the minimum, for every minimum from 1 to 70 and around two blocks")
    func trackerMatchesByteByByte() throws {
        var generator = SeededGenerator(seed: 65)
        let members = try #require(ByteRanges(ByteClass.isAlphanumeric))
        for minimum in Array(1...70) + [126, 127, 128, 129, 130] {
            for trial in 0..<12 {
                let length = Int(generator.next() % 300)
                // Runs of random lengths up to 140 members, so that every minimum is met, missed
                // by one and crossed at every block offset.
                var bytes: [UInt8] = []
                while bytes.count < length {
                    let run = Int(generator.next() % UInt64(trial % 2 == 0 ? 140 : 24))
                    bytes += [UInt8](repeating: UInt8(ascii: "k"), count: run) + [UInt8(ascii: " ")]
                }
                let expected = Self.referenceRuns(bytes, atLeast: minimum, ByteClass.isAlphanumeric)
                #expect(Self.trackedRuns(bytes, atLeast: minimum, members) == expected, "minimum \(minimum): \(bytes.count) bytes")
            }
        }
    }

    /// The runs ``ByteRuns/Scan`` and a ``ByteRuns/Tracker`` behind it find: the tracker loads
    /// only the blocks the scan hands on, resumed where the scan says the open run begins.
    static func scannedRuns(_ bytes: [UInt8], atLeast minimum: Int, _ members: ByteRanges) -> (runs: [Range<Int>], handedOn: Int) {
        var runs: [Range<Int>] = []
        var scan = ByteRuns.Scan(atLeast: minimum)
        var tracker = ByteRuns.Tracker(atLeast: minimum)
        var handedOn = 0
        let blockCount = (bytes.count + 63) / 64
        var masks: [UInt64] = (0..<blockCount).map { block in
            var mask: UInt64 = 0
            for index in 0..<64 where block * 64 + index < bytes.count && members.table[Int(bytes[block * 64 + index])] {
                mask |= 1 << UInt64(index)
            }
            return mask
        }
        // Two calls, as the pass makes one per chunk of blocks.
        let half = blockCount / 2
        masks.withUnsafeMutableBufferPointer { masks in
            guard let base = masks.baseAddress else { return }
            for (first, count) in [(0, half), (half, blockCount - half)] {
                scan.scan(base + first, stride: 1, blocks: count, firstBlock: first) { mask, _, block, runStart in
                    handedOn += 1
                    tracker.resume(from: runStart)
                    guard tracker.load(mask, at: block) else { return }
                    while let run = tracker.next() { runs.append(run.start..<(run.start + run.length)) }
                }
            }
        }
        if let run = scan.finish(at: bytes.count) { runs.append(run.start..<(run.start + run.length)) }
        return (runs, handedOn)
    }

    @Test("The block test in front of the finder hands on every block with a run to report, for every minimum from 1 to 70 and beyond a block")
    func scanMatchesByteByByte() throws {
        var generator = SeededGenerator(seed: 1616)
        let members = try #require(ByteRanges(ByteClass.isAlphanumeric))
        var blocks = 0
        var handedOn = 0
        for minimum in Array(1...70) + [126, 127, 128, 129, 130] {
            for trial in 0..<12 {
                let length = Int(generator.next() % 300)
                var bytes: [UInt8] = []
                while bytes.count < length {
                    let run = Int(generator.next() % UInt64(trial % 2 == 0 ? 140 : 24))
                    bytes += [UInt8](repeating: UInt8(ascii: "k"), count: run) + [UInt8(ascii: " ")]
                }
                let expected = Self.referenceRuns(bytes, atLeast: minimum, ByteClass.isAlphanumeric)
                let scanned = Self.scannedRuns(bytes, atLeast: minimum, members)
                #expect(scanned.runs == expected, "minimum \(minimum): \(bytes.count) bytes")
                blocks += (bytes.count + 63) / 64
                handedOn += scanned.handedOn
            }
        }
        // The test passes over blocks: not every block is handed on.
        #expect(handedOn < blocks)
    }

    @Test("The block test's windows: bit i set exactly when bits i ..< i + min(minimum, 64) are, for every minimum and random masks")
    func scanWindows() {
        var generator = SeededGenerator(seed: 64)
        for minimum in 1...70 {
            let scan = ByteRuns.Scan(atLeast: minimum)
            let span = min(minimum, 64)
            for trial in 0..<200 {
                // Dense masks (runs long enough) on most trials, and the edge masks.
                var mask = generator.next() | generator.next() | (trial % 3 == 0 ? 0 : generator.next())
                if trial == 0 { mask = ~0 }
                if trial == 1 { mask = 0 }
                if trial == 2 { mask = (1 << UInt64(span)) &- 1 }
                var expected: UInt64 = 0
                for bit in 0..<64 where bit + span <= 64 && (0..<span).allSatisfy({ mask >> UInt64(bit + $0) & 1 == 1 }) {
                    expected |= 1 << UInt64(bit)
                }
                #expect(scan.windows(mask, doublings: scan.doublings) == expected, "minimum \(minimum), mask \(mask)")
            }
        }
    }

    @Test("Classes the word test cannot hold are refused: bytes of 0x80 or more, NUL, more than eight ranges")
    func refusedClasses() {
        #expect(ByteRanges { $0 >= 0xC2 } == nil)
        #expect(ByteRanges { $0 == 0 || $0 == UInt8(ascii: "a") } == nil)
        #expect(ByteRanges { $0 < 0x80 && $0 % 2 == 1 } == nil)
        #expect(ByteRanges { $0 < 0x80 && $0 % 16 == 1 } != nil)
    }
}
