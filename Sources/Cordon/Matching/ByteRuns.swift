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
        members.table.withUnsafeBufferPointer { table in
            forEach(in: text, atLeast: minimum, blockMask: { vectors.blockMask($0) }, isMember: { table[Int($0)] }, body)
        }
    }

    /// The block loop of every run finder that reads runs off 64-bit masks: `blockMask(p)` gives
    /// the members among the 64 bytes at `p` as bits 0 to 63 and must agree with `isMember`,
    /// which reads the tail shorter than a block.
    ///
    /// The reason it takes the block test as a closure: the base64 decoder tests its alphabet
    /// with its own five comparisons (``MaskedRuns``), and it keeps this loop with the block
    /// step written out — through ``Tracker`` (not inlined into the decoders) the base64 pass of
    /// real text cost 3.6 M more instructions per 3.4 MB (callgrind, round 10).
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, blockMask: (UnsafeRawPointer) -> UInt64,
        isMember: (UInt8) -> Bool, _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        guard let base = text.baseAddress, minimum >= 1 else { return }
        let count = text.count
        let raw = UnsafeRawPointer(base)
        var runStart = -1  // the start of the run open at the block's start, or -1
        var block = 0
        // A run that does not reach the block's end is at most 63 bytes long.
        let findsInside = minimum <= 63
        while block &+ 64 <= count {
            var mask = blockMask(raw + block)
            if runStart >= 0 {
                // The members at the block's start continue the open run.
                let leading = (~mask).trailingZeroBitCount
                if leading == 64 {
                    block &+= 64
                    continue
                }
                let end = block &+ leading
                if end &- runStart >= minimum { body(runStart, end &- runStart) }
                runStart = -1
                mask &= ~0 << UInt64(leading)
            }
            // The run touching the block's end stays open into the next block.
            let trailing = (~mask).leadingZeroBitCount
            if trailing > 0 {
                runStart = block &+ 64 &- trailing
                mask = trailing == 64 ? 0 : mask & (~0 >> UInt64(trailing))
            }
            if findsInside, mask != 0 {
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
            block &+= 64
        }
        walk(base, from: block, to: count, openRun: runStart, atLeast: minimum, isMember: isMember, body)
    }

    /// Reports the runs of at least `minimum` members in `base[position ..< count]` byte by
    /// byte, the run open at `position` (starting at `openRun`, or -1 for none) included: the
    /// last bytes of a text that a block or tile test leaves to the run finders.
    @inline(__always)
    static func walk(
        _ base: UnsafePointer<UInt8>, from position: Int, to count: Int, openRun: Int, atLeast minimum: Int,
        isMember: (UInt8) -> Bool, _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        var runStart = openRun
        var index = position
        while index < count {
            if isMember(base[index]) {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index &- runStart >= minimum { body(runStart, index &- runStart) }
                runStart = -1
            }
            index &+= 1
        }
        if runStart >= 0, count &- runStart >= minimum { body(runStart, count &- runStart) }
    }

    /// The bytes of `text` from `block` on (fewer than 64), followed by zeros: the last block,
    /// tested like the others instead of byte by byte (NUL is in no class a run is read of, and
    /// ``validBits(_:)`` masks the padding out anyway).
    @inline(__always)
    static func lastBlock(of text: UnsafeBufferPointer<UInt8>, from block: Int) -> SIMD64<UInt8> {
        var tail = SIMD64<UInt8>()
        var index = 0
        while block &+ index < text.count {
            tail[index] = text[block &+ index]
            index &+= 1
        }
        return tail
    }

    /// The mask of the first `count` bits (`count` < 64).
    @inline(__always)
    static func validBits(_ count: Int) -> UInt64 { (1 << UInt64(count)) &- 1 }

    /// A run finder fed one 64-byte block's member mask at a time: the maximal runs of at least
    /// ``minimum`` members, in order. After ``load(_:at:)``, ``next()`` gives the runs that end
    /// in the block; ``finish(at:)`` the one still open at the text's end.
    ///
    /// Runs are read off each mask with bit operations — a block whose runs are all shorter
    /// than the minimum (most blocks of ordinary text, whose words are short) costs a few
    /// operations more than its mask; a run that reaches a block's end stays open into the
    /// next. Several finders loaded from one classification of each block find the runs of
    /// several classes in one pass over the text (``RunGates/runStarts(in:)``). No closure: the
    /// caller's loop reads the runs, so nothing it captures is boxed or reference counted.
    struct Tracker {
        /// The shortest run reported.
        let minimum: Int
        /// The start of the run open at the next block's start, or -1.
        private var runStart = -1
        /// The block loaded, its members not yet reported, and the bits at which a run of at
        /// least ``minimum`` starts inside it (those runs end inside it).
        private var block = 0
        private var mask: UInt64 = 0
        private var starts: UInt64 = 0
        /// The run that ended at the block's start, or -1 (length in ``closedLength``).
        private var closedStart = -1
        private var closedLength = 0

        init(atLeast minimum: Int) {
            self.minimum = minimum
        }

        /// Loads the block at offset `block` whose bit `i` is set when byte `block + i` is a
        /// member.
        ///
        /// Transparent, so always inlined: with `@inline(__always)` the run gates' pass, a large
        /// function, still called it once per class and block (13.1 M instructions in 3.2 MB of
        /// agent traffic, callgrind, round 11).
        @_transparent
        mutating func load(_ mask: UInt64, at block: Int) {
            var mask = mask
            self.block = block
            starts = 0
            if runStart >= 0 {
                // The members at the block's start continue the open run.
                let leading = (~mask).trailingZeroBitCount
                if leading == 64 { return }
                let end = block &+ leading
                if end &- runStart >= minimum {
                    closedStart = runStart
                    closedLength = end &- runStart
                }
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
                self.mask = mask
                self.starts = starts
            }
        }

        /// The next run that ends in the loaded block, or `nil`.
        @inline(__always)
        mutating func next() -> (start: Int, length: Int)? {
            if closedStart >= 0 {
                let run = (start: closedStart, length: closedLength)
                closedStart = -1
                return run
            }
            guard starts != 0 else { return nil }
            let start = starts.trailingZeroBitCount
            let length = (~(mask >> UInt64(start))).trailingZeroBitCount
            starts &= ~0 << UInt64(start &+ length)  // < 64: the run does not reach the block's end
            return (block &+ start, length)
        }

        /// The run still open at `end`, the end of the text, when long enough.
        @inline(__always)
        mutating func finish(at end: Int) -> (start: Int, length: Int)? {
            defer { runStart = -1 }
            guard runStart >= 0, end &- runStart >= minimum else { return nil }
            return (runStart, end &- runStart)
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
