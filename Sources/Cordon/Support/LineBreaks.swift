/// Counts the line feeds in a stretch of text and finds the last one, 64 bytes at a time.
///
/// The reason: three places walked text a byte at a time only to count lines — the locator
/// that gives each finding its line and column, and the window loops of large messages and
/// streams, which carry the line count from one window to the next. On one 50 MB file of real
/// text they were ~14 % of the scan (perf: `Engine.locate` 5.9 %, `scanInWindows` 4.2 %, the
/// stream's window loop 3.9 %), because every window counted the lines of its whole step and
/// the locator walked to the last finding of every window. Now each 64-byte block costs four
/// vector comparisons, four `pmovmskb` and a population count.
enum LineBreaks {
    /// The number of line feeds (`\n`) in `text[range]`, and the offset just after the last of
    /// them (`nil` when there is none).
    static func count(in text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (count: Int, lastLineStart: Int?) {
        precondition(range.lowerBound >= 0 && range.upperBound <= text.count, "the range must lie in the text")
        guard let base = text.baseAddress, !range.isEmpty else { return (0, nil) }
        var count = 0
        var lastLineStart: Int?
        var position = range.lowerBound
        let lineFeed = SIMD16<UInt8>(repeating: UInt8(ascii: "\n"))
        while range.upperBound - position >= 64 {
            let block = UnsafeRawPointer(base + position)
            var mask: UInt64 = 0
            var lane = 0
            while lane < 4 {
                let bytes = block.loadUnaligned(fromByteOffset: lane &* 16, as: SIMD16<UInt8>.self)
                mask |= ByteRanges.bits(bytes .== lineFeed) << UInt64(lane &* 16)
                lane &+= 1
            }
            if mask != 0 {
                count &+= mask.nonzeroBitCount
                lastLineStart = position &+ 64 &- mask.leadingZeroBitCount
            }
            position &+= 64
        }
        while position < range.upperBound {
            if base[position] == UInt8(ascii: "\n") {
                count &+= 1
                lastLineStart = position &+ 1
            }
            position &+= 1
        }
        return (count, lastLineStart)
    }
}
