import CPCRE2

/// The built-in patterns compiled by PCRE2 at build time, serialized, so that a pattern a
/// process needs is decoded (a copy of a few hundred bytes) instead of compiled.
///
/// The reason: a built-in pattern is compiled on its first match (``CompiledPattern``'s
/// deferred compilation), and a hook process handling a 4 KB prompt or file compiled 60–70 of
/// them: 4.2 M of its instructions (callgrind, #13). `CordonEmbed` compiles each built-in
/// pattern, allowlist pattern and test-value pattern with the options the engine gives it and
/// embeds `pcre2_serialize_encode`'s bytes, each with the pattern's source. A pattern is looked
/// up by a digest of its options and source and taken only when the source stored with it is the
/// same; PCRE2 itself refuses bytes from another PCRE2 version or build (then the pattern is
/// compiled as before). Compiled code is the same whichever way it was made; JIT compilation,
/// which cannot be serialized, still happens after ``CompiledPattern/matchesBeforeJIT`` matches.
enum EmbeddedPatternCode {
    /// The code of `source` compiled with `options`, decoded from the build's serialization; `nil`
    /// when the build did not compile it or this PCRE2 cannot read its bytes. The caller owns the
    /// code (`pcre2_code_free_8`).
    static func code(for source: [UInt8], options: UInt32) -> OpaquePointer? {
        let keys = EmbeddedCompiledPatterns.keys
        let offsets = EmbeddedCompiledPatterns.offsets
        guard offsets.count == keys.count + 1 else { return nil }
        let key = source.withUnsafeBufferPointer { SerializedPatternCode.key($0, options: options) }
        guard let index = SortedKeys.index(of: key, in: keys) else { return nil }
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        // The entry: the source's length (4 bytes, little-endian), the source, PCRE2's header and
        // code (its character tables are the same for every entry, stored once).
        guard let entry = EmbeddedCompiledPatterns.blob.withUTF8Buffer({ blob -> [UInt8]? in
            guard start <= end, end <= blob.count else { return nil }
            return LatinBytes.decode(UnsafeBufferPointer(rebasing: blob[start..<end]))
        }), entry.count >= 4 else { return nil }
        let length = Int(entry[0]) | Int(entry[1]) << 8 | Int(entry[2]) << 16 | Int(entry[3]) << 24
        let headerStart = 4 + length
        guard entry.count > headerStart + SerializedPatternCode.headerLength, entry[4..<headerStart].elementsEqual(source), let tables else { return nil }
        let bytes = SerializedPatternCode.serialization(
            header: entry[headerStart..<(headerStart + SerializedPatternCode.headerLength)], tables: tables,
            code: entry[(headerStart + SerializedPatternCode.headerLength)...])
        var code: OpaquePointer?
        let decoded = bytes.withUnsafeBufferPointer { pcre2_serialize_decode_8(&code, 1, $0.baseAddress, nil) }
        guard decoded == 1, let code else { return nil }
        return code
    }

    /// The character tables of every entry, decoded once.
    private static let tables: [UInt8]? = EmbeddedCompiledPatterns.tables.withUTF8Buffer { text in
        LatinBytes.decode(text).flatMap { $0.count == SerializedPatternCode.tablesLength ? $0 : nil }
    }

}
