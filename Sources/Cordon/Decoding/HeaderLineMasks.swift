#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The bytes of one 64-byte block that the columns decoder's search for header lines needs, one
/// bit per byte (bit `i` for byte `i`): the most frequent bytes no header line holds, and the
/// line feeds.
///
/// The reason: the columns decoder walked each line of every message to its first byte a header
/// cannot hold and then called `memchr` for the line's end — ~7 % of all the CPU of a scan of
/// ordinary text for a decoder that changes almost nothing (#13, perf on main `ed4c485`). With
/// these masks a block's lines are told apart by a few bit operations
/// (``Decoder/nextHeaderCandidate(_:from:)``), and a line is looked at only when it holds none
/// of the marked bytes.
struct HeaderLineMasks {
    /// Bytes no header line holds, the most frequent ones in code and prose (line feeds among
    /// them): ``marked``.
    var others: UInt64 = 0
    /// Line feeds.
    var lineFeeds: UInt64 = 0

    /// The bytes marked in ``others``: `$%&'()*+`, `.`, `/`, `:`, `<=>?@`, `[\]^`, `{`, `}`,
    /// `~`, DEL, every byte of 0x80 or more, and the line feed. None of them is a header byte
    /// (``Decoder/headerBytes``); a line without one may still hold another byte no header
    /// holds (`!`, `` ` ``, a control byte), and the header's shape test reads it
    /// (``Decoder/headerShape(_:_:)``). The tests read this list; the vector code below spells it out.
    static let marked: [ClosedRange<UInt8>] = [
        0x24...0x2B, 0x2E...0x2F, 0x3A...0x3A, 0x3C...0x40, 0x5B...0x5E, 0x7B...0x7B, 0x7D...0xFF, 0x0A...0x0A,
    ]

    /// The masks given as words: the marked bytes (line feeds among them) and the line feeds.
    @inline(__always)
    init(others: UInt64, lineFeeds: UInt64) {
        self.others = others
        self.lineFeeds = lineFeeds
    }

    /// The masks of the 64 bytes at `base` read off ``nibbleTables`` (`tables` points at them)
    /// with AVX2 (``NibbleClass``): the same bits as ``init(_:)``, with 4 `vpshufb` for both masks
    /// where the SSE2 thresholds take ~30 instructions per 16 bytes. Only when
    /// ``NibbleClass/isAvailable``.
    @inline(__always)
    init(_ base: UnsafeRawPointer, nibbleTables tables: UnsafePointer<UInt8>) {
        (others, lineFeeds) = NibbleClass.twoMasks64(base, tables)
    }

    /// The marked bytes' ``NibbleClass`` tables, then the line feed's.
    static let nibbleTables: [UInt8] = {
        guard let marked = NibbleClass({ byte in Self.marked.contains { $0.contains(byte) } }),
            let lineFeed = NibbleClass({ $0 == 0x0A })
        else { preconditionFailure("the marked bytes fit nibble tables") }
        return marked.tables + lineFeed.tables
    }()

    /// The masks of the 64 bytes at `base`.
    ///
    /// The intervals are read as a chain of thresholds: with `b ≥ t` for each interval's
    /// bounds in turn exclusive-ored together, a byte ends with its top bit set when it lies in
    /// an odd number of them — inside an interval. Each threshold is one saturating addition
    /// that sets the top bit of the bytes at or above it (`paddusb`, SSE2), and the whole
    /// chain's top bits are read with one `pmovmskb`.
    @inline(__always)
    init(_ base: UnsafeRawPointer) {
        var lane = 0
        while lane < 4 {
            let bytes = base.loadUnaligned(fromByteOffset: lane &* 16, as: SIMD16<UInt8>.self)
            // `$`…`+`, `.` `/`, `<`…`@`, `[`…`^`, `}` and up.
            var lanes = Self.atLeast(bytes, 0x24) ^ Self.atLeast(bytes, 0x2C) ^ Self.atLeast(bytes, 0x2E)
            lanes ^= Self.atLeast(bytes, 0x30) ^ Self.atLeast(bytes, 0x3C) ^ Self.atLeast(bytes, 0x41)
            lanes ^= Self.atLeast(bytes, 0x5B) ^ Self.atLeast(bytes, 0x5F) ^ Self.atLeast(bytes, 0x7D)
            let lineFeed = Self.equal(bytes, 0x0A)
            lanes |= Self.equal(bytes, UInt8(ascii: ":")) | Self.equal(bytes, UInt8(ascii: "{")) | lineFeed
            let shift = UInt64(lane &* 16)
            others |= Self.topBits(lanes) << shift
            lineFeeds |= Self.topBits(lineFeed) << shift
            lane &+= 1
        }
    }

    /// The lanes of `bytes` at or above `threshold`, as lanes with the top bit set.
    @inline(__always)
    static func atLeast(_ bytes: SIMD16<UInt8>, _ threshold: UInt8) -> SIMD16<UInt8> {
        #if arch(x86_64)
        let moved = _mm_adds_epu8(unsafeBitCast(bytes, to: __m128i.self), _mm_set1_epi8(Int8(bitPattern: 0x80 &- threshold)))
        return unsafeBitCast(moved, to: SIMD16<UInt8>.self)
        #else
        return SIMD16<UInt8>(repeating: 0).replacing(with: 0x80, where: bytes .>= SIMD16(repeating: threshold))
        #endif
    }

    /// The lanes of `bytes` equal to `byte`, as lanes of 0xFF.
    @inline(__always)
    static func equal(_ bytes: SIMD16<UInt8>, _ byte: UInt8) -> SIMD16<UInt8> {
        #if arch(x86_64)
        let equal = _mm_cmpeq_epi8(unsafeBitCast(bytes, to: __m128i.self), _mm_set1_epi8(Int8(bitPattern: byte)))
        return unsafeBitCast(equal, to: SIMD16<UInt8>.self)
        #else
        return SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: bytes .== SIMD16(repeating: byte))
        #endif
    }

    /// The top bits of the sixteen lanes as the low sixteen bits (lane 0 → bit 0).
    @inline(__always)
    static func topBits(_ lanes: SIMD16<UInt8>) -> UInt64 {
        #if arch(x86_64)
        return UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(unsafeBitCast(lanes, to: __m128i.self))))
        #else
        return ByteRanges.bits(unsafeBitCast(lanes, to: SIMD16<Int8>.self) .< SIMD16(repeating: 0))
        #endif
    }

    /// The lines of a message read block after block from the first byte of a line: what one
    /// block's lines need to know of the blocks before it.
    struct Lines {
        /// The first byte of the line that runs into the next block.
        var lineStart: Int
        /// 1 when that line holds a byte no header holds in the blocks read, else 0.
        var otherCarry: UInt64 = 0
        /// 1 when the block before ended with a line feed (or none was read), else 0.
        var emptyCarry: UInt64 = 1

        init(from lineStart: Int) { self.lineStart = lineStart }

        /// The first line ending in the block at `block` (whose masks are `masks`) that is not
        /// empty, holds none of the bytes of ``HeaderLineMasks/marked`` and holds a delimiter,
        /// or `nil` after taking in the block. `text` is the message (the lines' bytes are read
        /// from it for the delimiter).
        ///
        /// Adding a bit just past each marked byte to the mask of the bytes that are neither
        /// marked nor a line feed carries it through the rest of the line onto the line feed
        /// that ends it (or out of the block, into the next).
        ///
        /// Transparent, so always inlined: with `@inline(__always)` the columns decoder reading the
        /// shared block masks (``DecoderMasks``) still called it once per block (callgrind, real
        /// text: 883,133 calls, 53 M instructions).
        @_transparent
        mutating func candidate(_ masks: HeaderLineMasks, at block: Int, in text: UnsafePointer<UInt8>) -> Range<Int>? {
            let lineFeeds = masks.lineFeeds
            let others = masks.others & ~lineFeeds
            let (otherSum, otherOut) = (~masks.others).addingReportingOverflow(others << 1 | otherCarry)
            // Empty lines: a line feed right after a line feed (or the line's start).
            let empty = lineFeeds & (lineFeeds << 1 | emptyCarry)
            var found = lineFeeds & ~otherSum & ~empty
            while found != 0 {
                let end = found.trailingZeroBitCount
                let before = lineFeeds & ((1 << UInt64(end)) &- 1)
                let first = before == 0 ? lineStart : block &+ 64 &- before.leadingZeroBitCount
                if HeaderLineMasks.holdsDelimiter(text, first..<(block &+ end)) { return first..<(block &+ end) }
                found &= found &- 1
            }
            otherCarry = otherOut || others >> 63 != 0 ? 1 : 0
            emptyCarry = lineFeeds >> 63
            if lineFeeds != 0 { lineStart = block &+ 64 &- lineFeeds.leadingZeroBitCount }
            return nil
        }
    }

    /// Whether `text[line]` holds a delimiter (`,`, tab, `;`, `|`), sixteen bytes at a time;
    /// the line is not empty.
    ///
    /// The reason it is asked only of the lines without a marked byte, and not part of every
    /// block's masks: three in four of those lines are comments and prose without punctuation
    /// (real text), whose shape test read every byte (~15 instructions a byte), while four more
    /// comparisons for every block cost more than reading those few lines again.
    @inline(__always)
    static func holdsDelimiter(_ text: UnsafePointer<UInt8>, _ line: Range<Int>) -> Bool {
        let end = line.upperBound
        var position = line.lowerBound
        while position &+ 16 <= end {
            if delimiters(UnsafeRawPointer(text + position)) != 0 { return true }
            position &+= 16
        }
        guard position < end else { return false }
        if end >= 16 {
            // The sixteen bytes ending with the line's last byte; those before `position` were read.
            return delimiters(UnsafeRawPointer(text + (end &- 16))) >> UInt64(16 &- (end &- position)) != 0
        }
        while position < end {
            switch text[position] {
            case UInt8(ascii: ","), 0x09, UInt8(ascii: ";"), UInt8(ascii: "|"): return true
            default: position &+= 1
            }
        }
        return false
    }

    /// The delimiters among the sixteen bytes at `base`, as the low sixteen bits.
    @inline(__always)
    static func delimiters(_ base: UnsafeRawPointer) -> UInt64 {
        let bytes = base.loadUnaligned(as: SIMD16<UInt8>.self)
        let lanes = equal(bytes, UInt8(ascii: ",")) | equal(bytes, 0x09) | equal(bytes, UInt8(ascii: ";")) | equal(bytes, UInt8(ascii: "|"))
        return topBits(lanes)
    }
}
