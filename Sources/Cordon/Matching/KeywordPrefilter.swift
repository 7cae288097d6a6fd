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
/// The built-in detectors' words are compiled and serialized at build time (the `EmbedDetectors`
/// plugin), so a process deserializes the database (well under a millisecond) instead of
/// compiling it; a set whose words the embedded database lacks (custom `--detectors` files) has
/// its own database compiled when the engine is created. Where Vectorscan cannot run (a CPU
/// without SSE4.2), ``init(gateWords:)`` returns `nil` and the engine uses the automaton.
final class KeywordPrefilter: @unchecked Sendable {
    /// The database; shared by every engine when it is the embedded one.
    private let database: OpaquePointer
    /// Whether `database` was compiled for this prefilter (and is freed with it).
    private let ownsDatabase: Bool
    /// For pattern id `w`: the word's length in bytes.
    private let wordLengths: [Int32]
    /// For pattern id `w`: the detectors gated by the word, `wordDetectors[detectorStart[w]..<detectorStart[w + 1]]`.
    private let detectorStart: [Int32]
    private let wordDetectors: [Int32]
    /// Whether the database came from the build (`false`: compiled at start-up).
    let isEmbedded: Bool

    /// The flags every word is compiled with, here and in the build tool (`CordonEmbed`).
    static let wordFlags = UInt32(HS_FLAG_CASELESS)

    /// Prepares the first stage for detectors whose gate words are `gateWords[i]` (detector `i`);
    /// `nil` when Vectorscan cannot run on this machine or the words do not compile.
    init?(gateWords: [[String]]) {
        guard hs_valid_platform() == HS_SUCCESS else { return nil }
        // Each detector's words, lowercased and unique: a detector with `key` and `KEY` gets
        // one hit per occurrence, as from the automaton.
        let perDetector = gateWords.map { words in Set(words.filter { !$0.isEmpty }.map(Self.lowercased)) }
        var ids: [[UInt8]: Int]
        var words: [[UInt8]]
        if let embedded = Self.embedded, perDetector.allSatisfy({ $0.allSatisfy { embedded.index[$0] != nil } }) {
            database = embedded.database
            ownsDatabase = false
            isEmbedded = true
            ids = embedded.index
            words = embedded.words
        } else {
            words = Set(perDetector.joined()).sorted { $0.lexicographicallyPrecedes($1) }
            guard !words.isEmpty, let compiled = Self.compile(words) else { return nil }
            database = compiled
            ownsDatabase = true
            isEmbedded = false
            ids = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
        }
        var detectorsOfWord = [[Int32]](repeating: [], count: words.count)
        for (detector, set) in perDetector.enumerated() {
            for word in set { detectorsOfWord[ids[word]!].append(Int32(detector)) }
        }
        wordLengths = words.map { Int32($0.count) }
        var start: [Int32] = [0]
        for list in detectorsOfWord { start.append(start.last! + Int32(list.count)) }
        detectorStart = start
        wordDetectors = Array(detectorsOfWord.joined())
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

    /// The state the match callback reads and writes: borrowed tables and the hits.
    private struct Collector {
        var lengths: UnsafePointer<Int32>
        var detectorStart: UnsafePointer<Int32>
        var detectors: UnsafePointer<Int32>
        var hits: UnsafeMutablePointer<KeywordHits>
        /// Hits ending at or before this offset of the chunk were reported by the previous chunk.
        var reportedEnd: UInt64
        /// The chunk's offset in the message.
        var base: Int
    }

    /// The largest chunk one Vectorscan call scans (its lengths are 32-bit).
    static let chunkSize = 1 << 30

    /// Appends every gate-word occurrence in `text` to `hits` (as ``KeywordAutomaton/collectHits(in:into:)``
    /// does); returns `false` if Vectorscan failed, in which case `hits` is unchanged.
    func collectHits(in text: UnsafeBufferPointer<UInt8>, scratch: OpaquePointer, into hits: inout KeywordHits) -> Bool {
        guard let base = text.baseAddress, !text.isEmpty else { return true }
        let longest = Int(wordLengths.max() ?? 1)
        let saved = hits
        let succeeded = wordLengths.withUnsafeBufferPointer { lengths in
            detectorStart.withUnsafeBufferPointer { starts in
                wordDetectors.withUnsafeBufferPointer { detectors in
                    withUnsafeMutablePointer(to: &hits) { hits in
                        // One call per chunk of at most 1 GiB; consecutive chunks overlap by the
                        // longest word less one byte, and an occurrence ending in the overlap is
                        // reported by the earlier chunk only.
                        var chunkStart = 0
                        var scannedEnd = 0
                        while scannedEnd < text.count {
                            let chunkEnd = min(text.count, scannedEnd + Self.chunkSize)
                            var collector = Collector(
                                lengths: lengths.baseAddress!, detectorStart: starts.baseAddress!,
                                detectors: detectors.baseAddress ?? starts.baseAddress!, hits: hits,
                                reportedEnd: UInt64(scannedEnd - chunkStart), base: chunkStart)
                            let status = withUnsafeMutablePointer(to: &collector) { context in
                                hs_scan(
                                    database, UnsafeRawPointer(base + chunkStart).assumingMemoryBound(to: CChar.self),
                                    UInt32(chunkEnd - chunkStart), 0, scratch, Self.onMatch, context)
                            }
                            guard status == HS_SUCCESS else { return false }
                            scannedEnd = chunkEnd
                            chunkStart = max(0, chunkEnd - (longest - 1))
                        }
                        return true
                    }
                }
            }
        }
        if !succeeded { hits = saved }
        return succeeded
    }

    /// Vectorscan's match callback: one word ends at `to`; a hit for each detector it gates.
    private static let onMatch: match_event_handler = { id, _, to, _, context in
        let collector = context!.assumingMemoryBound(to: Collector.self)
        guard to > collector.pointee.reportedEnd else { return 0 }
        let word = Int(id)
        let start = collector.pointee.base + Int(to) - Int(collector.pointee.lengths[word])
        let first = Int(collector.pointee.detectorStart[word])
        let last = Int(collector.pointee.detectorStart[word + 1])
        var index = first
        while index < last {
            collector.pointee.hits.pointee.append(detector: collector.pointee.detectors[index], start: start)
            index += 1
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

    /// The database the build embedded for the built-in detectors, deserialized once per
    /// process; `nil` if it cannot be (a different Vectorscan library at run time). Read-only
    /// once initialised, and a Vectorscan database may be scanned by any number of threads at
    /// once (each with its own scratch), hence `nonisolated(unsafe)` for the opaque pointer.
    nonisolated(unsafe) private static let embedded: (database: OpaquePointer, words: [[UInt8]], index: [[UInt8]: Int])? = {
        let words: [[UInt8]] = EmbeddedKeywordDatabase.words.withUTF8Buffer { text in
            text.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { hex in
                stride(from: hex.startIndex, to: hex.endIndex, by: 2).map { UInt8(Hex.value(of: hex[$0])! << 4 | Hex.value(of: hex[$0 + 1])!) }
            }
        }
        guard let bytes = EmbeddedKeywordDatabase.database.withUTF8Buffer({ LatinBytes.decode($0) }) else { return nil }
        var database: OpaquePointer?
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { hs_deserialize_database($0.baseAddress, $0.count, &database) }
        }
        guard status == HS_SUCCESS, let database else { return nil }
        return (database, words, Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) }))
    }()
}
