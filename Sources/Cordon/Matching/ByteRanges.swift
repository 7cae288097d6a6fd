/// A set of ASCII bytes as a few ranges, tested eight bytes at a time.
///
/// The reason: the run finders of the run gates and of the base64 and hex decoders look for
/// long runs of one class (letters and digits, the base64 alphabet, hex digits and colons) in
/// every message. Looked at one byte at a time, with a branch per byte, those passes were a
/// sixth of all the instructions of a scan of ordinary text (#13, perf). A class made of a few
/// ranges is tested on a whole 64-bit word with a few integer operations per range (SWAR, as
/// ``DigitRuns/digitMask(_:)`` does for digits), without a branch.
struct ByteRanges: Sendable {
    /// For each range (lane), the word that sets a byte's high bit exactly when the byte is at
    /// least the range's low end, and the one that sets it exactly when the byte is above its high
    /// end (both for bytes below 0x80; see ``mask(_:)``). Unused lanes give no member. SIMD values,
    /// not arrays: no reference counting in the loops that call ``mask(_:)``.
    private var atLeast = SIMD8<UInt64>(repeating: 0)
    private var above = SIMD8<UInt64>(repeating: 0x7F7F_7F7F_7F7F_7F7F)
    /// The bytes, as a table: the tail of a message and the reference.
    let table: [Bool]

    /// The ranges of the ASCII bytes for which `isMember` holds, or `nil` when a byte of 0x80
    /// or more is a member (the word test covers ASCII only), NUL is one, or the class has more
    /// than eight ranges.
    init?(_ isMember: (UInt8) -> Bool) {
        table = (0...255).map { isMember(UInt8($0)) }
        guard !table[128...].contains(true), !table[0] else { return nil }
        var byte = 1
        var lane = 0
        while byte < 128 {
            guard table[byte] else {
                byte += 1
                continue
            }
            var end = byte
            while end + 1 < 128, table[end + 1] { end += 1 }
            guard lane < 8 else { return nil }
            atLeast[lane] = 0x0101_0101_0101_0101 &* UInt64(0x80 - byte)
            above[lane] = 0x0101_0101_0101_0101 &* UInt64(0x7F - end)
            lane += 1
            byte = end + 1
        }
    }

    /// The high bit of each byte of `word` that is a member, every other bit clear.
    ///
    /// Carry-free: with the high bits cleared, adding `0x80 − low` sets a byte's high bit
    /// exactly when it is at least `low`, adding `0x7F − high` exactly when it is above `high`,
    /// and neither sum leaves its byte (`low` ≥ 1). Bytes of 0x80 or more are never members.
    /// The ranges are disjoint, so each byte's bit is set in at most one lane and the lanes'
    /// sum is their union.
    @inline(__always)
    func mask(_ word: UInt64) -> UInt64 {
        let low = SIMD8<UInt64>(repeating: word & 0x7F7F_7F7F_7F7F_7F7F)
        let keep = SIMD8<UInt64>(repeating: ~word & 0x8080_8080_8080_8080)
        return ((low &+ atLeast) & ~(low &+ above) & keep).wrappedSum()
    }

    /// The 64 bytes at `base` as a bit mask: bit `i` set when byte `i` is a member.
    @inline(__always)
    func blockMask(_ base: UnsafeRawPointer) -> UInt64 {
        var result: UInt64 = 0
        var lane = 0
        while lane < 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: lane &* 8, as: UInt64.self))
            result |= Self.gather(mask(word)) << UInt64(lane &* 8)
            lane &+= 1
        }
        return result
    }

    /// The high bits of the eight bytes of `mask` as the low eight bits (byte 0 → bit 0).
    ///
    /// The multiplication moves bit 8 × i (after the shift) to bit 56 + i, and no two partial
    /// products meet in the top byte, so no carry disturbs it.
    @inline(__always)
    static func gather(_ mask: UInt64) -> UInt64 {
        ((mask >> 7) &* 0x0102_0408_1020_4080) >> 56
    }
}
