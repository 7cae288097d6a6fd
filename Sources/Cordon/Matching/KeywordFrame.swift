/// Bytes every match holds from some offset on: each step is `count` bytes of one class, one
/// step after the other; checked without PCRE2.
///
/// The reason: the first stage reports tens of thousands of occurrences of short gate words and
/// runs per megabyte (`!`, `:A`, `-us`, every run of 34 letters and digits), and nearly none
/// starts a match. A PCRE2 call per occurrence cost a few hundred to a few thousand
/// instructions; reading a few bytes rejects almost all of them. The check is exact: a step is
/// what every match holds there (letters in both cases, a superset), so it only rejects places
/// where no match can be.
struct ByteSteps: Sendable, Equatable {
    /// The classes and byte counts, in order.
    let members: [ByteSet]
    let counts: [Int]
    /// The bytes all steps cover.
    let length: Int

    init(_ steps: [(members: ByteSet, count: Int)]) {
        members = steps.map(\.members)
        counts = steps.map(\.count)
        length = counts.reduce(0, +)
    }

    var isEmpty: Bool { length == 0 }

    /// Whether `text` holds the steps from `start` on (all within the text).
    @inline(__always)
    func admits(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start >= 0, start &+ length <= text.count else { return false }
        var offset = start
        var step = 0
        while step < counts.count {
            let set = members[step]
            let end = offset &+ counts[step]
            while offset < end {
                guard set.contains(text[offset]) else { return false }
                offset &+= 1
            }
            step &+= 1
        }
        return true
    }
}

/// Where a match can start around an occurrence of a detector's one keyword, for a pattern in
/// which every match holds that keyword at a place fixed by what precedes it: a run of one class
/// of bounded length, then bytes of fixed length, then the keyword (`[0-9]{5,16}:A…`,
/// `00[A-Za-z0-9]{13}!…`, `[a-f0-9]{32}-us…`).
///
/// The reason: such a pattern was searched over a 256-byte (or `keyword_distance`) window before
/// each occurrence, PCRE2 trying every start — telegram-bot-token's `:A` occurs thousands of
/// times per megabyte of source code: 76 of 130 ms in `cordon detectors profile` of 3 MB of the
/// real-text corpus as one buffer (#13). Here the bytes before the occurrence give the only
/// starts a match can have (none, most of the time), and PCRE2 tries those only. Exact: every
/// match holds the keyword at its frame position, and every occurrence is reported by the first
/// stage.
struct KeywordFrame: Sendable, Equatable {
    /// The run every match starts with, when it is of variable length: its class and bounds.
    let run: (members: ByteSet, minimum: Int, maximum: Int)?
    /// The fixed-length bytes between the run (or the match's start) and the keyword.
    let fixed: ByteSteps
    /// What follows the keyword's start in every match (the keyword itself included).
    let after: ByteSteps

    static func == (lhs: KeywordFrame, rhs: KeywordFrame) -> Bool {
        lhs.fixed == rhs.fixed && lhs.after == rhs.after && lhs.run?.members == rhs.run?.members
            && lhs.run?.minimum == rhs.run?.minimum && lhs.run?.maximum == rhs.run?.maximum
    }

    /// The starts a match holding the keyword occurrence at `occurrence` can have, or `nil`.
    @inline(__always)
    func starts(around occurrence: Int, in text: UnsafeBufferPointer<UInt8>) -> ClosedRange<Int>? {
        let fixedStart = occurrence &- fixed.length
        guard fixedStart >= 0, after.admits(text, at: occurrence), fixed.admits(text, at: fixedStart) else { return nil }
        guard let run else { return fixedStart...fixedStart }
        // The run's bytes right before the fixed part, up to its maximum.
        var length = 0
        while length < run.maximum, fixedStart &- length > 0, run.members.contains(text[fixedStart &- length &- 1]) {
            length &+= 1
        }
        guard length >= run.minimum else { return nil }
        return (fixedStart &- length)...(fixedStart &- run.minimum)
    }
}

extension PatternPrefix {
    /// The frame of `pattern` around its keyword, when the detector has one keyword (ASCII case
    /// ignored), every match holds it after a run of bounded length and fixed-length bytes, and
    /// no match starts more than `window` bytes before it; `nil` otherwise (the window search
    /// stays).
    static func keywordFrame(_ pattern: String, keywords: [String], window: Int) -> KeywordFrame? {
        // One keyword, ASCII case ignored — decided without making a lowercased copy or a set of
        // every detector's keywords: this runs for every keyword-gated detector at engine
        // creation, which a hook process pays per agent event (the copies and the set were
        // ~1.2 M of its instructions, callgrind).
        guard let first = keywords.first, !first.isEmpty,
            keywords.dropFirst().allSatisfy({ $0.utf8.elementsEqual(first.utf8) { ByteClass.lowercased($0) == ByteClass.lowercased($1) } }),
            let items = leadingItems(pattern)
        else { return nil }
        let word = first.utf8.map(ByteClass.lowercased)
        // The first place where the keyword's bytes are literal items, one by one.
        guard let at = (0...max(0, items.count - word.count)).first(where: { start in
            start + word.count <= items.count
                && word.indices.allSatisfy { items[start + $0].literal.map(ByteClass.lowercased) == word[$0] }
        }), at > 0 else { return nil }
        // Before it: a first item of any bounded length, then items of fixed length only.
        var run: (members: ByteSet, minimum: Int, maximum: Int)?
        var fixedSteps: [(members: ByteSet, count: Int)] = []
        for (index, item) in items[0..<at].enumerated() {
            guard let maximum = item.maximum else { return nil }
            if item.minimum == maximum {
                fixedSteps.append((item.members, maximum))
            } else if index == 0 {
                run = (item.members, item.minimum, maximum)
            } else {
                return nil
            }
        }
        let fixed = ByteSteps(fixedSteps)
        guard fixed.length + (run?.maximum ?? 0) <= window else { return nil }
        return KeywordFrame(run: run, fixed: fixed, after: steps(items[at...]))
    }

    /// What every match of `pattern` holds from its start (``ByteSteps``), or `nil` when the
    /// reader can tell nothing.
    static func startSteps(_ pattern: String) -> ByteSteps? {
        guard let items = leadingItems(pattern) else { return nil }
        let result = steps(items[...])
        return result.isEmpty ? nil : result
    }

    /// The steps `items` make from their first on: every fixed-length item, and the minimum of
    /// the first one of variable length, which ends them.
    private static func steps(_ items: ArraySlice<Reader.Item>) -> ByteSteps {
        var steps: [(members: ByteSet, count: Int)] = []
        for item in items {
            if item.minimum > 0 { steps.append((item.members, item.minimum)) }
            if item.maximum != item.minimum { break }
        }
        return ByteSteps(steps)
    }

    /// ``Reader/leadingItems()`` of `pattern`.
    static func leadingItems(_ pattern: String) -> [Reader.Item]? {
        var reader = Reader(source: Array(pattern.utf8))
        return reader.leadingItems()
    }
}
