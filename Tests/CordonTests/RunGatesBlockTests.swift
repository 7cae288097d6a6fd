import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The run gates' block-at-a-time pass against the byte walk of ``RunGatesTests/expectedStarts(_:gate:)``,
/// for gates of every class and of lengths around the 64-byte block: shorter than a block, as
/// long as one, longer than two, with and without digit groups and bytes before the run.
@Suite("Run gates, 64 bytes at a time: the same run starts as a byte walk, for every class, length and density")
struct RunGatesBlockTests {
    /// Gates of each class, whose lengths sit on each side of what a block holds.
    static let gates: [RunGate] = {
        var gates: [RunGate] = []
        for length in [1, 2, 3, 5, 62, 63, 64, 65, 130] {
            gates.append(RunGate(characterClass: .digits, length: length, within: 0))
            gates.append(RunGate(characterClass: .alphanumerics, length: length, within: 0))
            gates.append(RunGate(characterClass: .digitsAndDots, length: length, within: 0))
            gates.append(RunGate(characterClass: .hexDigitsAndColons, length: length, within: 0))
        }
        for (length, group) in [(1, 1), (1, 4), (2, 10), (3, 9), (4, 13), (5, 70), (64, 64), (63, 66)] {
            gates.append(RunGate(characterClass: .digits, length: length, within: 0, groupDigits: group))
        }
        for before in ["[A-Z][A-Z]", "[A-Z][A-Z] ", "x"] {
            gates.append(RunGate(characterClass: .digits, length: 2, within: 0, before: before))
            gates.append(RunGate(characterClass: .alphanumerics, length: 3, within: 0, before: before))
        }
        return gates
    }()

    /// The gates, and the gates at least 2, 3, 5 and 63 long: a class's shortest key decides
    /// which runs the pass reads, and a digit group is read outward from its first run long
    /// enough for a key, which may follow shorter runs of the group.
    static let gateSets: [[RunGate]] = [gates] + [2, 3, 5, 63].map { shortest in gates.filter { $0.length >= shortest } } + [fewDigitGates]

    /// Digit gates shaped like the catalogue's: short runs open only keys that ask for bytes
    /// before the run (two letters; two capitals and a space for a run of five), and the keys
    /// without them need a group of 6 digits or more — where a group of 5 digits opens nothing
    /// and one of 6 opens a key, so a pass that drops or misreads a group fails here.
    static let fewDigitGates: [RunGate] = [
        RunGate(characterClass: .digits, length: 2, within: 0, before: "[A-Za-z][A-Za-z]"),
        RunGate(characterClass: .digits, length: 5, within: 0, before: "[A-Z][A-Z] "),
        RunGate(characterClass: .digits, length: 2, within: 0, groupDigits: 6),
        RunGate(characterClass: .digits, length: 3, within: 0, groupDigits: 10),
        RunGate(characterClass: .digits, length: 4, within: 0, groupDigits: 13),
        RunGate(characterClass: .digits, length: 9, within: 0),
    ]

    /// An engine of one detector per gate (the pattern matters not: only the gates are read).
    static func engine(_ gates: [RunGate]) throws -> Engine {
        try Engine(
            DetectorSet(
                gates.enumerated().map { index, gate in
                    Detector(
                        id: "gate-\(index)", name: "Gate \(index)", description: "A run gate under test.", category: .secret,
                        level: .confidential, pattern: "[0-9A-Za-z]+", runGate: gate)
                }))
    }

    /// One engine per set of ``gateSets``, with its gates.
    static func engines() throws -> [(Engine, [RunGate])] {
        try gateSets.map { (try engine($0), $0) }
    }

    /// Checks every gate's starts in `text` against the byte walk, for each engine.
    static func check(_ engines: [(Engine, [RunGate])], _ text: [UInt8], _ note: @autoclosure () -> String) {
        for (engine, gates) in engines {
            let starts = text.withUnsafeBufferPointer { engine.runGates.runStarts(in: $0) }
            for (index, gate) in gates.enumerated() {
                guard let key = engine.runGates.keyOfDetector[index] else {
                    Issue.record("gate \(index) has no key")
                    continue
                }
                #expect(Array(starts[key]) == RunGatesTests.expectedStarts(text, gate: gate), "gate \(gate) of \(gates.count): \(note())")
            }
        }
    }

    @Test("Random texts, from nearly no class members to nearly all, with bytes of 0x80 and more: every gate opens at exactly the byte walk's starts")
    func randomTexts() throws {
        let engines = try Self.engines()
        var generator = SeededGenerator(seed: 1013)
        // Members of the classes, group separators, and bytes of no class (NUL, punctuation, high bytes).
        let digits = Array("0123456789".utf8)
        let letters = Array("abcdefxyzABCDEFGKZ".utf8)
        let joiners = Array(".:".utf8)
        let separators = Array(" \t\r\n-/()".utf8) + [0xC2, 0xA0]
        let others: [UInt8] = [0x00, 0x5F, 0x2C, 0x7F, 0x80, 0xB5, 0xC3, 0xE2, 0xFF, 0x40, 0x5B, 0x60, 0x7B]
        let lengths = [0, 1, 2, 63, 64, 65, 127, 128, 129, 191, 192, 193]
        for density in [0.02, 0.2, 0.5, 0.8, 0.95, 0.995] {
            for trial in 0..<60 {
                let length = trial < lengths.count ? lengths[trial] : Int(generator.next() % 420)
                var text: [UInt8] = []
                while text.count < length {
                    let draw = Double(generator.next() % 10_000) / 10_000
                    let pool: [UInt8]
                    if draw < density {
                        // Mostly digits on odd trials (groups), mostly letters on even ones.
                        pool = generator.next() % 4 == 0 ? (trial % 2 == 0 ? digits : letters) : (trial % 2 == 0 ? letters : digits)
                    } else {
                        switch generator.next() % 3 {
                        case 0: pool = separators
                        case 1: pool = joiners
                        default: pool = others
                        }
                    }
                    text.append(pool[Int(generator.next() % UInt64(pool.count))])
                }
                Self.check(engines, text, "density \(density), \(text.count) bytes, trial \(trial)")
            }
        }
    }

    @Test("Runs of each gate's length -1, 0 and +1, at the text's start, across every block edge and at its end, in every class at once")
    func runsAtEdges() throws {
        let engines = try Self.engines()
        let lengths = Set(Self.gates.flatMap { [$0.length - 1, $0.length, $0.length + 1] }).filter { $0 > 0 }.sorted()
        var checked = 0
        for length in lengths {
            // A digit run is in every class but hex-and-colons' letters; the others are in one or two.
            let shapes = [
                String(repeating: "7", count: length), String(repeating: "k", count: length), String(repeating: "c", count: length),
                String(String(repeating: "1.", count: length).prefix(length)), String(String(repeating: "f:", count: length).prefix(length)),
            ]
            for shape in shapes {
                for offset in [0, 1, 2, 62, 63, 64, 65, 126, 127, 128, 129] {
                    for tail in ["", " ", "x", "é"] {
                        let text = Array((String(repeating: " ", count: offset) + shape + tail).utf8)
                        Self.check(engines, text, "\(shape.prefix(4))… (\(length)) at \(offset), tail \(tail.debugDescription)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 2000)
    }

    @Test("Digit groups that cross block edges, open with short runs, or hold their long run last: the group's digits count every run")
    func groupsAcrossBlocks() throws {
        let engines = try Self.engines()
        let groups = [
            "1 2 3 4 555 666", "555 666 1 2 3 4", "1-2-3-44", "9 9 9 9 9 9 9 9 9 9 9 12", "12 34 56 78 90", "1  2 33", "1    22 3",
            "(415) 555-0132", "4111 1111 1111 1111", "1.2.3.4.55", "1\u{A0}22\u{A0}3", "1)(/22", "7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 7 77",
        ]
        for group in groups {
            for offset in [0, 1, 50, 55, 60, 62, 63, 64, 65, 120, 127, 128] {
                for tail in ["", " ", " 1", "  12"] {
                    for head in ["", "GB", "x ", "3 "] where head.count <= offset {
                        let text = Array((String(repeating: "_", count: offset - head.count) + head + group + tail).utf8)
                        Self.check(engines, text, "\(group.debugDescription) at \(offset), head \(head), tail \(tail)")
                    }
                }
            }
        }
    }

    @Test("Texts longer than the 64 blocks classified at a time: runs and digit groups across that edge, at -1, 0 and +1 bytes from it")
    func runsAcrossChunks() throws {
        let engines = try Self.engines()
        var generator = SeededGenerator(seed: 4096)
        let pieces = ["7", "12", "123 45", "(415) 555-0132", "GB82", "1.2.3.4", "fe80::1", "deadbeef", " ", "  ", "x", "\n", "-",
                      String(repeating: "k", count: 30), String(repeating: "9", count: 70)]
        for edge in [4096, 8192] {
            for shift in -3...3 {
                for piece in ["1 2 3 4 555 666", "4111 1111 1111 1111", String(repeating: "a", count: 80), "GB82 WEST", "10.0.0.1"] {
                    // Filler, then `piece` placed across the edge of the first chunk.
                    var text = Array((0..<(edge / 8)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined().utf8)
                    text = Array(text.prefix(edge + shift - piece.utf8.count / 2))
                    while text.count < edge + shift - piece.utf8.count / 2 { text.append(UInt8(ascii: "_")) }
                    text += Array(piece.utf8) + Array(" tail 12 34".utf8)
                    Self.check(engines, text, "\(piece.prefix(8)) across \(edge) \(shift)")
                }
            }
        }
    }

    @Test("A text of one class member only, as long as several blocks: one run from the first byte to the last")
    func oneRunFillingTheText() throws {
        let engines = try Self.engines()
        for byte in Array("7kf.:".utf8) {
            for length in [1, 63, 64, 65, 128, 129, 200, 256, 257] {
                Self.check(engines, [UInt8](repeating: byte, count: length), "\(length) × \(byte)")
            }
        }
    }

    @Test("Catalogue-shaped digit gates: groups of 5, 6 and 7 digits and short runs after letters, spaces and other bytes, at every offset across a block edge")
    func groupsNearTheFewestDigits() throws {
        let engines = [(try Self.engine(Self.fewDigitGates), Self.fewDigitGates)]
        let groups = [
            "12345", "123456", "1234567", "12 345", "12 3456", "1-2-3-4-5", "1-2-3-4-56", "12.34.5", "12.34.56", "1 2 3 4 5 6 7",
            "12   3456", "55555", "4111 1111 1111 1111", "(415) 555-0132",
        ]
        var checked = 0
        for group in groups {
            for head in ["", "GB", "Gb", "G", "GB ", "gb ", "NY ", "N ", "_", "x9", "é"] {
                for offset in [0, 1, 2, 3, 4, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 125, 126, 127, 128] where head.utf8.count <= offset {
                    for tail in ["", " ", " 1", "  12", "x"] {
                        let text = Array((String(repeating: ":", count: offset - head.utf8.count) + head + group + tail + " 77 ab12").utf8)
                        Self.check(engines, text, "\(group.debugDescription) at \(offset), head \(head), tail \(tail)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 10_000)
    }
}
