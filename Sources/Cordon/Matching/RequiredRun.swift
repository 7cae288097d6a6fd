/// A run of bytes every match of a pattern holds at a bounded distance from its start: at least
/// ``count`` bytes of ``members``, starting between ``earliest`` and ``latest`` bytes after the
/// match's start. Read off the pattern (``init(pattern:)``); checked without PCRE2 at each place
/// a match may start.
///
/// The reason: a keyword such as `box`, `adobe` or `cursor` occurs in ordinary words (checkbox,
/// sandbox, cursor position) hundreds of times per megabyte, and each occurrence was a PCRE2
/// call that walked the key-name and assignment alternatives before failing — box-api-access-token
/// alone was 4.2 % of the matching time of real text with no match at all (`cordon detectors
/// profile`, #13). Such a pattern's value (`[A-Za-z0-9]{32}`) must start within a few dozen
/// bytes of the keyword; when no run of 32 letters and digits starts there, no match can start
/// at the keyword, and a byte walk of those few dozen bytes says so. Exact: the members are a
/// superset of what the pattern's class accepts (letters in both cases), and the distance is
/// the most bytes the pattern's items before the run can take.
struct RequiredRun: Sendable, Equatable {
    let members: ByteSet
    /// The fewest bytes of ``members`` every match holds in a row.
    let count: Int
    /// The fewest and the most bytes before the run, from the match's start.
    let earliest: Int
    let latest: Int

    /// Runs shorter than this are not worth checking: a few letters or digits occur after
    /// nearly every keyword.
    static let shortestUseful = 8

    /// Runs of this many bytes are worth checking when their members are neither letters nor
    /// blanks (digits, punctuation): four digits in a row seldom follow a keyword in prose or
    /// code, and an employee, account or member number is such a run a few bytes after its label.
    static let shortestUsefulWithoutLetters = 4

    /// Whether a run of `count` bytes of `members` is worth checking (``shortestUseful``,
    /// ``shortestUsefulWithoutLetters``).
    ///
    /// One byte is worth checking when it is punctuation (`=`, `!`, `"`): password-comparison's
    /// `===?|!==?` 3–16 bytes after `pass`, `pwd` or `secret`, which prose holds without.
    ///
    /// A run shorter than ``shortestUseful`` is checked only within ``shortRunSpan`` bytes of
    /// starts: a byte such as `.` found somewhere in the next 2,000 bytes says little, and the
    /// walk to it would cost more than the PCRE2 call it might save.
    static func isUseful(_ members: ByteSet, count: Int, span: Int) -> Bool {
        if count >= shortestUseful { return true }
        guard span < shortRunSpan, !members.containsLetterOrBlank else { return false }
        return count >= shortestUsefulWithoutLetters || (count >= 1 && !members.containsDigit)
    }

    /// The most starts (latest − earliest + 1) a run shorter than ``shortestUseful`` may have (``isUseful(_:count:span:)``).
    static let shortRunSpan = 64

    /// Whether a match starting at `start` of `text` can hold the run: whether `count` members
    /// in a row start between `start + earliest` and `start + latest`.
    ///
    /// Every `count`-th byte is probed (a run of `count` bytes covers one of them); only a
    /// probe that is a member is extended both ways. A keyword followed by ordinary words costs
    /// a few probes, not a look at every byte up to the latest start.
    @inline(__always)
    func admits(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        let first = start &+ earliest
        let lastStart = start &+ latest
        var probe = first &+ count &- 1
        while probe < text.count, probe &- count &+ 1 <= lastStart {
            guard members.contains(text[probe]) else {
                probe &+= count
                continue
            }
            // The earliest start of members reaching the probe, and how far they go.
            var runStart = probe
            while runStart > first, members.contains(text[runStart &- 1]) { runStart &-= 1 }
            if runStart > lastStart { return false }
            var end = probe &+ 1
            while end < text.count, end &- runStart < count, members.contains(text[end]) { end &+= 1 }
            if end &- runStart >= count { return true }
            // Too short: a run must start after `end`, a non-member (or the text's end).
            probe = end &+ count
        }
        return false
    }

    init(members: ByteSet, count: Int, earliest: Int, latest: Int) {
        self.members = members
        self.count = count
        self.earliest = earliest
        self.latest = latest
    }

    /// The longest run (of at least ``shortestUseful`` bytes) that every match of `pattern` holds
    /// at a bounded distance from its start, or `nil` when there is none or the pattern holds a
    /// construct the reader does not follow (PCRE2 byte mode: one byte per character).
    init?(pattern: String) {
        var reader = Reader(source: Array(pattern.utf8))
        var found: [RequiredRun] = []
        guard let whole = reader.alternatives(extended: false, from: (0, 0), found: &found), reader.position == reader.source.count,
            whole.alternatives == 1
        else { return nil }
        // The longest run, then the nearest, then the one of fewest members (the rarest bytes).
        guard let best = found.max(by: { ($0.count, -$0.latest, -$0.members.count) < ($1.count, -$1.latest, -$1.members.count) })
        else { return nil }
        self = best
    }

    /// The most bytes a match of `pattern` can take from its start (PCRE2 byte mode; a `\\K`
    /// counts the bytes before it), or `nil` when a piece is unbounded or the reader does not
    /// follow a construct. Lookarounds take none: a lookbehind's bytes lie before the match, a
    /// lookahead's are not part of it.
    static func longestMatch(pattern: String) -> Int? {
        var reader = Reader(source: Array(pattern.utf8))
        var found: [RequiredRun] = []
        guard let whole = reader.alternatives(extended: false, from: (0, 0), found: &found), reader.position == reader.source.count
        else { return nil }
        return whole.reach.maximum
    }

    /// The most bytes after a match's start its value (group 1 when set, else the match) can end
    /// at: ``longestMatch(pattern:)``, when no capturing group lies inside a lookaround — a group
    /// set inside one can hold bytes before the match or after it — and `nil` otherwise or when
    /// the longest match is not known. A value starts at or after the match's start (a `\K`
    /// moves the match's start later, not earlier), so every byte of it lies in the
    /// `valueReach` bytes from the match's start (``ValueDigitFloor``).
    static func valueReach(pattern: String) -> Int? {
        var reader = Reader(source: Array(pattern.utf8))
        var found: [RequiredRun] = []
        guard let whole = reader.alternatives(extended: false, from: (0, 0), found: &found), reader.position == reader.source.count,
            !reader.capturesInsideLookaround
        else { return nil }
        return whole.reach.maximum
    }

    /// A reader of the lengths of a pattern's pieces, in bytes.
    struct Reader {
        /// The fewest bytes and the most (`nil`: no bound).
        typealias Reach = (minimum: Int, maximum: Int?)

        let source: [UInt8]
        var position = 0
        /// Where reading stops, as if the pattern ended there.
        var limit: Int
        /// How many lookarounds the reader is inside.
        var lookaroundDepth = 0
        /// Whether a capturing group opened inside a lookaround (``RequiredRun/valueReach(pattern:)``).
        var capturesInsideLookaround = false

        init(source: [UInt8]) {
            self.source = source
            limit = source.count
        }

        func byte(_ offset: Int) -> UInt8? { offset < limit ? source[offset] : nil }

        static func add(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            return a &+ b
        }

        /// Reads alternatives up to a `)` (not consumed) or the end. `from` is the reach of the
        /// pieces before them from the match's start, and runs every match holds are appended to
        /// `found` with their distances — only when there is one alternative.
        mutating func alternatives(extended: Bool, from: Reach, found: inout [RequiredRun]) -> (reach: Reach, alternatives: Int)? {
            var extended = extended
            var minimum = Int.max
            var maximum: Int? = 0
            var count = 0
            var inside: [RequiredRun] = []
            // The bytes the alternatives start with, while each starts with one of a known set.
            var leading: ByteSet? = ByteSet()
            while true {
                var first: ByteSet?
                guard let reach = sequence(extended: &extended, from: from, found: &inside, leading: &first) else { return nil }
                minimum = min(minimum, reach.minimum)
                maximum = maximum.flatMap { known in reach.maximum.map { max(known, $0) } }
                if leading != nil, let first { leading!.formUnion(first) } else { leading = nil }
                count += 1
                guard byte(position) == UInt8(ascii: "|") else { break }
                position += 1
            }
            if count == 1 { found += inside }
            // Alternatives that each start with a byte of a set: one byte of their union every
            // match holds where the group starts (`(?:===?|!==?)`: `=` or `!`).
            if count > 1, let leading, let latest = from.maximum, RequiredRun.isUseful(leading, count: 1, span: latest - from.minimum) {
                found.append(RequiredRun(members: leading, count: 1, earliest: from.minimum, latest: latest))
            }
            return ((minimum, maximum), count)
        }

        /// Reads one alternative: pieces up to a `|`, a `)` or the end.
        mutating func sequence(extended: inout Bool, from: Reach, found: inout [RequiredRun]) -> Reach? {
            var leading: ByteSet?
            return sequence(extended: &extended, from: from, found: &found, leading: &leading)
        }

        /// Reads one alternative; `leading` is set to the bytes it starts with when its first
        /// piece that takes bytes is one byte of a known set, repeated at least once.
        mutating func sequence(extended: inout Bool, from: Reach, found: inout [RequiredRun], leading: inout ByteSet?) -> Reach? {
            var reach: Reach = (0, 0)
            var leadingKnown = false
            while let current = byte(position), current != UInt8(ascii: "|"), current != UInt8(ascii: ")") {
                if extended, current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\n")
                    || current == UInt8(ascii: "\r") || current == 0x0B || current == 0x0C
                {
                    position += 1
                    continue
                }
                if extended, current == UInt8(ascii: "#") {
                    while let next = byte(position), next != UInt8(ascii: "\n") { position += 1 }
                    continue
                }
                let at: Reach = (from.minimum &+ reach.minimum, Self.add(from.maximum, reach.maximum))
                // One piece: an atom and its quantifier.
                var pieceFound: [RequiredRun] = []
                var members: ByteSet?
                var literal: UInt8?
                var atom: Reach
                switch current {
                case UInt8(ascii: "("):
                    guard let group = group(extended: &extended, from: at, found: &pieceFound) else { return nil }
                    guard let groupReach = group else { continue }  // an option setting
                    atom = groupReach
                case UInt8(ascii: "["):
                    guard let set = characterClass() else { return nil }
                    members = set
                    atom = (1, 1)
                case UInt8(ascii: "\\"):
                    guard let escape = escape() else { return nil }
                    members = escape.members
                    atom = escape.reach
                case UInt8(ascii: "^"), UInt8(ascii: "$"):
                    position += 1
                    atom = (0, 0)
                case UInt8(ascii: "."):
                    position += 1
                    atom = (1, 1)
                case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                    return nil  // a quantifier with nothing to repeat, or a brace this reader does not follow
                default:
                    literal = current
                    position += 1
                    atom = (1, 1)
                }
                guard let quantifier = quantifier(extended: extended) else { return nil }
                if let literal {
                    var set = ByteSet()
                    set.insert(literal)
                    members = set.withBothCases
                }
                if !leadingKnown, atom.maximum != 0 {
                    // The first piece that may take bytes: the alternative's leading byte, when
                    // it is one byte of a known set that every match takes.
                    leadingKnown = true
                    if atom.minimum == 1, atom.maximum == 1, quantifier.minimum >= 1, let members { leading = members }
                }
                if quantifier.minimum == 1, quantifier.maximum == 1 { found += pieceFound }
                if atom.minimum == 1, atom.maximum == 1, quantifier.minimum >= 1, let latest = at.maximum, let members,
                    RequiredRun.isUseful(members, count: quantifier.minimum, span: latest - at.minimum)
                {
                    found.append(RequiredRun(members: members, count: quantifier.minimum, earliest: at.minimum, latest: latest))
                }
                reach.minimum = reach.minimum &+ atom.minimum &* quantifier.minimum
                // A zero-width piece repeated without bound still takes no bytes.
                let pieceMaximum = atom.maximum == 0 ? 0 : atom.maximum.flatMap { per in quantifier.maximum.map { per &* $0 } }
                reach.maximum = Self.add(reach.maximum, pieceMaximum)
            }
            return reach
        }

        /// What a group's opening says.
        enum GroupKind {
            /// `(?x)`, `(?-i)`: options for the rest of the enclosing group; nothing to read.
            case optionSetting(extended: Bool)
            /// `(?#…)`: read already.
            case comment
            /// A lookaround: zero width; its inside follows, read in this mode.
            case lookaround(extended: Bool)
            /// A group that takes bytes: its inside follows, read in this mode.
            case content(extended: Bool)
        }

        /// Reads a group's opening from its `(` (`nil` for a construct this reader does not
        /// follow: verbs, conditionals, recursion, callouts).
        mutating func groupOpening(extended: Bool) -> GroupKind? {
            position += 1
            var innerExtended = extended
            if byte(position) == UInt8(ascii: "*") { return nil }
            guard byte(position) == UInt8(ascii: "?") else { return .content(extended: extended) }
            position += 1
            switch byte(position) {
            case UInt8(ascii: ":"), UInt8(ascii: "|"), UInt8(ascii: ">"):
                position += 1
            case UInt8(ascii: "="), UInt8(ascii: "!"):
                position += 1
                return .lookaround(extended: extended)
            case UInt8(ascii: "<"):
                if byte(position + 1) == UInt8(ascii: "=") || byte(position + 1) == UInt8(ascii: "!") {
                    position += 2
                    return .lookaround(extended: extended)
                }
                guard skipName(closing: UInt8(ascii: ">")) else { return nil }
            case UInt8(ascii: "P"):
                position += 1
                guard byte(position) == UInt8(ascii: "<"), skipName(closing: UInt8(ascii: ">")) else { return nil }
            case UInt8(ascii: "'"):
                guard skipName(closing: UInt8(ascii: "'")) else { return nil }
            case UInt8(ascii: "#"):
                while let next = byte(position), next != UInt8(ascii: ")") { position += 1 }
                guard byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
                return .comment
            default:
                // Option letters: `(?i)`, `(?x-i)`, `(?i:`, `(?-x:`.
                var turnsOn = true
                var letters = false
                while let letter = byte(position), ByteClass.isLetter(letter) || letter == UInt8(ascii: "-") {
                    if letter == UInt8(ascii: "-") {
                        turnsOn = false
                    } else {
                        guard letter == UInt8(ascii: "i") || letter == UInt8(ascii: "x") || letter == UInt8(ascii: "s")
                            || letter == UInt8(ascii: "m") || letter == UInt8(ascii: "U") || letter == UInt8(ascii: "J")
                        else { return nil }
                        if letter == UInt8(ascii: "x") { innerExtended = turnsOn }
                        letters = true
                    }
                    position += 1
                }
                guard letters else { return nil }
                if byte(position) == UInt8(ascii: ")") {
                    position += 1
                    return .optionSetting(extended: innerExtended)
                }
                guard byte(position) == UInt8(ascii: ":") else { return nil }
                position += 1
            }
            return .content(extended: innerExtended)
        }

        /// Reads a group from its `(`: its reach, `.some(nil)` for an option setting such as
        /// `(?x)` (which changes `extended` for the rest of the enclosing group), `nil` for a
        /// construct this reader does not follow.
        private mutating func group(extended: inout Bool, from: Reach, found: inout [RequiredRun]) -> Reach?? {
            let opening = position
            guard let kind = groupOpening(extended: extended) else { return nil }
            let innerExtended: Bool
            switch kind {
            case .optionSetting(let setting):
                extended = setting
                return .some(nil)
            case .comment:
                return .some((0, 0))
            case .lookaround(let mode), .content(let mode):
                innerExtended = mode
            }
            if case .lookaround = kind {
                lookaroundDepth += 1
            } else if lookaroundDepth > 0, opensCapture(at: opening) {
                capturesInsideLookaround = true
            }
            var inside: [RequiredRun] = []
            guard let content = alternatives(extended: innerExtended, from: from, found: &inside), byte(position) == UInt8(ascii: ")") else {
                return nil
            }
            position += 1
            if case .lookaround = kind {
                lookaroundDepth -= 1
                return .some((0, 0))
            }
            found += inside
            return .some(content.reach)
        }

        /// Whether the group opening at `opening` (its `(`) captures: `(…)`, `(?<name>…)`,
        /// `(?P<name>…)` or `(?'name'…)`.
        func opensCapture(at opening: Int) -> Bool {
            guard byte(opening + 1) == UInt8(ascii: "?") else { return true }
            switch byte(opening + 2) {
            case UInt8(ascii: "<"): return byte(opening + 3) != UInt8(ascii: "=") && byte(opening + 3) != UInt8(ascii: "!")
            case UInt8(ascii: "P"): return byte(opening + 3) == UInt8(ascii: "<")
            case UInt8(ascii: "'"): return true
            default: return false
            }
        }

        /// Moves past a group name up to its closing byte.
        mutating func skipName(closing: UInt8) -> Bool {
            position += 1
            while let next = byte(position), next != closing {
                guard ByteClass.isAlphanumeric(next) || next == UInt8(ascii: "_") else { return false }
                position += 1
            }
            guard byte(position) == closing else { return false }
            position += 1
            return true
        }

        /// Reads a quantifier, if any (one repetition when none): `?`, `*`, `+`, `{n}`, `{n,}`,
        /// `{n,m}`, possessive or lazy alike. `nil` for a brace this reader does not follow.
        mutating func quantifier(extended: Bool) -> Reach? {
            var result: Reach
            switch byte(position) {
            case UInt8(ascii: "?"): result = (0, 1)
            case UInt8(ascii: "*"): result = (0, nil)
            case UInt8(ascii: "+"): result = (1, nil)
            case UInt8(ascii: "{"):
                var index = position + 1
                func number() -> Int? {
                    var value = 0
                    var digits = 0
                    while let digit = byte(index), ByteClass.isDigit(digit), digits < 6 {
                        value = value * 10 + Int(digit - UInt8(ascii: "0"))
                        index += 1
                        digits += 1
                    }
                    return digits > 0 ? value : nil
                }
                guard let low = number() else { return nil }
                if byte(index) == UInt8(ascii: "}") {
                    result = (low, low)
                } else if byte(index) == UInt8(ascii: ",") {
                    index += 1
                    if byte(index) == UInt8(ascii: "}") {
                        result = (low, nil)
                    } else {
                        guard let high = number(), high >= low, byte(index) == UInt8(ascii: "}") else { return nil }
                        result = (low, high)
                    }
                } else {
                    return nil
                }
                position = index
            default:
                return (1, 1)
            }
            position += 1
            if byte(position) == UInt8(ascii: "+") || byte(position) == UInt8(ascii: "?") { position += 1 }
            return result
        }

        /// Reads an escape: its reach and, for one byte of a known set, the set.
        mutating func escape() -> (reach: Reach, members: ByteSet?)? {
            guard let next = byte(position + 1) else { return nil }
            position += 2
            if let set = ByteSet.escape(next) { return ((1, 1), set) }
            switch next {
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "G"),
                UInt8(ascii: "K"):
                return ((0, 0), nil)
            case UInt8(ascii: "D"), UInt8(ascii: "W"), UInt8(ascii: "S"), UInt8(ascii: "H"), UInt8(ascii: "N"), UInt8(ascii: "V"),
                UInt8(ascii: "v"):
                return ((1, 1), nil)
            case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "e"), UInt8(ascii: "a"):
                return ((1, 1), nil)
            case UInt8(ascii: "R"):
                return ((1, 2), nil)
            case UInt8(ascii: "x"):
                guard let high = byte(position), let low = byte(position + 1), ByteClass.isHexDigit(high), ByteClass.isHexDigit(low)
                else { return nil }
                position += 2
                return ((1, 1), nil)
            default:
                // An escaped punctuation character is itself; other escapes are not followed.
                guard !ByteClass.isAlphanumeric(next), next < 0x80 else { return nil }
                var set = ByteSet()
                set.insert(next)
                return ((1, 1), set)
            }
        }

        /// Reads a character class from its `[`: the bytes it may match (letters in both cases; a
        /// superset), or `nil` for a construct this reader does not follow.
        mutating func characterClass() -> ByteSet? {
            position += 1
            var negated = false
            if byte(position) == UInt8(ascii: "^") {
                negated = true
                position += 1
            }
            var set = ByteSet()
            var previous: UInt8?
            var first = true
            while true {
                guard let current = byte(position) else { return nil }
                if current == UInt8(ascii: "]"), !first {
                    position += 1
                    break
                }
                first = false
                if current == UInt8(ascii: "["), byte(position + 1) == UInt8(ascii: ":") { return nil }
                var single: UInt8
                if current == UInt8(ascii: "\\") {
                    guard let next = byte(position + 1) else { return nil }
                    position += 2
                    if let escape = ByteSet.escape(next) {
                        set.formUnion(escape)
                        previous = nil
                        continue
                    }
                    switch next {
                    case UInt8(ascii: "n"): single = 0x0A
                    case UInt8(ascii: "r"): single = 0x0D
                    case UInt8(ascii: "t"): single = 0x09
                    case UInt8(ascii: "f"): single = 0x0C
                    default:
                        guard !ByteClass.isAlphanumeric(next), next < 0x80 else { return nil }
                        single = next
                    }
                } else {
                    single = current
                    position += 1
                }
                if single == UInt8(ascii: "-"), current == UInt8(ascii: "-"), let low = previous, let high = byte(position),
                    high != UInt8(ascii: "]")
                {
                    // A range from the previous byte; its upper end is a plain byte (an escape: not followed).
                    guard high != UInt8(ascii: "\\"), high != UInt8(ascii: "["), low <= high else { return nil }
                    for member in low...high { set.insert(member) }
                    position += 1
                    previous = nil
                    continue
                }
                set.insert(single)
                previous = single
            }
            // A negated class under `(?i)` matches fewer bytes than its complement, never more.
            return negated ? set.complement : set.withBothCases
        }
    }
}
