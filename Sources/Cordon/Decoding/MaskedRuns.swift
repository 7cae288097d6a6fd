/// Maximal runs of one byte class, read off bit masks that a caller's sixteen-byte test makes.
///
/// The reason for a second run finder next to ``ByteRuns``: ``ByteRanges`` tests a class as
/// ranges, one comparison each, and the base64 alphabet is cheaper as five comparisons with
/// the case bit folded (``DecoderVectors/base64MemberBits(_:)``) than as its six ranges (#13,
/// perf on real text: the base64 pass 3.9 % → 2.6 % of a scan). The runs are read off each
/// 64-bit mask by ``ByteRuns``' own block loop. For the longer hex runs, ``TiledRuns`` is cheaper
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
        ByteRuns.forEach(
            in: text, atLeast: minimum,
            blockMask: { at in mask16(at) | mask16(at + 16) << 16 | mask16(at + 32) << 32 | mask16(at + 48) << 48 },
            isMember: isMember, body)
    }
}
