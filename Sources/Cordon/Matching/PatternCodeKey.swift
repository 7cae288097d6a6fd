/// The digest by which a pattern's compiled code is found among the build's
/// (``EmbeddedPatternCode``): the compile options, then the source's bytes.
///
/// Shared with the build tool (`CordonEmbed`, through a symbolic link), which files each
/// serialized pattern under it; the source is stored with the code and compared as well, so the
/// digest only has to find the entry.
enum PatternCodeKey {
    static func of(_ source: UnsafeBufferPointer<UInt8>, options: UInt32) -> UInt64 {
        var digest = PatternAnalysis.Digest()
        digest.add(word: UInt64(options))
        digest.add(bytes: source)
        return digest.value
    }
}
