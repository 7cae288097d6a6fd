#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The digit groups of one 64-byte block, read off its digit and separator masks (``DigitRuns``
/// defines a group: digit runs joined across 1 to ``DigitRuns/maximumGap`` separator bytes).
///
/// The reason: the run gates read the group of every digit run long enough for a key, outward
/// from it, one byte at a time — twice, once to find its bounds and digits and once to step
/// through its runs — and then re-tested each byte (`RunGates.recordGroup`: 345 M of 3,807 M
/// instructions on the agent corpus, 1.48 million groups at ~230 instructions each; callgrind,
/// main abba7f4). Agent traffic is full of short digit groups: timestamps, ids, ports, line
/// numbers. Here a block's groups are one mask (``grouped``), worked out with a dozen bit
/// operations once per block that needs it, and a group's bounds, digits and runs are bit scans
/// of it.
///
/// Exactness: a separator byte joins two runs when its maximal separator run is 1 to
/// ``DigitRuns/maximumGap`` bytes long with a digit on each side. A separator run inside the
/// block with its two neighbours inside it is decided here exactly; one that touches the block's
/// edge is not (the bytes outside are unknown), and ``group(around:)`` then declines and the
/// caller reads the group byte by byte.
struct DigitGroupMasks {
    /// The digits of the block.
    let digits: UInt64
    /// The separator bytes of the block (``DigitRuns/isSeparator(_:)``).
    let separators: UInt64
    /// The digits and the separators that join two digit runs inside the block: a group inside
    /// the block is a maximal run of these bits (it begins and ends with a digit).
    let grouped: UInt64

    /// The groups of a block whose digits are `digits` and separators `separators`.
    ///
    /// A separator byte joins when it is one of the first ``DigitRuns/maximumGap`` bytes after a
    /// digit (through separators only) and one of the last ``DigitRuns/maximumGap`` before a
    /// digit: for a separator run of 1 to 3 bytes between digits that is every byte of it; for
    /// a longer run only inner bytes (none of 6 or more), which touch no digit and so join nothing.
    @inline(__always)
    init(digits: UInt64, separators: UInt64) {
        self.digits = digits
        self.separators = separators
        var afterDigit = separators & (digits &<< 1)
        var beforeDigit = separators & (digits &>> 1)
        var fromLeft = afterDigit
        var fromRight = beforeDigit
        var step = 1
        while step < DigitRuns.maximumGap {
            afterDigit = separators & (afterDigit &<< 1)
            beforeDigit = separators & (beforeDigit &>> 1)
            fromLeft |= afterDigit
            fromRight |= beforeDigit
            step &+= 1
        }
        grouped = digits | (fromLeft & fromRight)
    }

    /// The bits of the group that holds the digit at bit `bit`, as `first ..< end`, or `nil`
    /// when bytes outside the block may belong to it: the group reaches the block's first or
    /// last byte, or only 1 to ``DigitRuns/maximumGap`` separators lie between it and that edge.
    @inline(__always)
    func group(around bit: Int) -> (first: Int, end: Int)? {
        let outside = ~grouped
        let below = outside & ((1 &<< UInt64(bit)) &- 1)
        guard below != 0 else { return nil }
        let first = 64 &- below.leadingZeroBitCount
        // No member of `grouped` is above bit 63: the count stops there at the latest.
        let end = bit &+ (outside &>> UInt64(bit)).trailingZeroBitCount
        guard end < 64 else { return nil }
        if first <= DigitRuns.maximumGap {
            let edge: UInt64 = (1 &<< UInt64(first)) &- 1
            if separators & edge == edge { return nil }
        }
        if end >= 64 &- DigitRuns.maximumGap {
            let edge: UInt64 = ~0 &<< UInt64(end)
            if separators & edge == edge { return nil }
        }
        return (first, end)
    }

    /// The separator bytes among the 64 at `base`, with the nibble tables of the separators
    /// (``NibbleClass``) when the processor runs them (`nibbles` not `nil`), else with SSE2
    /// comparisons.
    ///
    /// Only the blocks in which a digit run long enough for a key ends pay for it (on agent
    /// traffic about half of them, on real text a seventh).
    @inline(__always)
    static func separators(_ base: UnsafeRawPointer, nibbles: UnsafePointer<UInt8>?) -> UInt64 {
        if let nibbles { return NibbleClass.mask64(base, nibbles) }
        return vectorSeparators(base)
    }

    /// The separator bytes among the 64 at `base`, by comparisons: space, `\t`–`\n`, CR, `(`–`)`,
    /// `-`–`/`, 0xA0 and 0xC2 (``DigitRuns/isSeparator(_:)``; `DigitGroupMasksTests` compares
    /// the two for every byte at every position).
    @inline(never)
    static func vectorSeparators(_ base: UnsafeRawPointer) -> UInt64 {
        let space = SIMD16<UInt8>(repeating: 0x20)
        let tab = SIMD16<UInt8>(repeating: 0x09)
        let carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
        let parenthesis = SIMD16<UInt8>(repeating: 0x28)
        let hyphen = SIMD16<UInt8>(repeating: 0x2D)
        let one = SIMD16<UInt8>(repeating: 1)
        let two = SIMD16<UInt8>(repeating: 2)
        let noBreak = SIMD16<UInt8>(repeating: 0xA0)
        let lead = SIMD16<UInt8>(repeating: 0xC2)
        var result: UInt64 = 0
        var lane = 0
        while lane < 4 {
            let bytes = base.loadUnaligned(fromByteOffset: lane &* 16, as: SIMD16<UInt8>.self)
            let ascii = (bytes .== space) .| ((bytes &- tab) .<= one) .| (bytes .== carriageReturn)
            let punctuation = ((bytes &- parenthesis) .<= one) .| ((bytes &- hyphen) .<= two)
            let members = ascii .| punctuation .| (bytes .== noBreak) .| (bytes .== lead)
            result |= ByteRanges.bits(members) << UInt64(lane &* 16)
            lane &+= 1
        }
        return result
    }
}
