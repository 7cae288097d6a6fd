/// How the build files a pattern's compiled code (``EmbeddedPatternCode``), shared with the
/// build tool (`CordonEmbed`, through a symbolic link) so that both sides read it the same way.
enum SerializedPatternCode {
    /// The digest an entry is found by: the compile options, then the source's bytes. The source
    /// is stored with the code and compared as well, so the digest only has to find the entry.
    static func key(_ source: UnsafeBufferPointer<UInt8>, options: UInt32) -> UInt64 {
        var digest = PatternAnalysis.Digest()
        digest.add(word: UInt64(options))
        digest.add(bytes: source)
        return digest.value
    }

    /// The layout of `pcre2_serialize_encode`'s bytes for one pattern (`pcre2_serialize.c`): a
    /// header (magic number, version, configuration, number of codes: four 32-bit words), the
    /// character tables, the code. The build keeps the tables once (they are PCRE2's defaults,
    /// the same for every pattern) and a process puts them back; the build checks the layout on
    /// every pattern it embeds, and PCRE2 checks the header when it decodes.
    static let headerLength = 16
    static let tablesLength = 1_088

    /// A serialization from its parts.
    static func serialization(header: ArraySlice<UInt8>, tables: [UInt8], code: ArraySlice<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(header.count + tables.count + code.count)
        bytes += header
        bytes += tables
        bytes += code
        return bytes
    }
}
