/// Recognises UTF-16 text among files that hold NUL bytes.
///
/// A folder scan skips binary files (a NUL byte in the first 8 KiB), but UTF-16 text — Windows
/// exports, PowerShell output, `.reg` files — is full of NUL bytes too, and skipping it would let
/// a credential in such a file through unreported. The engine decodes UTF-16 that starts with a
/// byte-order mark; text without one is recognised here by its shape (every other byte NUL).
enum TextEncodingSniffer {
    /// The byte order of UTF-16 text.
    enum ByteOrder: Sendable, Equatable {
        case littleEndian, bigEndian
    }

    /// How `head` (a file's first bytes) is UTF-16: `hasByteOrderMark` when it starts with one;
    /// `nil` when it does not look like UTF-16 text.
    ///
    /// Without a byte-order mark, the text must be at least 8 code units, with a NUL in at least
    /// three quarters of the high bytes (Latin script) and in no low byte but a last unit's.
    static func utf16(_ head: UnsafeRawBufferPointer) -> (order: ByteOrder, hasByteOrderMark: Bool)? {
        guard head.count >= 2 else { return nil }
        if head[0] == 0xFF, head[1] == 0xFE { return (.littleEndian, true) }
        if head[0] == 0xFE, head[1] == 0xFF { return (.bigEndian, true) }
        let units = head.count / 2
        guard units >= 8 else { return nil }
        var evenNUL = 0  // bytes 0, 2, 4, …: the low byte of little-endian units
        var oddNUL = 0
        for unit in 0..<units {
            if head[2 * unit] == 0 { evenNUL += 1 }
            if head[2 * unit + 1] == 0 { oddNUL += 1 }
        }
        if evenNUL <= 1, oddNUL * 4 >= units * 3 { return (.littleEndian, false) }
        if oddNUL <= 1, evenNUL * 4 >= units * 3 { return (.bigEndian, false) }
        return nil
    }
}
