import CPCRE2
import CVectorscan
import Synchronization

/// A PCRE2 pattern compiled (and JIT-compiled) for byte-mode matching.
///
/// A pattern is normally compiled at creation, so a bad pattern is an error at start-up. A
/// *deferred* pattern — one of the built-in detectors' patterns, which the test suite and
/// `cordon detectors check` compile — is compiled on its first match instead: a short message
/// needs a few dozen of the catalogue's 600 patterns, and compiling all of them was a fifth of a
/// hook process's start-up. Should a deferred pattern not compile after all (a different PCRE2
/// library at run time), each match fails with PCRE2's error and the scan is incomplete, which
/// callers treat as "cannot decide" (fail closed).
///
/// The interpreter runs a pattern's first ``matchesBeforeJIT`` matches; then the JIT compiles a
/// copy of the code, once, under a lock, and the copy runs every later match. JIT-compiling a
/// pattern costs as much as thousands of short matches, so a one-shot process (a hook) never pays
/// it, and a long-running one pays it only for the patterns it uses. Both run the same pattern
/// with the same match limit; the interpreter also applies the depth limit. The interpreter's
/// code is never modified after it is compiled (the JIT works on its own copy), so one instance
/// is shared by all threads; the mutable state of a match lives in a ``MatchScratch`` that each
/// thread owns.
final class CompiledPattern: @unchecked Sendable {
    /// The pattern's bytes, which a deferred pattern compiles on its first match.
    private let source: [UInt8]
    /// PCRE2's compile options.
    private let options: UInt32
    /// The compiled code, which the interpreter runs; written once (in `init`, or under `lock`
    /// before `state` leaves ``State/pending``) and read-only afterwards.
    nonisolated(unsafe) private var compiledCode: OpaquePointer?
    /// A JIT-compiled copy of `compiledCode`; written once, under `lock`, before `state` becomes
    /// ``State/jitCompiled``.
    nonisolated(unsafe) private var jitCode: OpaquePointer?
    /// A JIT-compiled copy compiled with PCRE2_ANCHORED and PCRE2_NO_START_OPTIMIZE, for searches
    /// allowed one start only (``anchoredCode()``); written once, under `lock`, before
    /// `anchoredState` becomes ``AnchoredState/ready``.
    nonisolated(unsafe) private var anchoredJITCode: OpaquePointer?
    /// One of ``AnchoredState``'s values.
    private let anchoredState = Atomic<UInt8>(0)
    /// One-start searches run so far by the JIT copy while there is no anchored copy.
    private let oneStartSearches = Atomic<Int>(0)
    /// The PCRE2 error code of a deferred pattern that did not compile.
    nonisolated(unsafe) private var compileErrorCode: Int32 = 0
    /// See ``findsStartsByteByByte``; written with `compiledCode`.
    nonisolated(unsafe) private var startsByteByByte = false
    /// One of ``State``'s values.
    private let state: Atomic<UInt8>
    /// Matches run so far by the interpreter while the state is ``State/compiled``.
    private let interpretedMatches = Atomic<Int>(0)
    private let lock = Mutex<Void>(())

    /// How many matches the interpreter runs before the JIT compiles the pattern.
    ///
    /// 64, not 8: with 8, a hook process JIT-compiled the patterns that reach 8 matches in one
    /// 4 KB event: 5.3 M (prompt) and 6.9 M (PostToolUse Read) of its 71–84 M instructions
    /// (callgrind); no pattern reaches 64 there. A long-running process interprets 56 more
    /// matches per pattern it uses, once.
    static let matchesBeforeJIT = 64

    /// How many one-start searches the JIT copy runs before the anchored copy is compiled.
    ///
    /// Compiling and JIT-compiling the copy costs ~500,000 instructions (callgrind: 44 patterns
    /// JIT-compiled in a 3 MB real-text scan, 16.8 M; their compilation 5.8 M), about 30 of the
    /// 16,000-instruction searches it saves; patterns searched that way a few times never pay it.
    static let oneStartSearchesBeforeAnchoredCopy = 256

    /// Whether the anchored copy exists.
    private enum AnchoredState {
        /// Not compiled (yet).
        static let none: UInt8 = 0
        /// Compiled: one-start searches run it.
        static let ready: UInt8 = 1
        /// Did not compile; one-start searches run the JIT copy.
        static let failed: UInt8 = 2
    }

    /// What has been done to the pattern so far.
    private enum State {
        /// A deferred pattern, not compiled yet.
        static let pending: UInt8 = 0
        /// JIT-compiled: matches run the JIT copy.
        static let jitCompiled: UInt8 = 1
        /// The JIT failed, so the interpreter runs every match.
        static let interpreted: UInt8 = 2
        /// A deferred pattern that did not compile.
        static let failed: UInt8 = 3
        /// Compiled; the interpreter runs matches until ``matchesBeforeJIT``.
        static let compiled: UInt8 = 4
    }

    /// Whether the JIT compiled the pattern (after ``matchesBeforeJIT`` matches).
    var isJITCompiled: Bool { state.load(ordering: .acquiring) == State.jitCompiled }

    /// Whether one-start searches run the anchored copy (``anchoredCode()``).
    var hasAnchoredCopy: Bool { anchoredState.load(ordering: .acquiring) == AnchoredState.ready }

    /// Whether the pattern is compiled (always, unless it was deferred and has not run yet).
    var isCompiled: Bool { lock.withLock { _ in compiledCode != nil } }

    /// The reason a pattern did not compile: PCRE2's message and the byte offset in the pattern.
    struct CompileError: Error {
        var message: String
        var offset: Int
        /// PCRE2's error code.
        var code: Int32 = 0
    }

    /// Compiles `pattern` without UTF mode, unless `deferred`.
    ///
    /// - Parameters:
    ///   - allowsStartLimit: Whether matches may be limited to start before an offset (PCRE2's
    ///     offset limit), as keyword windows need.
    ///   - deferred: Whether to compile on the first match instead (only for patterns known to
    ///     compile; see the type's documentation).
    init(_ pattern: String, allowsStartLimit: Bool = false, deferred: Bool = false) throws(CompileError) {
        source = Array(pattern.utf8)
        options = allowsStartLimit ? UInt32(PCRE2_USE_OFFSET_LIMIT) : 0
        guard !deferred else {
            state = Atomic(State.pending)
            return
        }
        switch Self.compile(source, options: options) {
        case .success(let code):
            compiledCode = code
            startsByteByByte = Self.findsStartsByteByByte(code, source: source)
        case .failure(let error): throw error
        }
        state = Atomic(State.compiled)
    }

    /// Whether a search for this pattern over a span of starts tests the starts one by one:
    /// PCRE2 knows no first code unit (nor a line start) to skip to, and the pattern holds no
    /// backtracking verb (`(*SKIP)`, `(*COMMIT)`, …), whose failure moves or ends a search
    /// beyond the start it was tried at. A deferred pattern is compiled here.
    ///
    /// The reason: a pattern led by one of several keywords (`(?i)(?<![a-z])(?:employee|staff|
    /// …)`) has only a start bitmap, and PCRE2's JIT walks it a byte at a time — one address in
    /// that loop was 7 % of the CPU time of a real-text scan (#13, perf). For such a pattern
    /// anchored at its keywords, a search per keyword occurrence is cheaper than one search from
    /// the first occurrence to the last (``CompiledDetector/collect(in:keywordStarts:detectorIndex:scratch:deadline:into:)``);
    /// for a pattern PCRE2 skips through with `memchr`, one search is. Without a verb both
    /// searches try the same starts, so they find the same matches.
    var findsStartsByteByByte: Bool {
        if state.load(ordering: .acquiring) == State.pending { _ = compileOnce() }
        return startsByteByByte
    }

    /// Reads ``findsStartsByteByByte`` off compiled `code`.
    private static func findsStartsByteByByte(_ code: OpaquePointer, source: [UInt8]) -> Bool {
        var firstCodeType: UInt32 = 0
        guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODETYPE), &firstCodeType) == 0, firstCodeType == 0 else { return false }
        // `(*` opens a verb (or a leading option such as `(*UTF)`: left out alike); `\(*` is a
        // literal bracket, which only makes this answer `false` where it could be `true`.
        return !source.indices.dropLast().contains { source[$0] == UInt8(ascii: "(") && source[$0 + 1] == UInt8(ascii: "*") }
    }

    /// Compiles `source`.
    private static func compile(_ source: [UInt8], options: UInt32) -> Result<OpaquePointer, CompileError> {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled = source.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else { return .failure(CompileError(message: message(for: errorCode), offset: errorOffset, code: errorCode)) }
        return .success(compiled)
    }

    /// The code to run the next match with — compiling a deferred pattern on its first match and
    /// JIT-compiling a copy on the ``matchesBeforeJIT``th — or `nil` with PCRE2's error code when
    /// the pattern does not compile. Every match calls it first.
    @inline(__always)
    func prepare() -> (code: OpaquePointer?, isJITCompiled: Bool, errorCode: Int32) {
        var current = state.load(ordering: .acquiring)
        if current == State.pending { current = compileOnce() }
        switch current {
        case State.jitCompiled:
            return (jitCode, true, 0)
        case State.compiled:
            if interpretedMatches.wrappingAdd(1, ordering: .relaxed).newValue == Self.matchesBeforeJIT {
                if jitCompileOnce() == State.jitCompiled { return (jitCode, true, 0) }
            }
            return (compiledCode, false, 0)
        case State.interpreted:
            return (compiledCode, false, 0)
        default:
            return (nil, false, compileErrorCode)
        }
    }

    /// Compiles a deferred pattern, under the lock; returns the new state.
    private func compileOnce() -> UInt8 {
        lock.withLock { _ in
            let current = state.load(ordering: .acquiring)
            guard current == State.pending else { return current }
            // A built-in pattern the build compiled is decoded instead (``EmbeddedPatternCode``).
            switch EmbeddedPatternCode.code(for: source, options: options).map(Result.success) ?? Self.compile(source, options: options) {
            case .success(let code):
                compiledCode = code
                startsByteByByte = Self.findsStartsByteByByte(code, source: source)
                state.store(State.compiled, ordering: .releasing)
                return State.compiled
            case .failure(let error):
                compileErrorCode = error.code
                state.store(State.failed, ordering: .releasing)
                return State.failed
            }
        }
    }

    /// JIT-compiles a copy of the code, under the lock; returns the new state. Matches on other
    /// threads keep running the interpreter's code, which the JIT never touches.
    private func jitCompileOnce() -> UInt8 {
        lock.withLock { _ in
            let current = state.load(ordering: .acquiring)
            guard current == State.compiled, let copy = pcre2_code_copy_8(compiledCode) else {
                if current == State.compiled { state.store(State.interpreted, ordering: .releasing) }
                return state.load(ordering: .acquiring)
            }
            guard pcre2_jit_compile_8(copy, UInt32(PCRE2_JIT_COMPLETE)) == 0 else {
                pcre2_code_free_8(copy)
                state.store(State.interpreted, ordering: .releasing)
                return State.interpreted
            }
            jitCode = copy
            state.store(State.jitCompiled, ordering: .releasing)
            return State.jitCompiled
        }
    }

    /// The code for a search that may start at one offset only, once the pattern is
    /// JIT-compiled and has run ``oneStartSearchesBeforeAnchoredCopy`` such searches: the
    /// pattern compiled again with PCRE2_ANCHORED and PCRE2_NO_START_OPTIMIZE, then JIT-compiled;
    /// `nil` before that (the caller runs the JIT copy with the offset limit).
    ///
    /// The reason: before trying a start, PCRE2's JIT looks ahead for the pattern's leading
    /// literal and for a code unit every match holds, and checks the offset limit only after
    /// that. A keyword-anchored search, one start, thus read on to the next `://` or `@`:
    /// `url-credentials` ran 16,000 instructions per search, 7 % of a real-text scan (#13,
    /// callgrind). The JIT takes PCRE2_ANCHORED only at compile time. With one start allowed,
    /// the anchored copy tries the same start as the limited search, and the look-ahead only
    /// ever ruled out matches that cannot be, so both find the same match
    /// (`AnchoredSearchTests`).
    @inline(__always)
    func anchoredCode() -> OpaquePointer? {
        switch anchoredState.load(ordering: .acquiring) {
        case AnchoredState.ready: return anchoredJITCode
        case AnchoredState.failed: return nil
        default:
            guard oneStartSearches.wrappingAdd(1, ordering: .relaxed).newValue >= Self.oneStartSearchesBeforeAnchoredCopy
            else { return nil }
            return compileAnchoredOnce()
        }
    }

    /// Compiles and JIT-compiles the anchored copy, under the lock; returns it, or `nil` when it
    /// did not compile.
    private func compileAnchoredOnce() -> OpaquePointer? {
        lock.withLock { _ in
            switch anchoredState.load(ordering: .acquiring) {
            case AnchoredState.ready: return anchoredJITCode
            case AnchoredState.failed: return nil
            default: break
            }
            var errorCode: Int32 = 0
            var errorOffset = 0
            let anchoredOptions = options | UInt32(PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE)
            let code = source.withUnsafeBufferPointer {
                pcre2_compile_8($0.baseAddress, $0.count, anchoredOptions, &errorCode, &errorOffset, nil)
            }
            guard let code, pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0 else {
                if let code { pcre2_code_free_8(code) }
                anchoredState.store(AnchoredState.failed, ordering: .releasing)
                return nil
            }
            anchoredJITCode = code
            anchoredState.store(AnchoredState.ready, ordering: .releasing)
            return code
        }
    }

    deinit {
        if let compiledCode { pcre2_code_free_8(compiledCode) }
        if let jitCode { pcre2_code_free_8(jitCode) }
        if let anchoredJITCode { pcre2_code_free_8(anchoredJITCode) }
    }

    /// PCRE2's text for an error code.
    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// The per-thread mutable state for matching: match data, a JIT stack and a match context.
///
/// A scratch is used by one thread at a time. ``Engine`` keeps a pool of them so that scans on
/// many threads never share one and never allocate one per match.
final class MatchScratch: @unchecked Sendable {
    /// Ovector storage for the whole match and group 1.
    let matchData: OpaquePointer
    /// The JIT stack, grown on demand up to its maximum.
    let jitStack: OpaquePointer
    /// The match context holding the JIT stack and the match and depth limits.
    let context: OpaquePointer
    /// The same, for matches whose start is limited (keyword windows); its offset limit changes
    /// with every window.
    let windowContext: OpaquePointer
    /// The start of the ovector owned by `matchData`.
    let ovector: UnsafeMutablePointer<Int>
    /// Vectorscan's scratch space for the engine's ``KeywordPrefilter`` (freed with this).
    let keywordScratch: OpaquePointer?
    /// This thread's deterministic forms of the detectors' sketches, by detector index
    /// (``sketchDFA(at:for:)``).
    var sketchDFAs: [SketchDFA?] = []

    /// The ovector's pairs: the whole match and group 1 (the value), all a scan reads.
    static let ovectorPairs: UInt32 = 2
    /// The JIT stack's initial and maximum size in bytes.
    static let jitStackSize = (start: 32 * 1024, maximum: 1024 * 1024)
    /// Creates scratch space with the match and depth limits of `limits` set on every match; a
    /// pattern that reaches one fails cleanly.
    init(limits: ScanLimits, keywordScratch: OpaquePointer? = nil) {
        self.keywordScratch = keywordScratch
        matchData = pcre2_match_data_create_8(Self.ovectorPairs, nil)!
        jitStack = pcre2_jit_stack_create_8(Self.jitStackSize.start, Self.jitStackSize.maximum, nil)!
        context = pcre2_match_context_create_8(nil)!
        windowContext = pcre2_match_context_create_8(nil)!
        for context in [context, windowContext] {
            pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
            pcre2_set_match_limit_8(context, limits.matchLimit)
            pcre2_set_depth_limit_8(context, limits.depthLimit)
        }
        ovector = pcre2_get_ovector_pointer_8(matchData)
    }

    deinit {
        if let keywordScratch { hs_free_scratch(keywordScratch) }
        pcre2_match_context_free_8(context)
        pcre2_match_context_free_8(windowContext)
        pcre2_jit_stack_free_8(jitStack)
        pcre2_match_data_free_8(matchData)
    }

    /// The result of one match attempt.
    enum Outcome {
        /// A match: the whole match range and the value range (group 1 when set, else the match).
        case match(whole: Range<Int>, value: Range<Int>)
        /// No match from the start offset to the end of the subject.
        case noMatch
        /// Matching failed (a match or depth limit, an out-of-memory JIT stack); the PCRE2 code.
        case failure(Int32)
    }

    /// Finds the first match of `pattern` in `subject` at or after `offset`, and, when
    /// `startLimit` is given (the pattern must allow it), starting at or before `startLimit`.
    ///
    /// The whole subject stays visible to the match, so lookarounds at a window's edges see the
    /// real neighbouring bytes.
    @inline(__always)
    ///
    /// A search limited to start at `offset` itself runs on the pattern's anchored copy when it
    /// has one (``CompiledPattern/anchoredCode()``), unless `allowsAnchoredCopy` is false (tests
    /// compare the two).
    func match(
        _ pattern: CompiledPattern, in subject: UnsafeBufferPointer<UInt8>, from offset: Int, startLimit: Int? = nil,
        allowsAnchoredCopy: Bool = true
    ) -> Outcome {
        let prepared = pattern.prepare()
        guard let code = prepared.code else { return .failure(prepared.errorCode) }
        let options = UInt32(PCRE2_NO_UTF_CHECK)
        let result: Int32
        if startLimit == offset, allowsAnchoredCopy, prepared.isJITCompiled, let anchored = pattern.anchoredCode() {
            result = pcre2_jit_match_8(anchored, subject.baseAddress, subject.count, offset, options, matchData, context)
        } else {
            var matchContext = context
            if let startLimit {
                pcre2_set_offset_limit_8(windowContext, startLimit)
                matchContext = windowContext
            }
            result = prepared.isJITCompiled
                ? pcre2_jit_match_8(code, subject.baseAddress, subject.count, offset, options, matchData, matchContext)
                : pcre2_match_8(code, subject.baseAddress, subject.count, offset, options, matchData, matchContext)
        }
        if result == PCRE2_ERROR_NOMATCH { return .noMatch }
        if result < 0 { return .failure(result) }
        let whole = ovector[0]..<ovector[1]
        // The ovector holds the match and group 1 (``MatchScratch/ovectorPairs``); a pattern
        // with more groups returns 0 ("ovector too small") with both filled in.
        if result > 1 || result == 0, cordon_pcre2_is_unset(ovector[2]) == 0 {
            return .match(whole: whole, value: ovector[2]..<ovector[3])
        }
        return .match(whole: whole, value: whole)
    }
}
