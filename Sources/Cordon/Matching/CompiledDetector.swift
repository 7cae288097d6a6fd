import Foundation
import CPCRE2

/// A ``Detector`` ready to run: its compiled pattern and compiled allowlist.
///
/// A class, immutable: the engine reads detectors by index in its per-finding loops (ties
/// between findings, propagation's ordering, line and column), and each copy of the struct it
/// used to be retained and released every one of its dozen reference-counted fields — 7.5 % of
/// the samples of a scan of the dense corpus were `swift_retain`/`swift_release` (#13, perf).
/// A reference is one count.
final class CompiledDetector: Sendable {
    let id: String
    let category: Category
    let level: Level
    /// Whether the detector runs only near its gate words or gate runs.
    var isGated: Bool { !gateWords.isEmpty || runGate != nil }

    /// The words whose occurrences gate this detector (its keywords, or the words of a required
    /// context), empty when the detector runs over every message in full.
    let gateWords: [String]
    /// The run that gates this detector, when it has no gate words.
    let runGate: RunGate?
    /// Where a search runs around each gating offset: how far before it a match may start, how
    /// close offsets share one search, and what is checked at an offset before PCRE2.
    struct SearchWindow: Sendable {
        /// How far before a gate word a match may start.
        var lookbehind: Int
        /// Gate words closer than this to the previous window share one search. It is the
        /// look-behind, except for a search anchored at its keywords (look-behind 0), whose
        /// nearby occurrences share one search as before: PCRE2 skips to a literal-led
        /// pattern's next candidate itself, faster than a call per occurrence.
        var mergeDistance: Int
        /// For a pattern anchored at its keywords, a run every match holds a bounded distance
        /// after its start (``RequiredRun``).
        var requiredRun: RequiredRun?
        /// For a pattern not anchored at its one keyword but holding it at a place fixed by
        /// what precedes it: the only starts a match can have around each occurrence
        /// (``KeywordFrame``).
        var frame: KeywordFrame?
    }

    /// Where a search runs around each gating offset. For a keyword-gated detector it is read
    /// off the pattern (``PatternAnalysis/keywordDistance``, ``PatternAnalysis/requiredRun``):
    /// for the built-in set at build time, so that a hook process — one engine, one event —
    /// pays nothing for it (reading every pattern at engine creation was 54 M of a hook
    /// process's 103 M instructions, callgrind), and a detector's first searches already use
    /// the narrow window.
    let searchWindow: SearchWindow

    /// How far before a gate word a match may start.
    var lookbehind: Int { searchWindow.lookbehind }
    /// See ``SearchWindow/mergeDistance``.
    var mergeDistance: Int { searchWindow.mergeDistance }
    /// See ``SearchWindow/requiredRun``.
    var requiredRun: RequiredRun? { searchWindow.requiredRun }
    /// See ``SearchWindow/frame``.
    var frame: KeywordFrame? { searchWindow.frame }

    /// The window of a keyword-gated pattern: how far before its first keyword a match can
    /// start, when the pattern says (alternatives each led by a keyword, or one a few bytes
    /// in) — to nothing when every match starts with a keyword, then with its required run.
    /// `window` is the configured one (``Detector/keywordDistance`` or ``Engine/keywordWindow``).
    private static func keywordWindow(_ analysis: PatternAnalysis, window: Int) -> SearchWindow {
        let distance = analysis.keywordDistance
        let startsAtKeyword = distance == 0
        let lookbehind = min(window, distance ?? window)
        let frame = startsAtKeyword ? nil : analysis.frame
        // A framed search's windows merge only when they touch: its starts are few and
        // scattered (an occurrence of `!` or `:A` seldom has any), and a merged search tries
        // every start between them. A search anchored at its keywords merges over the whole
        // window (see ``SearchWindow/mergeDistance``); a window search over its look-behind.
        return SearchWindow(
            lookbehind: lookbehind,
            mergeDistance: frame.map { $0.fixed.length + ($0.run?.maximum ?? 0) } ?? (startsAtKeyword ? window : lookbehind),
            requiredRun: startsAtKeyword ? analysis.requiredRun : nil,
            frame: frame)
    }

    /// How far after a gate word's start a match may start.
    let lookahead: Int
    /// For a pattern anchored at its keywords, the run every match holds after its leading
    /// literal, checked at each occurrence before PCRE2 is called (``TokenShape``).
    let shape: TokenShape?
    /// For a run-gated pattern whose matches start within a few bytes of the run: what every
    /// match holds from its start, checked at those few starts before PCRE2 is called.
    let startSteps: ByteSteps?
    let pattern: CompiledPattern
    /// A superset automaton of the pattern, checked over each search window of a gated detector
    /// before PCRE2 (``PatternSketch``).
    let sketch: LazyPatternSketch
    let minimumEntropy: Double?
    let validators: [Validator]
    let allowedValues: ExactValues
    /// The allowlist's patterns (the detector's and its file's), as few PCRE2 calls as their
    /// syntax allows (``AllowlistMatcher``).
    let allowedPatterns: AllowlistMatcher
    /// The allowlist's documentation values: reported, tagged as test values.
    let testValues: ExactValues
    let testValuePatterns: AllowlistMatcher
    let confidence: Confidence
    let context: CompiledContext?
    let scansDecodedLayers: Bool
    /// Whether found values are looked for again in the rest of the message (``Detector/propagatesValue``).
    let propagatesValue: Bool
    /// The detector's keywords of 3 or more bytes, lowercased: a value that starts with one is
    /// provider-prefixed (``hasPlaceholderBody(_:)``). A keyword ending in an opening bracket
    /// (`define(`) names the call or index around a value, never a token's prefix, and is left out.
    let valuePrefixes: [[UInt8]]
    /// The literal every match of a block pattern ends with, and how far it can lie from the
    /// match's start (``BlockTerminator``); `nil` for other patterns.
    let terminator: BlockTerminator?
    /// For a gated detector whose validators need digits: the fewest a search's bytes must hold
    /// for it to run (``ValueDigitFloor``). Set only where each search starts past every earlier
    /// search's start limit (no keyword frame, windows merged over at least their look-behind, no
    /// terminator moving a search's start), which the postponement of skipped searches in
    /// ``collect`` relies on.
    let digitFloor: ValueDigitFloor?

    /// Compiles `detector`. Allowlist patterns and lists already in `allowlistPatterns` are
    /// shared instead of compiled again, and the ones compiled here are added: a file's shared
    /// allowlist is part of every detector in it. With `defersCompilation` (for
    /// the built-in detectors, known to compile) patterns compile on their first match instead.
    /// `analysis` is what the pattern says about where matches start (``PatternAnalysis``), when
    /// the caller has it (the build reads the built-in patterns); `nil` reads the pattern here.
    init(
        _ detector: Detector, allowlistPatterns: inout AllowlistPatternCache, defersCompilation: Bool,
        analysis: PatternAnalysis? = nil
    ) throws(DetectorError) {
        let analysis = analysis ?? PatternAnalysis(detector, window: Engine.keywordWindow, startStepsReach: Self.startStepsReach)
        id = detector.id
        category = detector.category
        level = detector.level
        if !detector.keywords.isEmpty {
            gateWords = detector.keywords
            // A pattern whose every match begins with a keyword is tried at the keyword only.
            let window = detector.keywordDistance ?? Engine.keywordWindow
            shape = analysis.shape
            searchWindow = Self.keywordWindow(analysis, window: window)
            startSteps = nil
            lookahead = 0
            runGate = nil
        } else if let gate = detector.runGate {
            // The match starts from `within` bytes before the run's start to 1 byte after it
            // (an escape letter, `\n1A…`, joins an alphanumeric run). A run is usually rarer than
            // a required context's words (`token`), so it gates instead of them; the context is
            // still required for a value to be reported.
            shape = nil
            searchWindow = SearchWindow(lookbehind: gate.within, mergeDistance: gate.within, requiredRun: nil, frame: nil)
            startSteps = analysis.startSteps
            gateWords = []
            lookahead = 1
            runGate = gate
        } else if let context = detector.context, context.required {
            // The value lies within `window` bytes of a context word, on either side; a value
            // before the word may be up to `keywordWindow` bytes long, or as long as the
            // pattern's longest match when that is shorter (phone-contextual: 75 bytes, so its
            // searches start 107 bytes before each phone word instead of 288).
            shape = nil
            let lookbehind = context.window + min(Engine.keywordWindow, analysis.longestMatch ?? Engine.keywordWindow)
            searchWindow = SearchWindow(lookbehind: lookbehind, mergeDistance: lookbehind, requiredRun: nil, frame: nil)
            startSteps = nil
            gateWords = context.words
            lookahead = context.window
            runGate = nil
        } else {
            shape = nil
            searchWindow = SearchWindow(lookbehind: 0, mergeDistance: 0, requiredRun: nil, frame: nil)
            startSteps = nil
            gateWords = []
            lookahead = 0
            runGate = nil
        }
        do {
            pattern = try CompiledPattern(
                detector.pattern,
                allowsStartLimit: !gateWords.isEmpty || runGate != nil,
                deferred: defersCompilation)
        } catch {
            throw DetectorError(
                file: detector.source, detectorID: detector.id,
                message: "pattern does not compile: \(error.message) at offset \(error.offset)")
        }
        sketch = LazyPatternSketch(pattern: detector.pattern)
        minimumEntropy = detector.minimumEntropy
        validators = detector.validators
        allowedValues = ExactValues(detector.allowlist.values)
        allowedPatterns = try Self.compile(
            detector.allowlist.patterns, of: detector, what: "allowlist pattern", shared: &allowlistPatterns,
            defersCompilation: defersCompilation)
        testValues = ExactValues(detector.allowlist.testValues.values)
        testValuePatterns = try Self.compile(
            detector.allowlist.testValues.patterns, of: detector, what: "test value pattern", shared: &allowlistPatterns,
            defersCompilation: defersCompilation)
        confidence = detector.confidence
        context = detector.context.map(CompiledContext.init)
        scansDecodedLayers = detector.scansDecodedLayers
        propagatesValue = detector.propagatesValue
        // The last byte, not the last `Character`: grapheme breaking for each of the catalogue's
        // keywords cost a hook process ~1 M instructions at engine creation (callgrind).
        valuePrefixes = detector.keywords.filter { keyword in
            guard keyword.utf8.count >= 3, let last = keyword.utf8.last else { return false }
            return last != UInt8(ascii: "(") && last != UInt8(ascii: "[") && last != UInt8(ascii: "{")
        }.map { $0.utf8.map(ByteClass.lowercased) }
        terminator = analysis.terminator
        // The validators first: most detectors have none, and reading the frame copies it.
        digitFloor = !validators.isEmpty && (!gateWords.isEmpty || runGate != nil) && searchWindow.frame == nil && terminator == nil
                && searchWindow.lookbehind <= searchWindow.mergeDistance
            ? ValueDigitFloor.of(validators: validators, reach: analysis.valueReach, acceptsBeforeValidation: !valuePrefixes.isEmpty)
            : nil
    }

    /// The farthest before a run's start a run-gated match may start for ``startSteps`` to be
    /// checked (at every start of the window, so a short window only).
    static let startStepsReach = 4

    /// Compiles allowlist or test-value `sources` into a matcher, sharing what `shared` holds: a
    /// list seen before is its matcher, a pattern seen before its compiled pattern. Each source is
    /// compiled alone first (unless deferred), so that a bad one is reported by its place in the
    /// list; the combined patterns the matcher runs are deferred (the build embeds the built-in
    /// ones' code) and shared by source like the others.
    private static func compile(
        _ sources: [String], of detector: Detector, what: String, shared: inout AllowlistPatternCache,
        defersCompilation: Bool
    ) throws(DetectorError) -> AllowlistMatcher {
        let key = AllowlistPatternCache.ListKey(sources: sources)
        if let known = shared.matchers[key] { return known }
        for (index, source) in sources.enumerated() where shared.patterns[source] == nil {
            do {
                shared.patterns[source] = try CompiledPattern(source, deferred: defersCompilation)
            } catch {
                throw DetectorError(
                    file: detector.source, detectorID: detector.id,
                    message: "\(what) #\(index + 1) does not compile: \(error.message) at offset \(error.offset)")
            }
        }
        let matcher: AllowlistMatcher
        do {
            matcher = try AllowlistMatcher(sources) { (source: String) throws(CompiledPattern.CompileError) -> CompiledPattern in
                if let known = shared.patterns[source] { return known }
                let combined = try CompiledPattern(source, deferred: true)
                shared.patterns[source] = combined
                return combined
            }
        } catch {
            // A deferred pattern is not compiled here, so this is not reached.
            throw DetectorError(
                file: detector.source, detectorID: detector.id, message: "\(what)s do not combine: \(error.message)")
        }
        shared.matchers[key] = matcher
        return matcher
    }

    /// Appends every accepted match in `text` to `findings`; returns a failure reason if
    /// matching stopped early.
    ///
    /// With `keywordStarts` (the ascending offsets at which this detector's gate words occur),
    /// the pattern runs only where a match can be: each search starts ``lookbehind`` bytes
    /// before a gate word and may not start more than ``lookahead`` bytes after it. Nearby words
    /// share one search. The result equals a search of the whole text as long as every match
    /// starts at most ``lookbehind`` bytes before a keyword it contains (or, for a required
    /// context, its value lies within the context window of a word).
    ///
    /// This is the scan's hot loop: one JIT match call per match, no allocation but the append.
    func collect(
        in text: UnsafeBufferPointer<UInt8>, keywordStarts: ArraySlice<Int>?, detectorIndex: Int,
        scratch: MatchScratch, deadline: ScanDeadline, into findings: inout [RawFinding]
    ) -> String? {
        guard let keywordStarts else {
            return search(
                text, from: 0, startLimit: nil, detectorIndex: detectorIndex, scratch: scratch, deadline: deadline, into: &findings
            ).failure
        }
        var resume = 0
        var index = keywordStarts.startIndex
        var terminators = terminator.map { TerminatorCursor($0) }
        // Start positions searched since the deadline was last read. The engine read it right
        // before this detector; it is read again once a ``searchSpan`` of starts has been
        // searched, over one window or several: the same bound on the work between two reads
        // as a read per window, without a clock read for each of the thousands of short windows
        // of a megabyte of text (1.9 % of a real-text scan was `clock_gettime`, #13, perf).
        var startsSinceRead = 0
        // Occurrences around which no match can start — the token's shape, the keyword's frame,
        // the run's start steps or the pattern's sketch rule it out — are passed over (exact:
        // see each). The sketch (``PatternSketch``) is checked last, over the starts the others
        // leave: it follows the whole pattern, so it rules out most of what they let through
        // (an assignment that is not one, `@` not followed by a domain), at a few instructions
        // a byte instead of a PCRE2 call.
        // Read field by field, not as a copy of the whole `SearchWindow` (with its frame's
        // arrays): copying and destroying it per call was 0.9 % of the dense corpus' instructions
        // (callgrind; #13).
        let shape = self.shape
        let requiredRun = self.searchWindow.requiredRun
        let frame = self.searchWindow.frame
        let startSteps = self.startSteps
        let lookbehind = self.searchWindow.lookbehind
        var mergeDistance = self.searchWindow.mergeDistance
        // A search anchored at its keywords whose nearby occurrences share one search asks,
        // before its first search, whether PCRE2 tests that search's starts one by one; if so,
        // each occurrence is searched alone (``CompiledPattern/findsStartsByteByByte``).
        var mergeKnown = lookbehind != 0 || mergeDistance == 0 || frame != nil
        let lookahead = self.lookahead
        let digitFloor = self.digitFloor
        // Searches passed over by the digit floor that may still matter (``PostponedSearches``).
        var postponed = PostponedSearches()
        // The sketch runs in this thread's deterministic form of it (``SketchCursor``).
        var cursor = self.sketch.sketch(confirming: keywordStarts.count).map {
            SketchCursor(sketch: $0, deterministic: scratch.sketchDFA(at: detectorIndex, for: $0))
        }
        defer {
            if let cursor, cursor.checks > 0 {
                if let sketchDFA = cursor.deterministic {
                    sketchDFA.report(checks: cursor.checks, rejections: cursor.rejections, to: self.sketch)
                } else {
                    self.sketch.record(checks: cursor.checks, rejections: cursor.rejections)
                }
            }
        }
        /// The starts a match can have around the gating offset `at`, or `nil` for none.
        func window(_ at: Int, _ cursor: inout SketchCursor?) -> (lower: Int, upper: Int)? {
            if let frame {
                guard let starts = frame.starts(around: at, in: text) else { return nil }
                if cursor != nil, starts.upperBound - starts.lowerBound <= PatternSketch.widestWindow {
                    guard cursor!.admits(text, from: starts.lowerBound, through: starts.upperBound) else { return nil }
                    return (cursor!.firstOpenStart(from: starts.lowerBound), starts.upperBound)
                }
                return (starts.lowerBound, starts.upperBound)
            }
            if let shape, !shape.admits(text, at: at) { return nil }
            // Set only for a pattern anchored at its keywords: the match starts at `at` itself.
            if let requiredRun, !requiredRun.admits(text, at: at) { return nil }
            let lower = max(0, at - lookbehind)
            let upper = min(text.count, at + lookahead)
            var start = lower
            if let startSteps {
                while start <= upper, !startSteps.admits(text, at: start) { start += 1 }
                guard start <= upper else { return nil }
            }
            if cursor != nil, upper - start <= PatternSketch.widestWindow {
                guard cursor!.admits(text, from: start, through: upper) else { return nil }
                // The starts earlier windows ruled out are not searched again.
                return (cursor!.firstOpenStart(from: start), upper)
            }
            return (start, upper)
        }
        while index < keywordStarts.endIndex {
            guard let first = window(keywordStarts[index], &cursor) else {
                index += 1
                continue
            }
            if !mergeKnown {
                mergeKnown = true
                if pattern.findsStartsByteByByte { mergeDistance = 0 }
            }
            var windowStart = first.lower
            var limit = first.upper
            index += 1
            while index < keywordStarts.endIndex, keywordStarts[index] - mergeDistance <= limit + 1 {
                if let next = window(keywordStarts[index], &cursor) {
                    windowStart = min(windowStart, next.lower)
                    limit = max(limit, next.upper)
                }
                index += 1
            }
            // A long merged window (a flood of keywords) is searched in spans of bounded start
            // positions, with the deadline read between them.
            var from = max(windowStart, resume)
            while from <= limit {
                if startsSinceRead >= Self.searchSpan {
                    if deadline.hasPassed { return ScanDeadline.reason }
                    startsSinceRead = 0
                }
                let spanLimit = min(limit, from + Self.searchSpan - 1)
                if terminators != nil {
                    // No match starts more than `reach` bytes before its terminator, and none
                    // without one after it: skip the starts that cannot match.
                    guard let earliest = terminators!.earliestStart(from: from, in: text) else { break }
                    if earliest > from {
                        from = earliest
                        continue
                    }
                }
                if let floor = digitFloor {
                    switch passOver(
                        floor, text, from: &from, spanLimit: spanLimit, limit: limit, postponed: &postponed, resume: &resume,
                        startsSinceRead: &startsSinceRead, detectorIndex: detectorIndex, scratch: scratch, deadline: deadline,
                        findings: &findings)
                    {
                    case .search: break
                    case .next: continue
                    case .failure(let reason): return reason
                    }
                }
                startsSinceRead &+= spanLimit &- from &+ 1
                let outcome = search(
                    text, from: from, startLimit: spanLimit, detectorIndex: detectorIndex, scratch: scratch, deadline: deadline,
                    into: &findings)
                if let failure = outcome.failure { return failure }
                resume = max(resume, outcome.resume)
                from = max(spanLimit + 1, resume)
            }
        }
        return nil
    }

    /// What ``collect(in:keywordStarts:detectorIndex:scratch:deadline:into:)`` does next with a
    /// span of starts after its ``digitFloor``.
    private enum FloorStep {
        /// Search the span from `from`.
        case search
        /// The span was passed over, or postponed searches ran and moved `from`: go on from it.
        case next
        /// A postponed search failed.
        case failure(String)
    }

    /// Passes over the span from `from` to `spanLimit` (in a window ending at `limit`) when
    /// `floor` says no value there can be accepted, postponing it; or runs the postponed
    /// searches first when this span may start before their matches end. Out of line: written
    /// into ``collect(in:keywordStarts:detectorIndex:scratch:deadline:into:)``'s loop it made the
    /// loop dearer for every detector, 12 M instructions more on the dense sample instead of 3 M
    /// (182,000 calls; callgrind).
    @inline(never)
    private func passOver(
        _ floor: ValueDigitFloor, _ text: UnsafeBufferPointer<UInt8>, from: inout Int, spanLimit: Int, limit: Int,
        postponed: inout PostponedSearches, resume: inout Int, startsSinceRead: inout Int, detectorIndex: Int,
        scratch: MatchScratch, deadline: ScanDeadline, findings: inout [RawFinding]
    ) -> FloorStep {
        // Every later search starts past this one's start limit (``digitFloor``), so searches
        // postponed before, whose matches end before `from`, never matter.
        if !postponed.isEmpty, from >= postponed.bound { postponed.removeAll() }
        // After a postponed search `from` is a lower bound of where this one starts (it resumes
        // after them) — enough for the floor, whose bytes only shrink — and the span's end does
        // not depend on it when the window is one span.
        if postponed.isEmpty || (spanLimit == limit && !postponed.isFull), !floor.admits(text, from: from, startLimit: spanLimit) {
            postponed.append(from: from, startLimit: spanLimit, bound: floor.resumeBound(startLimit: spanLimit))
            from = spanLimit + 1
            return .next
        }
        guard !postponed.isEmpty else { return .search }
        // Run as they would have been, each from where the one before left off.
        for index in 0..<postponed.count {
            let skipped = postponed[index]
            let start = max(skipped.from, resume)
            guard start <= skipped.startLimit else { continue }
            startsSinceRead &+= skipped.startLimit &- start &+ 1
            let outcome = search(
                text, from: start, startLimit: skipped.startLimit, detectorIndex: detectorIndex, scratch: scratch, deadline: deadline,
                into: &findings)
            if let failure = outcome.failure { return .failure(failure) }
            resume = max(resume, outcome.resume)
        }
        postponed.removeAll()
        from = max(from, resume)
        return .next
    }

    /// The most start positions one PCRE2 call tries: a bounded piece of work between two reads
    /// of the deadline (4 KiB of starts of a 16 KiB block pattern is a few milliseconds).
    static let searchSpan = 4096

    /// Collects matches from `from` on (starting no later than `startLimit`, when given);
    /// returns where a following search must resume and any failure.
    private func search(
        _ text: UnsafeBufferPointer<UInt8>, from: Int, startLimit: Int?, detectorIndex: Int, scratch: MatchScratch,
        deadline: ScanDeadline, into findings: inout [RawFinding]
    ) -> (resume: Int, failure: String?) {
        var offset = from
        var matches = 0
        while offset <= text.count {
            // Many matches in one search (a detector over a dense message) read the deadline
            // every 64 matches.
            matches &+= 1
            if matches & 63 == 0, deadline.hasPassed { return (offset, ScanDeadline.reason) }
            switch scratch.match(pattern, in: text, from: offset, startLimit: startLimit) {
            case .noMatch:
                return (offset, nil)
            case .failure(let code):
                return (offset, CompiledPattern.message(for: code))
            case .match(let whole, let value):
                if !value.isEmpty, let verdict = accepts(UnsafeBufferPointer(rebasing: text[value]), scratch: scratch),
                    let confidence = confidence(of: value, in: text)
                {
                    findings.append(RawFinding(
                        range: value, detector: detectorIndex, fromContext: value != whole, confidence: confidence,
                        isTestValue: verdict == .testValue))
                }
                offset = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
            }
        }
        return (offset, nil)
    }

    /// The confidence of an accepted value, or `nil` when a required context word is missing.
    private func confidence(of value: Range<Int>, in text: UnsafeBufferPointer<UInt8>) -> Confidence? {
        guard let context else { return confidence }
        if context.occurs(around: value, in: text) { return confidence.raised }
        return context.required ? nil : confidence
    }

    /// What the allowlist makes of an accepted value.
    enum Verdict: Equatable {
        /// A value to report.
        case value
        /// A documentation or test value: reported, tagged.
        case testValue
    }

    /// Whether a matched value passes the entropy floor, the validators and the allowlist's
    /// placeholders (`nil` when not), and whether it is a test value. A placeholder entry wins
    /// over a test-value entry: `your_EXAMPLE_key` holds nothing. A provider prefix with a
    /// placeholder body (``hasPlaceholderBody(_:)``) is a test value before any of these.
    private func accepts(_ value: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) -> Verdict? {
        if Placeholders.isRedacted(value) { return nil }
        if !valuePrefixes.isEmpty, hasPlaceholderBody(value) { return .testValue }
        if let minimumEntropy, Entropy.isBelow(minimumEntropy, value) { return nil }
        for validator in validators where !validator.validate(value) { return nil }
        if allowedValues.contains(value) { return nil }
        if allowedPatterns.matches(value, scratch: scratch) { return nil }
        if testValues.contains(value) { return .testValue }
        if testValuePatterns.matches(value, scratch: scratch) { return .testValue }
        return .value
    }
}

/// A ``ContextRule`` with its words as lowercase bytes.
struct CompiledContext: Sendable {
    let words: [[UInt8]]
    let window: Int
    let required: Bool
    /// For each byte, whether some word starts with it (either case).
    private let isFirstByte: [Bool]

    init(_ rule: ContextRule) {
        words = rule.words.map { $0.utf8.map(ByteClass.lowercased) }
        window = rule.window
        required = rule.required
        var isFirstByte = [Bool](repeating: false, count: 256)
        for word in words where !word.isEmpty {
            isFirstByte[Int(word[0])] = true
            if word[0] >= UInt8(ascii: "a") && word[0] <= UInt8(ascii: "z") { isFirstByte[Int(word[0] - 32)] = true }
        }
        self.isFirstByte = isFirstByte
    }

    /// Whether a word occurs within `window` bytes before `value` or after it, not directly
    /// after a letter.
    func occurs(around value: Range<Int>, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        occurs(in: max(0, value.lowerBound - window)..<value.lowerBound, of: text)
            || occurs(in: value.upperBound..<min(text.count, value.upperBound + window), of: text)
    }

    /// Whether a word may start at `start`: not directly after a letter, unless that letter ends
    /// an escaped line break or tab of a string literal (`"Name: Ann\nPhone: …"`).
    private static func startsWord(at start: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard start > 0, ByteClass.isLetter(text[start - 1]) else { return true }
        let letter = text[start - 1]
        return start >= 2 && text[start - 2] == UInt8(ascii: "\\")
            && (letter == UInt8(ascii: "n") || letter == UInt8(ascii: "r") || letter == UInt8(ascii: "t"))
    }

    private func occurs(in region: Range<Int>, of text: UnsafeBufferPointer<UInt8>) -> Bool {
        // One pass over the region for all words: only a byte that starts some word is tried.
        for start in region where isFirstByte[Int(text[start])] && Self.startsWord(at: start, in: text) {
            let first = ByteClass.lowercased(text[start])
            for word in words
            where !word.isEmpty && word[0] == first && start + word.count <= region.upperBound
                && word.indices.allSatisfy({ ByteClass.lowercased(text[start + $0]) == word[$0] })
            {
                return true
            }
        }
        return false
    }

}

/// Shannon entropy of byte strings.
enum Entropy {
    /// The Shannon entropy of `bytes` in bits per byte: 0 for one repeated byte, 8 at most.
    ///
    /// The sum runs over the byte values present, in ascending order, one `p · log2(p)` term
    /// each — the same terms in the same order as a walk of all 256 counts, so the same `Double`
    /// bit for bit. The counts live in an uninitialised stack buffer, and a 256-bit mask says
    /// which of them were written: the 256 slots are neither zeroed nor walked (a 20-byte value
    /// cost 4,300 instructions, 102 M of the dense corpus' 2,445 M, callgrind; #13).
    static func bitsPerByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        guard bytes.count > 1 else { return 0 }
        return withCounts(of: bytes) { counts, slots in
            let total = Double(bytes.count)
            var entropy = 0.0
            slots { slot in
                let p = Double(counts[slot]) / total
                entropy -= p * log2(p)
            }
            return entropy
        }
    }

    /// Counts the byte values of `bytes` and calls `body` with the counts and a function that
    /// visits the values present in ascending order, each once. The counts live in an
    /// uninitialised stack buffer, and a 256-bit mask says which of them were written: the 256
    /// slots are neither zeroed nor walked.
    @inline(__always)
    private static func withCounts<Result>(
        of bytes: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeMutableBufferPointer<Int>, (_ visit: (Int) -> Void) -> Void) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { present in
                present.initialize(repeating: 0)
                for byte in bytes {
                    let slot = Int(byte)
                    let bit = UInt64(1) &<< UInt64(slot & 63)
                    if present[slot &>> 6] & bit == 0 {
                        present[slot &>> 6] |= bit
                        counts.initializeElement(at: slot, to: 1)
                    } else {
                        counts[slot] &+= 1
                    }
                }
                return body(counts) { visit in
                    for wordIndex in 0..<4 {
                        var word = present[wordIndex]
                        while word != 0 {
                            visit(wordIndex &* 64 &+ word.trailingZeroBitCount)
                            word &= word &- 1
                        }
                    }
                }
            }
        }
    }

    /// Whether `bitsPerByte(bytes) < floor`, with the same answer for every value.
    ///
    /// Decided first by `log2(n) - Σ c·log2(c) / n` with the `c·log2(c)` terms read from a table:
    /// one `log2` call instead of one per distinct byte (the calls were 74 M of the dense
    /// sample's 2,144 M instructions: 23,807 values, 3,100 instructions each; callgrind, #13).
    /// That sum differs from ``bitsPerByte(_:)``'s by rounding only — far less than `1e-9` for
    /// values the table covers — so a result further than that from the floor decides as
    /// ``bitsPerByte(_:)`` would; a nearer one, or a value longer than the table, is decided
    /// by ``bitsPerByte(_:)`` itself.
    static func isBelow(_ floor: Double, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 1, bytes.count < countLogTableSize else { return bitsPerByte(bytes) < floor }
        let table = countLogTable
        let estimate = withCounts(of: bytes) { counts, slots in
            var sum = 0.0
            slots { slot in sum += table[counts[slot]] }
            let total = Double(bytes.count)
            return log2(total) - sum / total
        }
        if abs(estimate - floor) > 1e-9 { return estimate < floor }
        return bitsPerByte(bytes) < floor
    }

    /// `countLogTable[c]` is `c · log2(c)` (0 for 0), for counts below ``countLogTableSize``.
    private static let countLogTableSize = 4096
    nonisolated(unsafe) private static let countLogTable: UnsafePointer<Double> = {
        let table = UnsafeMutablePointer<Double>.allocate(capacity: countLogTableSize)
        table[0] = 0
        for count in 1..<countLogTableSize { table[count] = Double(count) * log2(Double(count)) }
        return UnsafePointer(table)
    }()
}

extension Confidence {
    /// One step higher, `high` at most.
    var raised: Confidence { Confidence(rawValue: rawValue + 1) ?? .high }
}
