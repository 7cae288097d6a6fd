/// Finding maximal runs of one byte class quickly.
enum ByteRuns {
    /// Calls `body` with the start and length of every maximal run of at least `minimum` bytes
    /// of `members`, in order.
    ///
    /// The message is read 64 bytes at a time: each block becomes a 64-bit mask of its members
    /// (``ByteRanges/Vectors/blockMask(_:)``, four 16-byte vectors without a branch), and runs are read off the
    /// mask with bit operations — a block whose runs are all shorter than `minimum` (most
    /// blocks of ordinary text, whose words are short) costs a few operations more than its
    /// mask. The reason: the probing walk (``forEach(in:atLeast:of:_:)``, the tests' reference)
    /// looked at most bytes of text one by one, with a hard-to-predict branch each; its three
    /// run-gate passes and the base64 and hex decoders' passes were ~20 % of a scan of ordinary
    /// text (#13, perf).
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, of members: ByteRanges,
        _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        guard text.baseAddress != nil, minimum >= 1 else { return }
        members.withVectors { vectors in forEach(in: text, atLeast: minimum, of: members, vectors, body) }
    }

    @inline(__always)
    private static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, of members: ByteRanges, _ vectors: ByteRanges.Vectors,
        _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        var runs = Tracker(atLeast: minimum)
        forEachBlock(of: text) { block, base, valid in runs.feed(vectors.blockMask(base) & valid, at: block, body) }
        runs.finish(at: text.count, body)
    }

    /// Calls `body` with each 64-byte block of `text`: its offset, its bytes and the mask of the
    /// bits that are bytes of `text` (all 64 but for the last block).
    ///
    /// The last block, when shorter than 64 bytes, is copied into a block of zeros (NUL is in no
    /// class a run is read of), so that it is tested like the others instead of byte by byte.
    @inline(__always)
    static func forEachBlock(
        of text: UnsafeBufferPointer<UInt8>, _ body: (_ block: Int, _ base: UnsafeRawPointer, _ valid: UInt64) -> Void
    ) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        let raw = UnsafeRawPointer(base)
        var block = 0
        while block &+ 64 <= count {
            body(block, raw + block, ~0)
            block &+= 64
        }
        let rest = count &- block
        guard rest > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { words in
            let tail = UnsafeMutableRawPointer(words.baseAddress!)
            tail.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
            tail.copyMemory(from: raw + block, byteCount: rest)
            body(block, UnsafeRawPointer(tail), (1 << UInt64(rest)) &- 1)
        }
    }

    /// A run finder fed one 64-byte block's member mask at a time: the maximal runs of at least
    /// ``minimum`` members, in order.
    ///
    /// Runs are read off each mask with bit operations — a block whose runs are all shorter
    /// than the minimum (most blocks of ordinary text, whose words are short) costs a few
    /// operations more than its mask; a run that reaches a block's end stays open into the
    /// next. Several finders fed from one classification of each block find the runs of several
    /// classes in one pass over the text (``RunGates/runStarts(in:)``).
    struct Tracker {
        /// The shortest run reported.
        let minimum: Int
        /// The start of the run open at the next block's start, or -1.
        private var runStart = -1

        init(atLeast minimum: Int) {
            self.minimum = minimum
        }

        /// Reads the runs of the block at offset `block` whose bit `i` is set when byte
        /// `block + i` is a member; reports those that end in it.
        @inline(__always)
        mutating func feed(_ mask: UInt64, at block: Int, _ body: (_ start: Int, _ length: Int) -> Void) {
            var mask = mask
            if runStart >= 0 {
                // The members at the block's start continue the open run.
                let leading = (~mask).trailingZeroBitCount
                if leading == 64 { return }
                let end = block &+ leading
                if end &- runStart >= minimum { body(runStart, end &- runStart) }
                runStart = -1
                mask &= ~0 << UInt64(leading)
            }
            guard mask != 0 else { return }
            // The run touching the block's end stays open into the next block.
            let trailing = (~mask).leadingZeroBitCount
            if trailing > 0 {
                runStart = block &+ 64 &- trailing
                mask = trailing == 64 ? 0 : mask & (~0 >> UInt64(trailing))
            }
            // A run that does not reach the block's end is at most 63 bytes long.
            if minimum <= 63, mask != 0 {
                // Bit i of `starts` is set when bits i ..< i + minimum of the mask all are.
                var starts = mask
                var covered = 1
                while covered < minimum {
                    let step = min(covered, minimum &- covered)
                    starts &= starts >> UInt64(step)
                    covered &+= step
                }
                while starts != 0 {
                    let start = starts.trailingZeroBitCount
                    let length = (~(mask >> UInt64(start))).trailingZeroBitCount
                    body(block &+ start, length)
                    let end = start &+ length  // < 64: the run does not reach the block's end
                    starts &= ~0 << UInt64(end)
                }
            }
        }

        /// Reports the run still open at `end`, the end of the text.
        @inline(__always)
        mutating func finish(at end: Int, _ body: (_ start: Int, _ length: Int) -> Void) {
            if runStart >= 0, end &- runStart >= minimum { body(runStart, end &- runStart) }
            runStart = -1
        }
    }

    /// Calls `body` with the start and length of every maximal run of at least `minimum` bytes
    /// for which `isMember` holds, in order.
    ///
    /// Only every `minimum`-th byte is looked at until one is a member (a run of `minimum`
    /// members must cover one of them). For classes ``ByteRanges`` cannot hold, and the tests'
    /// reference for the block-at-a-time pass.
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, of isMember: (UInt8) -> Bool,
        _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        let count = text.count
        var probe = minimum &- 1
        var previousEnd = 0  // no run starts before this offset
        while probe < count {
            guard isMember(text[probe]) else {
                probe &+= minimum
                continue
            }
            var start = probe
            while start > previousEnd, isMember(text[start &- 1]) { start &-= 1 }
            var end = probe &+ 1
            while end < count, isMember(text[end]) { end &+= 1 }
            if end &- start >= minimum { body(start, end &- start) }
            previousEnd = end
            probe = end &+ minimum
        }
    }
}
