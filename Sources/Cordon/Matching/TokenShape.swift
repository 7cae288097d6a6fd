/// A set of bytes as four 64-bit masks: no allocation, no reference counting in a hot loop.
struct ByteSet: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words == rhs.words
    }

    /// The set with every ASCII letter's other case added.
    ///
    /// Word operations, not a loop over the letters: the pattern readers ask it of every class
    /// of every pattern at engine creation, which a hook process pays per event.
    var withBothCases: ByteSet {
        // `A`–`Z` are bits 1–26 of the second word, `a`–`z` bits 33–58.
        let letters: UInt64 = 0x3FF_FFFF
        let either = ((words.1 >> 1) | (words.1 >> 33)) & letters
        var result = self
        result.words.1 |= either << 1 | either << 33
        return result
    }

    /// Whether the set holds an ASCII letter or a blank (space, tab, line break, form feed):
    /// bytes of nearly every stretch of text.
    var containsLetterOrBlank: Bool {
        // `A`–`Z` and `a`–`z` are bits 1–26 and 33–58 of the second word; tab to carriage
        // return bits 9–13 and space bit 32 of the first.
        words.1 & 0x07FF_FFFE_07FF_FFFE != 0 || words.0 & (0x3E00 | 1 << 32) != 0
    }

    /// Whether the set holds an ASCII digit.
    var containsDigit: Bool { words.0 & 0x03FF_0000_0000_0000 != 0 }

    /// The bytes not in the set.
    var complement: ByteSet {
        var result = ByteSet()
        result.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return result
    }

    /// Calls `body` with each byte of the set, in ascending order: one step per member, not 256.
    @inline(__always)
    func forEach(_ body: (UInt8) -> Void) {
        for (index, word) in [words.0, words.1, words.2, words.3].enumerated() {
            var bits = word
            while bits != 0 {
                body(UInt8(index &* 64 &+ bits.trailingZeroBitCount))
                bits &= bits &- 1
            }
        }
    }

    /// The number of bytes in the set.
    var count: Int {
        words.0.nonzeroBitCount + words.1.nonzeroBitCount + words.2.nonzeroBitCount + words.3.nonzeroBitCount
    }

    /// The bytes of a class escape in byte mode (`\d`, `\w`, `\s`, `\h`), or `nil`.
    static func escape(_ letter: UInt8) -> ByteSet? {
        var set = ByteSet()
        switch letter {
        case UInt8(ascii: "d"):
            for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { set.insert(byte) }
        case UInt8(ascii: "w"):
            for byte in 0...UInt8(127) where ByteClass.isAlphanumeric(byte) || byte == UInt8(ascii: "_") { set.insert(byte) }
        case UInt8(ascii: "s"):
            for byte in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20] as [UInt8] { set.insert(byte) }
        case UInt8(ascii: "h"):
            for byte in [0x09, 0x20, 0xA0] as [UInt8] { set.insert(byte) }
        default:
            return nil
        }
        return set
    }
}

/// The shape of a token after its leading literal, checked before PCRE2 is called.
///
/// A keyword such as `0x`, `sk` or `pat` occurs thousands of times per megabyte of ordinary text
/// (hex constants, `task`, `path`), and each occurrence cost a PCRE2 call of a few hundred to a few
/// thousand cycles that almost always fails. When every match starts with the keyword and goes
/// on with a run of one class (`0x[0-9a-fA-F]{40}`), looking at those bytes rejects nearly all
/// occurrences in a few cycles, without PCRE2. The check is exact: it only rejects occurrences
/// at which no match can start.
struct TokenShape: Sendable, Equatable {
    /// The length of the pattern's leading literal: where the run starts, from the match's start.
    let offset: Int
    /// How many bytes of ``members`` every match holds from ``offset`` on.
    let minimumCount: Int
    let members: ByteSet

    /// Whether a match may start at `start` of `text`.
    @inline(__always)
    func admits(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        let from = start &+ offset
        let end = from &+ minimumCount
        guard end <= text.count else { return false }
        var index = from
        while index < end {
            guard members.contains(text[index]) else { return false }
            index &+= 1
        }
        return true
    }
}
