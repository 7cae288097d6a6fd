#if canImport(CNibbleMasks)
import CNibbleMasks
#endif

/// A byte class as two 16-byte tables, one indexed by a byte's low nibble and one by its high
/// nibble: a byte is a member when the two entries share a bit. With AVX2 the members among 64
/// bytes are found with four `vpshufb`, whatever the class (`cordon_nibble_mask64`).
///
/// The reason: the baseline build has no SSSE3, so the decoders test their classes with one or
/// two SSE2 instructions per range bound — the columns decoder's marked bytes ~30 instructions
/// per 16 bytes, base64's alphabet ~15, hex's ~14 — and these passes over every message were
/// most of the decoders' cost on ordinary text. Callgrind on 3.4 MB of real text (#13): the
/// columns, base64, joined and hex decoders 18.1 + 12.9 + 7.1 + 6.8 = 45.0 M of 282.9 M
/// instructions with the SSE2 tests, 12.6 + 8.4 + 6.2 + 4.2 = 31.5 M with nibble tables. The
/// SSE2 code stays for processors without AVX2 (``isAvailable``).
///
/// The tables are read off the class itself: the high nibbles are grouped by the set of low
/// nibbles whose bytes are members, each group gets a bit, the high table holds a group's bit and
/// the low table the bits of the groups whose set holds that low nibble. Any class whose 16 rows
/// (of 16 bytes sharing a high nibble) show at most eight different non-empty sets fits.
struct NibbleClass: Sendable {
    /// The low-nibble table (16 bytes), then the high-nibble table (16 bytes).
    let tables: [UInt8]

    /// The class of the bytes for which `isMember` holds, or `nil` when its rows show more than
    /// eight different sets of low nibbles.
    init?(_ isMember: (UInt8) -> Bool) {
        var low = [UInt8](repeating: 0, count: 16)
        var high = [UInt8](repeating: 0, count: 16)
        var rows: [UInt16] = []
        for highNibble in 0..<16 {
            var row: UInt16 = 0
            for lowNibble in 0..<16 where isMember(UInt8(highNibble << 4 | lowNibble)) { row |= 1 << UInt16(lowNibble) }
            guard row != 0 else { continue }
            let group: Int
            if let existing = rows.firstIndex(of: row) {
                group = existing
            } else {
                guard rows.count < 8 else { return nil }
                group = rows.count
                rows.append(row)
            }
            high[highNibble] = 1 << UInt8(group)
        }
        for (group, row) in rows.enumerated() {
            for lowNibble in 0..<16 where row & (1 << UInt16(lowNibble)) != 0 { low[lowNibble] |= 1 << UInt8(group) }
        }
        tables = low + high
    }

    /// Whether `byte` is a member, read off the tables as the vector code reads them.
    func contains(_ byte: UInt8) -> Bool {
        tables[Int(byte & 0x0F)] & tables[16 + Int(byte >> 4)] != 0
    }

    /// Whether the processor runs the vector code (AVX2, and the operating system saves its
    /// registers); read once.
    static let isAvailable: Bool = {
        #if canImport(CNibbleMasks)
        return cordon_nibble_masks_available()
        #else
        return false
        #endif
    }()

    /// The members among the 64 bytes at `block` as bits 0 to 63; `tables` points at a class's
    /// ``tables``. Only when ``isAvailable``.
    @inline(__always)
    static func mask64(_ block: UnsafeRawPointer, _ tables: UnsafePointer<UInt8>) -> UInt64 {
        #if canImport(CNibbleMasks)
        return cordon_nibble_mask64(block.assumingMemoryBound(to: UInt8.self), tables)
        #else
        preconditionFailure("no vector code for nibble tables")
        #endif
    }

    /// The members of two classes among the 64 bytes at `block`; `tables` points at the first
    /// class's ``tables`` followed by the second's. Only when ``isAvailable``.
    @inline(__always)
    static func twoMasks64(_ block: UnsafeRawPointer, _ tables: UnsafePointer<UInt8>) -> (UInt64, UInt64) {
        var masks: (UInt64, UInt64) = (0, 0)
        withUnsafeMutablePointer(to: &masks) { pair in
            pair.withMemoryRebound(to: UInt64.self, capacity: 2) { masks64(block, tables, count: 2, into: $0) }
        }
        return masks
    }

    /// The members of three classes among the 64 bytes at `block` (``twoMasks64(_:_:)``).
    @inline(__always)
    static func threeMasks64(_ block: UnsafeRawPointer, _ tables: UnsafePointer<UInt8>) -> (UInt64, UInt64, UInt64) {
        var masks: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutablePointer(to: &masks) { triple in
            triple.withMemoryRebound(to: UInt64.self, capacity: 3) { masks64(block, tables, count: 3, into: $0) }
        }
        return masks
    }

    /// The members of `count` classes among the 64 bytes at `block`, stored in `masks[0 ..< count]`.
    @inline(__always)
    private static func masks64(_ block: UnsafeRawPointer, _ tables: UnsafePointer<UInt8>, count: Int, into masks: UnsafeMutablePointer<UInt64>) {
        #if canImport(CNibbleMasks)
        cordon_nibble_masks64(block.assumingMemoryBound(to: UInt8.self), tables, Int32(count), masks)
        #else
        preconditionFailure("no vector code for nibble tables")
        #endif
    }
}
