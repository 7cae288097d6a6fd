import Cordon
import CordonGuard
import CordonJSON
import Crypto
import Synchronization

/// Remembers the scan of each message of a conversation, so that a conversation resent every
/// turn (agents resend all of it) costs about the scan of its new messages.
///
/// A message is one element of a top-level array of the body (`messages`, `input`, `tools`, …).
/// The key is the SHA-256 of the message's bytes as received with the session, the destination, the policy's
/// version and the day (policy exceptions expire by day); the entry is the scanned message's bytes
/// (with the session's placeholders, never a raw value; none when it was left unchanged) and its decision. A hit is used only when every
/// placeholder in it is still known to the session (sessions expire and are evicted), so a cached
/// message never refers to a placeholder that can no longer be restored. Incomplete scans and
/// messages that overflowed their session are not cached.
///
/// Bounded: at most ``maximumEntries`` entries and ``maximumBytes`` of cached output, least
/// recently used dropped first (a tenth at a time, so that a hit costs O(1): an ordered
/// dictionary's move-to-end rehashed every later key on every hit).
public final class DecisionCache: Sendable {
    /// The most entries kept.
    public let maximumEntries: Int
    /// The most bytes of cached output kept.
    public let maximumBytes: Int

    struct Key: Hashable {
        var digest: Digest
        var session: String
        var destination: String
        var policyVersion: String
        var day: CalendarDay
    }

    /// A SHA-256 digest as four words (cheap to hash and compare, and `Sendable`).
    struct Digest: Hashable, Sendable {
        var words: (UInt64, UInt64, UInt64, UInt64)

        init(_ digest: SHA256Digest) {
            words = digest.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }

        static func == (left: Digest, right: Digest) -> Bool { left.words == right.words }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    struct Entry {
        /// The scanned message's bytes, or `nil` when the scan left it unchanged.
        var replacement: [UInt8]?
        var level: Level
        var action: PolicyAction
        var counts: [String: Int]
        var explanation: String?
        var placeholders: [[UInt8]]
        var cost: Int
    }

    /// An entry with the time it was last used (a counter), for eviction.
    private struct Slot {
        var entry: Entry
        var lastUse: UInt64
    }

    private struct State: ~Copyable {
        var entries: [Key: Slot] = [:]
        var clock: UInt64 = 0
        var bytes = 0
        var hits = 0
        var misses = 0

        /// Drops the least recently used entries, down to 90 % of both bounds (at least one
        /// entry): one sort per tenth of the cache's turnover, so that a hit stays O(1).
        mutating func evict(maximumEntries: Int, maximumBytes: Int) {
            guard entries.count > maximumEntries || bytes > maximumBytes else { return }
            let entryTarget = min(maximumEntries - 1, maximumEntries - maximumEntries / 10)
            let byteTarget = maximumBytes - maximumBytes / 10
            for (key, slot) in entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard entries.count > entryTarget || bytes > byteTarget else { break }
                entries[key] = nil
                bytes -= slot.entry.cost
            }
        }
    }

    private let state = Mutex(State())

    /// Creates an empty cache.
    public init(maximumEntries: Int = 10_000, maximumBytes: Int = 64 * 1024 * 1024) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// Lookups that found an entry, and lookups that did not.
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    static func key(digest: SHA256Digest, context: MessageContext, policy: Policy) -> Key {
        Key(
            digest: Digest(digest), session: context.session ?? "", destination: context.destination ?? policy.defaultDestination,
            policyVersion: policy.version, day: .today())
    }

    /// The entry for `key` when there is one and `isUsable` accepts it; an entry it rejects is
    /// forgotten, and the lookup counts as a miss.
    func entry(for key: Key, isUsable: (Entry) -> Bool) -> Entry? {
        state.withLock { state in
            guard let slot = state.entries[key] else {
                state.misses += 1
                return nil
            }
            guard isUsable(slot.entry) else {
                state.entries[key] = nil
                state.bytes -= slot.entry.cost
                state.misses += 1
                return nil
            }
            state.clock += 1
            state.entries[key]!.lastUse = state.clock
            state.hits += 1
            return slot.entry
        }
    }

    func store(_ entry: Entry, for key: Key) {
        guard entry.cost <= maximumBytes / 4 else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.entry.cost }
            state.clock += 1
            state.entries[key] = Slot(entry: entry, lastUse: state.clock)
            state.bytes += entry.cost
            state.evict(maximumEntries: maximumEntries, maximumBytes: maximumBytes)
        }
    }
}
