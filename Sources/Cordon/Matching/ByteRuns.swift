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

    /// The run from `start` to `end` when it is at least `minimum` bytes long: the run a finder
    /// (``Tracker``, ``Scan``) still holds open when the text ends.
    @inline(__always)
    static func run(from start: Int, to end: Int, atLeast minimum: Int) -> (start: Int, length: Int)? {
        end &- start >= minimum ? (start, end &- start) : nil
    }

    /// A run finder fed one 64-byte block's member mask at a time: the maximal runs of at least
    /// ``minimum`` members, in order. After ``load(_:at:)`` returns true, ``next()`` gives the
    /// runs that end in the block; ``finish(at:)`` the one still open at the text's end.
    ///
    /// Runs are read off each mask with bit operations, the same few dozen for every block
    /// whatever the runs in it: the run open at the block's start (``runStart``) closes at the
    /// block's first non-member, the run touching its end stays open, and the runs strictly
    /// inside are found by a fixed six shift-and steps (``steps``, worked out from the minimum
    /// once), which leave set only the bits that start ``minimum`` members, and one more step
    /// that keeps the first bit of each run. ``load(_:at:)`` says whether the block has a run
    /// to report at all, so that a caller reads none in most blocks. No closure: the caller's
    /// loop reads the runs, so nothing it captures is boxed or reference counted.
    ///
    /// The reason: the finder this replaces stepped through a loop of shifts whose count it
    /// worked out per block (a compare, a `cmov` and a branch per step), kept a run open at the
    /// block's start in a branch of its own and had ``next()`` clear each run's bits; with the
    /// run gates' pass around it that was ~380 instructions per 64-byte block of real text
    /// (callgrind, main 1fecc84: `RunGates.read` 18.4 M of 282.5 M instructions on 3 MB).
    struct Tracker {
        /// The shortest run reported.
        let minimum: Int
        /// The shifts of the six steps that leave bit `i` of a mask set when bits `i ..< i +
        /// min(minimum, 64)` all are: 1, 2, 4, … while they double the span covered, then the
        /// remainder, then zeros (a step by zero changes nothing). A run inside a block is
        /// at most 62 bits long, so a minimum of 64 or more finds none there, as it must.
        private let steps: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        /// How many of ``steps`` are not zero.
        private let stepCount: Int
        /// Where the run that reaches the loaded block's start begins: the block's start when
        /// the byte before it is no member (that "run" is then as long as its first members).
        private var runStart = 0
        /// The block loaded, its members inside it (the runs touching its edges cleared), and
        /// the first bit of each of those runs of at least ``minimum``.
        private var block = 0
        private var members: UInt64 = 0
        private var starts: UInt64 = 0
        /// The run that closed at the block's first non-member, which ``next()`` reports
        /// first when it is long enough.
        private var closedStart = 0
        private var closedLength = 0

        init(atLeast minimum: Int) {
            precondition(minimum >= 1, "a run has at least one member")
            self.minimum = minimum
            let span = min(minimum, 64)
            steps = (
                Self.shift(0, toCover: span), Self.shift(1, toCover: span), Self.shift(2, toCover: span),
                Self.shift(3, toCover: span), Self.shift(4, toCover: span), Self.shift(5, toCover: span)
            )
            var stepCount = 0
            while stepCount < 6, Self.shift(stepCount, toCover: span) != 0 { stepCount += 1 }
            self.stepCount = stepCount
        }

        /// The shift of step `index` (from 0) of the steps that cover `span` bits, 0 past the
        /// last. No array, so that making a finder allocates nothing.
        private static func shift(_ index: Int, toCover span: Int) -> UInt64 {
            var covered = 1
            var step = 0
            while covered < span {
                let shift = min(covered, span - covered)
                if step == index { return UInt64(shift) }
                covered += shift
                step += 1
            }
            return 0
        }

        /// Loads the block at offset `block` whose bit `i` is set when byte `block + i` is a
        /// member, and returns whether a run of at least ``minimum`` ends in it: ``next()``
        /// then gives those runs. After a load that returns false there are none to read, and
        /// ``next()`` must not be called.
        ///
        /// Transparent, so always inlined: with `@inline(__always)` the run gates' pass, a large
        /// function, still called it once per class and block (13.1 M instructions in 3.2 MB of
        /// agent traffic, callgrind, round 11). Only the open run's start is stored when the
        /// block has nothing to report, and only the steps the minimum needs are taken.
        @_transparent
        @discardableResult
        mutating func load(_ mask: UInt64, at block: Int) -> Bool {
            let leading = (~mask).trailingZeroBitCount
            // Otherwise the open run goes on through the whole block.
            guard leading < 64 else { return false }
            let closedStart = runStart
            let closedLength = block &+ leading &- closedStart
            let trailing = (~mask).leadingZeroBitCount  // < 64: bit `leading` is clear
            let members = mask & (~0 &<< UInt64(leading)) & (~0 &>> UInt64(trailing))
            runStart = block &+ 64 &- trailing
            var starts = members
            // The steps, the last first (their order does not matter: each ANDs in the mask
            // shifted by its amount), entered at the first the minimum needs.
            switch stepCount {
            case 6:
                starts &= starts &>> steps.5
                fallthrough
            case 5:
                starts &= starts &>> steps.4
                fallthrough
            case 4:
                starts &= starts &>> steps.3
                fallthrough
            case 3:
                starts &= starts &>> steps.2
                fallthrough
            case 2:
                starts &= starts &>> steps.1
                fallthrough
            case 1:
                starts &= starts &>> steps.0
            default:
                break
            }
            guard closedLength >= minimum || starts != 0 else { return false }
            self.block = block
            self.members = members
            self.starts = starts & ~(members &<< 1)
            self.closedStart = closedStart
            self.closedLength = closedLength
            return true
        }

        /// The next run that ends in the loaded block, or `nil`.
        @inline(__always)
        mutating func next() -> (start: Int, length: Int)? {
            if closedLength >= minimum {
                let length = closedLength
                closedLength = 0
                return (closedStart, length)
            }
            guard starts != 0 else { return nil }
            let start = starts.trailingZeroBitCount
            starts &= starts &- 1
            return (block &+ start, (~(members &>> UInt64(start))).trailingZeroBitCount)
        }

        /// The run still open at `end`, the end of the text, when long enough.
        @inline(__always)
        mutating func finish(at end: Int) -> (start: Int, length: Int)? {
            defer { runStart = end }
            return ByteRuns.run(from: runStart, to: end, atLeast: minimum)
        }

        /// Sets where the run that reaches the next loaded block's start begins (the block's
        /// start when the byte before it is no member): what ``load(_:at:)`` of the block before
        /// would have left, for a finder that ``Scan`` loads only at some blocks.
        @inline(__always)
        mutating func resume(from runStart: Int) {
            self.runStart = runStart
        }
    }

    /// The test in front of a ``Tracker`` that passes over a block with no run to report in a
    /// dozen or two register operations: a block is handed on (with where the run open at its
    /// start begins) only when some `minimum` consecutive bits of its mask are members or the
    /// run open at its start closes in it at least `minimum` long; the tracker then reads it.
    ///
    /// The reason: the tracker's own test keeps six shift counts, its state and a jump on the
    /// number of steps, which with four classes did not fit in registers: ~65 instructions a
    /// class and block, most of them loads and stores (callgrind, real text), while most blocks
    /// have nothing to report. Here the shifts of the test are 1, 2, 4, … (constants: the loop
    /// is specialised for each count of them) and one more, ``lastShift``, held in a register.
    struct Scan {
        /// The shortest run reported.
        let minimum: Int
        /// How many doubling shifts (1, 2, 4, …) the test takes, and the shift after them that
        /// brings the span covered to `min(minimum, 64)` (0: none).
        let doublings: Int
        let lastShift: UInt64
        /// Where the run that reaches the next block's start begins.
        private(set) var runStart = 0

        init(atLeast minimum: Int) {
            precondition(minimum >= 1, "a run has at least one member")
            self.minimum = minimum
            let span = min(minimum, 64)
            var covered = 1
            var doublings = 0
            while covered &* 2 <= span {
                covered &*= 2
                doublings += 1
            }
            self.doublings = doublings
            lastShift = UInt64(span - covered)
        }

        /// Bit `i` of the result is set when bits `i ..< i + min(minimum, 64)` of `mask` all are,
        /// with `doublings` doubling shifts (the caller passes ``doublings`` as a constant).
        @inline(__always)
        func windows(_ mask: UInt64, doublings: Int) -> UInt64 {
            var windows = mask
            var shift: UInt64 = 1
            var step = 0
            while step < doublings {
                windows &= windows &>> shift
                shift &<<= 1
                step &+= 1
            }
            return windows & (windows &>> lastShift)
        }

        /// Tests the blocks whose masks are `masks[0]`, `masks[stride]`, … (`blocks` of them,
        /// the first at offset `firstBlock * 64` of the text) and calls `report(mask, windows,
        /// block, runStart)` for each that may have a run to report: `windows` is
        /// ``windows(_:doublings:)`` of the mask, `runStart` where the run open at the block's
        /// start begins (``Tracker/resume(from:)``).
        @inline(__always)
        mutating func scan(
            _ masks: UnsafePointer<UInt64>, stride: Int, blocks: Int, firstBlock: Int,
            report: (_ mask: UInt64, _ windows: UInt64, _ block: Int, _ runStart: Int) -> Void
        ) {
            switch doublings {
            case 0: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 0, report: report)
            case 1: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 1, report: report)
            case 2: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 2, report: report)
            case 3: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 3, report: report)
            case 4: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 4, report: report)
            case 5: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 5, report: report)
            default: scan(masks, stride: stride, blocks: blocks, firstBlock: firstBlock, doublings: 6, report: report)
            }
        }

        @inline(__always)
        private mutating func scan(
            _ masks: UnsafePointer<UInt64>, stride: Int, blocks: Int, firstBlock: Int, doublings: Int,
            report: (_ mask: UInt64, _ windows: UInt64, _ block: Int, _ runStart: Int) -> Void
        ) {
            var runStart = self.runStart
            var index = 0
            var block = firstBlock &* 64
            while index < blocks {
                let mask = masks[index &* stride]
                let outside = ~mask
                let leading = outside.trailingZeroBitCount
                // Otherwise the run open at the block's start goes on through it.
                if leading < 64 {
                    // No `minimum` members in a row, and the open run closes shorter: nothing.
                    let windows = windows(mask, doublings: doublings)
                    if windows != 0 || block &+ leading &- runStart >= minimum {
                        report(mask, windows, block, runStart)
                    }
                    runStart = block &+ 64 &- outside.leadingZeroBitCount
                }
                index &+= 1
                block &+= 64
            }
            self.runStart = runStart
        }

        /// The run still open at `end`, the end of the text, when long enough.
        @inline(__always)
        mutating func finish(at end: Int) -> (start: Int, length: Int)? {
            defer { runStart = end }
            return ByteRuns.run(from: runStart, to: end, atLeast: minimum)
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
