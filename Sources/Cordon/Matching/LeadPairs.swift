/// Finds the next position whose two bytes are the first two of one of a few values, sixteen
/// positions at a time: two vector comparisons per pair and one `pmovmskb` per 16 bytes.
///
/// The reason: ``LeadBytes`` stops at every occurrence of a value's first byte, and a value
/// that starts with a letter or a digit stops it every dozen bytes of text, each stop a pair
/// test, a hash test and a jump back in: ``ValuePropagation/occurrences(in:excluding:deadline:where:)``
/// was 116 M of the agent corpus' 3,435 M instructions (callgrind, #13), for the one or two
/// values a message holds. A value's first two bytes together are rare, and every position
/// passed over would have failed the pair test, so the pass visits the same candidates in the
/// same order.
struct LeadPairs {
    /// The most distinct pairs handled this way.
    static let capacity = 4

    /// The pairs, first byte in the high half.
    private let pairs: [UInt16]
    private let firsts: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)
    private let seconds: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)

    /// The finder of `pairs` (first byte in the high half; 1 to ``capacity`` of them; an empty
    /// list finds nothing).
    init(_ pairs: [UInt16]) {
        precondition(pairs.count <= Self.capacity, "at most four pairs")
        self.pairs = pairs
        // Unused lanes repeat the first pair.
        func lane(_ index: Int, _ byte: (UInt16) -> UInt8) -> SIMD16<UInt8> {
            guard let pair = index < pairs.count ? pairs[index] : pairs.first else { return SIMD16(repeating: 0) }
            return SIMD16(repeating: byte(pair))
        }
        let first = { (pair: UInt16) in UInt8(pair >> 8) }
        let second = { (pair: UInt16) in UInt8(truncatingIfNeeded: pair) }
        firsts = (lane(0, first), lane(1, first), lane(2, first), lane(3, first))
        seconds = (lane(0, second), lane(1, second), lane(2, second), lane(3, second))
    }

    /// The first position from `start` through `last` whose byte and the next are one of the
    /// pairs, or `last + 1`. `text` must hold at least `last + 4` bytes (the pass reads four bytes
    /// at each position).
    @inline(__always)
    func next(from start: Int, through last: Int, in text: UnsafePointer<UInt8>) -> Int {
        guard !pairs.isEmpty else { return last &+ 1 }
        var position = start
        // Whole 16-byte blocks, and the 16 bytes after each one's first, within the text
        // (`last + 3` is its last byte).
        while position &+ 17 <= last &+ 4 {
            let block = UnsafeRawPointer(text + position).loadUnaligned(as: SIMD16<UInt8>.self)
            let leads = (block .== firsts.0) .| (block .== firsts.1) .| (block .== firsts.2) .| (block .== firsts.3)
            // Most blocks hold no first byte: the second bytes are compared only in those that do
            // (as cheap as ``LeadBytes`` where first bytes are rare).
            if ByteRanges.bits(leads) != 0 {
                let after = UnsafeRawPointer(text + position + 1).loadUnaligned(as: SIMD16<UInt8>.self)
                let hits = ((block .== firsts.0) .& (after .== seconds.0)) .| ((block .== firsts.1) .& (after .== seconds.1))
                    .| ((block .== firsts.2) .& (after .== seconds.2)) .| ((block .== firsts.3) .& (after .== seconds.3))
                let mask = ByteRanges.bits(hits)
                if mask != 0 { return min(position &+ mask.trailingZeroBitCount, last &+ 1) }
            }
            position &+= 16
        }
        while position <= last {
            if pairs.contains(UInt16(text[position]) << 8 | UInt16(text[position &+ 1])) { return position }
            position &+= 1
        }
        return last &+ 1
    }
}
