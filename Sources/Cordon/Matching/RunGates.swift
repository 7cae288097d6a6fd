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
        /// With ``masks``, when ``checksBefore``: the keys that ask for no bytes before the run,
        /// and where in ``RunGates/lastBeforeMasks`` the 256 masks begin of the keys whose byte
        /// right before the run may be each byte value (as bits of positions in ``keys``).
        var freeKeys: UInt64 = 0
        var lastBefore = 0
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
    /// For the passes whose keys ask for bytes before the run, 256 masks each: for byte value
    /// `b`, the keys (bits of positions in the pass's keys) whose last class before the run
    /// holds `b` (``ClassPass/lastBefore``).
    ///
    /// The reason: a run's keys that ask for bytes before it were each tested byte by byte, and
    /// nearly all fail — on agent traffic every digit run of two digits or more is tested against
    /// the IBAN gate's two letters, ~80 instructions a run (callgrind, main abba7f4). One load of
    /// the byte before the run and one of its mask drop those keys first.
    private let lastBeforeMasks: [UInt64]
    /// For each detector, the index of its gate's key, or `nil`.
    let keyOfDetector: [Int?]
    /// For each key, the detectors it gates, ascending.
    let detectorsOfKey: [[Int32]]
    /// The detectors that are not gated at all (no gate words, no run gate), ascending: they run
    /// over every message in full.
    let ungatedDetectors: [Int32]
    /// The nibble tables of the digit-group separators (``DigitGroupMasks/separators(_:nibbles:)``),
    /// empty when the processor does not run the vector code.
    private let separatorNibbles: [UInt8]
    /// The nibble tables of the four classes, in ``RunClassMasks/Interleaved`` order (``RunClassMasks/store(_:into:nibbles:)``),
    /// empty when the processor does not run the vector code.
    private let classNibbles: [UInt8]
    /// Each class's run finder as a pass starts it, in ``RunGate/CharacterClass/allCases`` order
    /// (a class without keys: one of minimum 1, unused). Made once: a finder works out its
    /// shifts with loops, ~160 instructions each, four per message (callgrind, agent corpus).
    private let classRuns: [ClassRuns]

    /// The gates of `detectors`; `vectorTables` false keeps the pass off the nibble tables (the
    /// SSE2 comparisons a processor without AVX2 runs), for the tests to compare the two.
    init(_ detectors: [CompiledDetector], vectorTables: Bool = NibbleClass.isAvailable) {
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
        var lastBeforeMasks: [UInt64] = []
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
            var pass = ClassPass(
                characterClass: characterClass, keys: firstKey..<passKeys.count, shortest: shortest,
                masks: firstMask..<passMasks.count, cap: cap, checksBefore: gated.contains { !keys[$0].before.isEmpty })
            if pass.checksBefore, gated.count <= 64 {
                var byByte = [UInt64](repeating: 0, count: 256)
                for (bit, key) in gated.enumerated() {
                    guard let last = keys[key].before.last else {
                        pass.freeKeys |= 1 << UInt64(bit)
                        continue
                    }
                    for byte in 0...255 where last.contains(UInt8(byte)) { byByte[byte] |= 1 << UInt64(bit) }
                }
                pass.lastBefore = lastBeforeMasks.count
                lastBeforeMasks += byByte
            }
            return pass
        }
        self.passKeys = passKeys
        self.passMasks = passMasks
        self.lastBeforeMasks = lastBeforeMasks
        separatorNibbles = vectorTables ? NibbleClass(DigitRuns.isSeparator)?.tables ?? [] : []
        classNibbles = vectorTables ? RunClassMasks.nibbleTables() ?? [] : []
        let passes = self.passes
        classRuns = RunGate.CharacterClass.allCases.map { characterClass in
            ClassRuns(atLeast: passes.first { $0.characterClass == characterClass }?.shortest ?? 1)
        }
    }

    /// Whether no detector has a run gate.
    var isEmpty: Bool { passes.isEmpty }

    /// For each key, the ascending start offsets of the maximal runs in `text` that open it.
    ///
    /// One pass over the text for all classes, 64 blocks of 64 bytes at a time: each block is
    /// classified once into the masks of the four classes (``RunClassMasks``: nibble tables when
    /// the processor runs AVX2), then each class that has keys goes over its masks alone
    /// (``ByteRuns/Scan``, a dozen or two register operations a block) and hands on only the
    /// blocks where a run at least as long as its shortest key may end; most blocks have none.
    /// A digit run that long is recorded with its digit group's digits, which decide the keys it
    /// opens: the group is read off the block's digit and separator masks
    /// (``DigitGroupMasks``), or byte by byte outward from the run when it may reach past the
    /// block (``DigitRuns/previousRun(in:before:)``, ``DigitRuns/nextRun(in:after:)``); the
    /// groups without such a run are never read. A run's keys that ask for bytes before it are
    /// first tested on the byte right before it, one table load (``ClassPass/lastBefore``).
    ///
    /// Exactness: the pass is a filter that must let through every start the byte walk of
    /// `RunGatesTests.expectedStarts` finds; each shortcut above only skips a block, a group or a
    /// key that the walk would not report, and everything it cannot decide from one block is
    /// read byte by byte as before.
    ///
    /// The reason: every maximal digit run of the text, however short, used to be read one by
    /// one to count its group's digits, and the per-block finder stepped through a loop of its
    /// own; the pass was ~9 instructions a byte of real text, ~10 % of a scan (#13, callgrind
    /// and perf of main 1fecc84). Then the four finders and the pass's state, inlined into one
    /// block loop, did not fit in registers (~570 instructions a block of agent traffic with
    /// the classification), and each digit group was read byte by byte twice (~230 instructions
    /// a group): 803 M of 3,807 M instructions on the agent corpus (callgrind, main abba7f4).
    func runStarts(in text: UnsafeBufferPointer<UInt8>) -> RunStarts {
        guard !passes.isEmpty, !text.isEmpty else { return RunStarts(keyCount: lengths.count) }
        let passes = self.passes
        let keyCount = lengths.count
        let classRuns = self.classRuns
        return Tables.with(self) { tables in
            Self.runStarts(in: text, passes: passes, classRuns: classRuns, tables: tables, keyCount: keyCount)
        }
    }

    /// What the readers of a block's runs share, behind one pointer: the key tables, the text,
    /// the starts found so far, where the last digit group read ends, and each class's pass.
    ///
    /// The reason: the pass used to carry this, with each class's run finder, in one state
    /// value inlined into the block loop, whose registers could not hold it: ~435 instructions a
    /// 64-byte block of agent traffic besides the classification, most of them loads and
    /// stores of that state, and each call that recorded a digit group copied a class's pass
    /// (callgrind, main abba7f4). Now each class's loop holds only its own finder, and a block
    /// that has runs to report calls a reader with this pointer.
    private struct Pass {
        let tables: Tables
        let text: UnsafeBufferPointer<UInt8>
        var starts = FoundStarts(capacity: 64)
        /// The end of the last digit group read: its runs are recorded already.
        var groupEnd = 0
        /// The pass of each class, in ``RunGate/CharacterClass/allCases`` order (a class without
        /// keys has one that opens nothing).
        let classes: (ClassPass, ClassPass, ClassPass, ClassPass)
        /// The digit pass's tables, read out once for the whole pass.
        var digitRecorder: DigitRecorder

        init(_ passes: [ClassPass], tables: Tables, text: UnsafeBufferPointer<UInt8>) {
            self.tables = tables
            self.text = text
            func pass(_ characterClass: RunGate.CharacterClass) -> ClassPass {
                passes.first { $0.characterClass == characterClass }
                    ?? ClassPass(characterClass: characterClass, keys: 0..<0, shortest: 1, masks: 0..<0, cap: 0, checksBefore: false)
            }
            classes = (pass(.digits), pass(.alphanumerics), pass(.digitsAndDots), pass(.hexDigitsAndColons))
            digitRecorder = DigitRecorder(classes.0, tables: tables, text: text)
        }
    }

    /// The blocks classified at a time before their runs are read (``runStarts(in:passes:classRuns:tables:keyCount:)``).
    private static let chunkBlocks = 64

    private static func runStarts(
        in text: UnsafeBufferPointer<UInt8>, passes: [ClassPass], classRuns: [ClassRuns], tables: Tables, keyCount: Int
    ) -> RunStarts {
        var pass = Pass(passes, tables: tables, text: text)
        defer { pass.starts.deallocate() }
        let hasDigits = passes.contains { $0.characterClass == .digits }
        let hasAlphanumerics = passes.contains { $0.characterClass == .alphanumerics }
        let hasDigitsAndDots = passes.contains { $0.characterClass == .digitsAndDots }
        let hasHexDigitsAndColons = passes.contains { $0.characterClass == .hexDigitsAndColons }
        var digitRuns = classRuns[0]
        var alphanumericRuns = classRuns[1]
        var dottedRuns = classRuns[2]
        var hexRuns = classRuns[3]
        let raw = UnsafeRawPointer(text.baseAddress!)
        let count = text.count
        let fullBlocks = count / 64
        let blockCount = (count &+ 63) / 64
        // The last, shorter block, zero-padded: padding is in no class and no separator, so the
        // tail's last run and last digit group end at the text's end.
        var tail = fullBlocks < blockCount ? ByteRuns.lastBlock(of: text, from: fullBlocks &* 64) : SIMD64<UInt8>()
        let chunk = chunkBlocks
        withUnsafeMutablePointer(to: &pass) { pass in
            withUnsafeBytes(of: &tail) { tail in
                let tailBase = tail.baseAddress!
                /// The 64 bytes of block `index`.
                @inline(__always)
                func base(_ index: Int) -> UnsafeRawPointer { index < fullBlocks ? raw + index &* 64 : tailBase }
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4 &* chunk) { masks in
                    let masks = masks.baseAddress!
                    let nibbles = tables.classNibbles
                    var first = 0
                    while first < blockCount {
                        let blocks = min(chunk, blockCount &- first)
                        // Each block classified once, its four masks stored side by side.
                        var index = 0
                        while index < blocks {
                            RunClassMasks.store(base(first &+ index), into: masks + 4 &* index, nibbles: nibbles)
                            index &+= 1
                        }
                        // Then each class's runs, block after block.
                        if hasDigits {
                            readDigitRuns(
                                &digitRuns, masks + RunClassMasks.Interleaved.digits, blocks: blocks, from: first, text: raw, fullBlocks: fullBlocks,
                                tail: tailBase, pass)
                        }
                        if hasAlphanumerics {
                            readRuns(&alphanumericRuns, of: .alphanumerics, masks + RunClassMasks.Interleaved.alphanumerics, blocks: blocks, from: first, pass)
                        }
                        if hasDigitsAndDots {
                            readRuns(&dottedRuns, of: .digitsAndDots, masks + RunClassMasks.Interleaved.digitsAndDots, blocks: blocks, from: first, pass)
                        }
                        if hasHexDigitsAndColons {
                            readRuns(
                                &hexRuns, of: .hexDigitsAndColons, masks + RunClassMasks.Interleaved.hexDigitsAndColons, blocks: blocks, from: first,
                                pass)
                        }
                        first &+= blocks
                    }
                }
            }
            if hasDigits, let run = digitRuns.scan.finish(at: count), run.start >= pass.pointee.groupEnd {
                pass.pointee.groupEnd = recordGroupByBytes(of: run, pass)
            }
            if hasAlphanumerics, let run = alphanumericRuns.scan.finish(at: count) { recordRun(run, of: .alphanumerics, pass) }
            if hasDigitsAndDots, let run = dottedRuns.scan.finish(at: count) { recordRun(run, of: .digitsAndDots, pass) }
            if hasHexDigitsAndColons, let run = hexRuns.scan.finish(at: count) { recordRun(run, of: .hexDigitsAndColons, pass) }
        }
        return RunStarts(keyCount: keyCount, found: pass.starts)
    }

    /// A class's run finder: the test that passes over blocks with nothing to report
    /// (``ByteRuns/Scan``) and the finder that reads the others (``ByteRuns/Tracker``).
    private struct ClassRuns: Sendable {
        var scan: ByteRuns.Scan
        var tracker: ByteRuns.Tracker

        init(atLeast minimum: Int) {
            scan = ByteRuns.Scan(atLeast: minimum)
            tracker = ByteRuns.Tracker(atLeast: minimum)
        }
    }

    /// Reads the runs of a class other than digits off the masks of `blocks` blocks from block
    /// `first` on (`masks[4 * i]`: block `first + i`), and records those long enough for a key.
    ///
    /// A function of its own per class, so that the test of each block stays in registers
    /// (inlined into the pass, four finders and the pass's state did not fit and were loaded and
    /// stored in every block: ~65 instructions a class and block, callgrind).
    @inline(never)
    private static func readRuns(
        _ runs: inout ClassRuns, of characterClass: RunGate.CharacterClass, _ masks: UnsafeMutablePointer<UInt64>, blocks: Int,
        from first: Int, _ pass: UnsafeMutablePointer<Pass>
    ) {
        var tracker = runs.tracker
        runs.scan.scan(masks, stride: 4, blocks: blocks, firstBlock: first) { mask, _, block, runStart in
            readBlock(&tracker, mask, at: block, runStart: runStart, of: characterClass, pass)
        }
        runs.tracker = tracker
    }

    /// Records the runs of a class other than digits that end in the block at `block` (whose
    /// mask is `mask`; the run open at its start begins at `runStart`), long enough for a key.
    @inline(never)
    private static func readBlock(
        _ tracker: inout ByteRuns.Tracker, _ mask: UInt64, at block: Int, runStart: Int, of characterClass: RunGate.CharacterClass,
        _ pass: UnsafeMutablePointer<Pass>
    ) {
        tracker.resume(from: runStart)
        guard tracker.load(mask, at: block) else { return }
        while let run = tracker.next() { recordRun(run, of: characterClass, pass) }
    }

    /// Reads the digit runs off the masks of `blocks` blocks from block `first` on, as
    /// ``readRuns(_:of:_:blocks:from:_:)`` does, each block that may have runs long enough for a
    /// key by ``readDigitBlock(_:at:runStart:_:_:)``; the bytes of block `i` are at `text + 64 * i`,
    /// or `tail` for the last, shorter block (`i == fullBlocks`).
    @inline(never)
    private static func readDigitRuns(
        _ runs: inout ClassRuns, _ masks: UnsafeMutablePointer<UInt64>, blocks: Int, from first: Int, text: UnsafeRawPointer,
        fullBlocks: Int, tail: UnsafeRawPointer, _ pass: UnsafeMutablePointer<Pass>
    ) {
        runs.scan.scan(masks, stride: 4, blocks: blocks, firstBlock: first) { digits, windows, block, runStart in
            readDigitBlock(digits, windows: windows, at: block, runStart: runStart, block >> 6 < fullBlocks ? text + block : tail, pass)
        }
    }

    /// The `(key, start)` pairs a pass finds, in the order it finds them.
    private typealias FoundStarts = GrowableBuffer<(key: Int, start: Int)>

    /// Records a run of a class other than digits, long enough for its shortest key.
    @inline(never)
    private static func recordRun(_ run: (start: Int, length: Int), of characterClass: RunGate.CharacterClass, _ pass: UnsafeMutablePointer<Pass>) {
        let classPass: ClassPass
        switch characterClass {
        case .digits: classPass = pass.pointee.classes.0
        case .alphanumerics: classPass = pass.pointee.classes.1
        case .digitsAndDots: classPass = pass.pointee.classes.2
        case .hexDigitsAndColons: classPass = pass.pointee.classes.3
        }
        pass.pointee.tables.record(classPass, start: run.start, length: run.length, digits: 0, in: pass.pointee.text, into: &pass.pointee.starts)
    }

    /// Records the digit runs long enough for a key that end in the block at `block` (whose
    /// digits are `digits` and bytes at `base`; the run open at its start begins at `runStart`),
    /// each with its group's digits.
    ///
    /// The runs inside the block are read off its mask, and so are their groups when
    /// ``DigitGroupMasks/group(around:)`` finds them inside the block (the block's groups are
    /// worked out once, at its first such run): a group's digits are its digit bits, its runs are
    /// read off them, and no byte is read. The run that closes the run open at the block's start,
    /// and a group that may reach into the block before or after (about one in eight on agent
    /// traffic), are read byte by byte (``recordGroupByBytes(of:_:)``).
    ///
    /// The reason: each such run's group was read outward byte by byte, then each of its runs
    /// again (~230 instructions a group, 1.48 million groups in the agent corpus, callgrind, main
    /// abba7f4), and the runs came one by one from a finder with calls and copies around each.
    @inline(never)
    private static func readDigitBlock(
        _ digits: UInt64, windows: UInt64, at block: Int, runStart: Int, _ base: UnsafeRawPointer, _ pass: UnsafeMutablePointer<Pass>
    ) {
        let recorder = pass.pointee.digitRecorder
        let outside = ~digits
        let leading = outside.trailingZeroBitCount  // < 64: ``ByteRuns/Scan`` passes no other block
        // The run open at the block's start, which closes at its first non-digit.
        let closedLength = block &+ leading &- runStart
        if closedLength >= recorder.shortest, runStart >= pass.pointee.groupEnd {
            pass.pointee.groupEnd = recordGroupByBytes(of: (runStart, closedLength), pass)
        }
        // The runs inside the block: the one touching its end stays open into the next. A
        // window of the shortest key's length that starts inside them lies inside them.
        let members = digits & (~0 &<< UInt64(leading)) & (~0 &>> UInt64(outside.leadingZeroBitCount))
        var longRuns = members & ~(members &<< 1) & windows
        guard longRuns != 0 else { return }
        let groups = DigitGroupMasks(
            digits: digits, separators: DigitGroupMasks.separators(base, nibbles: pass.pointee.tables.separatorNibbles))
        while longRuns != 0 {
            let bit = longRuns.trailingZeroBitCount
            let start = block &+ bit
            // A run of the group read last is recorded already.
            guard start >= pass.pointee.groupEnd else {
                longRuns &= longRuns &- 1
                continue
            }
            guard let group = groups.group(around: bit) else {
                let run = (start: start, length: (~(digits &>> UInt64(bit))).trailingZeroBitCount)
                pass.pointee.groupEnd = recordGroupByBytes(of: run, pass)
                longRuns &= longRuns &- 1
                continue
            }
            let span = group.end &- group.first  // < 64: the group ends inside the block
            let inGroup = digits & (((1 &<< UInt64(span)) &- 1) &<< UInt64(group.first))
            var runStarts = inGroup & ~(digits &<< 1)
            // Most groups are one run: its digits are its length.
            let count = runStarts & (runStarts &- 1) == 0 ? (~(digits &>> UInt64(bit))).trailingZeroBitCount : inGroup.nonzeroBitCount
            while runStarts != 0 {
                let first = runStarts.trailingZeroBitCount
                runStarts &= runStarts &- 1
                let length = (~(digits &>> UInt64(first))).trailingZeroBitCount
                if length >= recorder.shortest { recorder.record(start: block &+ first, length: length, digits: count, pass) }
            }
            pass.pointee.groupEnd = block &+ group.end
            longRuns &= ~0 &<< UInt64(group.end)
        }
    }

    /// The digit pass's key tables as values (``Tables/record(_:start:length:digits:in:into:)``
    /// for digits), read into registers once per block: the starts a run appends go through the
    /// pass's pointer, after which the compiler would load each table again.
    private struct DigitRecorder {
        let shortest: Int
        let cap: Int
        let cells: UnsafePointer<UInt64>?
        let keys: UnsafePointer<Int>
        let checksBefore: Bool
        let freeKeys: UInt64
        let lastBefore: UnsafePointer<UInt64>?
        let text: UnsafePointer<UInt8>

        init(_ classPass: ClassPass, tables: Tables, text: UnsafeBufferPointer<UInt8>) {
            shortest = classPass.shortest
            cap = classPass.cap
            cells = classPass.masks.isEmpty ? nil : tables.masks.baseAddress! + classPass.masks.lowerBound
            keys = tables.keys.baseAddress! + classPass.keys.lowerBound
            checksBefore = classPass.checksBefore
            freeKeys = classPass.freeKeys
            lastBefore = classPass.checksBefore && !classPass.masks.isEmpty ? tables.lastBeforeMasks.baseAddress! + classPass.lastBefore : nil
            self.text = text.baseAddress!
        }

        /// Appends `start` to the starts of each digit key that a run of `length` digits in a
        /// group of `digits` opens.
        @inline(__always)
        func record(start: Int, length: Int, digits: Int, _ pass: UnsafeMutablePointer<Pass>) {
            guard let cells else {
                pass.pointee.tables.record(
                    pass.pointee.classes.0, start: start, length: length, digits: digits, in: pass.pointee.text, into: &pass.pointee.starts)
                return
            }
            var mask = cells[min(length, cap) &* (cap &+ 1) &+ min(digits, cap)]
            guard mask != 0 else { return }
            if let lastBefore {
                // A key that asks for bytes before the run needs the last of them at least.
                mask &= freeKeys | (start > 0 ? lastBefore[Int(text[start &- 1])] : 0)
            }
            while mask != 0 {
                let key = keys[mask.trailingZeroBitCount]
                mask &= mask &- 1
                if !checksBefore || pass.pointee.tables.isPreceded(pass.pointee.text, at: start, key: key) {
                    pass.pointee.starts.append((key, start))
                }
            }
        }
    }

    /// Records the runs of the digit group that holds `run` (a run long enough for a key) that
    /// are long enough for a key, with the group's digits, and returns where the group ends.
    ///
    /// The group is read outward from `run`, its runs too short for any key included (they
    /// count toward its digits). Groups are disjoint, so no byte is read for two groups. For the
    /// groups that one block's masks cannot decide.
    @inline(never)
    private static func recordGroupByBytes(of run: (start: Int, length: Int), _ pass: UnsafeMutablePointer<Pass>) -> Int {
        let text = pass.pointee.text
        let classPass = pass.pointee.classes.0
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
            if last &- start >= classPass.shortest {
                pass.pointee.tables.record(classPass, start: start, length: last &- start, digits: digits, in: text, into: &pass.pointee.starts)
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
        let lastBeforeMasks: UnsafeBufferPointer<UInt64>
        /// ``RunGates/separatorNibbles``, or `nil` when empty.
        let separatorNibbles: UnsafePointer<UInt8>?
        /// ``RunGates/classNibbles``, or `nil` when empty.
        let classNibbles: UnsafePointer<UInt8>?

        static func with<R>(_ gates: RunGates, _ body: (Tables) -> R) -> R {
            gates.lengths.withUnsafeBufferPointer { lengths in
                gates.groupDigits.withUnsafeBufferPointer { groupDigits in
                    gates.beforeFirst.withUnsafeBufferPointer { beforeFirst in
                        gates.beforeMembers.withUnsafeBufferPointer { beforeMembers in
                            gates.passKeys.withUnsafeBufferPointer { keys in
                                gates.passMasks.withUnsafeBufferPointer { masks in
                                    gates.lastBeforeMasks.withUnsafeBufferPointer { lastBeforeMasks in
                                        gates.separatorNibbles.withUnsafeBufferPointer { nibbles in
                                            gates.classNibbles.withUnsafeBufferPointer { classNibbles in
                                                body(
                                                    Tables(
                                                        lengths: lengths, groupDigits: groupDigits, beforeFirst: beforeFirst,
                                                        beforeMembers: beforeMembers, keys: keys, masks: masks, lastBeforeMasks: lastBeforeMasks,
                                                        separatorNibbles: nibbles.isEmpty ? nil : nibbles.baseAddress,
                                                        classNibbles: classNibbles.isEmpty ? nil : classNibbles.baseAddress))
                                            }
                                        }
                                    }
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
                if pass.checksBefore, mask != 0 {
                    // A key that asks for bytes before the run needs the last of them at least.
                    let preceding = start > 0 ? lastBeforeMasks[pass.lastBefore &+ Int(text[start &- 1])] : 0
                    mask &= pass.freeKeys | preceding
                }
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
