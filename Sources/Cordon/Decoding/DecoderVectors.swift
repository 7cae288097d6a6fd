/// The decoders' sixteen-bytes-at-a-time tests: which bytes of a block may start something a
/// decoder changes, as a bit mask (bit `i` for byte `i`).
///
/// The reason: the decoders without a single trigger byte (joined, look-alikes, hex runs,
/// tables) each walked every byte of every message, eight at a time at best, and together with
/// base64 they were ~18 % of a scan of ordinary text (#13, perf). A block of sixteen bytes is
/// tested with a few SSE2 comparisons instead.
///
/// The constants are read from an array, not written as `SIMD16(repeating:)` literals: Swift
/// 6.3's optimiser turns a lane-wise comparison with a constant vector into sixteen scalar
/// comparisons through memory, while a comparison with a vector it cannot see through is one
/// instruction (`pcmpeqb`, `pminub`; checked with `swiftc -O -emit-assembly`).
struct DecoderVectors {
    let escape: SIMD16<UInt8>
    let doubleQuote: SIMD16<UInt8>
    let singleQuote: SIMD16<UInt8>
    let plus: SIMD16<UInt8>
    let dot: SIMD16<UInt8>
    let space: SIMD16<UInt8>
    let zero: SIMD16<UInt8>
    let one: SIMD16<UInt8>
    let lowLead: SIMD16<UInt8>
    let leadWidth: SIMD16<UInt8>
    let caseBit: SIMD16<UInt8>
    let lowerA: SIMD16<UInt8>
    let five: SIMD16<UInt8>
    let digit0: SIMD16<UInt8>
    let ten: SIMD16<UInt8>
    let comma: SIMD16<UInt8>
    let twentyFive: SIMD16<UInt8>
    let slash: SIMD16<UInt8>
    let hyphen: SIMD16<UInt8>
    let underscore: SIMD16<UInt8>
    let allOnes: SIMD16<UInt8>

    private static let splats: [SIMD16<UInt8>] = [
        0x1B, 0x22, 0x27, 0x2B, 0x2E, 0x20, 0x00, 0x01, 0xC2, 0xFF - 0xC2, 0x20, 0x61, 5, 0x30, 10, 0x2C, 25, 0x2F, 0x2D, 0x5F, 0xFF,
    ].map { SIMD16(repeating: $0) }

    /// Runs `body` with the constants loaded from their array once.
    @inline(__always)
    static func with<R>(_ body: (DecoderVectors) -> R) -> R {
        splats.withUnsafeBufferPointer { s in
            body(DecoderVectors(
                escape: s[0], doubleQuote: s[1], singleQuote: s[2], plus: s[3], dot: s[4], space: s[5], zero: s[6],
                one: s[7], lowLead: s[8], leadWidth: s[9], caseBit: s[10], lowerA: s[11], five: s[12], digit0: s[13],
                ten: s[14], comma: s[15], twentyFive: s[16], slash: s[17], hyphen: s[18], underscore: s[19], allOnes: s[20]))
        }
    }

    /// The bytes at `base ..< base + 16` that may start what the joined decoder removes: `ESC`,
    /// a byte of 0xC2 or more (the lead bytes of invisible characters are among them), and a
    /// quote followed by a blank, a line break, another control byte, `+` or `.` (a string-literal
    /// seam starts only so). Reads `base + 16`.
    @inline(__always)
    func joinCandidates(_ base: UnsafeRawPointer) -> UInt64 {
        let bytes = base.loadUnaligned(as: SIMD16<UInt8>.self)
        let next = base.loadUnaligned(fromByteOffset: 1, as: SIMD16<UInt8>.self)
        let quote = (bytes .== doubleQuote) .| (bytes .== singleQuote)
        let seamStart = (next .<= space) .| (next .== plus) .| (next .== dot)
        let candidates = (bytes .== escape) .| ((bytes &- lowLead) .<= leadWidth) .| (quote .& seamStart)
        // One `pmovmskb` (``ByteRanges/bits(_:)``): the two multiplications that gathered the
        // lanes' bits, and the test that spared them in blocks without a candidate, cost more.
        return ByteRanges.bits(candidates)
    }

    /// The members of ``Decoder/hexRunMembers`` among the sixteen bytes at `base` (hex digits,
    /// `:`, `-`, `,` and the blank), as two words of 0xFF (member) or 0 bytes.
    @inline(__always)
    func hexMembers(_ base: UnsafeRawPointer) -> SIMD2<UInt64> {
        let bytes = base.loadUnaligned(as: SIMD16<UInt8>.self)
        // `0`…`9` and `:` are one range; `a`…`f` and `A`…`F` one with the case bit set.
        let members = ((bytes &- digit0) .<= ten) .| (((bytes | caseBit) &- lowerA) .<= five)
            .| ((bytes &- comma) .<= one) .| (bytes .== space)
        return unsafeBitCast(zero.replacing(with: allOnes, where: members), to: SIMD2<UInt64>.self)
    }

    /// The members of the base64 and base64url alphabets (``Decoder/base64Values``) among the
    /// sixteen bytes at `base` as the low sixteen bits (bit `i` for byte `i`), for
    /// ``MaskedRuns``: letters (one range with the case bit set), `/` and the digits (one
    /// range), `+`, `-` and `_`.
    @inline(__always)
    func base64MemberBits(_ base: UnsafeRawPointer) -> UInt64 {
        let bytes = base.loadUnaligned(as: SIMD16<UInt8>.self)
        let members = (((bytes | caseBit) &- lowerA) .<= twentyFive) .| ((bytes &- slash) .<= ten)
            .| (bytes .== plus) .| (bytes .== hyphen) .| (bytes .== underscore)
        return ByteRanges.bits(members)
    }
}
