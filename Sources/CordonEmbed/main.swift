// Generates the Swift source that embeds the built-in detectors in Cordon.
//
// Usage: CordonEmbed OUTPUT.swift INPUT.yaml...
// Each input is parsed with the detector-file parser Cordon itself uses (strictly: a bad file
// fails the build with its error, which never quotes a value), and the detectors of all files,
// in the order given, are written as one `DetectorTable` in a string literal.

import CPCRE2
import CVectorscan
import CordonDetectorModel
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: CordonEmbed OUTPUT.swift INPUT.yaml...\n".utf8))
    exit(2)
}

/// Writes `bytes` (UTF-8 text) as the body of a one-line Swift string literal.
func literal(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 16)
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "\""):
            out += [UInt8(ascii: "\\"), byte]
        case 0..<0x20, 0x7F:
            out += Array("\\u{\(String(byte, radix: 16))}".utf8)
        default:
            out.append(byte)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

var detectors: [Detector] = []
for path in arguments.dropFirst(2) {
    let name = URL(fileURLWithPath: path).lastPathComponent
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        FileHandle.standardError.write(Data("CordonEmbed: cannot read \(path) as UTF-8\n".utf8))
        exit(1)
    }
    do {
        detectors += try DetectorFileParser(file: "detectors/\(name)").parse(text)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
}

// Ids are unique (`DetectorSet`'s check, made here so that no process repeats it at start-up).
var seenIDs = Set<String>()
for detector in detectors where !seenIDs.insert(detector.id).inserted {
    FileHandle.standardError.write(Data("error: \(detector.source): duplicate detector id \(detector.id)\n".utf8))
    exit(1)
}

// The keyword database of the first stage (Cordon's `KeywordPrefilter`): every gate word of every
// built-in detector (`PatternAnalysis.gateWords`: its keywords, or its required context words when
// it has neither keywords nor a run gate), ASCII-lowercased and unique, in sorted order, compiled
// once here as caseless Vectorscan literals and serialized, so a process loads it in well under a
// millisecond instead of compiling it (30-110 ms) at start-up. It is compiled for a generic x86-64
// target (no CPU feature assumed), so the binary runs on any machine Vectorscan supports; the
// scan picks its SIMD code at run time. The compile flags must equal `KeywordPrefilter.compile`'s.
//
// Only gate words: a word that gates no detector (the context words of a detector that has
// keywords or a run gate, or whose context is optional) makes no hit, yet each of its matches
// cost Vectorscan a confirmation and a report. With them the database held 1,097 words of which
// 195 gated nothing, and they were 55 % of its matches on real text; without them the pass runs
// 14 % fewer instructions and 20-30 % less CPU (a C harness over the real-text and agent corpora).
func lowercasedASCII(_ word: String) -> [UInt8] {
    word.utf8.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }
}
var wordSet = Set<[UInt8]>()
for detector in detectors {
    for word in PatternAnalysis.gateWords(of: detector) where !word.isEmpty { wordSet.insert(lowercasedASCII(word)) }
}
let words = wordSet.sorted { $0.lexicographicallyPrecedes($1) }

func compileKeywordDatabase(_ words: [[UInt8]]) -> [UInt8] {
    var platform = hs_platform_info_t(tune: 0, cpu_features: 0, reserved1: 0, reserved2: 0)
    var database: OpaquePointer?
    var compileError: UnsafeMutablePointer<hs_compile_error_t>?
    let storage = words.map { word in word.map { CChar(bitPattern: $0) } }
    let status: hs_error_t = withExtendedLifetime(storage) {
        let pointers: [UnsafePointer<CChar>?] = storage.map { $0.withUnsafeBufferPointer { $0.baseAddress } }
        let flags = [UInt32](repeating: UInt32(HS_FLAG_CASELESS), count: words.count)
        let ids = (0..<words.count).map { UInt32($0) }
        let lengths = words.map(\.count)
        return hs_compile_lit_multi(
            pointers, flags, ids, lengths, UInt32(words.count), UInt32(HS_MODE_BLOCK), &platform, &database, &compileError)
    }
    guard status == HS_SUCCESS, let database else {
        let message = compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(status)"
        FileHandle.standardError.write(Data("error: CordonEmbed: the keyword database does not compile: \(message)\n".utf8))
        exit(1)
    }
    defer { hs_free_database(database) }
    var bytes: UnsafeMutablePointer<CChar>?
    var length = 0
    guard hs_serialize_database(database, &bytes, &length) == HS_SUCCESS, let bytes else {
        FileHandle.standardError.write(Data("error: CordonEmbed: cannot serialize the keyword database\n".utf8))
        exit(1)
    }
    defer { free(bytes) }
    return UnsafeRawBufferPointer(start: bytes, count: length).map { $0 }
}
let database = compileKeywordDatabase(words)

/// Each byte as the UTF-8 encoding of the Unicode scalar with its number (bytes below 0x80 stay
/// themselves), so any bytes fit a Swift string literal and decode in one pass.
func latinEncoded(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 3 / 2)
    for byte in bytes {
        if byte < 0x80 {
            out.append(byte)
        } else {
            out += [0xC0 | byte >> 6, 0x80 | byte & 0x3F]
        }
    }
    return out
}
// Each word as one byte holding its length, then its bytes; `KeywordPrefilter` reads them in one
// pass. Keywords are short; a word longer than 255 bytes fails the build.
var packedWords: [UInt8] = []
for word in words {
    guard word.count <= 255 else {
        FileHandle.standardError.write(Data("error: CordonEmbed: a keyword is longer than 255 bytes\n".utf8))
        exit(1)
    }
    packedWords.append(UInt8(word.count))
    packedWords += word
}

// What engine creation reads off each built-in detector's pattern (``PatternAnalysis``), and
// the positions of its gate words in `words` (the first stage's word→detector table): read here
// once, so that a process decodes the answers instead of reading ~500 patterns at start-up. The
// limits are the engine's (`Engine.keywordWindow`, `CompiledDetector.startStepsReach`); each
// record's digest includes them, so an engine with other limits reads the patterns itself.
let records = detectors.map { detector -> PatternAnalysis.Record in
    let gateWords = PatternAnalysis.gateWords(of: detector)
    var ids: [Int32] = []
    for word in gateWords where !word.isEmpty {
        let lowered = lowercasedASCII(word)
        guard let id = words.firstIndex(of: lowered) else {
            FileHandle.standardError.write(Data("error: CordonEmbed: a gate word is missing from the keyword list\n".utf8))
            exit(1)
        }
        if !ids.contains(Int32(id)) { ids.append(Int32(id)) }
    }
    return PatternAnalysis.Record(
        digest: PatternAnalysis.digest(
            of: detector, window: PatternAnalysis.builtInWindow, startStepsReach: PatternAnalysis.builtInStartStepsReach),
        gateWordsDigest: PatternAnalysis.digest(ofGateWords: gateWords), wordIDs: ids,
        analysis: PatternAnalysis(
            detector, window: PatternAnalysis.builtInWindow, startStepsReach: PatternAnalysis.builtInStartStepsReach))
}
let encodedRecords = PatternAnalysis.encode(records)
guard encodedRecords.withUnsafeBufferPointer({ PatternAnalysis.decode($0) }) == records else {
    FileHandle.standardError.write(Data("error: CordonEmbed: the pattern analysis does not decode to itself\n".utf8))
    exit(1)
}

// The database as little-endian 64-bit words, eight to a line.
var databaseWordValues: [String] = []
for offset in stride(from: 0, to: database.count, by: 8) {
    var word: UInt64 = 0
    for (shift, byte) in database[offset..<min(offset + 8, database.count)].enumerated() { word |= UInt64(byte) << (8 * UInt64(shift)) }
    databaseWordValues.append(word == 0 ? "0" : "0x" + String(word, radix: 16))
}
/// `values` as the lines of an array literal, eight to a line.
func constantLines(_ values: [String]) -> String {
    stride(from: 0, to: values.count, by: 8)
        .map { "        " + values[$0..<min($0 + 8, values.count)].joined(separator: ", ") + "," }
        .joined(separator: "\n")
}
let databaseWords = constantLines(databaseWordValues)

// Every built-in pattern, allowlist pattern and test-value pattern (and each combination of
// allowlist or test-value patterns, `AllowlistCombination`) compiled by PCRE2 with the
// options the engine compiles it with (`CompiledPattern`: `PCRE2_USE_OFFSET_LIMIT` for a gated
// detector's pattern, none otherwise) and serialized one by one (`EmbeddedPatternCode`), so a
// process decodes the few it needs instead of compiling them. Each entry: the source's length
// (4 bytes, little-endian), the source, PCRE2's bytes; entries sorted by their key.
var patternEntries: [UInt64: [UInt8]] = [:]
var patternTables: [UInt8] = []
@MainActor func embedPattern(_ source: String, options: UInt32) {
    let bytes = Array(source.utf8)
    let key = bytes.withUnsafeBufferPointer { SerializedPatternCode.key($0, options: options) }
    if let known = patternEntries[key] {
        guard known[4..<(4 + bytes.count)].elementsEqual(bytes) else {
            FileHandle.standardError.write(Data("error: CordonEmbed: two patterns have the same key\n".utf8))
            exit(1)
        }
        return
    }
    var errorCode: Int32 = 0
    var errorOffset = 0
    guard var code = bytes.withUnsafeBufferPointer({ pcre2_compile_8($0.baseAddress, $0.count, options, &errorCode, &errorOffset, nil) }) as OpaquePointer?
    else {
        return  // the engine reports it (a built-in pattern that does not compile fails the test suite)
    }
    defer { pcre2_code_free_8(code) }
    var serialized: UnsafeMutablePointer<UInt8>?
    var size = 0
    let count = withUnsafeMutablePointer(to: &code) { codes in
        codes.withMemoryRebound(to: OpaquePointer?.self, capacity: 1) { pcre2_serialize_encode_8($0, 1, &serialized, &size, nil) }
    }
    guard count == 1, let serialized else {
        FileHandle.standardError.write(Data("error: CordonEmbed: PCRE2 cannot serialize a pattern\n".utf8))
        exit(1)
    }
    defer { pcre2_serialize_free_8(serialized) }
    // PCRE2's bytes are a 16-byte header, the character tables (the same 1,088 bytes in every
    // entry: kept once, `EmbeddedCompiledPatterns.tables`) and the code.
    let all = Array(UnsafeBufferPointer(start: serialized, count: size))
    let tablesEnd = SerializedPatternCode.headerLength + SerializedPatternCode.tablesLength
    guard all.count > tablesEnd else {
        FileHandle.standardError.write(Data("error: CordonEmbed: PCRE2's serialization is shorter than expected\n".utf8))
        exit(1)
    }
    let tables = Array(all[SerializedPatternCode.headerLength..<tablesEnd])
    if patternTables.isEmpty { patternTables = tables }
    // What a process will decode: the header, the shared tables, the code — checked here to
    // decode to code of the same size and options as the compiled one.
    let rebuilt = SerializedPatternCode.serialization(header: all[..<SerializedPatternCode.headerLength], tables: patternTables, code: all[tablesEnd...])
    var decoded: OpaquePointer?
    let decodedCount = rebuilt.withUnsafeBufferPointer { pcre2_serialize_decode_8(&decoded, 1, $0.baseAddress, nil) }
    defer { if let decoded { pcre2_code_free_8(decoded) } }
    func info(_ code: OpaquePointer?, _ what: UInt32) -> Int {
        var value = 0
        _ = pcre2_pattern_info_8(code, what, &value)
        return value
    }
    guard tables == patternTables, decodedCount == 1, info(decoded, UInt32(PCRE2_INFO_SIZE)) == info(code, UInt32(PCRE2_INFO_SIZE)),
        info(decoded, UInt32(PCRE2_INFO_ALLOPTIONS)) == info(code, UInt32(PCRE2_INFO_ALLOPTIONS))
    else {
        FileHandle.standardError.write(Data("error: CordonEmbed: PCRE2's serialization is not laid out as expected\n".utf8))
        exit(1)
    }
    var entry: [UInt8] = []
    for shift in [0, 8, 16, 24] as [UInt32] { entry.append(UInt8(truncatingIfNeeded: UInt32(bytes.count) >> shift)) }
    entry += bytes
    entry += all[..<SerializedPatternCode.headerLength]
    entry += all[tablesEnd...]
    patternEntries[key] = entry
}
for detector in detectors {
    embedPattern(detector.pattern, options: PatternAnalysis.isGated(detector) ? UInt32(PCRE2_USE_OFFSET_LIMIT) : 0)
    for pattern in detector.allowlist.patterns + detector.allowlist.testValues.patterns { embedPattern(pattern, options: 0) }
    // The alternations the engine runs them as (`AllowlistMatcher`): their members stay embedded
    // too, for the rare value whose combined match fails.
    for list in [detector.allowlist.patterns, detector.allowlist.testValues.patterns] {
        for unit in AllowlistCombination.units(list) where unit.isCombined { embedPattern(unit.source, options: 0) }
    }
}
let patternKeys = patternEntries.keys.sorted()
var patternBlob: [UInt8] = []
var patternOffsets: [Int] = [0]
for key in patternKeys {
    patternBlob += latinEncoded(patternEntries[key]!)
    patternOffsets.append(patternBlob.count)
}

// The sketch of every built-in detector's pattern (`PatternSketch`, `EmbeddedSketchLookup`), as
// its words (`PatternSketch.encoded`; none for a pattern that gives no sketch), so that a process
// decodes a sketch (a few thousand instructions) instead of reading the pattern (~300 thousand:
// 39 M of a scan of the real-text corpus, callgrind, #13). Entries sorted by the digest of their
// source; each keeps its source, which a process compares before it takes the sketch.
var sketchEntries: [UInt64: (source: [UInt8], words: [UInt64])] = [:]
for detector in detectors {
    let bytes = Array(detector.pattern.utf8)
    let key = PatternSketch.embeddingKey(bytes)
    if let known = sketchEntries[key] {
        guard known.source == bytes else {
            FileHandle.standardError.write(Data("error: CordonEmbed: two patterns have the same sketch key\n".utf8))
            exit(1)
        }
        continue
    }
    let sketch = PatternSketch(pattern: detector.pattern)
    let words = sketch?.encoded ?? []
    if let sketch {
        guard let decoded = words.withUnsafeBufferPointer({ PatternSketch(encoded: $0) }), decoded.isSame(as: sketch) else {
            FileHandle.standardError.write(Data("error: CordonEmbed: a pattern sketch does not decode to itself\n".utf8))
            exit(1)
        }
    }
    sketchEntries[key] = (bytes, words)
}
let sketchKeys = sketchEntries.keys.sorted()
var sketchWords: [String] = []
var sketchOffsets: [Int] = [0]
var sketchSources: [UInt8] = []
var sketchSourceOffsets: [Int] = [0]
for key in sketchKeys {
    let entry = sketchEntries[key]!
    sketchWords += entry.words.map { $0 == 0 ? "0" : "0x" + String($0, radix: 16) }
    sketchOffsets.append(sketchWords.count)
    sketchSources += latinEncoded(entry.source)
    sketchSourceOffsets.append(sketchSources.count)
}

let source = """
    // Generated by the EmbedDetectors build plugin from detectors/*.yaml. Do not edit.

    /// The built-in detectors: `detectors/*.yaml` parsed at build time, in `DetectorTable`'s
    /// encoding (\(detectors.count) detectors from \(arguments.count - 2) files).
    enum EmbeddedDetectorTable {
        /// The encoded table, which `DetectorSet.builtIn()` decodes.
        static let text: StaticString = "\(literal(DetectorTable.encode(detectors)))"
    }

    /// The first stage's keyword database for the built-in detectors (`KeywordPrefilter`).
    enum EmbeddedKeywordDatabase {
        /// The \(words.count) words, ASCII-lowercased, in byte-wise ascending order, each as one
        /// byte holding its length and then its bytes, encoded as `database` is; a word's position
        /// is its pattern id in the database.
        static let words: StaticString = "\(literal(latinEncoded(packedWords)))"
        /// The Vectorscan \(HS_MAJOR).\(HS_MINOR) database, serialized: its \(database.count) bytes as
        /// little-endian 64-bit words, the last padded with zeros. A constant array, which the
        /// compiler lays out in the binary, so that a process reads the bytes where they are.
        static let database: [UInt64] = [
    \(databaseWords)
        ]
        static let databaseByteCount = \(database.count)
        /// Each word's length in bytes, by position.
        static let wordLengths: [Int32] = [\(words.map { String($0.count) }.joined(separator: ", "))]
    }

    /// The built-in patterns compiled and serialized by PCRE2 (`EmbeddedPatternCode`): \(patternKeys.count)
    /// entries, sorted by key; entry `i` is `blob`'s bytes `offsets[i]..<offsets[i + 1]`, each byte
    /// as the character of that number (`LatinBytes`).
    enum EmbeddedCompiledPatterns {
        static let keys: [UInt64] = [
    \(constantLines(patternKeys.map { "0x" + String($0, radix: 16) }))
        ]
        static let offsets: [UInt32] = [
    \(constantLines(patternOffsets.map { String($0) }))
        ]
        static let blob: StaticString = "\(literal(patternBlob))"
        /// The character tables every entry was compiled with, once (`latinEncoded`).
        static let tables: StaticString = "\(literal(latinEncoded(patternTables)))"
    }

    /// The sketch of each built-in pattern (`EmbeddedSketchLookup`): \(sketchKeys.count) entries,
    /// sorted by key (`PatternSketch.embeddingKey`); entry `i` is `words[offsets[i]..<offsets[i + 1]]`
    /// (`PatternSketch.encoded`; empty when the pattern gives no sketch), and its source
    /// `sources`' bytes `sourceOffsets[i]..<sourceOffsets[i + 1]` (`LatinBytes`).
    enum EmbeddedPatternSketches {
        static let keys: [UInt64] = [
    \(constantLines(sketchKeys.map { "0x" + String($0, radix: 16) }))
        ]
        static let offsets: [UInt32] = [
    \(constantLines(sketchOffsets.map { String($0) }))
        ]
        static let words: [UInt64] = [
    \(constantLines(sketchWords))
        ]
        static let sourceOffsets: [UInt32] = [
    \(constantLines(sketchSourceOffsets.map { String($0) }))
        ]
        static let sources: StaticString = "\(literal(sketchSources))"
    }

    /// What engine creation reads off each built-in detector's pattern, and its gate words'
    /// positions in `EmbeddedKeywordDatabase.words`, in table order (`PatternAnalysis.encode`).
    enum EmbeddedPatternAnalysis {
        static let records: [UInt64] = [
    \(constantLines(encodedRecords.map { String($0) }))
        ]
    }

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: arguments[1]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("CordonEmbed: cannot write \(arguments[1]): \(error)\n".utf8))
    exit(1)
}
