import CordonDetectorModel

/// What engine creation reads off one detector's pattern and words: whether every match starts
/// with a keyword, the token shape after it, the keyword frame, the start steps of a run-gated
/// pattern, the block terminator, how far before its first keyword a match can start and the
/// run it then holds — and where its gate words stand in the first stage's word list.
///
/// The reason: reading ~500 patterns was ~10 M of the ~45 M instructions of a hook process (one
/// process per agent event; #13 asks for a cold start firmly under 15 ms), and for the built-in
/// detectors the answers never change between processes. The build (`CordonEmbed`, which
/// compiles this file and the readers it calls through symbolic links) writes them into the
/// binary (``encode(_:)``), and an engine made from the built-in set decodes them
/// (``decode(_:)``) instead of reading the patterns again. Each record carries a digest of what
/// it was read from (``digest(of:window:startStepsReach:)``); an engine uses a record only when
/// the digest of its own detector equals it, and reads the pattern itself otherwise — a custom
/// `--detectors` set, or a detector changed after loading, is read at start-up as before.
struct PatternAnalysis: Sendable, Equatable {
    /// Whether every match of the pattern starts with one of its keywords (``PatternPrefix/anchoring(_:keywords:)``).
    var startsWithKeyword = false
    var shape: TokenShape?
    var frame: KeywordFrame?
    var startSteps: ByteSteps?
    var terminator: BlockTerminator?
    /// For a keyword-gated pattern: how far before its first keyword a match can start
    /// (``RequiredRun/keywordDistance(pattern:keywords:)``; 0 when `PatternPrefix` finds it
    /// anchored), `nil` when the reader cannot tell — the search window before each keyword hit.
    var keywordDistance: Int?
    /// For a pattern anchored at its keywords (a keyword distance of 0): the run every match
    /// holds, checked at each hit before PCRE2 (``RequiredRun/init(pattern:)``).
    var requiredRun: RequiredRun?
    /// For a pattern gated by the words of its required context: the most bytes a match can
    /// take (``RequiredRun/longestMatch(pattern:)``), `nil` when the reader cannot bound it —
    /// how far before a context word a search must start besides the context's own window.
    var longestMatch: Int?
    /// For a detector with validators: the most bytes after a match's start its value can end at
    /// (``RequiredRun/valueReach(pattern:)``), `nil` otherwise or when the reader cannot bound
    /// it — the reach of its ``ValueDigitFloor`` when the validators need digits. Read at build
    /// time for the built-in set: at engine creation it was 355,000 of a hook process's 29 M
    /// instructions (callgrind).
    var valueReach: Int?

    /// Reads `detector`'s pattern as ``CompiledDetector`` needs it: `window` is how far before a
    /// keyword a match may start when the detector does not say (``Engine/keywordWindow``), and
    /// start steps are read for a run gate whose matches start at most `startStepsReach` bytes
    /// before the run (``CompiledDetector/startStepsReach``).
    init(_ detector: Detector, window: Int, startStepsReach: Int) {
        if !detector.keywords.isEmpty {
            let anchoring = PatternPrefix.anchoring(detector.pattern, keywords: detector.keywords)
            startsWithKeyword = anchoring.startsWithKeyword
            shape = anchoring.shape
            frame = anchoring.startsWithKeyword
                ? nil
                : PatternPrefix.keywordFrame(detector.pattern, keywords: detector.keywords, window: detector.keywordDistance ?? window)
            keywordDistance = anchoring.startsWithKeyword
                ? 0 : RequiredRun.keywordDistance(pattern: detector.pattern, keywords: detector.keywords)
            requiredRun = keywordDistance == 0 ? RequiredRun(pattern: detector.pattern) : nil
        } else if let gate = detector.runGate {
            startSteps = gate.within <= startStepsReach ? PatternPrefix.startSteps(detector.pattern) : nil
        } else if detector.context?.required == true {
            longestMatch = RequiredRun.longestMatch(pattern: detector.pattern)
        }
        terminator = Self.isGated(detector) ? BlockTerminator(pattern: detector.pattern) : nil
        if !detector.validators.isEmpty { valueReach = RequiredRun.valueReach(pattern: detector.pattern) }
    }

    init() {}

    /// The limits the build reads the built-in patterns with: ``Engine/keywordWindow`` and
    /// ``CompiledDetector/startStepsReach`` (a test checks they are equal; were they not, every
    /// record's digest would differ from the engine's and the patterns would be read at start-up).
    static let builtInWindow = 256
    static let builtInStartStepsReach = 4

    /// The words that gate `detector` (``CompiledDetector/gateWords``): its keywords, or the
    /// words of a required context when it has neither keywords nor a run gate.
    static func gateWords(of detector: Detector) -> [String] {
        if !detector.keywords.isEmpty { return detector.keywords }
        if detector.runGate == nil, let context = detector.context, context.required { return context.words }
        return []
    }

    /// Whether `detector` runs only near its gate words or gate runs.
    static func isGated(_ detector: Detector) -> Bool {
        !gateWords(of: detector).isEmpty || detector.runGate != nil
    }

    // MARK: - Digests

    /// A 64-bit FNV-1a digest of everything the analysis of `detector` reads: its pattern,
    /// keywords, keyword distance, run gate, required context words, and the two limits.
    static func digest(of detector: Detector, window: Int, startStepsReach: Int) -> UInt64 {
        var digest = Digest()
        digest.add(detector.pattern)
        digest.add(detector.keywords)
        digest.add(detector.keywordDistance ?? -1)
        digest.add(detector.runGate.map { $0.within } ?? -1)
        digest.add(detector.context.map { $0.required ? 1 : 0 } ?? -1)
        digest.add(detector.context?.words ?? [])
        digest.add(window)
        digest.add(startStepsReach)
        return digest.value
    }

    /// A 64-bit FNV-1a digest of a detector's gate words, in order.
    static func digest(ofGateWords words: [String]) -> UInt64 {
        var digest = Digest()
        digest.add(words)
        return digest.value
    }

    /// A 64-bit multiply-xorshift digest over the UTF-8 bytes of strings, eight at a time (an
    /// engine digests every built-in pattern at start-up: a byte at a time was 0.9 M
    /// instructions), each string's length and each number mixed in as a word of its own (so
    /// `["ab", "c"]` and `["a", "bc"]` differ). It tells a record from a changed detector; it is
    /// not meant to resist a chosen collision (only the built-in set and its subsets have records).
    struct Digest {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(word: UInt64) {
            value = (value ^ word) &* 0x9E37_79B9_7F4A_7C15
            value ^= value >> 29
        }

        mutating func add(_ text: String) {
            var text = text
            text.withUTF8 { add(bytes: $0) }
        }

        mutating func add(bytes: UnsafeBufferPointer<UInt8>) {
            var index = 0
            if let base = UnsafeRawPointer(bytes.baseAddress) {
                while index &+ 8 <= bytes.count {
                    add(word: base.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian)
                    index &+= 8
                }
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(bytes[index]) << shift
                shift &+= 8
                index &+= 1
            }
            add(word: tail)
            add(word: UInt64(bytes.count))
        }

        mutating func add(_ texts: [String]) {
            add(texts.count)
            for text in texts { add(text) }
        }

        mutating func add(_ number: Int) {
            add(word: UInt64(bitPattern: Int64(number)))
        }
    }

    // MARK: - The embedded form

    /// One detector's record in the embedded form: the digests it belongs to, the positions of
    /// its gate words in the first stage's embedded word list, and the analysis.
    struct Record: Sendable, Equatable {
        /// ``digest(of:window:startStepsReach:)`` of the detector the record was read from.
        var digest: UInt64
        /// ``digest(ofGateWords:)`` of the gate words `wordIDs` were found for.
        var gateWordsDigest: UInt64
        /// The positions of the detector's gate words (lowercased, each once) in the embedded
        /// word list, in the order of the words.
        var wordIDs: [Int32]
        var analysis: PatternAnalysis
    }

    /// The first field of the embedded form, with its version.
    static let header: UInt64 = 0x636f_7264_6f6e_0004

    /// Encodes `records` as 64-bit numbers (a constant array the compiler lays out in the binary,
    /// read in place: as text they were 1.4 M instructions of parsing at every start-up).
    static func encode(_ records: [Record]) -> [UInt64] {
        var numbers: [UInt64] = [header, UInt64(records.count)]
        func add(_ number: Int) { numbers.append(UInt64(number)) }
        func add(_ set: ByteSet) {
            var words: [UInt64] = [0, 0, 0, 0]
            for byte in 0...255 where set.contains(UInt8(byte)) { words[byte >> 6] |= UInt64(1) << UInt64(byte & 63) }
            numbers += words
        }
        func add(_ steps: ByteSteps) {
            add(steps.counts.count)
            for (members, count) in zip(steps.members, steps.counts) {
                add(members)
                add(count)
            }
        }
        for record in records {
            numbers.append(record.digest)
            numbers.append(record.gateWordsDigest)
            add(record.wordIDs.count)
            for id in record.wordIDs { add(Int(id)) }
            let analysis = record.analysis
            var flags = analysis.startsWithKeyword ? 1 : 0
            if analysis.shape != nil { flags |= 2 }
            if analysis.frame != nil { flags |= 4 }
            if analysis.frame?.run != nil { flags |= 8 }
            if analysis.startSteps != nil { flags |= 16 }
            if analysis.terminator != nil { flags |= 32 }
            if analysis.keywordDistance != nil { flags |= 64 }
            if analysis.requiredRun != nil { flags |= 128 }
            if analysis.longestMatch != nil { flags |= 256 }
            if analysis.valueReach != nil { flags |= 512 }
            add(flags)
            if let shape = analysis.shape {
                add(shape.offset)
                add(shape.minimumCount)
                add(shape.members)
            }
            if let frame = analysis.frame {
                if let run = frame.run {
                    add(run.members)
                    add(run.minimum)
                    add(run.maximum)
                }
                add(frame.fixed)
                add(frame.after)
            }
            if let steps = analysis.startSteps { add(steps) }
            if let terminator = analysis.terminator {
                add(terminator.reach)
                add(terminator.literal.count)
                for byte in terminator.literal { add(Int(byte)) }
            }
            if let distance = analysis.keywordDistance { add(distance) }
            if let run = analysis.requiredRun {
                add(run.members)
                add(run.count)
                add(run.earliest)
                add(run.latest)
            }
            if let longest = analysis.longestMatch { add(longest) }
            if let reach = analysis.valueReach { add(reach) }
        }
        return numbers
    }

    /// Decodes ``encode(_:)``'s numbers; `nil` if they are not such numbers (then every engine
    /// reads the patterns itself).
    static func decode(_ numbers: UnsafeBufferPointer<UInt64>) -> [Record]? {
        var reader = NumberReader(numbers: numbers)
        guard reader.next() == header, let count = reader.int(), count <= numbers.count else { return nil }
        var records: [Record] = []
        records.reserveCapacity(count)
        func set() -> ByteSet? {
            var set = ByteSet()
            for word in 0..<4 {
                guard var bits = reader.next() else { return nil }
                while bits != 0 {
                    set.insert(UInt8(word * 64 + bits.trailingZeroBitCount))
                    bits &= bits &- 1
                }
            }
            return set
        }
        func steps() -> ByteSteps? {
            guard let count = reader.int(), count <= 256 else { return nil }
            var steps: [(members: ByteSet, count: Int)] = []
            steps.reserveCapacity(count)
            for _ in 0..<count {
                guard let members = set(), let length = reader.int() else { return nil }
                steps.append((members, length))
            }
            return ByteSteps(steps)
        }
        for _ in 0..<count {
            guard let digest = reader.next(), let gateWordsDigest = reader.next(), let idCount = reader.int(), idCount <= 4096
            else { return nil }
            var ids: [Int32] = []
            ids.reserveCapacity(idCount)
            for _ in 0..<idCount {
                guard let id = reader.int(), id <= Int(Int32.max) else { return nil }
                ids.append(Int32(id))
            }
            guard let flags = reader.int() else { return nil }
            var analysis = PatternAnalysis()
            analysis.startsWithKeyword = flags & 1 != 0
            if flags & 2 != 0 {
                guard let offset = reader.int(), let minimum = reader.int(), let members = set() else { return nil }
                analysis.shape = TokenShape(offset: offset, minimumCount: minimum, members: members)
            }
            if flags & 4 != 0 {
                var run: (members: ByteSet, minimum: Int, maximum: Int)?
                if flags & 8 != 0 {
                    guard let members = set(), let minimum = reader.int(), let maximum = reader.int() else { return nil }
                    run = (members, minimum, maximum)
                }
                guard let fixed = steps(), let after = steps() else { return nil }
                analysis.frame = KeywordFrame(run: run, fixed: fixed, after: after)
            }
            if flags & 16 != 0 {
                guard let steps = steps() else { return nil }
                analysis.startSteps = steps
            }
            if flags & 32 != 0 {
                guard let reach = reader.int(), let length = reader.int(), length <= 4096 else { return nil }
                var literal: [UInt8] = []
                literal.reserveCapacity(length)
                for _ in 0..<length {
                    guard let byte = reader.int(), byte < 256 else { return nil }
                    literal.append(UInt8(byte))
                }
                analysis.terminator = BlockTerminator(literal: literal, reach: reach)
            }
            if flags & 64 != 0 {
                guard let distance = reader.int() else { return nil }
                analysis.keywordDistance = distance
            }
            if flags & 128 != 0 {
                guard let members = set(), let count = reader.int(), let earliest = reader.int(), let latest = reader.int()
                else { return nil }
                analysis.requiredRun = RequiredRun(members: members, count: count, earliest: earliest, latest: latest)
            }
            if flags & 256 != 0 {
                guard let longest = reader.int() else { return nil }
                analysis.longestMatch = longest
            }
            if flags & 512 != 0 {
                guard let reach = reader.int() else { return nil }
                analysis.valueReach = reach
            }
            records.append(Record(digest: digest, gateWordsDigest: gateWordsDigest, wordIDs: ids, analysis: analysis))
        }
        guard reader.isAtEnd else { return nil }
        return records
    }

    /// Reads the numbers of the embedded form one after another.
    private struct NumberReader {
        let numbers: UnsafeBufferPointer<UInt64>
        var offset = 0

        var isAtEnd: Bool { offset >= numbers.count }

        /// The next number, or `nil` at the end.
        mutating func next() -> UInt64? {
            guard offset < numbers.count else { return nil }
            defer { offset += 1 }
            return numbers[offset]
        }

        /// The next number as an `Int` of at most 2^31.
        mutating func int() -> Int? {
            guard let value = next(), value <= 1 << 31 else { return nil }
            return Int(value)
        }
    }
}
