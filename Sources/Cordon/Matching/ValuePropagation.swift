/// Finds every further occurrence of a set of values in one pass over a message.
///
/// A found value may appear again where its detector would not match it: a password found after
/// `password=` appears again with no key (`login with <password>`), a card number after a `$`. Looking for each value with its own search would cost
/// one pass per value; this type makes one pass for all of them: a 64 Ki-bit table of the values'
/// first two bytes rejects almost every position, another of a hash of their first four bytes
/// most of the rest, a dictionary on the first four bytes picks the candidates, and a byte
/// comparison confirms.
struct ValuePropagation {
    private struct Value {
        var bytes: [UInt8]
        var detector: Int
        var confidence: Confidence
        var isTestValue: Bool
    }

    private var values: [Value] = []
    private var pairs = [UInt64](repeating: 0, count: 65536 / 64)
    /// A 64 Ki-bit table of a hash of the values' first four bytes: most positions whose first
    /// two bytes pass `pairs` (digits, common letter pairs) fail here, before the dictionary.
    private var quads = [UInt64](repeating: 0, count: 65536 / 64)
    private var byPrefix: [UInt32: [Int]] = [:]

    /// The number of distinct values added.
    var count: Int { values.count }

    /// Adds the value of `finding` (at least 4 bytes) unless the same bytes were added before.
    mutating func add(_ finding: RawFinding, in buffer: UnsafeBufferPointer<UInt8>) {
        let value = UnsafeBufferPointer(rebasing: buffer[finding.range])
        precondition(value.count >= 4, "propagated values are at least 4 bytes")
        let key = Self.prefix(value[0], value[1], value[2], value[3])
        // A value added before is among those with its first four bytes (a set of byte arrays
        // hashed every value again at each of its resizes: a twentieth of a 4 KB prompt's scan).
        if let candidates = byPrefix[key], candidates.contains(where: { values[$0].bytes.elementsEqual(value) }) { return }
        Self.set(Int(value[0]) << 8 | Int(value[1]), in: &pairs)
        Self.set(Self.slot(key), in: &quads)
        byPrefix[key, default: []].append(values.count)
        values.append(Value(
            bytes: Array(value), detector: finding.detector, confidence: finding.confidence, isTestValue: finding.isTestValue))
    }

    /// Every occurrence of a value in `buffer` that `existing` does not already hold (the same
    /// range found by the value's detector) and for which `isAccepted` holds, in order of
    /// position, without overlaps among themselves (the first, then the longest, wins).
    ///
    /// An occurrence that only overlaps another finding is still returned: a lower-level finding
    /// inside it (a host name inside a password) must not shield the rest of the value, which a
    /// policy would then let through.
    ///
    /// Returns `nil` when `deadline` passed first: a long value whose first four bytes recur
    /// everywhere costs a comparison of its length at each recurrence.
    func occurrences(
        in buffer: UnsafeBufferPointer<UInt8>, excluding existing: [RawFinding], deadline: ContinuousClock.Instant,
        where isAccepted: (Range<Int>) -> Bool
    ) -> [RawFinding]? {
        guard buffer.count >= 4 else { return [] }
        let known = Set(existing.map { Known(range: $0.range, detector: $0.detector) })
        return pairs.withUnsafeBufferPointer { pairs in
            quads.withUnsafeBufferPointer { quads in
                var found: [RawFinding] = []
                var position = 0
                let last = buffer.count - 4
                var bytesCompared = 0
                while position <= last {
                    let pair = Int(buffer[position]) << 8 | Int(buffer[position + 1])
                    guard Self.isSet(pair, in: pairs) else {
                        position += 1
                        continue
                    }
                    let key = Self.prefix(buffer[position], buffer[position + 1], buffer[position + 2], buffer[position + 3])
                    guard Self.isSet(Self.slot(key), in: quads), let candidates = byPrefix[key] else {
                        position += 1
                        continue
                    }
                    var best: Value?
                    for index in candidates {
                        let value = values[index]
                        // The deadline is read after every mebibyte compared.
                        bytesCompared &+= value.bytes.count
                        if bytesCompared >= 1 << 20 {
                            bytesCompared = 0
                            if ContinuousClock.now > deadline { return nil }
                        }
                        let range = position..<(position + value.bytes.count)
                        guard range.upperBound <= buffer.count, value.bytes.count > (best?.bytes.count ?? 0),
                            buffer[range].elementsEqual(value.bytes), !known.contains(Known(range: range, detector: value.detector)),
                            isAccepted(range)
                        else { continue }
                        best = value
                    }
                    if let best {
                        found.append(RawFinding(
                            range: position..<(position + best.bytes.count), detector: best.detector, fromContext: false,
                            confidence: best.confidence, isTestValue: best.isTestValue))
                        position += best.bytes.count
                    } else {
                        position += 1
                    }
                }
                return found
            }
        }
    }

    /// Whether bit `index` of a 64 Ki-bit table is set.
    @inline(__always)
    private static func isSet(_ index: Int, in table: UnsafeBufferPointer<UInt64>) -> Bool {
        table[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Sets bit `index` of a 64 Ki-bit table.
    @inline(__always)
    private static func set(_ index: Int, in table: inout [UInt64]) {
        table[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// The bit of `quads` for a value's first four bytes.
    private static func slot(_ prefix: UInt32) -> Int {
        Int((prefix &* 0x9E37_79B1) >> 16)
    }

    private static func prefix(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// A finding already made: its range and detector.
    private struct Known: Hashable {
        var range: Range<Int>
        var detector: Int
    }
}
