extension RequiredRun {
    /// The most bytes a match of `pattern` can hold before the first occurrence of one of
    /// `keywords` it must contain (ASCII case ignored), or `nil` when the reader cannot tell.
    /// 0: every match starts with a keyword.
    ///
    /// The reason: a keyword-gated pattern is searched over a 256-byte window before each
    /// keyword occurrence, PCRE2 trying every start, unless it starts with its keyword. Patterns
    /// whose alternatives each start with a different keyword (`secret…|api[_-]?key…|access…`,
    /// `pass(?:word|wd)…|pwd…|NetworkCredential…`) or hold one a few bytes in (`define('DB_PASSWORD'`)
    /// were searched over the whole window: password-assignment and secret-assignment were
    /// 5.0 % and 2.8 % of the matching time of real text (`cordon detectors profile`, #13). With
    /// the distance the search starts at most that far before each occurrence. Exact: the
    /// keyword's bytes are ones every match holds at that place (literals, small classes and
    /// optional pieces spelled out), and the first stage reports every occurrence of every
    /// keyword.
    static func keywordDistance(pattern: String, keywords: [String]) -> Int? {
        let words = keywords.map { $0.utf8.map(ByteClass.lowercased) }.filter { !$0.isEmpty }
        guard !words.isEmpty else { return nil }
        var reader = Reader(source: Array(pattern.utf8))
        var extended = false
        guard let distance = reader.keywordDistance(extended: &extended, words: words) else { return nil }
        return distance
    }
}

extension RequiredRun.Reader {
    /// The most spellings a piece or a run of pieces is expanded to.
    static let spellingLimit = 128
    /// The longest spelling followed.
    static let spellingLength = 48

    /// Moves past whitespace and comments in extended mode.
    mutating func skipIgnorable(extended: Bool) {
        guard extended else { return }
        while let current = byte(position) {
            if current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r")
                || current == 0x0B || current == 0x0C
            {
                position += 1
            } else if current == UInt8(ascii: "#") {
                while let next = byte(position), next != UInt8(ascii: "\n") { position += 1 }
            } else {
                return
            }
        }
    }

    /// For alternatives up to a `)` (not consumed) or the end: the most bytes before a keyword
    /// in every alternative, or `nil`.
    mutating func keywordDistance(extended: inout Bool, words: [[UInt8]]) -> Int? {
        var result = 0
        var known = true
        while true {
            if let distance = sequenceKeywordDistance(extended: &extended, words: words) {
                result = max(result, distance)
            } else {
                known = false
            }
            // Move past the rest of the alternative (from a piece's start).
            var found: [RequiredRun] = []
            guard sequence(extended: &extended, from: (0, 0), found: &found) != nil else { return nil }
            guard byte(position) == UInt8(ascii: "|") else { break }
            position += 1
        }
        return known ? result : nil
    }

    /// For one alternative: the most bytes before the first keyword every match of it holds,
    /// or `nil` (the position is then anywhere within the alternative).
    private mutating func sequenceKeywordDistance(extended: inout Bool, words: [[UInt8]]) -> Int? {
        // The spellings of the pieces read since `anchor`, the most bytes before them.
        var spellings: [[UInt8]] = [[]]
        var anchor: Int? = 0
        var reach: Reach = (0, 0)
        func keywordOffset(_ spellings: [[UInt8]]) -> Int? {
            var most = 0
            for spelling in spellings {
                guard let offset = Self.firstKeyword(in: spelling, words: words) else { return nil }
                most = max(most, offset)
            }
            return most
        }
        while true {
            skipIgnorable(extended: extended)
            guard let current = byte(position), current != UInt8(ascii: "|"), current != UInt8(ascii: ")") else { break }
            let saved = position
            let savedExtended = extended
            if let piece = spelledPiece(extended: &extended), let joined = Self.join(spellings, piece) {
                spellings = joined
                let lengths = piece.map(\.count)
                reach = (reach.minimum + lengths.min()!, Self.add(reach.maximum, lengths.max()!))
                continue
            }
            position = saved
            extended = savedExtended
            // A piece that is not spelled out ends the spellings: a keyword in them, or in every
            // alternative of this piece when it is a group, is the answer.
            if let offset = keywordOffset(spellings), let anchor { return anchor + offset }
            if current == UInt8(ascii: "(") {
                var probe = self
                var probeExtended = extended
                if case .content(let mode)? = probe.groupOpening(extended: probeExtended) {
                    probeExtended = mode
                    if let inner = probe.keywordDistance(extended: &probeExtended, words: words), probe.byte(probe.position) == UInt8(ascii: ")") {
                        probe.position += 1
                        if probe.quantifier(extended: extended).map({ $0.minimum == 1 && $0.maximum == 1 }) == true, let before = reach.maximum {
                            return before + inner
                        }
                    }
                }
            }
            var found: [RequiredRun] = []
            guard let pieceReach = onePiece(extended: &extended, found: &found) else { return nil }
            reach = (reach.minimum + pieceReach.minimum, Self.add(reach.maximum, pieceReach.maximum))
            spellings = [[]]
            anchor = reach.maximum
        }
        if let offset = keywordOffset(spellings), let anchor { return anchor + offset }
        return nil
    }

    /// Reads one piece (an atom and its quantifier) for its reach only.
    private mutating func onePiece(extended: inout Bool, found: inout [RequiredRun]) -> Reach? {
        var probe = self
        guard let end = probe.pieceEnd(extended: extended) else { return nil }
        // The piece on its own: the sequence reader reads exactly it, up to a limit at its end.
        let outerLimit = limit
        limit = end
        defer { limit = outerLimit }
        guard let reach = sequence(extended: &extended, from: (0, 0), found: &found), position == end else { return nil }
        return reach
    }

    /// The end of the piece at `position`: its atom and quantifier.
    private mutating func pieceEnd(extended: Bool) -> Int? {
        guard let current = byte(position) else { return nil }
        switch current {
        case UInt8(ascii: "("):
            guard let kind = groupOpening(extended: extended) else { return nil }
            switch kind {
            case .optionSetting, .comment: return position
            case .lookaround(let mode), .content(let mode):
                var modeCopy = mode
                var found: [RequiredRun] = []
                guard alternativesSkipping(extended: &modeCopy, found: &found), byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
            }
        case UInt8(ascii: "["):
            guard characterClass() != nil else { return nil }
        case UInt8(ascii: "\\"):
            guard escape() != nil else { return nil }
        default:
            position += 1
        }
        guard quantifier(extended: extended) != nil else { return nil }
        return position
    }

    private mutating func alternativesSkipping(extended: inout Bool, found: inout [RequiredRun]) -> Bool {
        while true {
            guard sequence(extended: &extended, from: (0, 0), found: &found) != nil else { return false }
            guard byte(position) == UInt8(ascii: "|") else { return true }
            position += 1
        }
    }

    /// The spellings of the piece at `position` (lowercased), or `nil` when it is not spelled
    /// out: a literal byte, a class of up to four bytes (either case counted once), a zero-width
    /// assertion, a group whose alternatives are all spelled out; once or optionally.
    private mutating func spelledPiece(extended: inout Bool) -> [[UInt8]]? {
        guard let current = byte(position) else { return nil }
        var spellings: [[UInt8]]
        switch current {
        case UInt8(ascii: "("):
            guard let kind = groupOpening(extended: extended) else { return nil }
            switch kind {
            case .optionSetting(let setting):
                extended = setting
                return [[]]
            case .comment:
                return [[]]
            case .lookaround(let mode):
                var inner = mode
                var found: [RequiredRun] = []
                guard alternativesSkipping(extended: &inner, found: &found), byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
                spellings = [[]]
            case .content(let mode):
                var inner = mode
                var union: [[UInt8]] = []
                while true {
                    var alternative: [[UInt8]] = [[]]
                    while true {
                        skipIgnorable(extended: inner)
                        guard let next = byte(position), next != UInt8(ascii: "|"), next != UInt8(ascii: ")") else { break }
                        guard let piece = spelledPiece(extended: &inner), let joined = Self.join(alternative, piece) else { return nil }
                        alternative = joined
                    }
                    union += alternative
                    guard union.count <= Self.spellingLimit else { return nil }
                    guard byte(position) == UInt8(ascii: "|") else { break }
                    position += 1
                }
                guard byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
                spellings = union
            }
        case UInt8(ascii: "["):
            // Four bytes in either case are eight at most: a larger class is not spelled out.
            guard let members = characterClass(), members.count <= 8 else { return nil }
            var lowered: [UInt8] = []
            for member in 0...255 where members.contains(UInt8(member)) {
                let low = ByteClass.lowercased(UInt8(member))
                if !lowered.contains(low) { lowered.append(low) }
                if lowered.count > 4 { return nil }
            }
            spellings = lowered.map { [$0] }
        case UInt8(ascii: "\\"):
            guard let next = byte(position + 1) else { return nil }
            switch next {
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "G"):
                position += 2
                spellings = [[]]
            case UInt8(ascii: "t"): position += 2; spellings = [[0x09]]
            case UInt8(ascii: "n"): position += 2; spellings = [[0x0A]]
            case UInt8(ascii: "r"): position += 2; spellings = [[0x0D]]
            default:
                guard !ByteClass.isAlphanumeric(next), next < 0x80 else { return nil }
                position += 2
                spellings = [[next]]
            }
        case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"),
            UInt8(ascii: "{"):
            return nil
        default:
            position += 1
            spellings = [[ByteClass.lowercased(current)]]
        }
        guard let quantifier = quantifier(extended: extended) else { return nil }
        if quantifier.minimum == 1, quantifier.maximum == 1 { return spellings }
        if quantifier.minimum == 0, quantifier.maximum == 1 { return spellings.contains([]) ? spellings : [[]] + spellings }
        // Repeated zero-width pieces stay zero-width.
        if spellings == [[]] { return spellings }
        return nil
    }

    /// Every spelling of `prefixes` followed by every spelling of `suffixes`, or `nil` beyond
    /// the limits.
    static func join(_ prefixes: [[UInt8]], _ suffixes: [[UInt8]]) -> [[UInt8]]? {
        guard prefixes.count * suffixes.count <= spellingLimit else { return nil }
        var result: [[UInt8]] = []
        for prefix in prefixes {
            for suffix in suffixes {
                guard prefix.count + suffix.count <= spellingLength else { return nil }
                result.append(prefix + suffix)
            }
        }
        return result
    }

    /// The offset of the first keyword in `spelling`, or `nil`.
    static func firstKeyword(in spelling: [UInt8], words: [[UInt8]]) -> Int? {
        guard !spelling.isEmpty else { return nil }
        for start in spelling.indices {
            for word in words where start + word.count <= spelling.count && spelling[start..<(start + word.count)].elementsEqual(word) {
                return start
            }
        }
        return nil
    }
}
