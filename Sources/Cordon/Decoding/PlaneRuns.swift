/// Maximal runs of one byte class at least `minimum` bytes long, read off a plane of block masks
/// (``DecoderMasks``) through its aligned quads (4 bytes at an offset divisible by 4): a run of
/// at least `minimum` bytes holds `(minimum − 3) / 4` whole quads in a row (from 31 on, a whole
/// aligned 16-byte chunk), so only such a row of quads starts a look at the bits around it.
///
/// The reason: the base64 and hex decoders read their runs off each block's mask with
/// ``ByteRuns/forEach(in:atLeast:blockMask:isMember:_:)``, ~70 instructions a block whatever the
/// block holds — letters are base64 members, so most blocks of text end inside a run that the
/// next block must close (#13, callgrind on real text: `decodeBase64Runs` 90 M instructions of
/// its own over 56 MB). A row of quads is found with a few shifts a block, and it is rare in
/// text outside long runs (a whole aligned 8-byte chunk, the first test tried, is in nearly
/// every block of code and prose, and measuring the run around each cost ~40 instructions); the
/// run around a row is measured with one bit count per block it covers.
enum PlaneRuns {
    /// Calls `body` with the start and length of every maximal run of at least `minimum` (7 or
    /// more) members of `plane`, in order; `plane` has one word per 64-byte block of a text of
    /// `count` bytes, bits past `count` clear.
    @inline(__always)
    static func forEach(
        in plane: UnsafePointer<UInt64>, count: Int, atLeast minimum: Int, _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        precondition(minimum >= 7, "a run of `minimum` holds a whole aligned quad")
        // A run of `minimum` holds this many whole aligned quads in a row (it starts at most 3
        // bytes before the first); a row reaches at most into the next block. From 31 on, a run
        // holds a whole aligned 16-byte chunk, which is found within its block and at a quarter
        // of the offsets: the hex runs of 32 cost 31 M instructions on real text this way, 51 M
        // through rows of seven quads (callgrind).
        let sixteens = minimum >= 31
        let quads = sixteens ? 4 : min((minimum - 3) / 4, 15)
        let blockCount = (count + 63) / 64
        // No run begins before `done` that has not been reported or ruled out; the byte at
        // `done` is no member (or the end).
        var done = 0
        var block = 0
        while block < blockCount {
            let base = block &<< 6
            var rows = sixteens ? wholeSixteens(plane[block]) : rowsOfQuads(plane, block, blockCount, quads)
            if done > base {
                guard done < base &+ 64 else {
                    block = done &>> 6
                    continue
                }
                rows &= ~0 &<< UInt64(done & 63)
            }
            while rows != 0 {
                let rowStart = base &+ rows.trailingZeroBitCount
                let start = runStart(plane, before: rowStart, notBefore: done)
                let end = runEnd(plane, from: rowStart &+ 4 &* quads, count: count)
                if end &- start >= minimum { body(start, end &- start) }
                done = end
                guard done < base &+ 64 else { break }
                rows &= ~0 &<< UInt64(done & 63)
            }
            block = max(block &+ 1, done &>> 6)
        }
    }

    /// The bits of block `block` that start `quads` whole aligned quads of members in a row (bit
    /// `4 × j` when bytes `4 × j ..< 4 × (j + quads)` from the block's start all are members,
    /// the next block's bytes included).
    @inline(__always)
    static func rowsOfQuads(_ plane: UnsafePointer<UInt64>, _ block: Int, _ blockCount: Int, _ quads: Int) -> UInt64 {
        let current = wholeQuads(plane[block])
        let next = block &+ 1 < blockCount ? wholeQuads(plane[block &+ 1]) : 0
        var rows = current
        var shift: UInt64 = 4
        while shift < UInt64(4 &* quads) {
            rows &= current &>> shift | next &<< (64 &- shift)
            shift &+= 4
        }
        return rows
    }

    /// The bits that start a whole aligned 16-byte chunk of members in `mask`: bit `16 × j`
    /// when bits `16 × j ..< 16 × j + 16` are all set.
    @inline(__always)
    static func wholeSixteens(_ mask: UInt64) -> UInt64 {
        let quads = wholeQuads(mask)
        let pairs = quads & quads &>> 4
        return pairs & pairs &>> 8 & 0x0001_0001_0001_0001
    }

    /// The bits that start a whole aligned quad of members in `mask`: bit `4 × j` when bits
    /// `4 × j ..< 4 × j + 4` are all set.
    @inline(__always)
    static func wholeQuads(_ mask: UInt64) -> UInt64 {
        let pairs = mask & mask &>> 1
        return pairs & pairs &>> 2 & 0x1111_1111_1111_1111
    }

    /// The first byte of the run of members that holds `position` (a member), not before `lowest`.
    @inline(__always)
    static func runStart(_ plane: UnsafePointer<UInt64>, before position: Int, notBefore lowest: Int) -> Int {
        var block = position &>> 6
        // The non-members before `position` in its block.
        var outside = ~plane[block] & ((1 &<< UInt64(position & 63)) &- 1)
        while outside == 0 {
            guard block &<< 6 > lowest else { return lowest }
            block &-= 1
            outside = ~plane[block]
        }
        return max(block &<< 6 &+ 64 &- outside.leadingZeroBitCount, lowest)
    }

    /// The first byte at or after `position` that is no member, or `count`.
    @inline(__always)
    static func runEnd(_ plane: UnsafePointer<UInt64>, from position: Int, count: Int) -> Int {
        guard position < count else { return count }
        let blockCount = (count + 63) / 64
        var block = position &>> 6
        var outside = ~plane[block] & (~0 &<< UInt64(position & 63))
        while outside == 0 {
            block &+= 1
            guard block < blockCount else { return count }
            outside = ~plane[block]
        }
        return min(block &<< 6 &+ outside.trailingZeroBitCount, count)
    }
}
