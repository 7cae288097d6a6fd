import CPCRE2
import Synchronization

/// A PCRE2 pattern compiled (and JIT-compiled) for byte-mode matching.
///
/// The pattern is compiled at creation, so a bad pattern is an error at start-up; the JIT
/// compiles it on its first match, once, under a lock (most of a large set never runs on a
/// short message, and JIT compiling all of them would double a short-lived process's start-up).
/// The code is immutable afterwards, so one instance is shared by all threads; the mutable state
/// of a match lives in a ``MatchScratch`` that each thread owns.
final class CompiledPattern: @unchecked Sendable {
    /// The compiled code; read-only after `init`.
    let code: OpaquePointer
    /// The number of capture groups in the pattern.
    let captureCount: Int
    /// 0 before the first match, then 1 when the JIT compiled the pattern, 2 when it did not
    /// (the interpreter is used).
    private let jitState = Atomic<UInt8>(0)
    private let jitLock = Mutex<Void>(())

    /// Whether the JIT compiled the pattern; `false` before the first match.
    var isJITCompiled: Bool { jitState.load(ordering: .acquiring) == 1 }

    /// The reason a pattern did not compile: PCRE2's message and the byte offset in the pattern.
    struct CompileError: Error {
        var message: String
        var offset: Int
    }

    /// Compiles `pattern` without UTF mode, then JIT-compiles it for complete matches.
    ///
    /// - Parameter allowsStartLimit: Whether matches may be limited to start before an offset
    ///   (PCRE2's offset limit), as keyword windows need.
    init(_ pattern: String, allowsStartLimit: Bool = false) throws(CompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var bytes = Array(pattern.utf8)
        let options = allowsStartLimit ? UInt32(PCRE2_USE_OFFSET_LIMIT) : 0
        let compiled = bytes.withUnsafeMutableBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw CompileError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        captureCount = Int(captures)
    }

    /// JIT-compiles the pattern unless that was done (or tried); no match may run before it
    /// returns, which every match ensures by calling it first.
    @inline(__always)
    func prepare() {
        guard jitState.load(ordering: .acquiring) == 0 else { return }
        jitLock.withLock { _ in
            guard jitState.load(ordering: .acquiring) == 0 else { return }
            let compiled = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
            jitState.store(compiled ? 1 : 2, ordering: .releasing)
        }
    }

    deinit { pcre2_code_free_8(code) }

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
    /// Ovector storage large enough for the pattern with the most capture groups.
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

    /// The JIT stack's initial and maximum size in bytes.
    static let jitStackSize = (start: 32 * 1024, maximum: 1024 * 1024)
    /// Creates scratch space with the match and depth limits of `limits` set on every match; a
    /// pattern that reaches one fails cleanly.
    init(maximumCaptureCount: Int, limits: ScanLimits) {
        matchData = pcre2_match_data_create_8(UInt32(maximumCaptureCount + 1), nil)!
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
    func match(
        _ pattern: CompiledPattern, in subject: UnsafeBufferPointer<UInt8>, from offset: Int, startLimit: Int? = nil
    ) -> Outcome {
        pattern.prepare()
        let options = UInt32(PCRE2_NO_UTF_CHECK)
        var matchContext = context
        if let startLimit {
            pcre2_set_offset_limit_8(windowContext, startLimit)
            matchContext = windowContext
        }
        let result = pattern.isJITCompiled
            ? pcre2_jit_match_8(pattern.code, subject.baseAddress, subject.count, offset, options, matchData, matchContext)
            : pcre2_match_8(pattern.code, subject.baseAddress, subject.count, offset, options, matchData, matchContext)
        if result == PCRE2_ERROR_NOMATCH { return .noMatch }
        if result < 0 { return .failure(result) }
        let whole = ovector[0]..<ovector[1]
        if result > 1, cordon_pcre2_is_unset(ovector[2]) == 0 {
            return .match(whole: whole, value: ovector[2]..<ovector[3])
        }
        return .match(whole: whole, value: whole)
    }
}
