#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// A set of ASCII bytes as a few ranges, tested sixteen bytes at a time.
///
/// The reason: the run finders of the run gates and of the base64 decoder look for long runs
/// of one class (letters and digits, the base64 alphabet, hex digits and colons) in every
/// message. Looked at one byte at a time, with a branch per byte, those passes were a sixth of
/// all the instructions of a scan of ordinary text (#13, perf). A class made of a few ranges is
/// tested on sixteen bytes at once with a vector subtraction and comparison per range, without
/// a branch: 17–22 ms instead of 41–49 ms per class on 50 MB of real text (a micro-benchmark of
/// the two finders in one process, -O; the word-at-a-time SWAR form measured 25–34 ms).
struct ByteRanges: Sendable {
    /// For each range, its low end and its width (high − low) in every lane: a byte `b` is in
    /// the range when `b &- low <= width` (unsigned, wrapping).
    private var lows: [SIMD16<UInt8>] = []
    private var widths: [SIMD16<UInt8>] = []
    /// The bytes, as a table: the tail of a message and the reference.
    let table: [Bool]

    /// The ranges of the ASCII bytes for which `isMember` holds, or `nil` when a byte of 0x80
    /// or more is a member, NUL is one, or the class has more than eight ranges.
    init?(_ isMember: (UInt8) -> Bool) {
        table = (0...255).map { isMember(UInt8($0)) }
        guard !table[128...].contains(true), !table[0] else { return nil }
        var byte = 1
        while byte < 128 {
            guard table[byte] else {
                byte += 1
                continue
            }
            var end = byte
            while end + 1 < 128, table[end + 1] { end += 1 }
            guard lows.count < 8 else { return nil }
            lows.append(SIMD16(repeating: UInt8(byte)))
            widths.append(SIMD16(repeating: UInt8(end - byte)))
            byte = end + 1
        }
    }

    /// Runs `body` with the vector test, borrowed once for a whole pass: no reference counting
    /// per block.
    @inline(__always)
    func withVectors<R>(_ body: (Vectors) -> R) -> R {
        lows.withUnsafeBufferPointer { lows in widths.withUnsafeBufferPointer { widths in body(Vectors(lows: lows, widths: widths)) } }
    }

    /// The 64 bytes at `base` as a bit mask: bit `i` set when byte `i` is a member.
    func blockMask(_ base: UnsafeRawPointer) -> UInt64 { withVectors { $0.blockMask(base) } }

    /// The vector test over borrowed ranges.
    struct Vectors {
        let lows: UnsafeBufferPointer<SIMD16<UInt8>>
        let widths: UnsafeBufferPointer<SIMD16<UInt8>>

        /// The 64 bytes at `base` as a bit mask: bit `i` set when byte `i` is a member.
        @inline(__always)
        func blockMask(_ base: UnsafeRawPointer) -> UInt64 {
            var result: UInt64 = 0
            var lane = 0
            while lane < 4 {
                let bytes = base.loadUnaligned(fromByteOffset: lane &* 16, as: SIMD16<UInt8>.self)
                var members = SIMDMask<SIMD16<Int8>>(repeating: false)
                var range = 0
                while range < lows.count {
                    members .|= (bytes &- lows[range]) .<= widths[range]
                    range &+= 1
                }
                result |= ByteRanges.bits(members) << UInt64(lane &* 16)
                lane &+= 1
            }
            return result
        }
    }

    /// The 16 lanes of `lanes` as the low 16 bits (lane 0 → bit 0).
    ///
    /// On x86-64 one `pmovmskb` (SSE2, every x86-64 CPU); elsewhere two multiplications
    /// (``gather(_:)``). The reason: the multiplications were most of a block's test — two per 16
    /// bytes and class, and the run gates test four classes (#13, round 10).
    @inline(__always)
    static func bits(_ lanes: SIMDMask<SIMD16<Int8>>) -> UInt64 {
        let ones = SIMD16<Int8>(repeating: 0).replacing(with: -1, where: lanes)
        #if arch(x86_64)
        return UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(unsafeBitCast(ones, to: __m128i.self))))
        #else
        let halves = unsafeBitCast(ones & SIMD16<Int8>(repeating: 1), to: SIMD2<UInt64>.self)
        return gather(halves[0]) | gather(halves[1]) << 8
        #endif
    }

    /// The low bits of the eight bytes of `ones` (each 0 or 1) as the low eight bits (byte 0 →
    /// bit 0).
    ///
    /// The multiplication moves bit 8 × i to bit 56 + i, and no two partial products meet in
    /// the top byte, so no carry disturbs it.
    @inline(__always)
    static func gather(_ ones: UInt64) -> UInt64 {
        (ones &* 0x0102_0408_1020_4080) >> 56
    }
}
