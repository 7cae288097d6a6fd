import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The run gates of the built-in detectors against a byte-by-byte reading of each gate.
@Suite("Run gates: every gate's run starts, as a byte walk finds them")
struct RunGatesTests {
    /// The starts of the runs of `text` that open `gate`, one byte at a time: maximal runs of the
    /// class, long enough, in a digit group large enough, right after the `before` bytes.
    static func expectedStarts(_ text: [UInt8], gate: RunGate) -> [Int] {
        var runs: [Range<Int>] = []
        var index = 0
        while index < text.count {
            guard gate.characterClass.contains(text[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < text.count, gate.characterClass.contains(text[end]) { end += 1 }
            runs.append(index..<end)
            index = end
        }
        // Each run's group digits: runs joined by gaps of 1 to 3 separator bytes.
        let separators = Set(Array(" \t\r\n.-/()".utf8) + [0xC2, 0xA0])
        var groupDigits = [Int](repeating: 0, count: runs.count)
        var first = 0
        while first < runs.count {
            var last = first
            while last + 1 < runs.count, runs[last + 1].lowerBound - runs[last].upperBound <= 3,
                text[runs[last].upperBound..<runs[last + 1].lowerBound].allSatisfy(separators.contains)
            {
                last += 1
            }
            let digits = runs[first...last].reduce(0) { $0 + $1.count }
            for member in first...last { groupDigits[member] = digits }
            first = last + 1
        }
        let before = gate.before.flatMap(RunGate.beforeClasses) ?? []
        return runs.indices.filter { position in
            let run = runs[position]
            guard run.count >= gate.length else { return false }
            if gate.characterClass == .digits, groupDigits[position] < (gate.groupDigits ?? 0) { return false }
            guard run.lowerBound >= before.count else { return false }
            return before.enumerated().allSatisfy { offset, members in members.contains(text[run.lowerBound - before.count + offset]) }
        }.map { runs[$0].lowerBound }
    }

    @Test("Random texts of digits, separators, letters and hex: each detector's gate opens at exactly the expected runs")
    func builtInGatesMatchAByteWalk() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let gated = engine.compiled.indices.compactMap { index in engine.compiled[index].runGate.map { (index, $0) } }
        #expect(gated.count > 20)
        var generator = SeededGenerator(seed: 17)
        let pieces = ["1", "12", "123", "1234", "98765", " ", "-", ".", ":", "(", ")", "/", "\n", "AB", "GB", "DE", "x", "ab", "fe80",
                      "::", "0xdeadbeef", String(repeating: "7", count: 13), String(repeating: "a1", count: 20), "\u{A0}", "_"]
        for _ in 0..<300 {
            let text = Array((0..<Int(generator.next() % 80)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined().utf8)
            let starts = text.withUnsafeBufferPointer { engine.runGates.runStarts(in: $0) }
            for (index, gate) in gated {
                let key = try #require(engine.runGates.keyOfDetector[index])
                #expect(Array(starts[key]) == Self.expectedStarts(text, gate: gate), "\(engine.compiled[index].id) on \(text.count) bytes")
            }
        }
    }

    @Test("One classification per block: each class's mask marks exactly its members, for every byte at every position")
    func classMasks() {
        for byte in 0...255 {
            // The byte under test at each position, among members and non-members of each class.
            for filler: UInt8 in [0x30, 0x2E, 0x3A, 0x61, 0x47, 0x20, 0x00, 0xB5] {
                for position in 0..<64 {
                    var block = [UInt8](repeating: filler, count: 64)
                    block[position] = UInt8(byte)
                    let masks = block.withUnsafeBytes { RunClassMasks($0.baseAddress!) }
                    for characterClass in RunGate.CharacterClass.allCases {
                        var expected: UInt64 = 0
                        for (index, value) in block.enumerated() where characterClass.contains(value) { expected |= 1 << UInt64(index) }
                        #expect(masks[characterClass] == expected, "\(characterClass): byte \(byte) at \(position) among \(filler)")
                    }
                }
            }
        }
    }

    @Test("Without the nibble tables (a processor without AVX2) the pass finds the same starts as with them, on random texts of every gate's shapes")
    func comparisonsMatchNibbleTables() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let comparisons = RunGates(engine.compiled, vectorTables: false)
        let tables = RunGates(engine.compiled, vectorTables: true)
        var generator = SeededGenerator(seed: 1617)
        let pieces = ["1", "12", "1234", " ", "-", ".", ":", "(", "\n", "GB", "x", "fe80", "::", String(repeating: "a1", count: 20), "\u{A0}", "_"]
        for trial in 0..<200 {
            let text = Array((0..<Int(generator.next() % 400)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined().utf8)
            let expected = text.withUnsafeBufferPointer { comparisons.runStarts(in: $0) }
            let found = text.withUnsafeBufferPointer { tables.runStarts(in: $0) }
            for key in expected.indices { #expect(Array(found[key]) == Array(expected[key]), "key \(key), trial \(trial)") }
        }
    }

    @Test("The nibble tables of the four classes give the same masks as the comparisons, for every byte at every position")
    func classNibbles() throws {
        guard NibbleClass.isAvailable else { return }
        let tables = try #require(RunClassMasks.nibbleTables())
        for byte in 0...255 {
            for filler: UInt8 in [0x30, 0x2E, 0x3A, 0x61, 0x47, 0x20, 0x00, 0xB5] {
                for position in 0..<64 {
                    var block = [UInt8](repeating: filler, count: 64)
                    block[position] = UInt8(byte)
                    var viaTables = [UInt64](repeating: 0, count: 4)
                    var viaComparisons = [UInt64](repeating: 0, count: 4)
                    block.withUnsafeBytes { block in
                        tables.withUnsafeBufferPointer { tables in
                            RunClassMasks.store(block.baseAddress!, into: &viaTables, nibbles: tables.baseAddress!)
                        }
                        RunClassMasks.store(block.baseAddress!, into: &viaComparisons, nibbles: nil)
                    }
                    #expect(viaTables == viaComparisons, "byte \(byte) at \(position) among \(filler)")
                }
            }
        }
    }

    @Test("Runs across 16- and 64-byte boundaries, of exactly the minimum length, one shorter and one longer, in overlapping classes, open exactly the expected gates")
    func blockEdges() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let gated = engine.compiled.indices.compactMap { index in engine.compiled[index].runGate.map { (index, $0) } }
        let lengths = Set(gated.flatMap { [$0.1.length - 1, $0.1.length, $0.1.length + 1] }).filter { $0 > 0 }.sorted()
        // Each run shape in each class at once where classes overlap: hex letters are also
        // letters, digits are in every class, dots and colons join digits only in theirs.
        func runs(_ length: Int) -> [String] {
            [String(repeating: "7", count: length), String(repeating: "k", count: length), String(repeating: "e", count: length),
             String(String(repeating: "1.", count: length).prefix(length)), String(String(repeating: "f:", count: length).prefix(length)),
             String(String(repeating: "a9", count: length).prefix(length)), String(String(repeating: "12 ", count: length).prefix(length))]
        }
        let befores = ["", "GB", "DE ", "XYZAB"]
        var checked = 0
        for length in lengths {
            for run in runs(length) {
                for offset in [0, 1, 2, 15, 16, 17, 47, 48, 62, 63, 64, 65, 127, 128] {
                    for prefix in befores where prefix.count <= offset {
                        for tail in ["", " x"] {
                            let text = Array((String(repeating: " ", count: offset - prefix.count) + prefix + run + tail).utf8)
                            let starts = text.withUnsafeBufferPointer { engine.runGates.runStarts(in: $0) }
                            for (index, gate) in gated {
                                let key = try #require(engine.runGates.keyOfDetector[index])
                                #expect(Array(starts[key]) == Self.expectedStarts(text, gate: gate), "\(engine.compiled[index].id): \(run.prefix(8))… (\(length)) at \(offset), tail \(tail.count)")
                            }
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 1000)
    }
}
