/// Maximal runs of one byte class, read off bit masks that a caller's sixteen-byte test makes.
///
/// The reason for a second run finder next to ``ByteRuns``: ``ByteRanges`` tests a class as
/// ranges, one comparison each, and the base64 alphabet is cheaper as five comparisons with
/// the case bit folded (``DecoderVectors/base64MemberBits(_:)``) than as its six ranges (#13,
/// perf on real text: the base64 pass 3.9 % → 2.6 % of a scan). The runs are read off each
/// 64-bit mask as ``ByteRuns`` reads them. For the longer hex runs, ``TiledRuns`` is cheaper
/// still; for runs of 20, most tiles of code are whole identifiers and paths, and its byte
/// walks around them measured slower (4.6 %).
enum MaskedRuns {
    /// Calls `body` with the start and length of every maximal run of at least `minimum` bytes
    /// for which `isMember` holds, in order; `mask16(p)` gives the members among the sixteen
    /// bytes at `p` as bits 0 to 15, and must agree with `isMember`.
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, mask16: (UnsafeRawPointer) -> UInt64,
        isMember: (UInt8) -> Bool, _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        guard let base = text.baseAddress, minimum >= 1 else { return }
        let count = text.count
        let raw = UnsafeRawPointer(base)
        var runStart = -1  // the start of the run open at the block's start, or -1
        var block = 0
        // A run that does not reach the block's end is at most 63 bytes long.
        let findsInside = minimum <= 63
        while block &+ 64 <= count {
            let at = raw + block
            var mask = mask16(at) | mask16(at + 16) << 16 | mask16(at + 32) << 32 | mask16(at + 48) << 48
            if runStart >= 0 {
                // The members at the block's start continue the open run.
                let leading = (~mask).trailingZeroBitCount
                if leading == 64 {
                    block &+= 64
                    continue
                }
                let end = block &+ leading
                if end &- runStart >= minimum { body(runStart, end &- runStart) }
                runStart = -1
                mask &= ~0 << UInt64(leading)
            }
            // The run touching the block's end stays open into the next block.
            let trailing = (~mask).leadingZeroBitCount
            if trailing > 0 {
                runStart = block &+ 64 &- trailing
                mask = trailing == 64 ? 0 : mask & (~0 >> UInt64(trailing))
            }
            if findsInside, mask != 0 {
                // Bit i of `starts` is set when bits i ..< i + minimum of the mask all are.
                var starts = mask
                var covered = 1
                while covered < minimum {
                    let step = min(covered, minimum &- covered)
                    starts &= starts >> UInt64(step)
                    covered &+= step
                }
                while starts != 0 {
                    let start = starts.trailingZeroBitCount
                    let length = (~(mask >> UInt64(start))).trailingZeroBitCount
                    body(block &+ start, length)
                    let end = start &+ length  // < 64: the run does not reach the block's end
                    starts &= ~0 << UInt64(end)
                }
            }
            block &+= 64
        }
        var index = block
        while index < count {
            if isMember(base[index]) {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index &- runStart >= minimum { body(runStart, index &- runStart) }
                runStart = -1
            }
            index &+= 1
        }
        if runStart >= 0, count &- runStart >= minimum { body(runStart, count &- runStart) }
    }
}
