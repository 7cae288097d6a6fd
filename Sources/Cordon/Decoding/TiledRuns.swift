/// Maximal runs of one byte class at least `minimum` bytes long, found by testing whole tiles
/// of 8 or 16 bytes for membership and looking at single bytes only around a full tile.
///
/// The reason: the run finders of the base64 and hex decoders passed over every message to
/// find runs of 20 and 32 bytes, a bit mask per block (the base64 pass, ~4 % of a scan of real
/// text) or a probe every 32 bytes followed by a walk around each member probed (the hex pass,
/// ~2.7 %, most of it mispredicted branches: its blank is a member) (#13, perf). A run of at
/// least `2 × tile − 1` bytes covers a whole tile of any tiling, so a stretch of text whose
/// tiles each hold a non-member byte holds no such run: one vector test per 16 bytes finds the
/// few places worth a closer look, and a run is then read byte by byte from its full tile out.
enum TiledRuns {
    /// Calls `body` with the start and length of every maximal run of at least `minimum` bytes
    /// for which `isMember` holds, in order, as ``ByteRuns/forEach(in:atLeast:of:_:)`` does.
    ///
    /// `members16(p)` gives the members among the sixteen bytes at `p` as two words of 0xFF
    /// (member) and 0 bytes and must agree with `isMember`; `tile` is 8 or 16, and `minimum`
    /// must be at least `2 × tile − 1`.
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, tile: Int, members16: (UnsafeRawPointer) -> SIMD2<UInt64>,
        isMember: (UInt8) -> Bool, _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        precondition((tile == 8 || tile == 16) && minimum >= 2 * tile - 1)
        guard let base = text.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let count = text.count
        // No run begins before `done` that has not been reported or ruled out.
        var done = 0
        /// Reports the run holding the full tile at `at` and returns its end.
        @inline(__always) func run(around at: Int) -> Int {
            var start = at
            while start > done, isMember(base[start &- 1]) { start &-= 1 }
            var end = at &+ tile
            while end < count, isMember(base[end]) { end &+= 1 }
            if end &- start >= minimum { body(start, end &- start) }
            return end
        }
        // The tiles lie end to end from `index`; after a run they start again past its end.
        var index = 0
        while index &+ 16 <= count {
            let halves = members16(raw + index)
            let full: Int
            if tile == 16 {
                full = halves[0] & halves[1] == ~0 ? 0 : -1
            } else {
                full = halves[0] == ~0 ? 0 : halves[1] == ~0 ? 8 : -1
            }
            if full < 0 {
                index &+= 16
                continue
            }
            done = run(around: index &+ full)
            // The byte at `done` is no member (or the end): no tile holding it is full.
            index = done &+ 1
        }
        // The last tile of 8 that fits, when the 16-byte tests stopped short of it.
        if tile == 8, index &+ 8 <= count {
            var isFull = true
            for offset in 0..<8 where !isMember(base[index &+ offset]) {
                isFull = false
                break
            }
            if isFull {
                done = run(around: index)
                index = done &+ 1
            } else {
                index &+= 8
            }
        }
        // Fewer than `tile` bytes are left from `index`. A run with no full tile among the
        // tiles is shorter than `2 × tile − 1` unless it reaches into these last bytes: read
        // them, and the bytes before them that such a run can start at, one by one.
        var position = max(done, index &- tile &+ 1)
        // A run that started before `position` held no full tile and ended before the last
        // bytes: too short, pass over it.
        if position > done { while position < count, isMember(base[position]), isMember(base[position &- 1]) { position &+= 1 } }
        var runStart = -1
        while position < count {
            if isMember(base[position]) {
                if runStart < 0 { runStart = position }
            } else if runStart >= 0 {
                if position &- runStart >= minimum { body(runStart, position &- runStart) }
                runStart = -1
            }
            position &+= 1
        }
        if runStart >= 0, count &- runStart >= minimum { body(runStart, count &- runStart) }
    }
}
