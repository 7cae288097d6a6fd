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
/// has, their shortest run, and which detectors each key gates. A pass then allocates only its
/// buffers and the starts it finds (``RunStarts``). The reason: a pass used to filter the keys of
/// each class, look the class's byte ranges up in a dictionary and copy each key (with its array
/// of preceding classes) for every run — ~35 k of the ~53 k instructions the run gates cost a
/// 300-byte message (callgrind, #13), which is what the gateway scans per streamed event.
struct RunGates: Sendable {
    /// A distinct gate: class, shortest run, and for digits the fewest digits of the run's group.
    private struct Key: Equatable {
        var characterClass: RunGate.CharacterClass
        var length: Int
        var groupDigits: Int
        /// The classes of the bytes right before the run (``RunGate/before``), empty for none.
        var before: [ByteSet]
    }

    /// The keys of one class and what reading its runs needs. Plain values only (its keys and
    /// masks are ranges of ``RunGates/passKeys`` and ``RunGates/passMasks``), so that the pass
    /// over a message copies it per run without reference counting.
    private struct ClassPass: Sendable {
        var characterClass: RunGate.CharacterClass
        /// The keys of the class: positions in ``RunGates/passKeys``, whose values are indices
        /// into ``RunGates/lengths`` and its siblings.
        var keys: Range<Int>
        /// The shortest run any of them needs.
        var shortest: Int
        /// Which keys a run opens by its length and its group's digits alone, as a bit mask of
        /// positions in ``keys``: ``RunGates/passMasks``[`masks.lowerBound + min(length, cap) *
        /// (cap + 1) + min(digits, cap)`] (digits 0 for other classes). Empty when the class
        /// has more than 64 keys.
        var masks: Range<Int>
        /// The largest length or group digits any key asks for: beyond it, all are alike.
        var cap: Int
        /// Whether any key asks for bytes before the run.
        var checksBefore: Bool
    }

    /// For each key: the shortest run and the fewest digits of the group (0 unless digits).
    private let lengths: [Int]
    private let groupDigits: [Int]
    /// For each key, where the classes of the bytes right before the run are in
    /// ``beforeMembers``: `beforeFirst[key] ..< beforeFirst[key + 1]`, one class per byte.
    private let beforeFirst: [Int]
    /// Each class of every key's bytes before the run as 256 flags, one per byte value (`1`: a
    /// member): class `c` holds byte `b` when `beforeMembers[c << 8 | b]` is `1`.
    ///
    /// The reason: one load per byte tested. The classes were ``ByteSet``s in an array per key,
    /// which a test copied (a retain and a release) and read through a switch on the byte's
    /// high bits (an indirect jump): on agent traffic every digit run of two digits or more
    /// is tested against the IBAN gate's two letters, and that test was most of
    /// the flush of each digit group, the costliest function of the run gates (5.3 % of
    /// a scan of the agent corpus, perf, round 11).
    private let beforeMembers: [UInt8]
    /// The classes that have keys, each with its keys, in ``RunGate/CharacterClass/allCases`` order.
    private let passes: [ClassPass]
    /// The keys of all passes, each pass's a range.
    private let passKeys: [Int]
    /// The key masks of all passes, each pass's a range.
    private let passMasks: [UInt64]
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
        var beforeFirst = [0]
        var beforeMembers: [UInt8] = []
        for key in keys {
            for members in key.before {
                for byte in 0...255 { beforeMembers.append(members.contains(UInt8(byte)) ? 1 : 0) }
            }
            beforeFirst.append(beforeFirst.last! + key.before.count)
        }
        self.beforeFirst = beforeFirst
        self.beforeMembers = beforeMembers
        var passKeys: [Int] = []
        var passMasks: [UInt64] = []
        passes = RunGate.CharacterClass.allCases.compactMap { characterClass in
            let gated = keys.indices.filter { keys[$0].characterClass == characterClass }
            guard let shortest = gated.map({ keys[$0].length }).min() else { return nil }
            // A run's keys read off a table by its length and group digits, instead of each key
            // tested for each run: ordinary text holds a digit run every few dozen bytes, and
            // the catalogue has 14 digit keys (#13, callgrind: `collectDigitRuns` was the
            // costliest part of the run gates).
            let cap = gated.map { max(keys[$0].length, keys[$0].groupDigits) }.max()!
            let firstMask = passMasks.count
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
                passMasks.reserveCapacity(passMasks.count + (cap + 1) * (cap + 1))
                for length in 0...cap {
                    for digits in 0...cap { passMasks.append(byLength[length] & byDigits[digits]) }
                }
            }
            let firstKey = passKeys.count
            passKeys += gated
            return ClassPass(
                characterClass: characterClass, keys: firstKey..<passKeys.count, shortest: shortest,
                masks: firstMask..<passMasks.count, cap: cap, checksBefore: gated.contains { !keys[$0].before.isEmpty })
        }
        self.passKeys = passKeys
        self.passMasks = passMasks
    }

    /// Whether no detector has a run gate.
    var isEmpty: Bool { passes.isEmpty }

    /// For each key, the ascending start offsets of the maximal runs in `text` that open it.
    ///
    /// One pass over the text for all classes: each 64-byte block is classified once into the
    /// masks of the four classes (``RunClassMasks``) and each class that has keys reads off its
    /// mask only the runs at least as long as its shortest key (``ByteRuns/Tracker``), a fixed
    /// few dozen bit operations per block; most blocks hold no such run and cost nothing more.
    /// A digit run that long is read with its whole digit group, outward from it
    /// (``DigitRuns/previousRun(in:before:)``, ``DigitRuns/nextRun(in:after:)``), since the
    /// group's digits decide which keys it opens; the groups without such a run are never read.
    ///
    /// The reason: every maximal digit run of the text, however short, used to be read one by
    /// one to count its group's digits, and the per-block finder stepped through a loop of its
    /// own; the pass was ~9 instructions a byte of real text, ~10 % of a scan (#13, callgrind
    /// and perf of main 1fecc84).
    func runStarts(in text: UnsafeBufferPointer<UInt8>) -> RunStarts {
        guard !passes.isEmpty, !text.isEmpty else { return RunStarts(keyCount: lengths.count) }
        let passes = self.passes
        let keyCount = lengths.count
        return Tables.with(self) { tables in Self.runStarts(in: text, passes: passes, tables: tables, keyCount: keyCount) }
    }

    /// What the pass carries from one block to the next: each class's pass and run finder
    /// (`has…` false: the class has no keys), and where the last digit group read ends.
    private struct PassState {
        var hasDigits = false
        var hasAlphanumerics = false
        var hasDigitsAndDots = false
        var hasHexDigitsAndColons = false
        var digits: ClassPass
        var alphanumerics: ClassPass
        var digitsAndDots: ClassPass
        var hexDigitsAndColons: ClassPass
        var digitRuns: ByteRuns.Tracker
        var alphanumericRuns: ByteRuns.Tracker
        var dottedRuns: ByteRuns.Tracker
        var hexRuns: ByteRuns.Tracker
        /// The end of the last digit group read: its runs are recorded already.
        var groupEnd = 0

        init(_ passes: [ClassPass]) {
            let none = ClassPass(characterClass: .digits, keys: 0..<0, shortest: 1, masks: 0..<0, cap: 0, checksBefore: false)
            digits = none
            alphanumerics = none
            digitsAndDots = none
            hexDigitsAndColons = none
            for pass in passes {
                switch pass.characterClass {
                case .digits:
                    digits = pass
                    hasDigits = true
                case .alphanumerics:
                    alphanumerics = pass
                    hasAlphanumerics = true
                case .digitsAndDots:
                    digitsAndDots = pass
                    hasDigitsAndDots = true
                case .hexDigitsAndColons:
                    hexDigitsAndColons = pass
                    hasHexDigitsAndColons = true
                }
            }
            digitRuns = ByteRuns.Tracker(atLeast: digits.shortest)
            alphanumericRuns = ByteRuns.Tracker(atLeast: alphanumerics.shortest)
            dottedRuns = ByteRuns.Tracker(atLeast: digitsAndDots.shortest)
            hexRuns = ByteRuns.Tracker(atLeast: hexDigitsAndColons.shortest)
        }
    }

    private static func runStarts(in text: UnsafeBufferPointer<UInt8>, passes: [ClassPass], tables: Tables, keyCount: Int) -> RunStarts {
        var starts = FoundStarts(capacity: 64)
        defer { starts.deallocate() }
        var state = PassState(passes)
        let raw = UnsafeRawPointer(text.baseAddress!)
        let count = text.count
        var block = 0
        while block &+ 64 <= count {
            read(RunClassMasks(raw + block), at: block, state: &state, tables: tables, text: text, into: &starts)
            block &+= 64
        }
        if block < count {
            // Zero padding is in no class: the tail's last run ends at the text's end.
            let tail = ByteRuns.lastBlock(of: text, from: block)
            let masks = withUnsafeBytes(of: tail) { RunClassMasks($0.baseAddress!) }
            read(masks, at: block, state: &state, tables: tables, text: text, into: &starts)
        }
        if state.hasDigits, let run = state.digitRuns.finish(at: count), run.start >= state.groupEnd {
            _ = recordGroup(of: run, state.digits, tables: tables, text: text, into: &starts)
        }
        if state.hasAlphanumerics, let run = state.alphanumericRuns.finish(at: count) {
            tables.record(state.alphanumerics, start: run.start, length: run.length, digits: 0, in: text, into: &starts)
        }
        if state.hasDigitsAndDots, let run = state.dottedRuns.finish(at: count) {
            tables.record(state.digitsAndDots, start: run.start, length: run.length, digits: 0, in: text, into: &starts)
        }
        if state.hasHexDigitsAndColons, let run = state.hexRuns.finish(at: count) {
            tables.record(state.hexDigitsAndColons, start: run.start, length: run.length, digits: 0, in: text, into: &starts)
        }
        return RunStarts(keyCount: keyCount, found: starts)
    }

    /// The `(key, start)` pairs a pass finds, in the order it finds them.
    private typealias FoundStarts = GrowableBuffer<(key: Int, start: Int)>

    /// Reads the runs of every class that end in the block at `block`, long enough for a key.
    ///
    /// Transparent, so inlined into the block loop: `@inline(__always)` left it a function
    /// called per block, its pass state read and written through a pointer.
    @_transparent
    private static func read(
        _ masks: RunClassMasks, at block: Int, state: inout PassState, tables: Tables, text: UnsafeBufferPointer<UInt8>,
        into starts: inout FoundStarts
    ) {
        if state.hasDigits, state.digitRuns.load(masks.digits, at: block) {
            while let run = state.digitRuns.next() {
                // A run of the group read last is recorded already.
                if run.start >= state.groupEnd {
                    state.groupEnd = recordGroup(of: run, state.digits, tables: tables, text: text, into: &starts)
                }
            }
        }
        if state.hasAlphanumerics, state.alphanumericRuns.load(masks.alphanumerics, at: block) {
            while let run = state.alphanumericRuns.next() {
                tables.record(state.alphanumerics, start: run.start, length: run.length, digits: 0, in: text, into: &starts)
            }
        }
        if state.hasDigitsAndDots, state.dottedRuns.load(masks.digitsAndDots, at: block) {
            while let run = state.dottedRuns.next() {
                tables.record(state.digitsAndDots, start: run.start, length: run.length, digits: 0, in: text, into: &starts)
            }
        }
        if state.hasHexDigitsAndColons, state.hexRuns.load(masks.hexDigitsAndColons, at: block) {
            while let run = state.hexRuns.next() {
                tables.record(state.hexDigitsAndColons, start: run.start, length: run.length, digits: 0, in: text, into: &starts)
            }
        }
    }

    /// Records the runs of the digit group that holds `run` (a run long enough for a key) that
    /// are long enough for a key, with the group's digits, and returns where the group ends.
    ///
    /// The group is read outward from `run`, its runs too short for any key included (they
    /// count toward its digits). Groups are disjoint, so no byte is read for two groups.
    @inline(never)
    private static func recordGroup(
        of run: (start: Int, length: Int), _ pass: ClassPass, tables: Tables, text: UnsafeBufferPointer<UInt8>,
        into starts: inout FoundStarts
    ) -> Int {
        var first = run.start
        var digits = run.length
        while let previous = DigitRuns.previousRun(in: text, before: first) {
            first = previous.start
            digits &+= previous.length
        }
        var end = run.start &+ run.length
        while let next = DigitRuns.nextRun(in: text, after: end) {
            end = next.start &+ next.length
            digits &+= next.length
        }
        // Each run of the group in turn: the first, then each after its gap.
        var start = first
        while true {
            var last = start
            while last < end, ByteClass.isDigit(text[last]) { last &+= 1 }
            if last &- start >= pass.shortest {
                tables.record(pass, start: start, length: last &- start, digits: digits, in: text, into: &starts)
            }
            guard last < end, let next = DigitRuns.nextRun(in: text, after: last) else { break }
            start = next.start
        }
        return end
    }

    /// The key tables, borrowed once for a whole pass: no reference counting per run.
    private struct Tables {
        let lengths: UnsafeBufferPointer<Int>
        let groupDigits: UnsafeBufferPointer<Int>
        let beforeFirst: UnsafeBufferPointer<Int>
        let beforeMembers: UnsafeBufferPointer<UInt8>
        let keys: UnsafeBufferPointer<Int>
        let masks: UnsafeBufferPointer<UInt64>

        static func with<R>(_ gates: RunGates, _ body: (Tables) -> R) -> R {
            gates.lengths.withUnsafeBufferPointer { lengths in
                gates.groupDigits.withUnsafeBufferPointer { groupDigits in
                    gates.beforeFirst.withUnsafeBufferPointer { beforeFirst in
                        gates.beforeMembers.withUnsafeBufferPointer { beforeMembers in
                            gates.passKeys.withUnsafeBufferPointer { keys in
                                gates.passMasks.withUnsafeBufferPointer { masks in
                                    body(
                                        Tables(
                                            lengths: lengths, groupDigits: groupDigits, beforeFirst: beforeFirst,
                                            beforeMembers: beforeMembers, keys: keys, masks: masks))
                                }
                            }
                        }
                    }
                }
            }
        }

        /// Whether the bytes right before `start` belong, one by one, to the classes `key` asks
        /// for before its run (true when it asks for none).
        @inline(__always)
        func isPreceded(_ text: UnsafeBufferPointer<UInt8>, at start: Int, key: Int) -> Bool {
            let first = beforeFirst[key]
            let count = beforeFirst[key &+ 1] &- first
            guard count > 0 else { return true }
            guard start >= count else { return false }
            let from = start &- count
            var index = 0
            while index < count {
                guard beforeMembers[(first &+ index) &<< 8 | Int(text[from &+ index])] != 0 else { return false }
                index &+= 1
            }
            return true
        }

        /// Appends `start` to the starts of each key of `pass` that a run of `length` bytes in a
        /// digit group of `digits` digits (0 for other classes) opens.
        @inline(__always)
        func record(
            _ pass: ClassPass, start: Int, length: Int, digits: Int, in text: UnsafeBufferPointer<UInt8>, into starts: inout FoundStarts
        ) {
            if !pass.masks.isEmpty {
                let cap = pass.cap
                var mask = masks[pass.masks.lowerBound &+ min(length, cap) &* (cap &+ 1) &+ min(digits, cap)]
                while mask != 0 {
                    let key = keys[pass.keys.lowerBound &+ mask.trailingZeroBitCount]
                    mask &= mask &- 1
                    if !pass.checksBefore || isPreceded(text, at: start, key: key) { starts.append((key, start)) }
                }
                return
            }
            for position in pass.keys {
                let key = keys[position]
                if length >= lengths[key], digits >= groupDigits[key], isPreceded(text, at: start, key: key) {
                    starts.append((key, start))
                }
            }
        }
    }
}
