/// What a pattern's source says about where its matches start.
///
/// A keyword-gated pattern is searched from ``Engine/keywordWindow`` bytes (or the detector's
/// `keyword_distance`) before each keyword occurrence, and PCRE2 tries every start in that
/// window: 1,400–5,600 cycles per occurrence. When every match of the pattern *begins with* one
/// of its keywords, that window is wasted work — a match can only start where a keyword starts —
/// so the search is anchored at the occurrence: one attempt, at one offset.
///
/// The analysis is syntactic and conservative: it reads the pattern's leading option settings,
/// zero-width assertions (lookbehinds, lookaheads, `\b`, `^`, a group of alternative
/// lookarounds), then the literal text that every match starts with (through non-capturing and
/// capturing groups that have no alternatives and no quantifier). Anything it does not
/// understand — a top-level alternative, a class, a quantified first character — answers "not
/// anchored", which keeps the window.
enum PatternPrefix {
    /// Whether every match of `pattern` starts with one of `keywords` (ASCII case ignored).
    static func startsWithKeyword(_ pattern: String, keywords: [String]) -> Bool {
        let source = Array(pattern.utf8)
        guard let literal = leadingLiteral(source), !literal.isEmpty else { return false }
        let lowered = literal.map(ByteClass.lowercased)
        return keywords.contains { keyword in
            let word = keyword.utf8.map(ByteClass.lowercased)
            return !word.isEmpty && word.count <= lowered.count && Array(lowered.prefix(word.count)) == word
        }
    }

    /// What every match of `pattern` holds right after its leading literal, when every match
    /// starts with one of `keywords`: at least ``TokenShape/minimumCount`` bytes of one class
    /// (`ghp_[A-Za-z0-9]{36}`: 36 letters or digits after 4 bytes). `nil` when the pattern does
    /// not start with a keyword or the reader cannot tell.
    static func tokenShape(_ pattern: String, keywords: [String]) -> TokenShape? {
        anchoring(pattern, keywords: keywords).shape
    }

    /// ``startsWithKeyword(_:keywords:)`` and ``tokenShape(_:keywords:)`` from one reading of
    /// the pattern (engine creation reads every detector's pattern: start-up time of the hook).
    static func anchoring(_ pattern: String, keywords: [String]) -> (startsWithKeyword: Bool, shape: TokenShape?) {
        var reader = Reader(source: Array(pattern.utf8))
        guard let literal = reader.leadingLiteral(), !literal.isEmpty, startsWith(literal, oneOf: keywords) else { return (false, nil) }
        guard let (members, minimum) = reader.classRunAfterLiteral(), minimum > 0 else { return (true, nil) }
        return (true, TokenShape(offset: literal.count, minimumCount: minimum, members: members))
    }

    /// Whether `literal` starts with one of `keywords` (ASCII case ignored).
    private static func startsWith(_ literal: [UInt8], oneOf keywords: [String]) -> Bool {
        let lowered = literal.map(ByteClass.lowercased)
        return keywords.contains { keyword in
            let word = keyword.utf8.map(ByteClass.lowercased)
            return !word.isEmpty && word.count <= lowered.count && Array(lowered.prefix(word.count)) == word
        }
    }

    /// The literal bytes every match of `source` starts with, or `nil` when the pattern has a
    /// top-level alternative or a construct this reader does not follow.
    static func leadingLiteral(_ source: [UInt8]) -> [UInt8]? {
        var reader = Reader(source: source)
        return reader.leadingLiteral()
    }

    struct Reader {
        let source: [UInt8]
        var position = 0
        /// Whether `(?x)` is on: whitespace and `#` comments are not part of the pattern.
        var extended = false

        init(source: [UInt8]) { self.source = source }

        func byte(_ offset: Int) -> UInt8? { offset < source.count ? source[offset] : nil }

        mutating func skipIgnorable() {
            guard extended else { return }
            while let byte = byte(position) {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    position += 1
                } else if byte == UInt8(ascii: "#") {
                    while let next = self.byte(position), next != UInt8(ascii: "\n") { position += 1 }
                } else {
                    return
                }
            }
        }

        /// The offset just after the group that opens at `open` (an `(`), or `nil`.
        func groupEnd(from open: Int) -> Int? {
            var depth = 0
            var index = open
            while index < source.count {
                let byte = source[index]
                switch byte {
                case UInt8(ascii: "\\"):
                    index += 2
                    continue
                case UInt8(ascii: "["):
                    guard let end = classEnd(from: index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "#") where extended:
                    while index < source.count, source[index] != UInt8(ascii: "\n") { index += 1 }
                    continue
                case UInt8(ascii: "("):
                    depth += 1
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return nil
        }

        /// The offset just after the character class that opens at `open` (a `[`), or `nil`.
        func classEnd(from open: Int) -> Int? {
            var index = open + 1
            if byte(index) == UInt8(ascii: "^") { index += 1 }
            if byte(index) == UInt8(ascii: "]") { index += 1 }
            while index < source.count {
                switch source[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "["):
                    // A POSIX class such as [:alpha:] inside a class.
                    if byte(index + 1) == UInt8(ascii: ":"), let close = (index + 2..<source.count).first(where: {
                        source[$0] == UInt8(ascii: "]") && source[$0 - 1] == UInt8(ascii: ":")
                    }) {
                        index = close + 1
                    } else {
                        index += 1
                    }
                case UInt8(ascii: "]"): return index + 1
                default: index += 1
                }
            }
            return nil
        }

        /// Whether the top level of `range` (one group's inside, or the whole pattern) holds a `|`.
        func hasAlternative(in range: Range<Int>) -> Bool? {
            var index = range.lowerBound
            while index < range.upperBound {
                switch source[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "["):
                    guard let end = classEnd(from: index) else { return nil }
                    index = end
                case UInt8(ascii: "("):
                    guard let end = groupEnd(from: index) else { return nil }
                    index = end
                case UInt8(ascii: "#") where extended:
                    while index < range.upperBound, source[index] != UInt8(ascii: "\n") { index += 1 }
                case UInt8(ascii: "|"): return true
                default: index += 1
                }
            }
            return false
        }

        /// Whether a quantifier follows at `offset` (after ignorable text in extended mode).
        func isQuantified(at offset: Int) -> Bool {
            var index = offset
            if extended {
                while let byte = byte(index), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") { index += 1 }
            }
            guard let byte = byte(index) else { return false }
            return byte == UInt8(ascii: "?") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "{")
        }

        /// Whether the group at `open`..<`end` is a lookaround.
        func isLookaround(_ open: Int) -> Bool {
            guard byte(open + 1) == UInt8(ascii: "?") else { return false }
            switch byte(open + 2) {
            case UInt8(ascii: "="), UInt8(ascii: "!"): return true
            case UInt8(ascii: "<"): return byte(open + 3) == UInt8(ascii: "=") || byte(open + 3) == UInt8(ascii: "!")
            default: return false
            }
        }

        /// Whether the inside of a group is only lookarounds, in any number of alternatives.
        func isOnlyLookarounds(_ inside: Range<Int>) -> Bool {
            var index = inside.lowerBound
            while index < inside.upperBound {
                let byte = source[index]
                if extended, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") {
                    index += 1
                } else if byte == UInt8(ascii: "|") {
                    index += 1
                } else if byte == UInt8(ascii: "("), isLookaround(index), let end = groupEnd(from: index), end <= inside.upperBound {
                    index = end
                } else {
                    return false
                }
            }
            return true
        }

        /// After ``leadingLiteral()``: the class and minimum count of the quantified class that
        /// follows the literal (past lookaheads, which only constrain further, and into a group
        /// without alternatives or quantifier), or `nil`. Letters are taken in both cases, so the
        /// class is a superset of what the pattern accepts whatever its case options.
        mutating func classRunAfterLiteral() -> (members: ByteSet, minimum: Int)? {
            while true {
                skipIgnorable()
                guard let byte = byte(position) else { return nil }
                guard byte == UInt8(ascii: "(") else { break }
                guard let end = groupEnd(from: position) else { return nil }
                if isLookaround(position), !isLookbehind(position) {
                    position = end
                    continue
                }
                var insideStart = position + 1
                if self.byte(position + 1) == UInt8(ascii: "?") {
                    guard self.byte(position + 2) == UInt8(ascii: ":") else { return nil }
                    insideStart = position + 3
                } else if self.byte(position + 1) == UInt8(ascii: "*") {
                    return nil
                }
                guard hasAlternative(in: insideStart..<(end - 1)) == false, !isQuantified(at: end) else { return nil }
                position = insideStart
            }
            var members = ByteSet()
            switch byte(position) {
            case UInt8(ascii: "["):
                guard let end = classEnd(from: position), let set = classMembers(position..<end) else { return nil }
                members = set
                position = end
            case UInt8(ascii: "\\"):
                guard let next = byte(position + 1), let set = ByteSet.escape(next) else { return nil }
                members = set
                position += 2
            default:
                return nil
            }
            // The quantifier: {n}, {n,}, {n,m} or + (possessive or lazy alike); none is one.
            skipIgnorable()
            switch byte(position) {
            case UInt8(ascii: "+"): return (members, 1)
            case UInt8(ascii: "?"), UInt8(ascii: "*"): return nil
            case UInt8(ascii: "{"):
                var index = position + 1
                var minimum = 0
                var digits = 0
                while let digit = byte(index), ByteClass.isDigit(digit), digits < 4 {
                    minimum = minimum * 10 + Int(digit - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                guard digits > 0, byte(index) == UInt8(ascii: "}") || byte(index) == UInt8(ascii: ",") else { return nil }
                return (members, minimum)
            default: return (members, 1)
            }
        }

        /// Whether the lookaround group at `open` looks behind.
        func isLookbehind(_ open: Int) -> Bool { byte(open + 2) == UInt8(ascii: "<") }

        /// The bytes the class `range` (from `[` to after `]`) matches, letters in both cases;
        /// `nil` for a negated class, a POSIX class or an escape this reader does not know.
        func classMembers(_ range: Range<Int>) -> ByteSet? {
            var set = ByteSet()
            var index = range.lowerBound + 1
            let close = range.upperBound - 1
            guard byte(index) != UInt8(ascii: "^") else { return nil }
            var previous: UInt8?  // the last single byte, which a following `-x` may turn into a range
            while index < close {
                let byte = source[index]
                if byte == UInt8(ascii: "["), self.byte(index + 1) == UInt8(ascii: ":") { return nil }
                if byte == UInt8(ascii: "\\") {
                    guard let next = self.byte(index + 1) else { return nil }
                    if let escape = ByteSet.escape(next) {
                        set.formUnion(escape)
                        previous = nil
                    } else if !ByteClass.isAlphanumeric(next) {
                        set.insert(next)
                        previous = next
                    } else {
                        return nil
                    }
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "-"), previous != nil, index + 1 < close, source[index + 1] == UInt8(ascii: "\\") {
                    return nil  // a range to an escaped byte: not worth reading
                }
                if byte == UInt8(ascii: "-"), let low = previous, index + 1 < close {
                    let high = source[index + 1]
                    guard low <= high else { return nil }
                    for member in low...high { set.insert(member) }
                    previous = nil
                    index += 2
                    continue
                }
                set.insert(byte)
                previous = byte
                index += 1
            }
            return set.withBothCases
        }

        /// One thing every match holds, in order from its start: `minimum` to `maximum` bytes
        /// (`nil`: no bound) of `members` (letters in both cases), or one literal byte.
        struct Item {
            var members: ByteSet
            var minimum: Int
            var maximum: Int?
            /// The byte, for a literal byte (`minimum` = `maximum` = 1).
            var literal: UInt8?
        }

        /// Moves past the pattern's leading option settings — `(?x)`, `(?i)`, `(?xi)`, `(?-x)` —
        /// noting whether extended mode ends up on, which decides what ``skipIgnorable()`` skips.
        mutating func skipLeadingOptionSettings() {
            while byte(position) == UInt8(ascii: "("), byte(position + 1) == UInt8(ascii: "?") {
                var index = position + 2
                var turnsOn = true
                var letters: [(UInt8, Bool)] = []
                while let byte = byte(index), ByteClass.isLetter(byte) || byte == UInt8(ascii: "-") {
                    if byte == UInt8(ascii: "-") { turnsOn = false } else { letters.append((byte, turnsOn)) }
                    index += 1
                }
                guard byte(index) == UInt8(ascii: ")"), !letters.isEmpty else { break }
                for (letter, on) in letters where letter == UInt8(ascii: "x") { extended = on }
                position = index + 1
            }
        }

        /// The items every match starts with, read past the leading option settings and
        /// zero-width assertions, through groups that have no alternative and no quantifier, up
        /// to the first construct this reader does not follow (which ends the list: every match
        /// starts with the items read, whatever follows). `nil` for a top-level alternative.
        mutating func leadingItems() -> [Item]? {
            skipLeadingOptionSettings()
            guard hasAlternative(in: position..<source.count) == false else { return nil }
            var items: [Item] = []
            var entered: [Int] = []
            // The quantifier at `position` (after ignorable text): bounds, or (1, 1) for none;
            // `nil` for one this reader does not read. Moves past it, and past a lazy or
            // possessive mark.
            func quantifier() -> (Int, Int?)? {
                skipIgnorable()
                var bounds: (Int, Int?)
                switch byte(position) {
                case UInt8(ascii: "+"): bounds = (1, nil); position += 1
                case UInt8(ascii: "*"): bounds = (0, nil); position += 1
                case UInt8(ascii: "?"): bounds = (0, 1); position += 1
                case UInt8(ascii: "{"):
                    var index = position + 1
                    func number() -> Int? {
                        var value = 0
                        var digits = 0
                        while let digit = byte(index), ByteClass.isDigit(digit), digits < 4 {
                            value = value * 10 + Int(digit - UInt8(ascii: "0"))
                            index += 1
                            digits += 1
                        }
                        return digits > 0 ? value : nil
                    }
                    guard let low = number() else { return nil }
                    if byte(index) == UInt8(ascii: "}") {
                        bounds = (low, low)
                    } else if byte(index) == UInt8(ascii: ",") {
                        index += 1
                        if byte(index) == UInt8(ascii: "}") {
                            bounds = (low, nil)
                        } else {
                            guard let high = number(), high >= low, byte(index) == UInt8(ascii: "}") else { return nil }
                            bounds = (low, high)
                        }
                    } else {
                        return nil
                    }
                    position = index + 1
                default: return (1, 1)
                }
                if byte(position) == UInt8(ascii: "?") || byte(position) == UInt8(ascii: "+") { position += 1 }
                return bounds
            }
            while true {
                skipIgnorable()
                guard let byte = byte(position) else { return items }
                if let end = entered.last, position == end - 1, byte == UInt8(ascii: ")") {
                    entered.removeLast()
                    position += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "("):
                    guard let end = groupEnd(from: position) else { return items }
                    if items.isEmpty, isLookaround(position) {
                        position = end
                        continue
                    }
                    var insideStart = position + 1
                    if self.byte(position + 1) == UInt8(ascii: "?") {
                        var index = position + 2
                        while let letter = self.byte(index), ByteClass.isLetter(letter) || letter == UInt8(ascii: "-") { index += 1 }
                        guard self.byte(index) == UInt8(ascii: ":") else { return items }
                        insideStart = index + 1
                    } else if self.byte(position + 1) == UInt8(ascii: "*") {
                        return items
                    }
                    if items.isEmpty, isOnlyLookarounds(insideStart..<(end - 1)), !isQuantified(at: end) {
                        position = end
                        continue
                    }
                    guard hasAlternative(in: insideStart..<(end - 1)) == false, !isQuantified(at: end) else { return items }
                    entered.append(end)
                    position = insideStart
                case UInt8(ascii: "\\"):
                    guard let next = self.byte(position + 1) else { return items }
                    if items.isEmpty, next == UInt8(ascii: "b") || next == UInt8(ascii: "A") || next == UInt8(ascii: "G") {
                        position += 2
                        continue
                    }
                    var members: ByteSet
                    var literal: UInt8?
                    if let escape = ByteSet.escape(next) {
                        members = escape
                    } else if !ByteClass.isAlphanumeric(next), next < 0x80 {
                        members = ByteSet()
                        members.insert(next)
                        literal = next
                    } else {
                        return items
                    }
                    position += 2
                    guard let (low, high) = quantifier() else { return items }
                    items.append(Item(members: members, minimum: low, maximum: high, literal: low == 1 && high == 1 ? literal : nil))
                case UInt8(ascii: "^") where items.isEmpty:
                    position += 1
                case UInt8(ascii: "["):
                    guard let end = classEnd(from: position), let members = classMembers(position..<end) else { return items }
                    position = end
                    guard let (low, high) = quantifier() else { return items }
                    items.append(Item(members: members, minimum: low, maximum: high, literal: nil))
                case UInt8(ascii: "."), UInt8(ascii: "$"), UInt8(ascii: "|"), UInt8(ascii: ")"), UInt8(ascii: "?"),
                    UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"), UInt8(ascii: "^"):
                    return items
                default:
                    guard byte < 0x80 else { return items }
                    var members = ByteSet()
                    members.insert(byte)
                    position += 1
                    guard let (low, high) = quantifier() else { return items }
                    items.append(Item(
                        members: members.withBothCases, minimum: low, maximum: high, literal: low == 1 && high == 1 ? byte : nil))
                }
            }
        }

        mutating func leadingLiteral() -> [UInt8]? {
            skipLeadingOptionSettings()
            // No top-level alternative: every match goes through the start read below.
            guard hasAlternative(in: position..<source.count) == false else { return nil }
            var literal: [UInt8] = []
            // Groups entered (their end offsets), which the literal may run through.
            var entered: [Int] = []
            var readingAssertions = true
            while true {
                skipIgnorable()
                guard let byte = byte(position) else { return literal }
                if let end = entered.last, position == end - 1, byte == UInt8(ascii: ")") {
                    entered.removeLast()
                    position += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "("):
                    guard let end = groupEnd(from: position) else { return nil }
                    if readingAssertions, literal.isEmpty, isLookaround(position) {
                        position = end
                        continue
                    }
                    let isNonCapturing = self.byte(position + 1) == UInt8(ascii: "?")
                    var insideStart = position + 1
                    if isNonCapturing {
                        // (?: or (?i: / (?-i: / (?i-x: — options scoped to the group.
                        var index = position + 2
                        while let letter = self.byte(index), ByteClass.isLetter(letter) || letter == UInt8(ascii: "-") { index += 1 }
                        guard self.byte(index) == UInt8(ascii: ":") else { return literal }
                        insideStart = index + 1
                    }
                    if readingAssertions, literal.isEmpty, isOnlyLookarounds(insideStart..<(end - 1)), !isQuantified(at: end) {
                        position = end
                        continue
                    }
                    guard hasAlternative(in: insideStart..<(end - 1)) == false, !isQuantified(at: end) else { return literal }
                    entered.append(end)
                    position = insideStart
                    readingAssertions = false
                case UInt8(ascii: "\\"):
                    guard let next = self.byte(position + 1) else { return literal }
                    if readingAssertions, literal.isEmpty, next == UInt8(ascii: "b") || next == UInt8(ascii: "A") || next == UInt8(ascii: "G") {
                        position += 2
                        continue
                    }
                    // An escaped punctuation character is itself; any other escape ends the literal.
                    guard !ByteClass.isAlphanumeric(next), next < 0x80 else { return literal }
                    if isQuantified(at: position + 2) { return literal }
                    literal.append(next)
                    position += 2
                    readingAssertions = false
                case UInt8(ascii: "^") where readingAssertions && literal.isEmpty:
                    position += 1
                case UInt8(ascii: "["):
                    // A one-byte class such as [ ] or [.] is that byte.
                    guard let end = classEnd(from: position), end == position + 3, self.byte(position + 1) != UInt8(ascii: "^"),
                        self.byte(position + 1) != UInt8(ascii: "\\"), !isQuantified(at: end)
                    else { return literal }
                    literal.append(self.byte(position + 1)!)
                    position = end
                    readingAssertions = false
                case UInt8(ascii: "."), UInt8(ascii: "$"), UInt8(ascii: "|"), UInt8(ascii: ")"), UInt8(ascii: "?"),
                    UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"), UInt8(ascii: "^"):
                    return literal
                default:
                    if isQuantified(at: position + 1) { return literal }
                    literal.append(byte)
                    position += 1
                    readingAssertions = false
                }
            }
        }
    }
}
