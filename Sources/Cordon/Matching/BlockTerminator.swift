import Foundation

/// The literal that closes a block detector's match (`-----END PGP PRIVATE KEY BLOCK-----`,
/// `Private-`), and how far after a match's start it can lie.
///
/// A block pattern — a header, a body of up to thousands of bytes found lazily, an END line —
/// is expensive exactly where it cannot match: from each of many headers with no END line in
/// reach, PCRE2 extends the body byte by byte to its bound (16–64 KiB) before giving up, so a
/// flood of headers cost 7–17 seconds per MiB. Every match holds the terminator no further than
/// ``reach`` bytes after its start, so a search whose start positions have no terminator within
/// reach cannot match and is skipped, and one that has is started no earlier than ``reach``
/// bytes before it. Both are exact: the detector finds what a search of the whole text finds.
///
/// The terminator is read from the pattern itself (no detector-file field), and only where the
/// reading is certain: the first lazy repeat of at least ``minimumBodyBound`` bytes outside any
/// lookaround, alternation or optional group, followed by at least ``minimumLength`` literal
/// bytes, with a prefix of bounded length and no case-insensitive flag. Any other pattern has
/// no terminator and is searched as before.
struct BlockTerminator: Sendable, Equatable {
    /// The literal bytes every match holds.
    let literal: [UInt8]
    /// The furthest the literal can start after a match's start.
    let reach: Int

    /// The shortest lazy repeat bound that makes a pattern a block pattern.
    static let minimumBodyBound = 1024
    /// The shortest literal used as a terminator.
    static let minimumLength = 4

    /// The terminator of `pattern`, or `nil` where it cannot be read with certainty.
    init?(pattern: String) {
        guard let parsed = Self.parse(pattern) else { return nil }
        literal = parsed.literal
        reach = parsed.reach
    }

    init(literal: [UInt8], reach: Int) {
        self.literal = literal
        self.reach = reach
    }

    // MARK: - Reading the pattern

    private static func parse(_ pattern: String) -> (literal: [UInt8], reach: Int)? {
        var source = Array(pattern.utf8)
        // Flags that change what a literal matches make the reading uncertain.
        if contains(source, "(?i") || contains(source, "\\Q") || contains(source, "(?-x") { return nil }
        if contains(source, "(?x)") { source = removingExtendedWhitespace(source) }
        // Only a lazy bounded repeat (`{m,n}?`) makes a block pattern. Most patterns have none,
        // and every engine reads every pattern at start-up, so they are turned away in one pass.
        guard hasLazyBoundedRepeat(source) else { return nil }
        // Walk the pattern, tracking open groups, up to the first large lazy repeat.
        var groups: [(start: Int, isPlain: Bool)] = []
        var prefixBound = 0
        var index = 0
        while index < source.count {
            let byte = source[index]
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < source.count else { return nil }
                // A back reference in the prefix has no bounded length we know of.
                if ByteClass.isDigit(source[index + 1]) || source[index + 1] == UInt8(ascii: "g")
                    || source[index + 1] == UInt8(ascii: "k")
                {
                    return nil
                }
                prefixBound += 1
                index += 2
            case UInt8(ascii: "["):
                guard let end = classEnd(source, from: index) else { return nil }
                prefixBound += 1
                index = end + 1
            case UInt8(ascii: "("):
                let isLookaround = starts(source, at: index, with: "(?=") || starts(source, at: index, with: "(?!")
                    || starts(source, at: index, with: "(?<=") || starts(source, at: index, with: "(?<!")
                let isFlagGroup = isFlagSetting(source, at: index)
                if isFlagGroup {
                    index = (source[index...].firstIndex(of: UInt8(ascii: ")")) ?? source.count) + 1
                    continue
                }
                groups.append((index, !isLookaround && !starts(source, at: index, with: "(?|")))
                index += 1
                // Skip the group's marker (`?:`, `?<name>`, `?>`, …).
                if index < source.count, source[index] == UInt8(ascii: "?") {
                    if starts(source, at: index, with: "?<"), !starts(source, at: index, with: "?<="),
                        !starts(source, at: index, with: "?<!"), let close = source[index...].firstIndex(of: UInt8(ascii: ">"))
                    {
                        index = close + 1
                    } else if starts(source, at: index, with: "?P<"), let close = source[index...].firstIndex(of: UInt8(ascii: ">")) {
                        index = close + 1
                    } else {
                        index += 2
                    }
                }
            case UInt8(ascii: ")"):
                guard !groups.isEmpty else { return nil }
                groups.removeLast()
                index += 1
            case UInt8(ascii: "|"):
                // An alternation at the top level may skip the terminator; one inside a group
                // still open at the repeat is refused by `groupsCloseRequired`, and one inside a
                // closed group of the prefix only adds its alternatives' lengths to the bound.
                guard !groups.isEmpty else { return nil }
                index += 1
            case UInt8(ascii: "*"), UInt8(ascii: "+"):
                // An unbounded repeat in the prefix (a possessive `+` after a quantifier is not one).
                if index > 0, [UInt8(ascii: "?"), UInt8(ascii: "}"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(source[index - 1]),
                    byte == UInt8(ascii: "+")
                {
                    index += 1
                    continue
                }
                return nil
            case UInt8(ascii: "{"):
                guard let (low, high, end) = quantifier(source, at: index) else {
                    prefixBound += 1
                    index += 1
                    continue
                }
                guard let high else { return nil }
                let isLazy = end + 1 < source.count && source[end + 1] == UInt8(ascii: "?")
                if isLazy, high >= minimumBodyBound, low <= high, groups.allSatisfy(\.isPlain) {
                    guard let literal = literalAfter(source, from: end + 2), literal.count >= minimumLength,
                        groupsCloseRequired(source, groups: groups.map(\.start))
                    else { return nil }
                    return (literal, prefixBound + high)
                }
                prefixBound += high
                index = end + 1
            case UInt8(ascii: "."), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "$"):
                prefixBound += 1
                index += 1
            default:
                prefixBound += 1
                index += 1
            }
        }
        return nil
    }

    /// The literal bytes from `start` on, up to the first byte with a regex meaning; a last
    /// byte made optional or repeated by a following quantifier is dropped.
    private static func literalAfter(_ source: [UInt8], from start: Int) -> [UInt8]? {
        var literal: [UInt8] = []
        var index = start
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "["), index + 2 < source.count, source[index + 2] == UInt8(ascii: "]"),
                source[index + 1] != UInt8(ascii: "^"), source[index + 1] != UInt8(ascii: "\\")
            {
                literal.append(source[index + 1])  // a one-byte class: `[ ]`
                index += 3
            } else if byte == UInt8(ascii: "\\"), index + 1 < source.count, !ByteClass.isAlphanumeric(source[index + 1]) {
                literal.append(source[index + 1])  // an escaped punctuation byte: `\-`
                index += 2
            } else if ByteClass.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ")
                || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "/")
            {
                literal.append(byte)
                index += 1
            } else {
                break
            }
        }
        if index < source.count, [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{")].contains(source[index]) {
            if !literal.isEmpty { literal.removeLast() }
        }
        return literal
    }

    /// Whether none of the groups opened at `starts` is made optional or repeatable from zero
    /// by what follows its closing parenthesis, and none holds an alternation.
    private static func groupsCloseRequired(_ source: [UInt8], groups starts: [Int]) -> Bool {
        for start in starts {
            var depth = 0
            var index = start
            var closing: Int?
            while index < source.count {
                let byte = source[index]
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "[") {
                    guard let end = classEnd(source, from: index) else { return false }
                    index = end + 1
                    continue
                }
                if byte == UInt8(ascii: "(") { depth += 1 }
                if byte == UInt8(ascii: "|"), depth == 1 { return false }
                if byte == UInt8(ascii: ")") {
                    depth -= 1
                    if depth == 0 {
                        closing = index
                        break
                    }
                }
                index += 1
            }
            guard let closing else { return false }
            let next = closing + 1
            if next < source.count {
                if source[next] == UInt8(ascii: "?") || source[next] == UInt8(ascii: "*") { return false }
                if source[next] == UInt8(ascii: "{"), let (low, _, _) = quantifier(source, at: next), low == 0 { return false }
            }
        }
        return true
    }

    /// The bounds of a `{low,high}` quantifier at `index` and the offset of its `}`; `high` is
    /// `nil` for `{low,}`. `nil` when the brace is a literal.
    private static func quantifier(_ source: [UInt8], at index: Int) -> (Int, Int?, Int)? {
        guard let close = source[index...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
        let body = String(decoding: source[(index + 1)..<close], as: UTF8.self)
        let parts = body.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 2, let low = Int(parts[0]) else { return nil }
        if parts.count == 1 { return (low, low, close) }
        if parts[1].isEmpty { return (low, nil, close) }
        guard let high = Int(parts[1]) else { return nil }
        return (low, high, close)
    }

    /// The offset of the `]` that closes the class opened at `start`.
    private static func classEnd(_ source: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        if index < source.count, source[index] == UInt8(ascii: "^") { index += 1 }
        if index < source.count, source[index] == UInt8(ascii: "]") { index += 1 }
        while index < source.count {
            if source[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if source[index] == UInt8(ascii: "[") && index + 1 < source.count && source[index + 1] == UInt8(ascii: ":") {
                if let close = source[(index + 2)...].firstIndex(of: UInt8(ascii: "]")) {
                    index = close + 1
                    continue
                }
            }
            if source[index] == UInt8(ascii: "]") { return index }
            index += 1
        }
        return nil
    }

    /// Whether the group at `index` only sets flags (`(?s)`, `(?x)`).
    private static func isFlagSetting(_ source: [UInt8], at index: Int) -> Bool {
        guard starts(source, at: index, with: "(?") else { return false }
        var cursor = index + 2
        while cursor < source.count, ByteClass.isLetter(source[cursor]) || source[cursor] == UInt8(ascii: "-") { cursor += 1 }
        return cursor > index + 2 && cursor < source.count && source[cursor] == UInt8(ascii: ")")
    }

    /// `source` without the whitespace and `#` comments that `(?x)` ignores (outside classes
    /// and escapes).
    private static func removingExtendedWhitespace(_ source: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "\\"), index + 1 < source.count {
                result += source[index...(index + 1)]
                index += 2
            } else if byte == UInt8(ascii: "["), let end = classEnd(source, from: index) {
                result += source[index...end]
                index = end + 1
            } else if byte == UInt8(ascii: "#") {
                while index < source.count, source[index] != 0x0A { index += 1 }
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    private static func starts(_ source: [UInt8], at index: Int, with prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        return index + bytes.count <= source.count && source[index..<(index + bytes.count)].elementsEqual(bytes)
    }

    /// Whether `source` holds `}?`: a bounded repeat made lazy, or text that looks like one.
    private static func hasLazyBoundedRepeat(_ source: [UInt8]) -> Bool {
        guard source.count >= 2 else { return false }
        for index in 1..<source.count where source[index] == UInt8(ascii: "?") && source[index - 1] == UInt8(ascii: "}") {
            return true
        }
        return false
    }

    private static func contains(_ source: [UInt8], _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { needle in
            guard let first = needle.first, source.count >= needle.count else { return false }
            for index in 0...(source.count - needle.count)
            where source[index] == first && source[index..<(index + needle.count)].elementsEqual(needle) {
                return true
            }
            return false
        }
    }
}

/// Finds a block terminator's occurrences in one text, front to back, for a detector's
/// ascending searches: every byte is looked at about once, whatever the number of searches.
struct TerminatorCursor {
    let terminator: BlockTerminator
    /// The offset from which the last lookup searched, and the occurrence it found (`nil`: none
    /// after it).
    private var searchedFrom = Int.max
    private var found: Int?

    init(_ terminator: BlockTerminator) {
        self.terminator = terminator
    }

    /// The first start at or after `from` from which a match can reach an occurrence of the
    /// terminator, or `nil` when no occurrence lies at or after `from`.
    mutating func earliestStart(from: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        if !(searchedFrom <= from && (found == nil || found! >= from)) {
            searchedFrom = from
            found = occurrence(from: from, in: text)
        }
        guard let found else { return nil }
        return max(from, found - terminator.reach)
    }

    /// The offset of the first occurrence of the literal at or after `from`.
    private func occurrence(from: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        let literal = terminator.literal
        guard from < text.count, text.count - from >= literal.count, let base = text.baseAddress else { return nil }
        // memchr finds each candidate first byte at memory speed; the rest is compared in place.
        let first = Int32(literal[0])
        var position = from
        let lastStart = text.count - literal.count
        while position <= lastStart {
            guard let hit = memchr(base + position, first, lastStart - position + 1) else { return nil }
            let candidate = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + candidate, literal, literal.count) == 0 { return candidate }
            position = candidate + 1
        }
        return nil
    }
}
