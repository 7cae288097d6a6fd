/// Finding the maximal runs of ASCII digits in a message, sixteen bytes at a time, and the digit
/// group each belongs to.
///
/// The digit-shaped detectors (phones, cards, national ids) are gated by digit runs, and ordinary
/// text holds thousands of runs per megabyte — line numbers, years, ports, constants. Looking at
/// one byte at a time for each run length cost more than the runs themselves; here sixteen
/// bytes are classified at once and the runs of each 64-byte block are read off its bit mask
/// (``ByteRuns``).
///
/// A *digit group* is a maximal stretch of digits in which each gap between two runs is 1 to
/// ``maximumGap`` bytes of ``separators`` (`RunGate.groupDigits` documents it for detector
/// authors). A phone or card number is one group of ten digits or more; most runs of ordinary
/// text stand in groups of one to four digits, which the detectors' `group` gates drop before
/// PCRE2 is called.
enum DigitRuns {
    /// The longest gap between two runs of one group.
    static let maximumGap = 3

    /// The bytes a gap inside a group is made of: space, tab, CR, LF, `.`, `-`, `/`, `(`, `)`
    /// and the two bytes of a UTF-8 no-break space.
    static let separators: ByteSet = {
        var set = ByteSet()
        for byte in Array(" \t\r\n.-/()".utf8) + [0xC2, 0xA0] { set.insert(byte) }
        return set
    }()

    /// The ASCII digits, for the block-at-a-time run finder.
    static let digits = ByteRanges(ByteClass.isDigit)!

    /// Calls `body` with the start and length of every maximal run of digits in `text`, in order.
    ///
    /// Sixteen bytes are tested at a time and runs are read off each 64-byte block's mask
    /// (``ByteRuns``): on digit-rich text (logs, JSON, tables) the word-at-a-time walk looked at
    /// every lane of each word holding a digit one by one. 50 MB of the agent corpus: 29 → 15 ms;
    /// of real text: 17 → 11 ms (micro-benchmark, both in one -O process).
    @inline(__always)
    static func forEach(in text: UnsafeBufferPointer<UInt8>, _ body: (_ start: Int, _ length: Int) -> Void) {
        ByteRuns.forEach(in: text, atLeast: 1, of: digits, body)
    }

    /// Whether the bytes from `end` (the end of one run) to `start` (the start of the next) join
    /// the two runs into one group.
    ///
    /// The separators are tested as bits of a constant: the ASCII ones are all below 64. Through
    /// ``separators`` each test read a lazily made global (a `swift_once` call per digit run of
    /// agent traffic, 48,000 per 3 MB) and a ``ByteSet`` (a switch on the byte's high bits).
    @inline(__always)
    static func joins(_ text: UnsafeBufferPointer<UInt8>, from end: Int, to start: Int) -> Bool {
        guard start &- end <= maximumGap else { return false }
        var index = end
        while index < start {
            guard isSeparator(text[index]) else { return false }
            index &+= 1
        }
        return true
    }

    /// The digit run that ends 1 to ``maximumGap`` separator bytes before `start` (the start of
    /// a run) and so joins it in one group, or `nil`.
    ///
    /// With ``nextRun(in:after:)``, the run gates read a digit group outward from one of its
    /// runs that is long enough for a key, so that the many groups without such a run (the
    /// lone digits of hashes and identifiers, a year, a line number) are never read at all.
    @inline(__always)
    static func previousRun(in text: UnsafeBufferPointer<UInt8>, before start: Int) -> (start: Int, length: Int)? {
        var gap = start
        while gap > 0, start &- gap < maximumGap, isSeparator(text[gap &- 1]) { gap &-= 1 }
        guard gap < start, gap > 0, ByteClass.isDigit(text[gap &- 1]) else { return nil }
        var first = gap &- 1
        while first > 0, ByteClass.isDigit(text[first &- 1]) { first &-= 1 }
        return (first, gap &- first)
    }

    /// The digit run that starts 1 to ``maximumGap`` separator bytes after `end` (the end of a
    /// run) and so joins it in one group, or `nil`.
    @inline(__always)
    static func nextRun(in text: UnsafeBufferPointer<UInt8>, after end: Int) -> (start: Int, length: Int)? {
        let count = text.count
        var gap = end
        while gap < count, gap &- end < maximumGap, isSeparator(text[gap]) { gap &+= 1 }
        guard gap > end, gap < count, ByteClass.isDigit(text[gap]) else { return nil }
        var last = gap &+ 1
        while last < count, ByteClass.isDigit(text[last]) { last &+= 1 }
        return (gap, last &- gap)
    }

    /// Whether `byte` is one of ``separators`` (`DigitRunTests` compares the two for every byte).
    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        // Space, tab, CR, LF, `.`, `-`, `/`, `(`, `)`.
        let ascii: UInt64 = 1 << 32 | 1 << 9 | 1 << 13 | 1 << 10 | 1 << 46 | 1 << 45 | 1 << 47 | 1 << 40 | 1 << 41
        if byte < 64 { return ascii >> UInt64(byte) & 1 != 0 }
        return byte == 0xC2 || byte == 0xA0
    }
}
