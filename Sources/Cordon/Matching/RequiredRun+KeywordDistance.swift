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
        guard let reading = reader.keywordReading(extended: false, words: words), reader.position == reader.source.count else { return nil }
        return reading.distance
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

    /// What one reading of a piece, an alternative or a group gives: its reach, its spellings
    /// (lowercased; `nil` when it is not spelled out) and the most bytes before the first
    /// keyword every match of it holds (`nil`: not known).
    struct Reading {
        var reach: Reach
        var spellings: [[UInt8]]?
        var distance: Int?
    }

    /// Reads alternatives up to a `)` (not consumed) or the end, once.
    mutating func keywordReading(extended: Bool, words: [[UInt8]]) -> Reading? {
        var extended = extended
        var result: Reading?
        while true {
            guard let alternative = sequenceReading(extended: &extended, words: words) else { return nil }
            if let known = result {
                let spellings = known.spellings.flatMap { union in
                    alternative.spellings.flatMap { union.count + $0.count <= Self.spellingLimit ? union + $0 : nil }
                }
                result = Reading(
                    reach: (min(known.reach.minimum, alternative.reach.minimum),
                            known.reach.maximum.flatMap { most in alternative.reach.maximum.map { max(most, $0) } }),
                    spellings: spellings,
                    distance: known.distance.flatMap { most in alternative.distance.map { max(most, $0) } })
            } else {
                result = alternative
            }
            guard byte(position) == UInt8(ascii: "|") else { break }
            position += 1
        }
        return result
    }

    /// Reads one alternative: pieces up to a `|`, a `)` or the end.
    private mutating func sequenceReading(extended: inout Bool, words: [[UInt8]]) -> Reading? {
        var reach: Reach = (0, 0)
        var spellings: [[UInt8]]? = [[]]
        // The spellings of the pieces read since `anchor`, the most bytes before them.
        var pending: [[UInt8]] = [[]]
        var anchor: Int? = 0
        var distance: Int?
        // The most bytes before the first keyword of the pending spellings set aside because
        // they already hold one (``settle(_:words:)``), from `anchor`.
        var settled = 0
        func keywordOffset(_ spellings: [[UInt8]]) -> Int? {
            var most = settled
            for spelling in spellings {
                guard let offset = Self.firstKeyword(in: spelling, words: words) else { return nil }
                most = max(most, offset)
            }
            return most
        }
        while true {
            skipIgnorable(extended: extended)
            guard let current = byte(position), current != UInt8(ascii: "|"), current != UInt8(ascii: ")") else { break }
            // A plain literal byte (most of a pattern) is appended in place: no arrays made.
            if Self.isPlainLiteral(current), let next = byte(position + 1) ?? UInt8(ascii: ")") as UInt8?,
                next != UInt8(ascii: "?"), next != UInt8(ascii: "*"), next != UInt8(ascii: "+"), next != UInt8(ascii: "{"),
                Self.extend(&pending, with: ByteClass.lowercased(current))
            {
                if spellings != nil, !Self.extend(&spellings!, with: ByteClass.lowercased(current)) { spellings = nil }
                position += 1
                reach = (reach.minimum + 1, Self.add(reach.maximum, 1))
                continue
            }
            guard let piece = pieceReading(extended: &extended, words: words) else { return nil }
            if let pieceSpellings = piece.spellings,
                let joined = Self.join(pending, pieceSpellings) ?? Self.settle(&pending, words: words, into: &settled).flatMap({ _ in
                    Self.join(pending, pieceSpellings)
                })
            {
                pending = joined
            } else {
                // A piece that is not spelled out ends the pending spellings: a keyword in them,
                // or in every alternative of the piece when it is a group, is the answer.
                if distance == nil, let anchor, let offset = keywordOffset(pending) { distance = anchor + offset }
                if distance == nil, let inner = piece.distance, let before = reach.maximum { distance = before + inner }
                pending = [[]]
                settled = 0
                anchor = Self.add(reach.maximum, piece.reach.maximum)
            }
            spellings = spellings.flatMap { known in piece.spellings.flatMap { Self.join(known, $0) } }
            reach = (reach.minimum + piece.reach.minimum, Self.add(reach.maximum, piece.reach.maximum))
        }
        if distance == nil, let anchor, let offset = keywordOffset(pending) { distance = anchor + offset }
        return Reading(reach: reach, spellings: spellings, distance: distance)
    }

    /// Reads one piece: an atom and its quantifier.
    private mutating func pieceReading(extended: inout Bool, words: [[UInt8]]) -> Reading? {
        guard let current = byte(position) else { return nil }
        var atom: Reading
        switch current {
        case UInt8(ascii: "("):
            guard let kind = groupOpening(extended: extended) else { return nil }
            switch kind {
            case .optionSetting(let setting):
                extended = setting
                return Reading(reach: (0, 0), spellings: [[]], distance: nil)
            case .comment:
                return Reading(reach: (0, 0), spellings: [[]], distance: nil)
            case .lookaround(let mode):
                // Zero width: read past it without spelling it (a list of excluded key names can
                // be dozens of alternatives).
                var found: [RequiredRun] = []
                guard alternatives(extended: mode, from: (0, 0), found: &found) != nil, byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
                atom = Reading(reach: (0, 0), spellings: [[]], distance: nil)
            case .content(let mode):
                guard let inner = keywordReading(extended: mode, words: words), byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
                atom = inner
            }
        case UInt8(ascii: "["):
            guard let members = characterClass() else { return nil }
            atom = Reading(reach: (1, 1), spellings: nil, distance: nil)
            // Four bytes in either case are eight at most: a larger class is not spelled out.
            if members.count <= 8 {
                var lowered: [UInt8] = []
                for member in 0...255 where members.contains(UInt8(member)) {
                    let low = ByteClass.lowercased(UInt8(member))
                    if !lowered.contains(low) { lowered.append(low) }
                }
                if lowered.count <= 4 { atom.spellings = lowered.map { [$0] } }
            }
        case UInt8(ascii: "\\"):
            guard let next = byte(position + 1) else { return nil }
            switch next {
            case UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "r"):
                position += 2
                atom = Reading(reach: (1, 1), spellings: [[next == UInt8(ascii: "t") ? 0x09 : next == UInt8(ascii: "n") ? 0x0A : 0x0D]], distance: nil)
            default:
                if !ByteClass.isAlphanumeric(next), next < 0x80 {
                    position += 2
                    atom = Reading(reach: (1, 1), spellings: [[next]], distance: nil)
                } else {
                    // `\b`, `\d`, `\x41`, …: the escape reader moves past it.
                    guard let escape = escape() else { return nil }
                    atom = Reading(reach: escape.reach, spellings: escape.reach.maximum == 0 ? [[]] : nil, distance: nil)
                }
            }
        case UInt8(ascii: "^"), UInt8(ascii: "$"):
            position += 1
            atom = Reading(reach: (0, 0), spellings: nil, distance: nil)
        case UInt8(ascii: "."):
            position += 1
            atom = Reading(reach: (1, 1), spellings: nil, distance: nil)
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
            return nil
        default:
            position += 1
            atom = Reading(reach: (1, 1), spellings: [[ByteClass.lowercased(current)]], distance: nil)
        }
        guard let quantifier = quantifier(extended: extended) else { return nil }
        if quantifier.minimum == 1, quantifier.maximum == 1 { return atom }
        let zeroWidth = atom.reach.maximum == 0
        var result = Reading(
            reach: (atom.reach.minimum * quantifier.minimum,
                    zeroWidth ? 0 : atom.reach.maximum.flatMap { per in quantifier.maximum.map { per * $0 } }),
            spellings: nil, distance: nil)
        if let spellings = atom.spellings {
            if zeroWidth {
                result.spellings = [[]]
            } else if quantifier.minimum == 0, quantifier.maximum == 1 {
                result.spellings = spellings.contains([]) ? spellings : [[]] + spellings
            }
        }
        return result
    }

    /// Sets aside the spellings of `pending` that already hold a keyword, keeping in `settled`
    /// the most bytes before the first keyword of any of them; `nil` (nothing changed) when
    /// none does.
    ///
    /// The reason: spelling a pattern out multiplies its pieces' spellings, and a product over
    /// ``spellingLimit`` made the reader give up — employee-id's `(?:employee|emp|staff|
    /// personnel)[ _.-]?(?:id|identifier|number|num|no\.?|nr\.?|\#|code)` is 200 spellings, so
    /// every occurrence of `staff` (a column of every `ls -l` listing) was searched over the
    /// whole 256-byte window before it: 12 % of the matching time of agent traffic with no
    /// match (`cordon detectors profile`, #13). A spelling that holds a keyword needs no more
    /// bytes: whatever follows, the first keyword of every match it begins stands at most where
    /// its own does (a longer spelling can only reveal an earlier one), so only the spellings
    /// without a keyword (`emp`, `emp_`, …) are joined on. Exact: an upper bound stays one.
    static func settle(_ pending: inout [[UInt8]], words: [[UInt8]], into settled: inout Int) -> Void? {
        var rest: [[UInt8]] = []
        var most = settled
        for spelling in pending {
            if let offset = firstKeyword(in: spelling, words: words) {
                most = max(most, offset)
            } else {
                rest.append(spelling)
            }
        }
        guard rest.count < pending.count else { return nil }
        pending = rest
        settled = most
        return ()
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

    /// Whether `byte` stands for itself in a pattern, outside a class, whatever the mode.
    static func isPlainLiteral(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "#"):
            return false
        default:
            return true
        }
    }

    /// Appends `byte` to every spelling, in place; `false` (nothing changed) beyond the longest
    /// spelling followed.
    static func extend(_ spellings: inout [[UInt8]], with byte: UInt8) -> Bool {
        guard spellings.allSatisfy({ $0.count < spellingLength }) else { return false }
        for index in spellings.indices { spellings[index].append(byte) }
        return true
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
