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
///
/// Everything a pass needs is worked out once, when the engine is built: which keys each class
/// has, their shortest run, and which detectors each key gates. A pass then allocates only the
/// arrays of the starts it finds. The reason: a pass used to filter the keys of each class, look
/// the class's byte ranges up in a dictionary and copy each key (with its array of preceding
/// classes) for every run — ~35 k of the ~53 k instructions the run gates cost a 300-byte message
/// (callgrind, #13), which is what the gateway scans per streamed event.
struct RunGates: Sendable {
    /// A distinct gate: class, shortest run, and for digits the fewest digits of the run's group.
    private struct Key: Equatable {
        var characterClass: RunGate.CharacterClass
        var length: Int
        var groupDigits: Int
        /// The classes of the bytes right before the run (``RunGate/before``), empty for none.
        var before: [ByteSet]
    }

    /// The keys of one class and what its pass needs.
    private struct ClassPass: Sendable {
        var characterClass: RunGate.CharacterClass
        /// The keys of the class, as indices into ``RunGates/lengths`` and its siblings.
        var keys: [Int]
        /// The shortest run any of them needs.
        var shortest: Int
        var members: ByteRanges
        /// Which keys a run opens by its length and its group's digits alone, as a bit mask of
        /// positions in ``keys``: `masks[min(length, cap) * (cap + 1) + min(digits, cap)]`
        /// (digits 0 for other classes). Empty when the class has more than 64 keys.
        var masks: [UInt64]
        /// The largest length or group digits any key asks for: beyond it, all are alike.
        var cap: Int
        /// Whether any key asks for bytes before the run.
        var checksBefore: Bool
    }

    /// For each key: the shortest run, the fewest digits of the group (0 unless digits) and the
    /// classes of the bytes right before the run.
    private let lengths: [Int]
    private let groupDigits: [Int]
    private let before: [[ByteSet]]
    /// The passes, one per class that has keys, in ``RunGate/CharacterClass/allCases`` order.
    private let passes: [ClassPass]
    /// For each detector, the index of its gate's key, or `nil`.
    let keyOfDetector: [Int?]
    /// For each key, the detectors it gates, ascending.
    let detectorsOfKey: [[Int32]]
    /// The detectors that are not gated at all (no gate words, no run gate), ascending: they run
    /// over every message in full.
    let ungatedDetectors: [Int32]

    init(_ detectors: [CompiledDetector]) {
        var keys: [Key] = []
        var detectorsOfKey: [[Int32]] = []
        var ungated: [Int32] = []
        keyOfDetector = detectors.enumerated().map { index, detector in
            guard let gate = detector.runGate else {
                if !detector.isGated { ungated.append(Int32(index)) }
                return nil
            }
            let before = gate.before.flatMap(RunGate.beforeClasses)?.map { members in
                var set = ByteSet()
                for byte in members { set.insert(byte) }
                return set
            }
            let key = Key(
                characterClass: gate.characterClass, length: gate.length, groupDigits: gate.groupDigits ?? 0, before: before ?? [])
            if let known = keys.firstIndex(of: key) {
                detectorsOfKey[known].append(Int32(index))
                return known
            }
            keys.append(key)
            detectorsOfKey.append([Int32(index)])
            return keys.count - 1
        }
        self.detectorsOfKey = detectorsOfKey
        ungatedDetectors = ungated
        lengths = keys.map(\.length)
        groupDigits = keys.map(\.groupDigits)
        before = keys.map(\.before)
        passes = RunGate.CharacterClass.allCases.compactMap { characterClass in
            let gated = keys.indices.filter { keys[$0].characterClass == characterClass }
            guard let shortest = gated.map({ keys[$0].length }).min() else { return nil }
            // A run's keys read off a table by its length and group digits, instead of each key
            // tested for each run: ordinary text holds a digit run every few dozen bytes, and
            // the catalogue has 14 digit keys (#13, callgrind: `collectDigitRuns` was the
            // costliest part of the run gates).
            let cap = gated.map { max(keys[$0].length, keys[$0].groupDigits) }.max()!
            var masks: [UInt64] = []
            if gated.count <= 64 {
                // A cell opens the keys that both its length and its group digits open: the AND
                // of a per-length and a per-digits mask, so that building the table does not test
                // every key in every cell (engine creation, which a hook pays per event).
                var byLength = [UInt64](repeating: 0, count: cap + 1)
                var byDigits = [UInt64](repeating: 0, count: cap + 1)
                for (bit, key) in gated.enumerated() {
                    for length in keys[key].length...cap { byLength[length] |= 1 << UInt64(bit) }
                    for digits in keys[key].groupDigits...cap { byDigits[digits] |= 1 << UInt64(bit) }
                }
                masks = [UInt64](repeating: 0, count: (cap + 1) * (cap + 1))
                for length in 0...cap {
                    for digits in 0...cap {
                        masks[length * (cap + 1) + digits] = byLength[length] & byDigits[digits]
                    }
                }
            }
            return ClassPass(
                characterClass: characterClass, keys: gated, shortest: shortest,
                members: ByteRanges { characterClass.contains($0) }!, masks: masks, cap: cap,
                checksBefore: gated.contains { !keys[$0].before.isEmpty })
        }
    }

    /// Whether no detector has a run gate.
    var isEmpty: Bool { passes.isEmpty }

    /// For each key, the ascending start offsets of the maximal runs in `text` that open it.
    func runStarts(in text: UnsafeBufferPointer<UInt8>) -> [[Int]] {
        var starts = [[Int]](repeating: [], count: lengths.count)
        guard !passes.isEmpty else { return starts }
        lengths.withUnsafeBufferPointer { lengths in
            before.withUnsafeBufferPointer { before in
                for pass in passes {
                    if pass.characterClass == .digits {
                        collectDigitRuns(in: text, pass: pass, lengths: lengths, before: before, into: &starts)
                        continue
                    }
                    pass.keys.withUnsafeBufferPointer { keys in
                        func record(_ start: Int, _ length: Int) {
                            if !pass.masks.isEmpty {
                                var mask = pass.masks[min(length, pass.cap) * (pass.cap + 1)]
                                while mask != 0 {
                                    let key = keys[mask.trailingZeroBitCount]
                                    mask &= mask &- 1
                                    if !pass.checksBefore || Self.isPreceded(text, at: start, by: before[key]) { starts[key].append(start) }
                                }
                                return
                            }
                            for key in keys where length >= lengths[key] && Self.isPreceded(text, at: start, by: before[key]) {
                                starts[key].append(start)
                            }
                        }
                        if pass.characterClass == .digitsAndDots {
                            // Digits and dots are rare in most text: probing every `shortest`-th
                            // byte seldom lands in a run, and measured as fast as the vector pass
                            // (13 ms per 50 MB).
                            pass.members.table.withUnsafeBufferPointer { table in
                                ByteRuns.forEach(in: text, atLeast: pass.shortest, of: { table[Int($0)] }, record)
                            }
                        } else {
                            ByteRuns.forEach(in: text, atLeast: pass.shortest, of: pass.members, record)
                        }
                    }
                }
            }
        }
        return starts
    }

    /// Appends, for each digit key of `pass`, the starts of the digit runs that open it: at
    /// least the key's length, in a group of at least its group digits (``DigitRuns``).
    ///
    /// A group's runs are held back until the group ends, when its digit count is known.
    private func collectDigitRuns(
        in text: UnsafeBufferPointer<UInt8>, pass: ClassPass, lengths: UnsafeBufferPointer<Int>,
        before: UnsafeBufferPointer<[ByteSet]>, into starts: inout [[Int]]
    ) {
        var group = DigitGroupBuffer()
        let shortest = pass.shortest
        groupDigits.withUnsafeBufferPointer { groupDigits in
            pass.keys.withUnsafeBufferPointer { keys in
                func flush(_ group: inout DigitGroupBuffer) {
                    if !pass.masks.isEmpty {
                        let cap = pass.cap
                        let row = min(group.digits, cap)
                        for run in group.runs where run.length >= shortest {
                            var mask = pass.masks[min(run.length, cap) * (cap + 1) + row]
                            while mask != 0 {
                                let key = keys[mask.trailingZeroBitCount]
                                mask &= mask &- 1
                                if !pass.checksBefore || Self.isPreceded(text, at: run.start, by: before[key]) {
                                    starts[key].append(run.start)
                                }
                            }
                        }
                        group.removeAll()
                        return
                    }
                    for run in group.runs where run.length >= shortest {
                        for key in keys
                        where run.length >= lengths[key] && group.digits >= groupDigits[key]
                            && Self.isPreceded(text, at: run.start, by: before[key])
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
        }
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
