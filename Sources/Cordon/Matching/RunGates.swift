extension RunGate.CharacterClass {
    /// Whether `byte` belongs to the class.
    func contains(_ byte: UInt8) -> Bool {
        switch self {
        case .digits: return ByteClass.isDigit(byte)
        case .alphanumerics: return ByteClass.isAlphanumeric(byte)
        case .digitsAndDots: return ByteClass.isDigit(byte) || byte == UInt8(ascii: ".")
        }
    }
}

/// The run gates of an engine's detectors, applied to a message in one pass per class.
struct RunGates: Sendable {
    /// The distinct gates (class and length), as keys.
    private let keys: [(characterClass: RunGate.CharacterClass, length: Int)]
    /// For each detector, the index of its gate's key, or `nil`.
    let keyOfDetector: [Int?]

    init(_ detectors: [CompiledDetector]) {
        var keys: [(characterClass: RunGate.CharacterClass, length: Int)] = []
        keyOfDetector = detectors.map { detector in
            guard let gate = detector.runGate else { return nil }
            if let known = keys.firstIndex(where: { $0 == (gate.characterClass, gate.length) }) { return known }
            keys.append((gate.characterClass, gate.length))
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
            let members = Self.members[characterClass]!
            members.withUnsafeBufferPointer { members in
                ByteRuns.forEach(in: text, atLeast: shortest, of: { members[Int($0)] }) { start, length in
                    for key in gated where length >= keys[key].length { starts[key].append(start) }
                }
            }
        }
        return starts
    }

    /// Each class as a table of its 256 bytes.
    private static let members: [RunGate.CharacterClass: [Bool]] = Dictionary(
        uniqueKeysWithValues: RunGate.CharacterClass.allCases.map { characterClass in
            (characterClass, (0...255).map { characterClass.contains(UInt8($0)) })
        })
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
