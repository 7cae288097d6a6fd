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
        let base = text.baseAddress!
        let count = text.count
        let raw = UnsafeRawPointer(base)
        var runStart = -1  // the start of the run open at the block's start, or -1
        var block = 0
        // A run that does not reach the block's end is at most 63 bytes long.
        let findsInside = minimum <= 63
        while block &+ 64 <= count {
            var mask = vectors.blockMask(raw + block)
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
        members.table.withUnsafeBufferPointer { table in
            var index = block
            while index < count {
                if table[Int(base[index])] {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index &- runStart >= minimum { body(runStart, index &- runStart) }
                    runStart = -1
                }
                index &+= 1
            }
        }
        if runStart >= 0, count &- runStart >= minimum { body(runStart, count &- runStart) }
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
