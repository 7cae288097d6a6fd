import Cordon
import CordonGuard
import CordonJSON
import Crypto
import OrderedCollections
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
/// recently used dropped first.
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

    private struct State: ~Copyable {
        var entries: OrderedDictionary<Key, Entry> = [:]
        var bytes = 0
        var hits = 0
        var misses = 0
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
            guard let entry = state.entries.removeValue(forKey: key) else {
                state.misses += 1
                return nil
            }
            guard isUsable(entry) else {
                state.bytes -= entry.cost
                state.misses += 1
                return nil
            }
            state.entries[key] = entry
            state.hits += 1
            return entry
        }
    }

    func store(_ entry: Entry, for key: Key) {
        guard entry.cost <= maximumBytes / 4 else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.cost }
            state.entries[key] = entry
            state.bytes += entry.cost
            while state.entries.count > maximumEntries || state.bytes > maximumBytes, let first = state.entries.keys.first {
                state.bytes -= state.entries.removeValue(forKey: first)?.cost ?? 0
            }
        }
    }
}
