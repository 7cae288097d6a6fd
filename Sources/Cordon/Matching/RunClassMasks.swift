#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif
#if canImport(CNibbleMasks)
import CNibbleMasks
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

    /// Where each class's mask is among the four that ``store(_:into:nibbles:)`` writes.
    enum Interleaved {
        static let digits = 0
        static let alphanumerics = 1
        static let digitsAndDots = 2
        static let hexDigitsAndColons = 3
    }

    /// The nibble tables of the four classes in ``Interleaved`` order (32 bytes each,
    /// ``NibbleClass``), or `nil` when one does not fit.
    static func nibbleTables() -> [UInt8]? {
        var tables: [UInt8] = []
        for characterClass in [RunGate.CharacterClass.digits, .alphanumerics, .digitsAndDots, .hexDigitsAndColons] {
            guard let nibbles = NibbleClass(characterClass.contains) else { return nil }
            tables += nibbles.tables
        }
        return tables
    }

    /// Stores the masks of the 64 bytes at `base` at `masks[0 ..< 4]`, in ``Interleaved`` order:
    /// with the nibble tables `nibbles` (``nibbleTables()``) when not `nil`, which the caller
    /// passes only when the processor runs them (``NibbleClass/isAvailable``), else with the SSE2
    /// comparisons of ``init(_:)``.
    ///
    /// The reason: with AVX2 a class costs two `vpshufb` and an `and` per 32 bytes, whatever
    /// its bytes; the SSE2 comparisons were ~134 instructions a block for the four classes
    /// (callgrind, main abba7f4).
    @inline(__always)
    static func store(_ base: UnsafeRawPointer, into masks: UnsafeMutablePointer<UInt64>, nibbles: UnsafePointer<UInt8>?) {
        #if canImport(CNibbleMasks)
        if let nibbles {
            cordon_nibble_masks64(base.assumingMemoryBound(to: UInt8.self), nibbles, 4, masks)
            return
        }
        #endif
        let classes = RunClassMasks(base)
        masks[Interleaved.digits] = classes.digits
        masks[Interleaved.alphanumerics] = classes.alphanumerics
        masks[Interleaved.digitsAndDots] = classes.digitsAndDots
        masks[Interleaved.hexDigitsAndColons] = classes.hexDigitsAndColons
    }
}
