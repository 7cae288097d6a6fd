/// The bytes of one 64-byte block that the columns decoder's search for header lines needs, one
/// bit per byte (bit `i` for byte `i`): the bytes no header line holds, the line feeds among
/// them, and the delimiters.
///
/// The reason: the columns decoder walked each line of every message to its first byte a header
/// cannot hold and then called `memchr` for the line's end — ~7 % of all the CPU of a scan of
/// ordinary text for a decoder that changes almost nothing (#13, perf on main `ed4c485`). With
/// these masks a block's lines are told apart by a few bit operations
/// (``Decoder/nextHeaderCandidate(_:from:)``), and a line is looked at only when it is made
/// wholly of header bytes with a delimiter.
///
/// The tests are exact, not a superset: ``Decoder/headerBytes`` is letters, digits, `_`, `-`,
/// `#`, the blank, tab, `"`, `,`, `;`, `|` and carriage return. A range test is one addition and
/// one signed comparison (`paddb`, `pcmpgtb`): the byte moved so that the range starts at
/// -128.
struct HeaderLineMasks {
    /// Bytes no header line holds (line feeds among them).
    var others: UInt64 = 0
    /// Line feeds.
    var lineFeeds: UInt64 = 0
    /// Delimiters: `,`, tab, `;` and `|`.
    var delimiters: UInt64 = 0

    /// The masks of the 64 bytes at `base`; `splats` is ``splats`` borrowed.
    @inline(__always)
    init(_ base: UnsafeRawPointer, _ splats: UnsafeBufferPointer<SIMD16<UInt8>>) {
        var lane = 0
        while lane < 4 {
            let bytes = base.loadUnaligned(fromByteOffset: lane &* 16, as: SIMD16<UInt8>.self)
            let delimiter = (bytes .== splats[0]) .| (bytes .== splats[1]) .| (bytes .== splats[2]) .| (bytes .== splats[3])
            let letter = Self.isIn(bytes | SIMD16(repeating: 0x20), from: UInt8(ascii: "a"), count: 26)
            let digit = Self.isIn(bytes, from: UInt8(ascii: "0"), count: 10)
            // `"` and `#`.
            let quoteOrHash = Self.isIn(bytes, from: UInt8(ascii: "\""), count: 2)
            let others = (bytes .== splats[4]) .| (bytes .== splats[5]) .| (bytes .== splats[6]) .| (bytes .== splats[7])
            let header = delimiter .| letter .| digit .| quoteOrHash .| others
            let shift = UInt64(lane &* 16)
            self.others |= (ByteRanges.bits(header) ^ 0xFFFF) << shift
            lineFeeds |= ByteRanges.bits(bytes .== splats[8]) << shift
            delimiters |= ByteRanges.bits(delimiter) << shift
            lane &+= 1
        }
    }

    /// The bytes compared for equality, each in all sixteen lanes: the delimiters `,`, tab,
    /// `;`, `|`; then `-`, the blank, carriage return, `_`; then the line feed.
    ///
    /// Read from an array, not written as `SIMD16(repeating:)` literals: Swift 6.3's optimiser
    /// turns a lane-wise `==` with a constant vector into sixteen scalar comparisons through
    /// memory (as ``DecoderVectors`` says; the first version of this type measured 100
    /// instructions a byte), while one with a vector it cannot see through is one `pcmpeqb`.
    /// The range tests (``isIn(_:from:count:)``) compile to vector instructions as written.
    static let splats: [SIMD16<UInt8>] = [
        UInt8(ascii: ","), 0x09, UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "-"), UInt8(ascii: " "), 0x0D, UInt8(ascii: "_"), 0x0A,
    ].map { SIMD16(repeating: $0) }

    /// The lanes of `bytes` from `low` to `low + count - 1` (no wrapping past 255): the byte
    /// moved by `128 - low` and compared signed with `count - 128`.
    @inline(__always)
    static func isIn(_ bytes: SIMD16<UInt8>, from low: UInt8, count: UInt8) -> SIMDMask<SIMD16<Int8>> {
        let moved = unsafeBitCast(bytes &+ SIMD16(repeating: 0x80 &- low), to: SIMD16<Int8>.self)
        return moved .< SIMD16(repeating: Int8(bitPattern: count &+ 0x80))
    }

    /// The lines of a message read block after block from the first byte of a line: what one
    /// block's lines need to know of the blocks before it.
    struct Lines {
        /// The first byte of the line that runs into the next block.
        var lineStart: Int
        /// 1 when that line holds a byte no header holds in the blocks read, else 0.
        var otherCarry: UInt64 = 0
        /// 1 when that line holds a delimiter in the blocks read, else 0.
        var delimiterCarry: UInt64 = 0

        init(from lineStart: Int) { self.lineStart = lineStart }

        /// The first line ending in the block at `block` (whose masks are `masks`) made wholly of
        /// header bytes with a delimiter, or `nil` after taking in the block.
        ///
        /// Adding a bit just past each byte no header holds to the mask of the bytes that are
        /// neither that nor a line feed carries it through the rest of the line onto the line
        /// feed that ends it (or out of the block, into the next); so does adding a bit past
        /// each delimiter to the mask of the bytes that are neither a delimiter nor a line feed.
        @inline(__always)
        mutating func candidate(_ masks: HeaderLineMasks, at block: Int) -> Range<Int>? {
            let lineFeeds = masks.lineFeeds
            let others = masks.others & ~lineFeeds
            let (otherSum, otherOut) = (~masks.others).addingReportingOverflow(others << 1 | otherCarry)
            let ends = masks.delimiters | lineFeeds
            let (delimiterSum, delimiterOut) = (~ends).addingReportingOverflow(masks.delimiters << 1 | delimiterCarry)
            let found = lineFeeds & ~otherSum & delimiterSum
            if found != 0 {
                let end = found.trailingZeroBitCount
                let before = lineFeeds & ((1 << UInt64(end)) &- 1)
                let first = before == 0 ? lineStart : block &+ 64 &- before.leadingZeroBitCount
                return first..<(block &+ end)
            }
            otherCarry = otherOut || others >> 63 != 0 ? 1 : 0
            delimiterCarry = delimiterOut || masks.delimiters >> 63 != 0 ? 1 : 0
            if lineFeeds != 0 { lineStart = block &+ 64 &- lineFeeds.leadingZeroBitCount }
            return nil
        }
    }
}
