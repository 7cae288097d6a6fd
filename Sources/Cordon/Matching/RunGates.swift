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
            let members = Self.members[characterClass]!
            members.withUnsafeBufferPointer { members in
                ByteRuns.forEach(in: text, atLeast: shortest, of: { members[Int($0)] }) { start, length in
                    for key in gated where length >= keys[key].length && Self.isPreceded(text, at: start, by: keys[key].before) {
                        starts[key].append(start)
                    }
                }
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

    /// Each class as a table of its 256 bytes.
    private static let members: [RunGate.CharacterClass: [Bool]] = Dictionary(
        uniqueKeysWithValues: RunGate.CharacterClass.allCases.map { characterClass in
            (characterClass, (0...255).map { characterClass.contains(UInt8($0)) })
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

/// Finding maximal runs of one byte class quickly.
enum ByteRuns {
    /// Calls `body` with the start and length of every maximal run of at least `minimum` bytes
    /// for which `isMember` holds, in order.
    ///
    /// Only every `minimum`-th byte is looked at until one is a member (a run of `minimum`
    /// members must cover one of them), so the pass is fast where long runs are rare.
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, of isMember: (UInt8) -> Bool,
        _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        let count = text.count
        var probe = minimum &- 1
        var previousEnd = 0  // no run starts before this offset
        while probe < count {
            guard isMember(text[probe]) else {
                probe &+= minimum
                continue
            }
            var start = probe
            while start > previousEnd, isMember(text[start &- 1]) { start &-= 1 }
            var end = probe &+ 1
            while end < count, isMember(text[end]) { end &+= 1 }
            if end &- start >= minimum { body(start, end &- start) }
            previousEnd = end
            probe = end &+ minimum
        }
    }
}
