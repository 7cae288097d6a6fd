extension PatternSketch {
    /// The sketch as 64-bit words, which ``init(encoded:)`` reads back: the build stores the
    /// sketch of every built-in pattern this way (``EmbeddedPatternSketches``).
    ///
    /// The layout: the format ``encodingVersion``, the state count, the first, final and stop
    /// states, the class count, each byte's class (256 bytes, eight to a word, little-endian),
    /// each class's states, each state's follow set.
    var encoded: [UInt64] {
        var words: [UInt64] = [Self.encodingVersion, UInt64(stateCount), first, final, stops, UInt64(classCount)]
        words.reserveCapacity(words.count + 32 + classCount + stateCount)
        for word in 0..<32 {
            var packed: UInt64 = 0
            for byte in 0..<8 { packed |= UInt64(classOf[word * 8 + byte]) << UInt64(byte * 8) }
            words.append(packed)
        }
        for index in 0..<classCount { words.append(classStates[index]) }
        for index in 0..<stateCount { words.append(follow[index]) }
        return words
    }

    /// The version of ``encoded``'s layout; a change to it or to what a sketch holds takes a new one.
    static let encodingVersion: UInt64 = 0x5343_4B31  // "SCK1"

    /// The sketch `words` encode (``encoded``), or `nil` when they are not a well-formed encoding
    /// of this version: every count in range, every class and state named in bounds.
    convenience init?(encoded words: UnsafeBufferPointer<UInt64>) {
        guard words.count >= 6 + 32, words[0] == Self.encodingVersion else { return nil }
        let stateCount = Int(truncatingIfNeeded: words[1])
        let classCount = Int(truncatingIfNeeded: words[5])
        guard (1...Self.capacity).contains(stateCount), (1...256).contains(classCount), words.count == 6 + 32 + classCount + stateCount
        else { return nil }
        // States beyond the count named anywhere would make the automaton read past `follow`.
        let known: UInt64 = stateCount == 64 ? ~0 : (1 << UInt64(stateCount)) - 1
        let first = words[2]
        let final = words[3]
        let stops = words[4]
        guard first & ~known == 0, final & ~known == 0, stops & ~known == 0 else { return nil }
        var byteStates = [UInt64](repeating: 0, count: 256)
        let classStart = 6 + 32
        for byte in 0..<256 {
            let byteClass = Int(truncatingIfNeeded: words[6 + byte / 8] >> UInt64(byte % 8 * 8) & 0xFF)
            guard byteClass < classCount else { return nil }
            byteStates[byte] = words[classStart + byteClass]
        }
        let follow = Array(words[(classStart + classCount)...])
        guard byteStates.allSatisfy({ $0 & ~known == 0 }), follow.allSatisfy({ $0 & ~known == 0 }) else { return nil }
        self.init(byteStates: byteStates, follow: follow, first: first, final: final, stops: stops)
        // The classes are made again from the byte states: fewer than stored means two stored
        // classes have the same states, which `encoded` never writes.
        guard self.classCount == classCount else { return nil }
    }

    /// The key a built-in pattern's sketch is stored under (``EmbeddedSketchLookup``): a digest
    /// of its source, apart from the other digests of a pattern by a tag word.
    static func embeddingKey(_ source: [UInt8]) -> UInt64 {
        var digest = PatternAnalysis.Digest()
        digest.add(word: encodingVersion)
        source.withUnsafeBufferPointer { digest.add(bytes: $0) }
        return digest.value
    }

    /// Whether `other` is the same automaton: the same states, byte classes and follow sets.
    func isSame(as other: PatternSketch) -> Bool {
        guard stateCount == other.stateCount, first == other.first, final == other.final, stops == other.stops,
            classCount == other.classCount
        else { return false }
        for byte in 0..<256 where byteStates[byte] != other.byteStates[byte] || classOf[byte] != other.classOf[byte] { return false }
        for state in 0..<stateCount where follow[state] != other.follow[state] { return false }
        return true
    }
}
