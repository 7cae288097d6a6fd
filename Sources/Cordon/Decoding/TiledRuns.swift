/// Maximal runs of one byte class at least `minimum` bytes long, found by testing whole tiles
/// of 16 bytes for membership and looking at single bytes only around a full tile.
///
/// The reason: the run finder of the hex decoder passed over every message to find runs of 32
/// bytes, a probe every 32 bytes followed by a walk around each member probed (the hex pass,
/// ~2.7 % of a scan of real text, most of it mispredicted branches: its blank is a member)
/// (#13, perf). A run of at least 31 bytes covers a whole tile of any tiling, so a stretch of
/// text whose tiles each hold a non-member byte holds no such run: one vector test per 16 bytes
/// finds the few places worth a closer look, and a run is then read byte by byte from its full
/// tile out. (The base64 runs of 20 are read off bit masks instead, ``MaskedRuns``: for runs
/// that short, most tiles of code are whole identifiers and paths.)
enum TiledRuns {
    /// The bytes of a tile.
    static let tile = 16

    /// Calls `body` with the start and length of every maximal run of at least `minimum` bytes
    /// for which `isMember` holds, in order, as ``ByteRuns/forEach(in:atLeast:of:_:)`` does.
    ///
    /// `members16(p)` gives the members among the sixteen bytes at `p` as two words of 0xFF
    /// (member) and 0 bytes and must agree with `isMember`; `minimum` must be at least
    /// `2 × tile − 1` (31).
    @inline(__always)
    static func forEach(
        in text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int, members16: (UnsafeRawPointer) -> SIMD2<UInt64>,
        isMember: (UInt8) -> Bool, _ body: (_ start: Int, _ length: Int) -> Void
    ) {
        precondition(minimum >= 2 * tile - 1)
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
        while index &+ tile <= count {
            let halves = members16(raw + index)
            guard halves[0] & halves[1] == ~0 else {
                index &+= tile
                continue
            }
            done = run(around: index)
            // The byte at `done` is no member (or the end): no tile holding it is full.
            index = done &+ 1
        }
        // Fewer than `tile` bytes are left from `index`. A run with no full tile among the
        // tiles is shorter than `2 × tile − 1` unless it reaches into these last bytes: read
        // them, and the bytes before them that such a run can start at, one by one.
        var position = max(done, index &- tile &+ 1)
        // A run that started before `position` held no full tile and ended before the last
        // bytes: too short, pass over it.
        if position > done { while position < count, isMember(base[position]), isMember(base[position &- 1]) { position &+= 1 } }
        ByteRuns.walk(base, from: position, to: count, openRun: -1, atLeast: minimum, isMember: isMember, body)
    }
}
