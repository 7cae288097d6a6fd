#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

import CordonDetectorModel

/// The members of every run-gate class in one 64-byte block: one 64-bit mask per class, bit `i`
/// set when byte `i` of the block belongs to it.
///
/// The reason: the run gates used to read the text once per class (digits, letters and digits,
/// hex digits and colons, digits and dots), each pass testing its class's byte ranges anew —
/// ~12 % of all the CPU of a scan of ordinary text (#13, perf, main a91ff5a). The classes share
/// most of their tests (every one holds the digits; the hex letters are letters), so each
/// 16-byte vector is loaded once and tested by five comparisons in all, and each class's mask is
/// one `pmovmskb` of an OR of them (``ByteRanges/bits(_:)``).
struct RunClassMasks {
    /// `0`–`9`.
    var digits: UInt64 = 0
    /// `0`–`9`, `A`–`Z`, `a`–`z`.
    var alphanumerics: UInt64 = 0
    /// `0`–`9` and `.`.
    var digitsAndDots: UInt64 = 0
    /// `0`–`9`, `A`–`F`, `a`–`f` and `:`.
    var hexDigitsAndColons: UInt64 = 0

    /// The masks of the 64 bytes at `base`.
    @inline(__always)
    init(_ base: UnsafeRawPointer) {
        let zero = SIMD16<UInt8>(repeating: UInt8(ascii: "0"))
        let nine = SIMD16<UInt8>(repeating: 9)
        let caseBit = SIMD16<UInt8>(repeating: 0x20)
        let lowerA = SIMD16<UInt8>(repeating: UInt8(ascii: "a"))
        let twentyFive = SIMD16<UInt8>(repeating: 25)
        let five = SIMD16<UInt8>(repeating: 5)
        let colon = SIMD16<UInt8>(repeating: UInt8(ascii: ":"))
        let dot = SIMD16<UInt8>(repeating: UInt8(ascii: "."))
        var lane = 0
        while lane < 4 {
            let bytes = base.loadUnaligned(fromByteOffset: lane &* 16, as: SIMD16<UInt8>.self)
            let isDigit = (bytes &- zero) .<= nine
            // A letter of either case, lowered: `[`…`_` and `{`…DEL fold to no letter.
            let folded = (bytes | caseBit) &- lowerA
            let shift = UInt64(lane &* 16)
            digits |= ByteRanges.bits(isDigit) << shift
            alphanumerics |= ByteRanges.bits(isDigit .| (folded .<= twentyFive)) << shift
            digitsAndDots |= ByteRanges.bits(isDigit .| (bytes .== dot)) << shift
            hexDigitsAndColons |= ByteRanges.bits(isDigit .| (folded .<= five) .| (bytes .== colon)) << shift
            lane &+= 1
        }
    }

    /// The mask of `characterClass`.
    @inline(__always)
    subscript(_ characterClass: RunGate.CharacterClass) -> UInt64 {
        switch characterClass {
        case .digits: return digits
        case .alphanumerics: return alphanumerics
        case .digitsAndDots: return digitsAndDots
        case .hexDigitsAndColons: return hexDigitsAndColons
        }
    }
}
