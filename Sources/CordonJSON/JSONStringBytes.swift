/// Finds, eight bytes at a time, where a JSON string's plain bytes end.
///
/// The parser and the writer copy the bytes of a string that need no escape as one run; only
/// the bytes that end a run (a quote, a backslash, a control character and, when writing, a
/// byte of 0x80 or above, which must be checked as UTF-8) are looked at one by one.
///
/// The reason: both walked every byte of every string, appending one at a time (~12
/// instructions a byte to parse and ~35 to write, callgrind: a third of the sidecar's cost of a
/// 300-byte `scan` request besides the scan, and the gateway parses and writes every request
/// body and stream event the same way; #13). A word of eight bytes is tested with the classic
/// zero-byte and less-than tests (Hacker's Delight 6-1): each flags the lowest byte that meets
/// it exactly, and may flag bytes above it only through a borrow, so the lowest flag of the
/// union is the first byte that ends the run.
enum JSONStringBytes {
    /// The index of the first byte at or after `start` that ends a run of a string being parsed:
    /// `"`, `\` or a control character (below 0x20); `bytes.count` when there is none.
    @inline(__always)
    static func firstStop(parsing bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        firstStop(in: bytes, from: start, stopsAtNonASCII: false)
    }

    /// The index of the first byte at or after `start` that cannot be written as it is inside
    /// a JSON string: `"`, `\`, a control character, or a byte of 0x80 or above (valid UTF-8 is
    /// copied, invalid UTF-8 replaced, so such bytes are checked); `bytes.count` when none.
    @inline(__always)
    static func firstStop(writing bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        firstStop(in: bytes, from: start, stopsAtNonASCII: true)
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that is zero, and perhaps of bytes above the lowest
    /// such byte (a borrow); none when no byte is zero.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    /// The high bit of each byte of `word` below 0x20, and perhaps of bytes above the lowest
    /// such byte (a borrow); none when no byte is.
    @inline(__always)
    private static func controlBytes(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highBits
    }

    @inline(__always)
    private static func firstStop(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, stopsAtNonASCII: Bool) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        while index &+ 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            var stops = zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C)) | controlBytes(word)
            if stopsAtNonASCII { stops |= word & highBits }
            if stops != 0 { return index &+ stops.trailingZeroBitCount &>> 3 }
            index &+= 8
        }
        while index < count {
            let byte = base[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 || (stopsAtNonASCII && byte >= 0x80) { return index }
            index &+= 1
        }
        return count
    }
}
