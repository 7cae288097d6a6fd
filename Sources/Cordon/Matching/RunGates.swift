extension RunGate.CharacterClass {
    /// Whether `byte` belongs to the class.
    func contains(_ byte: UInt8) -> Bool {
        switch self {
        case .digits: return ByteClass.isDigit(byte)
        case .alphanumerics: return ByteClass.isAlphanumeric(byte)
        case .digitsAndDots: return ByteClass.isDigit(byte) || byte == UInt8(ascii: ".")
        case .hexDigitsAndColons: return ByteClass.isHexDigit(byte) || byte == UInt8(ascii: ":")
        }
    }
}

/// The run gates of an engine's detectors, applied to a message in one pass per class.
struct RunGates: Sendable {
    /// A distinct gate: class, shortest run, and for digits the fewest digits of the run's group.
    private struct Key: Equatable {
        var characterClass: RunGate.CharacterClass
        var length: Int
        var groupDigits: Int
        /// The classes of the bytes right before the run (``RunGate/before``), empty for none.
        var before: [ByteSet]
    }

    /// The distinct gates.
    private let keys: [Key]
    /// For each detector, the index of its gate's key, or `nil`.
    let keyOfDetector: [Int?]

    init(_ detectors: [CompiledDetector]) {
        var keys: [Key] = []
        keyOfDetector = detectors.map { detector in
            guard let gate = detector.runGate else { return nil }
            let before = gate.before.flatMap(RunGate.beforeClasses)?.map { members in
                var set = ByteSet()
                for byte in members { set.insert(byte) }
                return set
            }
            let key = Key(
                characterClass: gate.characterClass, length: gate.length, groupDigits: gate.groupDigits ?? 0, before: before ?? [])
            if let known = keys.firstIndex(of: key) { return known }
            keys.append(key)
            return keys.count - 1
        }
        self.keys = keys
    }

    /// Whether no detector has a run gate.
    var isEmpty: Bool { keys.isEmpty }

    /// For each key, the ascending start offsets of the maximal runs in `text` that open it.
    func runStarts(in text: UnsafeBufferPointer<UInt8>) -> [[Int]] {
        var starts = [[Int]](repeating: [], count: keys.count)
        for characterClass in RunGate.CharacterClass.allCases {
            let gated = keys.indices.filter { keys[$0].characterClass == characterClass }
            guard let shortest = gated.map({ keys[$0].length }).min() else { continue }
            if characterClass == .digits {
                collectDigitRuns(in: text, keys: gated, shortest: shortest, into: &starts)
                continue
            }
            func record(_ start: Int, _ length: Int) {
                for key in gated where length >= keys[key].length && Self.isPreceded(text, at: start, by: keys[key].before) {
                    starts[key].append(start)
                }
            }
            let members = Self.members[characterClass]!
            if characterClass == .digitsAndDots {
                // Digits and dots are rare in most text: probing every `shortest`-th byte seldom
                // lands in a run, and measured as fast as the vector pass (13 ms per 50 MB).
                members.table.withUnsafeBufferPointer { table in
                    ByteRuns.forEach(in: text, atLeast: shortest, of: { table[Int($0)] }, record)
                }
            } else {
                ByteRuns.forEach(in: text, atLeast: shortest, of: members, record)
            }
        }
        return starts
    }

    /// Appends, for each digit key in `gated`, the starts of the digit runs that open it: at
    /// least the key's length, in a group of at least its group digits (``DigitRuns``).
    ///
    /// A group's runs are held back until the group ends, when its digit count is known.
    private func collectDigitRuns(
        in text: UnsafeBufferPointer<UInt8>, keys gated: [Int], shortest: Int, into starts: inout [[Int]]
    ) {
        var group = DigitGroupBuffer()
        let keys = self.keys
        func flush(_ group: inout DigitGroupBuffer) {
            for run in group.runs where run.length >= shortest {
                for key in gated
                where run.length >= keys[key].length && group.digits >= keys[key].groupDigits
                    && Self.isPreceded(text, at: run.start, by: keys[key].before)
                {
                    starts[key].append(run.start)
                }
            }
            group.removeAll()
        }
        DigitRuns.forEach(in: text) { start, length in
            if !group.runs.isEmpty, !DigitRuns.joins(text, from: group.end, to: start) { flush(&group) }
            group.append(start: start, length: length)
        }
        flush(&group)
    }

    /// Whether the bytes right before `start` belong, one by one, to the classes of `before`.
    @inline(__always)
    private static func isPreceded(_ text: UnsafeBufferPointer<UInt8>, at start: Int, by before: [ByteSet]) -> Bool {
        guard !before.isEmpty else { return true }
        guard start >= before.count else { return false }
        let from = start &- before.count
        var index = 0
        while index < before.count {
            guard before[index].contains(text[from &+ index]) else { return false }
            index &+= 1
        }
        return true
    }

    /// Each class as ranges of ASCII bytes, for the block-at-a-time run finder.
    private static let members: [RunGate.CharacterClass: ByteRanges] = Dictionary(
        uniqueKeysWithValues: RunGate.CharacterClass.allCases.map { characterClass in
            (characterClass, ByteRanges { characterClass.contains($0) }!)
        })
}

/// The runs of the digit group being read, until it ends.
private struct DigitGroupBuffer {
    private(set) var runs: [(start: Int, length: Int)] = []
    /// The digits of all runs.
    private(set) var digits = 0
    /// The end of the last run.
    private(set) var end = 0

    mutating func append(start: Int, length: Int) {
        runs.append((start, length))
        digits &+= length
        end = start &+ length
    }

    mutating func removeAll() {
        runs.removeAll(keepingCapacity: true)
        digits = 0
    }
}
