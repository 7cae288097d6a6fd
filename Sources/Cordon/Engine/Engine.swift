import CPCRE2
import Synchronization

/// A compiled detector set that scans messages for sensitive values.
///
/// Create a engine once from a ``DetectorSet`` — compiling every pattern with the PCRE2 JIT —
/// and share it: it is immutable and `Sendable`, and any number of threads may scan with it at
/// once. Each scan borrows a per-thread ``MatchScratch`` (match data, JIT stack, match limits)
/// from a pool, so the matching loop allocates nothing per match.
///
/// A scan makes one case-insensitive pass over the message for all detectors' keywords, then runs
/// the pattern of every detector whose keyword occurs (and of every detector without keywords)
/// over the message in byte mode. Each match's value goes through the detector's allowlist,
/// entropy floor and validators; decoded layers are scanned the same way. Finally, every value
/// found is looked for again elsewhere in the message (a password found after `password=`, seen
/// again without its key), so a value found once is found everywhere it stands alone.
public final class Engine: Sendable {
    /// The detectors, in the order of the set the engine was made from.
    public let detectors: [Detector]
    let compiled: [CompiledDetector]
    /// ``compiled`` without ownership, for the scan loop: the engine keeps every detector alive
    /// through `compiled`, so a call through one of these needs no retain and release of the
    /// shared detector. Both threads of a scan retaining the same detectors made the reference
    /// counts' cache lines move between cores: `swift_retain` went from 5 % to 11 % of the CPU
    /// time of a two-thread scan of the dense corpus (perf; #13).
    private let unownedCompiled: [Unmanaged<CompiledDetector>]
    /// The first stage: every gate word in one Vectorscan pass (`nil` where Vectorscan cannot run).
    let prefilter: KeywordPrefilter?
    /// The first stage where Vectorscan cannot run: a byte-at-a-time automaton with the same hits.
    let automaton: KeywordAutomaton?
    let runGates: RunGates
    /// Each detector's level, and whether its values propagate and it scans decoded layers, as
    /// plain values: the per-finding steps (one finding per span, propagation, the layer filter)
    /// read them for every finding, and reading them through the detector — a class — retained
    /// and released it each time (#13: the dense corpus, thousands of findings per megabyte).
    let levels: [Level]
    let propagates: [Bool]
    private let scansLayers: [Bool]
    /// The bounds every scan runs within.
    public let limits: ScanLimits
    private let scratchPool = Mutex<[MatchScratch]>([])
    /// Finds Cordon's own placeholders, which scans read as blanks.
    let placeholderMask: PlaceholderMask
    /// How decoders find what to decode: at their trigger bytes, or (the reference) at every byte.
    let decoderPass: Decoder.Pass

    /// The most distinct found values looked for again in one pass over a message (all are
    /// looked for, in batches of this many).
    static let propagationLimit = 256
    /// The shortest context-found value looked for again elsewhere in the message.
    static let propagationMinimumLength = 4

    /// Compiles every detector of `set`; scans run within `limits`.
    ///
    /// The patterns of ``DetectorSet/builtIn()`` (and its subsets), which the test suite
    /// compiles, are compiled on their first match instead (most of a large set never runs on a
    /// short message); those of any other set are compiled here.
    ///
    /// - Throws: ``DetectorError`` naming the file and detector of the first pattern or allowlist
    ///   pattern that PCRE2 rejects.
    public convenience init(_ set: DetectorSet, limits: ScanLimits = .default) throws(DetectorError) {
        try self.init(set, limits: limits, decoderPass: .prescanned)
    }

    /// Compiles every detector of `set`, with decoders that find what to decode as `decoderPass`
    /// says (``Decoder/Pass/everyByte`` is the tests' reference).
    init(_ set: DetectorSet, limits: ScanLimits, decoderPass: Decoder.Pass) throws(DetectorError) {
        self.decoderPass = decoderPass
        self.limits = limits
        detectors = set.detectors
        var compiled: [CompiledDetector] = []
        compiled.reserveCapacity(set.detectors.count)
        var allowlistPatterns = AllowlistPatternCache()
        // The built-in patterns were read at build time (``PatternAnalysis``): a record is used
        // when its digest is the detector's own, and the pattern is read here otherwise.
        let records = set.embeddedRecords
        var wordIDs: [[Int32]?] = []
        wordIDs.reserveCapacity(set.detectors.count)
        for (index, detector) in set.detectors.enumerated() {
            var analysis: PatternAnalysis?
            let record = records?[index]
            if let record,
                record.digest
                    == PatternAnalysis.digest(of: detector, window: Self.keywordWindow, startStepsReach: CompiledDetector.startStepsReach)
            {
                analysis = record.analysis
            }
            let detector = try CompiledDetector(
                detector, allowlistPatterns: &allowlistPatterns, defersCompilation: set.hasBuiltInPatterns, analysis: analysis)
            compiled.append(detector)
            wordIDs.append(
                record.flatMap { $0.gateWordsDigest == PatternAnalysis.digest(ofGateWords: detector.gateWords) ? $0.wordIDs : nil })
        }
        self.compiled = compiled
        unownedCompiled = compiled.map { Unmanaged.passUnretained($0) }
        let gateWords = compiled.map { $0.gateWords }
        prefilter = KeywordPrefilter(gateWords: gateWords, embeddedWordIDs: wordIDs)
        automaton = prefilter == nil ? KeywordAutomaton(keywords: gateWords) : nil
        runGates = RunGates(compiled)
        levels = compiled.map { $0.level }
        propagates = compiled.map { $0.propagatesValue }
        scansLayers = compiled.map { $0.scansDecodedLayers }
        placeholderMask = PlaceholderMask(detectorIDs: compiled.map { $0.id })
    }

    // MARK: - Scanning

    /// Scans the UTF-8 bytes of `text`.
    public func scan(_ text: String) -> ScanResult {
        var copy = text
        return copy.withUTF8 { scan($0) }
    }

    /// Scans `bytes`, which need not be valid UTF-8.
    public func scan(_ bytes: [UInt8]) -> ScanResult {
        bytes.withUnsafeBufferPointer { scan($0) }
    }

    /// Scans the bytes in `buffer`, which need not be valid UTF-8.
    public func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> ScanResult {
        scan(buffer, onlyDetector: nil)
    }

    /// Scans `buffer` the straightforward way: every detector's pattern over the whole message,
    /// with no keyword prefilter and no windows.
    ///
    /// The result is the same as ``scan(_:)-(UnsafeBufferPointer<UInt8>)``'s whenever the
    /// detectors keep the keyword rules of their format (every match contains a keyword, at most
    /// ``keywordWindow`` bytes after the match's start). It is slower, and exists to verify that.
    public func referenceScan(_ buffer: UnsafeBufferPointer<UInt8>) -> ScanResult {
        scan(buffer, onlyDetector: nil, usePrefilter: false)
    }

    /// Scans the UTF-8 bytes of `text` the straightforward way (see ``referenceScan(_:)-(UnsafeBufferPointer<UInt8>)``).
    public func referenceScan(_ text: String) -> ScanResult {
        var copy = text
        return copy.withUTF8 { referenceScan($0) }
    }

    /// How far before a keyword occurrence a match may start and still be found, unless its
    /// detector sets `keyword_distance`; also the longest value a required context gates.
    public static let keywordWindow = 256

    /// Scans `buffer` with all detectors, or with the one at index `onlyDetector`.
    ///
    /// Cordon's own placeholders (``PlaceholderMask``) read as spaces, so that scanning redacted
    /// output never finds a value made of placeholder text or given context by one.
    func scan(_ buffer: UnsafeBufferPointer<UInt8>, onlyDetector: Int?, usePrefilter: Bool = true) -> ScanResult {
        guard !buffer.isEmpty else { return ScanResult(findings: []) }
        // A large message is scanned in windows, so that memory is bounded by the window.
        if buffer.count > limits.window { return scanInWindows(buffer, onlyDetector: onlyDetector, usePrefilter: usePrefilter) }
        return scan(buffer, onlyDetector: onlyDetector, usePrefilter: usePrefilter, deadline: nil)
    }

    /// Scans one message or window, by `deadline` (by default the budget of its size).
    func scan(
        _ buffer: UnsafeBufferPointer<UInt8>, onlyDetector: Int?, usePrefilter: Bool, deadline: ContinuousClock.Instant?
    ) -> ScanResult {
        let deadline = deadline ?? ContinuousClock.now + limits.budget(forByteCount: buffer.count)
        if let masked = placeholderMask.masked(buffer) {
            return masked.withUnsafeBufferPointer {
                scanUnmasked($0, onlyDetector: onlyDetector, usePrefilter: usePrefilter, deadline: deadline)
            }
        }
        return scanUnmasked(buffer, onlyDetector: onlyDetector, usePrefilter: usePrefilter, deadline: deadline)
    }

    /// ``scan(_:onlyDetector:usePrefilter:deadline:)`` without the placeholder mask.
    private func scanUnmasked(
        _ buffer: UnsafeBufferPointer<UInt8>, onlyDetector: Int?, usePrefilter: Bool, deadline: ContinuousClock.Instant
    ) -> ScanResult {
        var failures: [DetectorFailure] = []
        var raw = findings(in: buffer, onlyDetector: onlyDetector, usePrefilter: usePrefilter, deadline: deadline, failures: &failures)
        if limits.decodingDepth > 0, buffer.count > limits.maximumDecodedInput {
            // Only a window configured above the decoding limit gets here: not decoding would
            // skip what a smaller window finds, so the scan is incomplete instead.
            failures.append(DetectorFailure(detectorID: "decoding", reason: "the message is larger than the decoding limit"))
        } else if limits.decodingDepth > 0 {
            let decoded = findingsInDecodedLayers(
                of: buffer, onlyDetector: onlyDetector, usePrefilter: usePrefilter, deadline: deadline, failures: &failures)
            if !decoded.isEmpty {
                raw += decoded
                raw.sort()
                raw = raw.oneFindingPerSpan(levels: levels)
            }
        }
        propagate(in: buffer, findings: &raw, deadline: deadline, failures: &failures)
        // Past the deadline every decoded island records the same failure: report each once.
        var seen = Set<DetectorFailure>()
        failures = failures.filter { seen.insert($0).inserted }
        return ScanResult(findings: locate(raw, in: buffer), failures: failures)
    }

    /// The findings of one pass over `buffer` (no decoding, no propagation), one per span.
    private func findings(
        in buffer: UnsafeBufferPointer<UInt8>, onlyDetector: Int?, usePrefilter: Bool, deadline: ContinuousClock.Instant,
        failures: inout [DetectorFailure]
    ) -> [RawFinding] {
        guard !buffer.isEmpty else { return [] }
        var raw: [RawFinding] = []
        let clock = ContinuousClock()
        withScratch { scratch in
            var hits = KeywordHits()
            // With the first stage, only the detectors it lets in run (``DetectorSchedule``).
            var schedule: DetectorSchedule?
            if usePrefilter {
                guard collectKeywordHits(in: buffer, scratch: scratch, into: &hits) else {
                    // Without the first stage nothing can be said about the message: fail closed.
                    failures.append(DetectorFailure(detectorID: "keyword-prefilter", reason: "the keyword prefilter failed"))
                    return
                }
                schedule = DetectorSchedule(hits: hits, runStarts: runGates.runStarts(in: buffer), gates: runGates)
            }
            // Detectors are borrowed through a buffer pointer, never copied: a copy of each of the
            // hundreds of detectors per message would retain and release every field. Only the
            // detectors the schedule lists are visited, so no slice of keyword starts is made for
            // a detector with nothing to confirm: the slice retains its array, and making one for
            // every detector of the set was a retain and a release per detector per scan — 15 % of
            // the instructions of a 300-byte scan (#13, callgrind).
            // Each detector is called through an unowned reference (``unownedCompiled``): no
            // retain and release of a detector both threads share.
            unownedCompiled.withUnsafeBufferPointer { detectors in
                for position in 0..<(schedule?.count ?? detectors.count) {
                    let index = schedule?.detector(at: position) ?? position
                    if let onlyDetector, onlyDetector != index { continue }
                    let keywordStarts = schedule?.starts(at: position)
                    // The budget is checked before each detector that runs, and within one between
                    // bounded searches (``ScanDeadline``); PCRE2's limits bound each match attempt.
                    if clock.now > deadline {
                        failures.append(DetectorFailure(detectorID: compiled[index].id, reason: ScanDeadline.reason))
                        break
                    }
                    let failure = detectors[index]._withUnsafeGuaranteedRef { detector in
                        detector.collect(
                            in: buffer, keywordStarts: keywordStarts, detectorIndex: index,
                            scratch: scratch, deadline: ScanDeadline(deadline), into: &raw)
                    }
                    if let failure {
                        failures.append(DetectorFailure(detectorID: compiled[index].id, reason: failure))
                    }
                }
            }
        }
        raw.sort()
        return raw.oneFindingPerSpan(levels: levels)
    }

    /// How much decoded text around each decoded stretch is scanned with it, for context.
    static let decodedContext = 256

    /// How many input bytes the decoders may be handed between two reads of the deadline: a
    /// few hundred microseconds of decoding at most, against a budget of seconds.
    static let decodingBetweenClockReads = 64 << 10

    /// Findings in the message's decoded layers (base64, percent, JSON, HTML, hex, joined,
    /// UTF-16; to ``ScanLimits/decodingDepth``), mapped back to the encoded span of the
    /// message. A finding counts only if it covers decoded bytes; the rest of a layer is the
    /// message itself, already scanned.
    private func findingsInDecodedLayers(
        of buffer: UnsafeBufferPointer<UInt8>, onlyDetector: Int?, usePrefilter: Bool, deadline: ContinuousClock.Instant,
        failures: inout [DetectorFailure]
    ) -> [RawFinding] {
        var result: [RawFinding] = []
        // Depth first, so at most one decoded copy per depth is alive at a time. Below the first
        // layer, only the islands around decoded stretches are decoded again.
        func scanLayer(_ layer: DecodedLayer) {
            layer.bytes.withUnsafeBufferPointer { bytes in
                for island in layer.map.decodedIslands(margin: Self.decodedContext) {
                    let found = findings(
                        in: UnsafeBufferPointer(rebasing: bytes[island]), onlyDetector: onlyDetector,
                        usePrefilter: usePrefilter, deadline: deadline, failures: &failures)
                    for finding in found where scansLayers[finding.detector] {
                        let shifted = (finding.range.lowerBound + island.lowerBound)..<(finding.range.upperBound + island.lowerBound)
                        let (original, wasDecoded) = layer.originalRange(of: shifted)
                        guard wasDecoded, !original.isEmpty else { continue }
                        result.append(RawFinding(
                            range: original, detector: finding.detector, fromContext: false,
                            confidence: finding.confidence, layer: layer.name, isTestValue: finding.isTestValue))
                    }
                }
            }
        }
        // Input bytes handed to decoders since the deadline was last read: it is read before the
        // first decoder and then once that reaches ``decodingBetweenClockReads``, not before each
        // of the decoders of every input (eleven reads for a one-line message, #13).
        var decodedSinceClockRead = Self.decodingBetweenClockReads
        func descend(into source: DecodedLayer?, depth: Int) {
            // The message itself, or the islands of a layer: no array for the one message.
            let islands = source.map { $0.map.decodedIslands(margin: Self.decodedContext) }
            let inputCount = islands?.count ?? 1
            // Each input's block masks, made at the first decoder that reads them and shared by
            // the others (``DecoderMasks``): the message's in one variable, the islands' in an
            // array made only when there is more than one.
            let sharesMasks = decoderPass == .prescanned && NibbleClass.isAvailable
            var firstMasks: DecoderMasks?
            var otherMasks = [DecoderMasks?]()
            if sharesMasks, inputCount > 1 { otherMasks = [DecoderMasks?](repeating: nil, count: inputCount - 1) }
            for decoder in Decoder.allCases where depth == 1 || decoder != .utf16 {
                for position in 0..<inputCount {
                    let input = islands?[position] ?? 0..<buffer.count
                    // Decoding costs as much as scanning: the deadline is read before a decoder
                    // once enough input was decoded since the last read.
                    if decodedSinceClockRead >= Self.decodingBetweenClockReads {
                        decodedSinceClockRead = 0
                        if ContinuousClock.now > deadline {
                            if !failures.contains(where: { $0.reason == ScanDeadline.reason }) {
                                failures.append(DetectorFailure(detectorID: "decoding", reason: ScanDeadline.reason))
                            }
                            return
                        }
                    }
                    decodedSinceClockRead &+= input.count
                    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], map: LayerMap)? {
                        guard sharesMasks, decoder.readsBlockMasks else { return decoder.decode(bytes, pass: decoderPass) }
                        if position == 0 {
                            if firstMasks == nil { firstMasks = DecoderMasks(bytes) }
                            return decoder.decode(bytes, pass: decoderPass, masks: firstMasks)
                        }
                        if otherMasks[position - 1] == nil { otherMasks[position - 1] = DecoderMasks(bytes) }
                        return decoder.decode(bytes, pass: decoderPass, masks: otherMasks[position - 1])
                    }
                    let decoded: (bytes: [UInt8], map: LayerMap)?
                    if let source {
                        decoded = source.bytes.withUnsafeBufferPointer { decode(UnsafeBufferPointer(rebasing: $0[input])) }
                    } else {
                        decoded = decode(buffer)
                    }
                    guard let decoded else { continue }
                    let layer = DecodedLayer(
                        name: source.map { $0.name + "+" + decoder.rawValue } ?? decoder.rawValue, bytes: decoded.bytes,
                        map: decoded.map, parent: source.map(DecodedLayer.Box.init), parentOffset: input.lowerBound)
                    scanLayer(layer)
                    if depth < limits.decodingDepth { descend(into: layer, depth: depth + 1) }
                }
            }
        }
        descend(into: nil, depth: 1)
        return result
    }

    /// Appends every gate-word occurrence in `buffer` to `hits`, with the first stage; `false`
    /// if it failed.
    func collectKeywordHits(in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch, into hits: inout KeywordHits) -> Bool {
        if let prefilter {
            guard let keywordScratch = scratch.keywordScratch else { return false }
            return prefilter.collectHits(in: buffer, scratch: keywordScratch, into: &hits)
        }
        automaton?.collectHits(in: buffer, into: &hits)
        return true
    }

    /// Runs `body` with a scratch taken from the pool, and returns the scratch afterwards.
    func withScratch<T>(_ body: (MatchScratch) -> T) -> T {
        let scratch = scratchPool.withLock { $0.popLast() } ?? MatchScratch(limits: limits, keywordScratch: prefilter?.makeScratch())
        defer { scratchPool.withLock { $0.append(scratch) } }
        return body(scratch)
    }

    /// Whether `range` is not part of a longer run of letters and digits.
    static func isStandalone(_ range: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        if range.lowerBound > 0, ByteClass.isAlphanumeric(buffer[range.lowerBound]), ByteClass.isAlphanumeric(buffer[range.lowerBound - 1]) {
            return false
        }
        if range.upperBound < buffer.count, ByteClass.isAlphanumeric(buffer[range.upperBound - 1]), ByteClass.isAlphanumeric(buffer[range.upperBound]) {
            return false
        }
        return true
    }

    /// Turns sorted raw findings into findings with line and column, in one pass over the text.
    private func locate(_ raw: [RawFinding], in buffer: UnsafeBufferPointer<UInt8>) -> [Finding] {
        var locator = TextLocator(buffer)
        // The detectors are borrowed, not copied out of the array, once per finding.
        return compiled.withUnsafeBufferPointer { detectors in
            raw.map { finding in
                let (line, column) = locator.location(of: finding.range.lowerBound)
                let detector = detectors[finding.detector]
                // A test value is reported with low confidence whatever its detector's confidence.
                return Finding(
                    detectorID: detector.id, category: detector.category, level: detector.level,
                    confidence: finding.isTestValue ? .low : finding.confidence, layer: finding.layer, range: finding.range,
                    line: line, column: column, isTestValue: finding.isTestValue)
            }
        }
    }
}

/// A finding before line and column are known: a range and the index of its detector.
struct RawFinding: Comparable, Hashable {
    var range: Range<Int>
    var detector: Int
    /// Whether the value was found from context (a strict part of its match).
    var fromContext: Bool
    var confidence: Confidence
    /// The decoded layer the value was found in (`base64`, `percent+json`, …), or `nil`.
    var layer: String? = nil
    /// Whether a detector's allowlist names the value a documentation or test value.
    var isTestValue = false

    static func < (lhs: RawFinding, rhs: RawFinding) -> Bool {
        if lhs.range.lowerBound != rhs.range.lowerBound { return lhs.range.lowerBound < rhs.range.lowerBound }
        if lhs.range.upperBound != rhs.range.upperBound { return lhs.range.upperBound < rhs.range.upperBound }
        return lhs.detector < rhs.detector
    }
}

extension Array where Element == RawFinding {
    /// The sorted findings with one finding per range: where several detectors report the same
    /// value, the one with the highest confidence, then the highest level, then the first in
    /// the set is kept (a token's own detector over a generic `secret = …` one).
    func oneFindingPerSpan(levels: [Level]) -> [RawFinding] {
        var result: [RawFinding] = []
        result.reserveCapacity(count)
        for finding in self {
            if let last = result.last, last.range == finding.range {
                // On a tie, a finding in the message itself wins over one in a decoded layer.
                // A value any detector knows as a test value is one, whichever finding is kept
                // (`AKIAIOSFODNN7EXAMPLE` found by its own detector and by a generic one).
                let isTestValue = last.isTestValue || finding.isTestValue
                if (finding.confidence, levels[finding.detector], finding.layer == nil ? 1 : 0)
                    > (last.confidence, levels[last.detector], last.layer == nil ? 1 : 0)
                {
                    result[result.count - 1] = finding
                }
                result[result.count - 1].isTestValue = isTestValue
                continue
            }
            result.append(finding)
        }
        return result
    }
}
