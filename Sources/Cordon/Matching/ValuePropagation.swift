import Foundation

/// Finds every further occurrence of a set of values in one pass over a message.
///
/// A found value may appear again where its detector would not match it: a password found after
/// `password=` appears again with no key (`login with <password>`), a card number after a `$`. Looking for each value with its own search would cost
/// one pass per value; this type makes one pass for all of them: a 64 Ki-bit table of the
/// values' first two bytes rejects almost every position, another of a hash of their first four
/// bytes (1–64 Ki-bit, by the batch's size) most of the rest, a dictionary on the first four
/// bytes picks the candidates, and a byte comparison confirms. The values' bytes are kept in one
/// array and the candidates of a prefix are chained through it: an array per value and an array
/// per prefix were allocated and freed for each of the dense corpus' 21,541 values (#13).
struct ValuePropagation {
    private struct Value {
        /// Where the value's bytes lie in ``ValuePropagation/storage``.
        var start: Int
        var count: Int
        var detector: Int
        var confidence: Confidence
        var isTestValue: Bool
        /// The next value with the same first four bytes, in the order added, or -1.
        var next: Int
    }

    private var values: [Value] = []
    /// Every value's bytes, one after the other: one array for all of them rather than one each.
    private var storage: [UInt8] = []
    /// A 64 Ki-bit table of the values' first two bytes, indexed by the two bytes themselves:
    /// the test every position of the message takes, so it is kept exact and unhashed.
    private var pairs = [UInt64](repeating: 0, count: 65536 / 64)
    /// A table of a hash of the values' first four bytes: most positions whose first two bytes
    /// pass `pairs` (digits, common letter pairs) fail here, before the dictionary.
    private var quads: [UInt64]
    /// How far a 32-bit hash is shifted right to index `quads` (32 − log2 of its bits).
    private let shift: UInt32
    /// The first and last value added with each first four bytes (linked by ``Value/next``).
    private var byPrefix: [UInt32: (first: Int, last: Int)] = [:]
    /// The values' distinct first bytes while there are at most ``LeadBytes/capacity`` of them
    /// (`nil` past that): the pass then jumps from one of them to the next (``LeadBytes``).
    private var leads: [UInt8]? = []
    /// The values' distinct first two bytes (first byte in the high half), 16 bits each, while
    /// there are at most ``LeadPairs/capacity`` of them (`leadPairCount` −1 past that): the pass
    /// then jumps from one to the next (``LeadPairs``), which it prefers to the lead bytes. Packed
    /// in a word, not an array: the dense corpus adds thousands of values a message.
    private var leadPairWord: UInt64 = 0
    private var leadPairCount = 0

    /// The lead pairs, or `nil` when there are too many.
    private var leadPairs: [UInt16]? {
        guard leadPairCount >= 0 else { return nil }
        return (0..<leadPairCount).map { UInt16(truncatingIfNeeded: leadPairWord >> UInt64(16 * $0)) }
    }

    /// A batch for about `capacity` values (more may be added; the tables only filter).
    ///
    /// The table of four-byte hashes grows with the batch: 1 Ki-bit for up to 16 values, up to
    /// 64 Ki-bit for 1,024. It was 64 Ki-bit whatever the batch, and zeroing it and the pair
    /// table for a message's two or three values was 1.6 % of the dense corpus' instructions
    /// (4,826 memsets of 8 KB, callgrind; #13); at 64 bits per value it still rejects nearly
    /// every position that reaches it. The pair table stays exact: hashing the pair at every
    /// position cost more than its zeroing saved (real text +1.7 % instructions).
    init(capacity: Int = 256) {
        var bits = 1024
        while bits < 65536, bits < capacity * 64 { bits <<= 1 }
        shift = UInt32(32 - bits.trailingZeroBitCount)
        quads = [UInt64](repeating: 0, count: bits / 64)
    }

    /// The number of distinct values added.
    var count: Int { values.count }

    /// Adds the value of `finding` (at least 4 bytes) unless the same bytes were added before.
    mutating func add(_ finding: RawFinding, in buffer: UnsafeBufferPointer<UInt8>) {
        let value = UnsafeBufferPointer(rebasing: buffer[finding.range])
        precondition(value.count >= 4, "propagated values are at least 4 bytes")
        let key = Self.prefix(value[0], value[1], value[2], value[3])
        // A value added before is among those with its first four bytes (a set of byte arrays
        // hashed every value again at each of its resizes: a twentieth of a 4 KB prompt's scan).
        let chain = byPrefix[key]
        if let chain {
            var index = chain.first
            while index >= 0 {
                if equals(values[index], value) { return }
                index = values[index].next
            }
        }
        if let current = leads, !current.contains(value[0]) {
            leads = current.count < LeadBytes.capacity ? current + [value[0]] : nil
        }
        if leadPairCount >= 0 {
            let leadPair = UInt64(value[0]) << 8 | UInt64(value[1])
            var known = false
            for index in 0..<leadPairCount where (leadPairWord >> UInt64(16 * index)) & 0xFFFF == leadPair { known = true }
            if !known {
                if leadPairCount < LeadPairs.capacity {
                    leadPairWord |= leadPair << UInt64(16 * leadPairCount)
                    leadPairCount += 1
                } else {
                    leadPairCount = -1
                }
            }
        }
        Self.set(Int(Self.pair(value[0], value[1])), in: &pairs)
        Self.set(slot(key), in: &quads)
        let index = values.count
        if let chain {
            values[chain.last].next = index
            byPrefix[key] = (chain.first, index)
        } else {
            byPrefix[key] = (index, index)
        }
        values.append(Value(
            start: storage.count, count: value.count, detector: finding.detector, confidence: finding.confidence,
            isTestValue: finding.isTestValue, next: -1))
        storage.append(contentsOf: value)
    }

    /// Whether `bytes` are the bytes of `value`.
    private func equals(_ value: Value, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count == bytes.count else { return false }
        return storage.withUnsafeBufferPointer { storage in
            memcmp(storage.baseAddress! + value.start, bytes.baseAddress!, value.count) == 0
        }
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
                storage.withUnsafeBufferPointer { storage in
                    values.withUnsafeBufferPointer { values in
                        var found: [RawFinding] = []
                        var position = 0
                        let last = buffer.count - 4
                        var bytesCompared = 0
                        let bytes = buffer.baseAddress!
                        // A position whose byte starts no value fails the pair test: with few
                        // first bytes, the pass goes straight to the next position that holds one.
                        let pairSkipper = leadPairs.map(LeadPairs.init)
                        let skipper = pairSkipper == nil ? leads.map(LeadBytes.init) : nil
                        let pairTable = pairs.baseAddress!
                        while position <= last {
                            if let pairSkipper {
                                // Every position it stops at passes the pair test.
                                position = pairSkipper.next(from: position, through: last, in: bytes)
                                if position > last { break }
                            } else if let skipper {
                                position = skipper.next(from: position, through: last, in: bytes)
                                if position > last { break }
                                guard Self.isSet(Int(Self.pair(bytes[position], bytes[position + 1])), in: pairs) else {
                                    position += 1
                                    continue
                                }
                            } else {
                                position = Self.nextPair(from: position, through: last, in: bytes, pairs: pairTable)
                                if position > last { break }
                            }
                            let key = Self.prefix(bytes[position], bytes[position + 1], bytes[position + 2], bytes[position + 3])
                            guard Self.isSet(slot(key), in: quads), let chain = byPrefix[key] else {
                                position += 1
                                continue
                            }
                            // The longest value that stands here; the first added of equal length.
                            var best = -1
                            var index = chain.first
                            while index >= 0 {
                                let current = index
                                let value = values[current]
                                index = value.next
                                // The deadline is read after every mebibyte compared.
                                bytesCompared &+= value.count
                                if bytesCompared >= 1 << 20 {
                                    bytesCompared = 0
                                    if ContinuousClock.now > deadline { return nil }
                                }
                                let range = position..<(position + value.count)
                                guard range.upperBound <= buffer.count, value.count > (best < 0 ? 0 : values[best].count),
                                    memcmp(bytes + position, storage.baseAddress! + value.start, value.count) == 0,
                                    !known.contains(Known(range: range, detector: value.detector)), isAccepted(range)
                                else { continue }
                                best = current
                            }
                            if best >= 0 {
                                let value = values[best]
                                found.append(RawFinding(
                                    range: position..<(position + value.count), detector: value.detector, fromContext: false,
                                    confidence: value.confidence, isTestValue: value.isTestValue))
                                position += value.count
                            } else {
                                position += 1
                            }
                        }
                        return found
                    }
                }
            }
        }
    }

    /// The first position from `start` through `last` whose two bytes are the first two of a
    /// value (a bit set in `pairs`), or `last + 1`. `bytes` must hold `last + 2` bytes at least.
    ///
    /// A loop of its own, with its operands in registers: inside the pass's four nested buffer
    /// closures the compiler kept the table's address on the stack and reloaded it at every
    /// byte, and the pair test was ~14 instructions a byte — 14.6 % of a one-file scan of 50 MB
    /// of real text (perf), whose 2 MiB windows each hold a batch of values (#13). Without an
    /// overflow check or a bounds check per byte, the two bytes read as one load.
    ///
    /// Four positions per step read one eight-byte word: each position's pair is a shift of it,
    /// so the step pays one load and one loop test for four table tests.
    @inline(never)
    static func nextPair(from start: Int, through last: Int, in bytes: UnsafePointer<UInt8>, pairs: UnsafePointer<UInt64>) -> Int {
        @inline(__always) func isSet(_ index: UInt64) -> Bool {
            pairs[Int(truncatingIfNeeded: index &>> 6)] & (1 &<< (index & 63)) != 0
        }
        var position = start
        // A step reads bytes `position ..< position + 8`; positions up to `last` need bytes up to
        // `last + 1`, so whole steps run while `position + 7 <= last + 1`.
        while position &+ 6 <= last {
            let word = UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self).bigEndian
            if isSet((word &>> 48) & 0xFFFF) { return position }
            if isSet((word &>> 40) & 0xFFFF) { return position &+ 1 }
            if isSet((word &>> 32) & 0xFFFF) { return position &+ 2 }
            if isSet((word &>> 24) & 0xFFFF) { return position &+ 3 }
            position &+= 4
        }
        while position <= last {
            let index = Int(UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt16.self).bigEndian)
            if pairs[index &>> 6] & (1 &<< UInt64(index & 63)) != 0 { return position }
            position &+= 1
        }
        return position
    }

    /// Whether bit `index` of a table is set.
    @inline(__always)
    private static func isSet(_ index: Int, in table: UnsafeBufferPointer<UInt64>) -> Bool {
        table[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Sets bit `index` of a table.
    @inline(__always)
    private static func set(_ index: Int, in table: inout [UInt64]) {
        table[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// The bit of `quads` for `hash`: its top bits after a multiplicative mix.
    @inline(__always)
    private func slot(_ hash: UInt32) -> Int {
        Int((hash &* 0x9E37_79B1) >> shift)
    }

    @inline(__always)
    private static func pair(_ a: UInt8, _ b: UInt8) -> UInt32 {
        UInt32(a) << 8 | UInt32(b)
    }

    @inline(__always)
    private static func prefix(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// A finding already made: its range and detector.
    private struct Known: Hashable {
        var range: Range<Int>
        var detector: Int
    }
}

/// Up to four bytes, found 16 at a time: where a message's propagated values start.
///
/// The reason: the pass of ``ValuePropagation/occurrences(in:excluding:deadline:where:)`` tests
/// every position against its pair table, about five instructions a byte, whatever the values —
/// 2.9 % of a real-text scan's CPU (perf), where a file's few found values start with one or
/// two distinct bytes. Four vector comparisons and one `pmovmskb` per 16 bytes find the next
/// position that can start a value; every position passed over would have failed the pair test,
/// so the pass visits the same candidates in the same order.
struct LeadBytes {
    /// The most distinct first bytes handled this way.
    static let capacity = 4

    private let bytes: [UInt8]
    private let first: SIMD16<UInt8>
    private let second: SIMD16<UInt8>
    private let third: SIMD16<UInt8>
    private let fourth: SIMD16<UInt8>

    /// The finder of `leads` (1 to ``capacity`` bytes; an empty list finds nothing).
    init(_ leads: [UInt8]) {
        precondition(leads.count <= Self.capacity, "at most four lead bytes")
        bytes = leads
        // Unused lanes repeat the first byte (or compare against a byte no value starts with
        // when there is none: then nothing is found, as the pair table would find nothing).
        let filler = leads.first
        func lane(_ index: Int) -> SIMD16<UInt8> {
            if index < leads.count { return SIMD16(repeating: leads[index]) }
            return SIMD16(repeating: filler ?? 0)
        }
        first = lane(0)
        second = lane(1)
        third = lane(2)
        fourth = lane(3)
    }

    /// The first position from `start` through `last` whose byte is a lead byte, or `last + 1`.
    /// `text` must hold at least `last + 4` bytes (the pass reads four bytes at each position).
    @inline(__always)
    func next(from start: Int, through last: Int, in text: UnsafePointer<UInt8>) -> Int {
        guard !bytes.isEmpty else { return last &+ 1 }
        var position = start
        // Whole 16-byte blocks that lie within the text (`last + 3` is its last byte).
        while position &+ 16 <= last &+ 4 {
            let block = UnsafeRawPointer(text + position).loadUnaligned(as: SIMD16<UInt8>.self)
            let mask = ByteRanges.bits((block .== first) .| (block .== second) .| (block .== third) .| (block .== fourth))
            if mask != 0 { return min(position &+ mask.trailingZeroBitCount, last &+ 1) }
            position &+= 16
        }
        while position <= last {
            if bytes.contains(text[position]) { return position }
            position &+= 1
        }
        return last &+ 1
    }
}

