import CVectorscan
import Foundation

/// The scan's first stage: every occurrence of every detector's gate words, found by one
/// Vectorscan pass over the message.
///
/// Vectorscan matches all the words at once with SIMD code chosen at run time (AVX-512, AVX2 or
/// SSE4.2), about 1 GB/s per core on ordinary text where a byte-at-a-time automaton
/// (``KeywordAutomaton``) reaches about 330 MB/s. Its hits are the automaton's: every word is a
/// caseless literal (ASCII case folding, as the automaton's), and every occurrence is reported,
/// overlapping ones included, as `(detector, start)` pairs in order of where they end.
///
/// The built-in detectors' gate words (``PatternAnalysis/gateWords(of:)``, and no other word: a
/// word that gates no detector makes no hit but costs Vectorscan a confirmation and a report at
/// each match, 55 % of the matches on real text when context words were included) are compiled
/// and serialized at build time (the `EmbedDetectors` plugin), so a process deserializes the
/// database (well under a millisecond) instead of compiling it; a set whose gate words the
/// embedded database lacks (custom `--detectors` files) has its own database compiled when the
/// engine is created. Where Vectorscan cannot run (a CPU
/// without SSE4.2), ``init(gateWords:)`` returns `nil` and the engine uses the automaton.
final class KeywordPrefilter: @unchecked Sendable {
    /// The database; shared by every engine when it is the embedded one.
    private let database: OpaquePointer
    /// Whether `database` was compiled for this prefilter (and is freed with it).
    private let ownsDatabase: Bool
    /// For pattern id `w`: the word's length in bytes.
    let wordLengths: [Int32]
    /// The longest word's length in bytes (chunks overlap by one less).
    private let longestWord: Int
    /// For pattern id `w`: the detectors gated by the word, `wordDetectors[detectorStart[w]..<detectorStart[w + 1]]`.
    let detectorStart: [Int32]
    let wordDetectors: [Int32]
    /// `wordDetectors` as hit keys with a start of 0 (``KeywordHits/key(detector:start:)``): the
    /// match callback adds the start.
    private let wordDetectorKeys: [UInt64]
    /// Whether the database came from the build (`false`: compiled at start-up).
    let isEmbedded: Bool

    /// The flags every word is compiled with, here and in the build tool (`CordonEmbed`).
    static let wordFlags = UInt32(HS_FLAG_CASELESS)

    /// Prepares the first stage for detectors whose gate words are `gateWords[i]` (detector `i`);
    /// `nil` when Vectorscan cannot run on this machine or the words do not compile.
    convenience init?(gateWords: [[String]]) {
        self.init(gateWords: gateWords, embeddedWordIDs: [])
    }

    /// Prepares the first stage for detectors whose gate words are `gateWords[i]` (detector `i`),
    /// where `embeddedWordIDs[i]`, when there is one, holds the positions of detector `i`'s
    /// words (lowercased, each once, in order) in the embedded word list, found at build time
    /// (``PatternAnalysis/Record/wordIDs``): the words of those detectors are not looked up.
    init?(gateWords: [[String]], embeddedWordIDs: [[Int32]?]) {
        guard hs_valid_platform() == HS_SUCCESS else { return nil }
        precondition(gateWords.count <= KeywordHits.detectorLimit, "more detectors than a keyword hit key holds")
        // Each detector's words, lowercased; each word's id counts once per detector, so a
        // detector with `key` and `KEY` gets one hit per occurrence, as from the automaton.
        func lowered(_ detector: Int) -> [[UInt8]] {
            gateWords[detector].compactMap { $0.isEmpty ? nil : Self.lowercased($0) }
        }
        let lengths: [Int32]
        let idsOfDetector: [[Int32]]
        let detectorWords: [DetectorWords] = gateWords.indices.map { detector in
            if detector < embeddedWordIDs.count, let ids = embeddedWordIDs[detector] { return .known(ids) }
            return .words(lowered(detector))
        }
        if let embedded = Self.embedded,
            let ids = Self.ids(of: detectorWords, wordCount: embedded.wordLengths.count, in: { Self.embeddedWords })
        {
            database = embedded.database
            ownsDatabase = false
            isEmbedded = true
            lengths = embedded.wordLengths
            idsOfDetector = ids
        } else {
            let lowered = gateWords.indices.map(lowered)
            let words = Set(lowered.joined()).sorted { $0.lexicographicallyPrecedes($1) }
            guard !words.isEmpty, let compiled = Self.compile(words),
                let ids = Self.ids(of: lowered.map { .words($0) }, wordCount: words.count, in: { words })
            else { return nil }
            database = compiled
            ownsDatabase = true
            isEmbedded = false
            lengths = words.map { Int32($0.count) }
            idsOfDetector = ids
        }
        let wordCount = lengths.count
        // Each word's detectors in ascending order, laid out one word after another (a counting
        // sort: one array instead of one per word).
        var start = [Int32](repeating: 0, count: wordCount + 1)
        for ids in idsOfDetector {
            for id in ids { start[Int(id) + 1] += 1 }
        }
        for word in 0..<wordCount { start[word + 1] += start[word] }
        var next = start
        var detectors = [Int32](repeating: 0, count: Int(start[wordCount]))
        for (detector, ids) in idsOfDetector.enumerated() {
            for id in ids {
                detectors[Int(next[Int(id)])] = Int32(detector)
                next[Int(id)] += 1
            }
        }
        wordLengths = lengths
        longestWord = wordLengths.reduce(1) { max($0, Int($1)) }
        detectorStart = start
        wordDetectors = detectors
        wordDetectorKeys = detectors.map { KeywordHits.key(detector: $0, start: 0) }
    }

    /// The position in `sorted` (byte-wise ascending, unique) of each detector's words, each
    /// position once per detector (positions already known are taken as they are, if below
    /// `wordCount`); `nil` if a word is not in `sorted`, which is asked for only when a detector's
    /// words are to be looked up.
    ///
    /// A binary search per word: hashing the words into a dictionary, as before, was most of
    /// the first stage's set-up at every start-up.
    private static func ids(of lowered: [DetectorWords], wordCount: Int, in sortedWords: () -> [[UInt8]]?) -> [[Int32]]? {
        var sorted: [[UInt8]]?
        var result: [[Int32]] = []
        result.reserveCapacity(lowered.count)
        for detector in lowered {
            let words: [[UInt8]]
            switch detector {
            case .known(let ids):
                guard ids.allSatisfy({ $0 >= 0 && Int($0) < wordCount }) else { return nil }
                result.append(ids)
                continue
            case .words(let lowered):
                words = lowered
            }
            if sorted == nil { sorted = sortedWords() }
            guard let sorted, sorted.count == wordCount else { return nil }
            var ids: [Int32] = []
            ids.reserveCapacity(words.count)
            for word in words {
                guard let id = position(of: word, in: sorted) else { return nil }
                if !ids.contains(id) { ids.append(id) }
            }
            result.append(ids)
        }
        return result
    }

    /// One detector's gate words: lowercased, or already as their positions in the word list.
    private enum DetectorWords {
        case words([[UInt8]])
        case known([Int32])
    }

    /// The index of `word` in `sorted` (byte-wise ascending), or `nil`.
    private static func position(of word: [UInt8], in sorted: [[UInt8]]) -> Int32? {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            let order = compare(sorted[middle], word)
            if order == 0 { return Int32(middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The byte-wise order of `a` and `b` (`lexicographicallyPrecedes`'s): negative, zero or positive.
    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let common = min(a.count, b.count)
        let order = a.withUnsafeBytes { a in b.withUnsafeBytes { b in common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common) } }
        return order != 0 ? Int(order) : a.count - b.count
    }

    deinit {
        if ownsDatabase { hs_free_database(database) }
    }

    /// Scratch space for one thread's scans; `nil` if Vectorscan cannot allocate it.
    func makeScratch() -> OpaquePointer? {
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS else { return nil }
        return scratch
    }

    /// The state the match callback reads and writes: borrowed tables and the hits found.
    ///
    /// The hits go to a buffer without reference counting, appended to the ``KeywordHits`` in
    /// bulk after the scan: an `Array` append per hit was most of the callback's cost, ~60
    /// instructions a word match (callgrind, agent traffic: 140,000 word matches in 3.2 MB, round
    /// 11). Each hit is one key (detector and start in one word, the form ``KeywordHits`` keeps),
    /// made from the word's detector keys by adding the start.
    private struct Collector {
        var lengths: UnsafePointer<Int32>
        var detectorStart: UnsafePointer<Int32>
        /// `nil` only when no word gates a detector (then no word matches reach it).
        var detectorKeys: UnsafePointer<UInt64>?
        var found: GrowableBuffer<UInt64>
        /// Hits ending at or before this offset of the chunk were reported by the previous chunk.
        var reportedEnd: UInt64
        /// The chunk's offset in the message.
        var base: Int
    }

    /// The largest chunk one Vectorscan call scans (its lengths are 32-bit).
    static let chunkSize = 1 << 30

    /// Appends every gate-word occurrence in `text` to `hits` (as ``KeywordAutomaton/collectHits(in:into:)``
    /// does); returns `false` if Vectorscan failed or `text` is too long for a hit's start
    /// (``KeywordHits/fitsStart(_:)``: 1 TiB), in which case `hits` is unchanged.
    func collectHits(in text: UnsafeBufferPointer<UInt8>, scratch: OpaquePointer, into hits: inout KeywordHits) -> Bool {
        guard let base = text.baseAddress, !text.isEmpty else { return true }
        guard KeywordHits.fitsStart(text.count) else { return false }
        let longest = longestWord
        // About one hit per 28 bytes of agent traffic: room for that before the buffer grows.
        var found = GrowableBuffer<UInt64>(capacity: min(4096, text.count / 16 + 16))
        defer { found.deallocate() }
        let succeeded = wordLengths.withUnsafeBufferPointer { lengths in
            detectorStart.withUnsafeBufferPointer { starts in
                wordDetectorKeys.withUnsafeBufferPointer { keys in
                    // One call per chunk of at most 1 GiB; consecutive chunks overlap by the
                    // longest word less one byte, and an occurrence ending in the overlap is
                    // reported by the earlier chunk only.
                    var chunkStart = 0
                    var scannedEnd = 0
                    while scannedEnd < text.count {
                        let chunkEnd = min(text.count, scannedEnd + Self.chunkSize)
                        var collector = Collector(
                            lengths: lengths.baseAddress!, detectorStart: starts.baseAddress!,
                            detectorKeys: keys.baseAddress, found: found,
                            reportedEnd: UInt64(scannedEnd - chunkStart), base: chunkStart)
                        let status = withUnsafeMutablePointer(to: &collector) { context in
                            hs_scan(
                                database, UnsafeRawPointer(base + chunkStart).assumingMemoryBound(to: CChar.self),
                                UInt32(chunkEnd - chunkStart), 0, scratch, Self.onMatch, context)
                        }
                        // The buffer may have moved as it grew.
                        found = collector.found
                        guard status == HS_SUCCESS else { return false }
                        scannedEnd = chunkEnd
                        chunkStart = max(0, chunkEnd - (longest - 1))
                    }
                    return true
                }
            }
        }
        // Nothing is appended when Vectorscan failed: `hits` stays as it was.
        if succeeded { hits.append(keys: UnsafeBufferPointer(start: found.base, count: found.count)) }
        return succeeded
    }

    /// Vectorscan's match callback: one word ends at `to`; a hit for each detector it gates.
    private static let onMatch: match_event_handler = { id, _, to, _, context in
        let collector = context!.assumingMemoryBound(to: Collector.self)
        guard to > collector.pointee.reportedEnd else { return 0 }
        let word = Int(id)
        let start = UInt64(collector.pointee.base + Int(to) - Int(collector.pointee.lengths[word]))
        var index = Int(collector.pointee.detectorStart[word])
        let last = Int(collector.pointee.detectorStart[word + 1])
        guard index < last, let keys = collector.pointee.detectorKeys else { return 0 }
        while index < last {
            collector.pointee.found.append(keys[index] | start)
            index &+= 1
        }
        return 0
    }

    /// `word`'s UTF-8 bytes with ASCII letters lowercased (the automaton's case folding).
    static func lowercased(_ word: String) -> [UInt8] {
        word.utf8.map(ByteClass.lowercased)
    }

    /// Compiles `words` as caseless literals, pattern id = position; `nil` on failure.
    static func compile(_ words: [[UInt8]]) -> OpaquePointer? {
        var database: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let storage = words.map { word in word.map { CChar(bitPattern: $0) } }
        let status: hs_error_t = withExtendedLifetime(storage) {
            let pointers: [UnsafePointer<CChar>?] = storage.map { $0.withUnsafeBufferPointer { $0.baseAddress } }
            let flags = [UInt32](repeating: wordFlags, count: words.count)
            let ids = (0..<words.count).map { UInt32($0) }
            return hs_compile_lit_multi(
                pointers, flags, ids, words.map(\.count), UInt32(words.count), UInt32(HS_MODE_BLOCK), nil, &database,
                &compileError)
        }
        if let compileError { hs_free_compile_error(compileError) }
        return status == HS_SUCCESS ? database : nil
    }

    /// The database the build embedded for the built-in detectors and each word's length (a
    /// word's position is its pattern id), loaded once per process; `nil` if it cannot be (a
    /// different Vectorscan library at run time). Read-only once initialised, and a Vectorscan
    /// database may be scanned by any number of threads at once (each with its own scratch),
    /// hence `nonisolated(unsafe)` for the opaque pointer.
    ///
    /// The serialized bytes are a constant array of 64-bit words, which the compiler lays out in
    /// the binary: Vectorscan reads them where they are. As a string literal they were decoded
    /// at every start-up (2.9 M instructions, most of the first stage's set-up).
    nonisolated(unsafe) private static let embedded: (database: OpaquePointer, wordLengths: [Int32])? = {
        let count = EmbeddedKeywordDatabase.databaseByteCount
        #if _endian(big)
            let words = EmbeddedKeywordDatabase.database.map(\.littleEndian)
        #else
            let words = EmbeddedKeywordDatabase.database
        #endif
        guard count <= words.count * 8 else { return nil }
        var database: OpaquePointer?
        let status = words.withUnsafeBytes { bytes in
            hs_deserialize_database(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), count, &database)
        }
        guard status == HS_SUCCESS, let database else { return nil }
        return (database, EmbeddedKeywordDatabase.wordLengths)
    }()

    /// The embedded words (byte-wise ascending), decoded on first need: only when a detector's
    /// words are looked up, which the built-in detectors' are not (the build found their ids).
    private static let embeddedWords: [[UInt8]]? = {
        // Each word is one byte of its length, then its bytes (`LatinBytes`).
        guard let packed = EmbeddedKeywordDatabase.words.withUTF8Buffer({ LatinBytes.decode($0) }) else { return nil }
        var words: [[UInt8]] = []
        var index = 0
        while index < packed.count {
            let length = Int(packed[index])
            index += 1
            guard length > 0, index + length <= packed.count else { return nil }
            words.append(Array(packed[index..<(index + length)]))
            index += length
        }
        return words
    }()
}
