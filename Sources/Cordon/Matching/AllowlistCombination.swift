/// How a detector's allowlist patterns (or its test-value patterns) are grouped into fewer PCRE2
/// patterns: the anchored ones that can be combined into one alternation, `(?:p1)|(?:p2)|…`,
/// whose match means "one of them matches", and which PCRE2 tries at the value's start only.
///
/// The reason: each pattern used to be a `pcre2_jit_match` call of its own, and a value passes
/// through every one of them — ~10 calls per value reaching the allowlist on the dense sample,
/// ~260 instructions each, mostly the call's set-up (577,698 calls, ~151 M of the dense sample's
/// 2,055 M instructions; callgrind, #13). A generic detector's 26 allowlist and 5 test-value
/// patterns are 6 calls.
///
/// Shared with the build tool (`CordonEmbed`, through a symbolic link), which compiles and embeds
/// the combined patterns of the built-in detectors, so that a process decodes them instead of
/// compiling them (``EmbeddedPatternCode``).
///
/// Exactness. "The alternation matches `value`" equals "some pattern matches `value`" (each
/// searched from offset 0, as ``CompiledDetector`` does): a match of the alternation at some
/// start is a match of one alternative there, and each alternative, inside its own group, is
/// read as the pattern alone is — as long as nothing in a pattern depends on what surrounds it
/// or on its group numbers. A pattern is combined only when a conservative scan of its source
/// (``combinability(of:)``) finds none of these:
/// - `\Q` (a quotation left open would take in the closing parenthesis), `(?x`-style extended
///   mode (a `#` comment would), and any `(?` group other than non-capturing, lookaround, atomic,
///   comment and option-setting ones without `x` (named groups, whose names could clash;
///   recursion and subroutine calls such as `(?R)` and `(?1)`, which would see the whole
///   alternation; conditionals; branch reset; callouts);
/// - `(*`: backtracking verbs, whose failure ends or moves the whole search, and start-of-pattern
///   settings;
/// - `\K`, `\g`, `\k`: references and reported-start changes;
/// - a back-reference `\1`…`\9`, whose group number shifts once groups precede it — unless the
///   pattern comes first in its alternation (its groups keep their numbers; a digit after the
///   reference's, `\12`, would be read by the whole alternation's group count, so it is refused).
/// Inline options (`(?i)`) stay scoped to the group that wraps the pattern. Only patterns that
/// compile on their own are combined (an engine compiles a custom set's patterns first; the
/// built-in ones are compiled by the build and the test suite), so an unfinished escape or
/// class cannot take in the `)`. A combined pattern whose match fails (a
/// match or depth limit, a pattern too large to compile) is answered by its members one by one,
/// as before (``AllowlistMatcher``).
enum AllowlistCombination {
    /// One PCRE2 pattern to run: `members` combined as `source`, or one member alone.
    struct Unit: Equatable, Sendable {
        /// The pattern to compile and run.
        var source: String
        /// The patterns it stands for (one, `source` itself, when it is not combined).
        var members: [String]

        /// Whether `source` combines several patterns.
        var isCombined: Bool { members.count > 1 }
    }

    /// Whether a pattern may join an alternation.
    enum Combinability: Equatable {
        /// Anywhere in it.
        case anywhere
        /// Only as its first alternative: it holds back-references by number.
        case first
        /// Not at all: it stays a call of its own.
        case never
    }

    /// The units that match any of `sources`: the anchored combinable patterns as one alternation
    /// (one whose every branch starts with `^` is one PCRE2 tries at the value's start only), and
    /// every other pattern alone. A pattern listed twice is run once.
    ///
    /// Patterns that may match anywhere are not combined: PCRE2 skips through a value to the
    /// first byte such a pattern can start with (a `memchr`-like search for `(?i)x{8}`, a start
    /// bitmap), and an alternation of them has only the union to skip with — most bytes — so it
    /// runs every branch at almost every start. Combined, they cost more than the calls they
    /// saved: 1,950 instead of 366 instructions per call on the agent corpus, whose total grew
    /// (callgrind, #13).
    static func units(_ sources: [String]) -> [Unit] {
        var seen: [String] = []
        var anchored: [String] = []
        var alone: [String] = []
        seen.reserveCapacity(sources.count)
        anchored.reserveCapacity(sources.count)
        alone.reserveCapacity(sources.count)
        var lead: String?
        // Lists are short (40 patterns at most in the catalogue): a linear look-up of repeats
        // costs less than hashing every source.
        for source in sources where !seen.contains(source) {
            seen.append(source)
            guard startsAnchored(source) else {
                alone.append(source)
                continue
            }
            switch combinability(of: source) {
            case .anywhere:
                anchored.append(source)
            case .first where lead == nil:
                // One numbered-reference pattern may lead the alternation.
                lead = source
            case .first, .never:
                alone.append(source)
            }
        }
        let members = (lead.map { [$0] } ?? []) + anchored
        var units: [Unit] = []
        if members.count == 1 {
            units.append(Unit(source: members[0], members: members))
        } else if members.count > 1 {
            units.append(Unit(source: combined(members), members: members))
        }
        return units + alone.map { Unit(source: $0, members: [$0]) }
    }

    /// The alternation of `members`, each in a non-capturing group.
    static func combined(_ members: [String]) -> String {
        // Appended into one reserved string: a map and a join built each group as a string of its
        // own (an engine's start-up builds ~70 of these).
        var result = ""
        result.reserveCapacity(members.reduce(0) { $0 + $1.utf8.count + 5 })
        for (index, member) in members.enumerated() {
            if index > 0 { result += "|" }
            result += "(?:"
            result += member
            result += ")"
        }
        return result
    }

    /// Where `source` may stand in an alternation (see the type's documentation). Conservative:
    /// a character class is not told apart (`[(*]` is refused), which only keeps a pattern alone.
    static func combinability(of source: String) -> Combinability {
        var source = source
        return source.withUTF8 { combinability(of: $0) }
    }

    private static func combinability(of bytes: UnsafeBufferPointer<UInt8>) -> Combinability {
        var hasReference = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { return .never }
                let escaped = bytes[index + 1]
                switch escaped {
                case UInt8(ascii: "Q"), UInt8(ascii: "K"), UInt8(ascii: "g"), UInt8(ascii: "k"):
                    return .never
                case UInt8(ascii: "1")...UInt8(ascii: "9"):
                    if index + 2 < bytes.count, ByteClass.isDigit(bytes[index + 2]) { return .never }
                    hasReference = true
                default:
                    break
                }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "(") && index + 1 < bytes.count {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "*") { return .never }
                if next == UInt8(ascii: "?") {
                    guard isPlainGroup(bytes, at: index + 2) else { return .never }
                }
            }
            index += 1
        }
        return hasReference ? .first : .anywhere
    }

    /// Whether the `(?` group whose text continues at `start` is non-capturing (`:`), a
    /// lookaround (`=`, `!`, `<=`, `<!`), atomic (`>`), a comment (`#`), or an option setting
    /// without extended mode (`(?i)`, `(?-s:`, `(?^)`).
    private static func isPlainGroup(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start < bytes.count else { return false }
        switch bytes[start] {
        case UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: ">"), UInt8(ascii: "#"):
            return true
        case UInt8(ascii: "<"):
            return start + 1 < bytes.count && (bytes[start + 1] == UInt8(ascii: "=") || bytes[start + 1] == UInt8(ascii: "!"))
        default:
            var index = start
            while index < bytes.count, isOptionLetter(bytes[index]) { index += 1 }
            return index > start && index < bytes.count && (bytes[index] == UInt8(ascii: ")") || bytes[index] == UInt8(ascii: ":"))
        }
    }

    /// Whether `byte` is a letter of an option setting that stays inside the group that wraps the
    /// pattern and changes nothing of how its text is read (`imnsJU`, `^`, `-`; extended mode,
    /// `x`, is not one of them).
    private static func isOptionLetter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "i"), UInt8(ascii: "m"), UInt8(ascii: "n"), UInt8(ascii: "s"), UInt8(ascii: "J"), UInt8(ascii: "U"),
            UInt8(ascii: "^"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Whether every match of `source` starts at the subject's start, read off its text: after
    /// leading option settings, `^` or `\A`, and no `|` outside parentheses. Only decides which
    /// alternation a pattern joins (a wrong answer costs time, never a different answer), so it
    /// may say `false` for some anchored patterns; it says `true` only when the pattern without
    /// multi-line mode (`m`) begins with the assertion.
    static func startsAnchored(_ source: String) -> Bool {
        var source = source
        return source.withUTF8 { startsAnchored($0) }
    }

    private static func startsAnchored(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        // Leading option settings: `(?i)`, `(?-s)`, …
        while index + 2 < bytes.count, bytes[index] == UInt8(ascii: "("), bytes[index + 1] == UInt8(ascii: "?") {
            var end = index + 2
            while end < bytes.count, isOptionLetter(bytes[end]) { end += 1 }
            guard end > index + 2, end < bytes.count, bytes[end] == UInt8(ascii: ")") else { break }
            if bytes[(index + 2)..<end].contains(UInt8(ascii: "m")) { return false }
            index = end + 1
        }
        guard index < bytes.count else { return false }
        let startsWithAssertion = bytes[index] == UInt8(ascii: "^")
            || (bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "A"))
        guard startsWithAssertion else { return false }
        // No `|` at depth 0, outside classes and escapes.
        var depth = 0
        var inClass = false
        var position = index
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
            } else {
                switch byte {
                case UInt8(ascii: "["):
                    inClass = true
                    // A `]` right after `[` or `[^` is a member, not the end.
                    if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "^") { position += 1 }
                    if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "]") { position += 1 }
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"): depth -= 1
                case UInt8(ascii: "|") where depth == 0: return false
                default: break
                }
            }
            position += 1
        }
        return true
    }
}
