import Cordon
import Synchronization

/// Per-session maps between sensitive values and numbered, typed, tagged placeholders
/// (`⟦EMAIL_1_K7Q2XM⟧`).
///
/// Redaction with reversible placeholders hands a model placeholders instead of values; when
/// the model's reply comes back, ``restore(_:session:permits:)`` puts the values back, for that
/// session only and for exact tokens only. Within a session the same value always gets the same
/// placeholder, so the model can still tell two addresses apart. The type is the detector id in
/// upper case with `_` for `-` (`aws-access-key-id` → `AWS_ACCESS_KEY_ID`); the tag is random
/// for each token (``PlaceholderSyntax/randomTag()``), so a token cannot be written by anyone it
/// was not handed to — not by content that arrived before it was assigned, not in another
/// session — and tokens are not predictable from one session to the next.
///
/// The maps live in memory only: the store never writes them to disk or logs, never shares them
/// between sessions, and bounds them by ``PlaceholderLimits``. It is safe to use from any number
/// of threads, including concurrent requests of one session.
public final class PlaceholderStore: Sendable {
    /// The store's bounds.
    public let limits: PlaceholderLimits
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var sessions: [String: PlaceholderSession] = [:]
        var lastPurge: ContinuousClock.Instant
    }

    /// Creates an empty store; `now` is the clock (tests pass their own).
    public init(limits: PlaceholderLimits = PlaceholderLimits(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.limits = limits
        self.now = now
        state = Mutex(State(lastPurge: now()))
    }

    /// The placeholders for `values` in `session`, creating the session when needed; `nil` for a
    /// value that does not fit in the session.
    public func placeholders(
        for values: [(value: Slice<UnsafeBufferPointer<UInt8>>, detectorID: String)], session sessionName: String
    ) -> [[UInt8]?] {
        let time = now()
        return state.withLock { state in
            purgeIfDue(&state, time: time)
            if state.sessions[sessionName] == nil { evictIfFull(&state) }
            var session = state.sessions.removeValue(forKey: sessionName) ?? PlaceholderSession(now: time)
            session.lastUsed = time
            let result = values.map { item in
                session.placeholder(for: Array(item.value), detectorID: item.detectorID, limit: limits.entriesPerSession)
            }
            state.sessions[sessionName] = session
            return result
        }
    }

    /// Replaces every placeholder of `session` found in `bytes` with its value, when `permits`
    /// (given the detector id of the value and the placeholder's range in `bytes`) allows it;
    /// placeholders it refuses are left as they are and counted as withheld.
    public func restore(
        _ bytes: UnsafeBufferPointer<UInt8>, session: String,
        permits: (_ detectorID: String, _ range: Range<Int>) -> Bool = { _, _ in true }
    ) -> Restoration {
        let candidates = PlaceholderSyntax.reversibleRanges(in: bytes)
        guard !candidates.isEmpty else { return Restoration(bytes: Array(bytes), count: 0) }
        let time = now()
        let entries: [PlaceholderSession.Entry?] = state.withLock { state in
            purgeIfDue(&state, time: time)
            guard state.sessions[session] != nil else { return [] }
            state.sessions[session]!.lastUsed = time
            let map = state.sessions[session]!.entryByPlaceholder
            return candidates.map { map[Array(bytes[$0])] }
        }
        guard !entries.isEmpty else { return Restoration(bytes: Array(bytes), count: 0) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        var count = 0
        var withheld = 0
        for (range, entry) in zip(candidates, entries) {
            guard let entry else { continue }
            guard permits(entry.detectorID, range) else {
                withheld += 1
                continue
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<range.lowerBound]))
            output += entry.value
            copied = range.upperBound
            count += 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return Restoration(bytes: output, count: count, withheld: withheld)
    }

    /// Forgets `session` and its values.
    public func removeSession(_ session: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: session) }
    }

    /// The number of sessions held.
    public var sessionCount: Int { state.withLock { $0.sessions.count } }

    /// The number of values `session` holds (0 for an unknown session).
    public func entryCount(session: String) -> Int {
        state.withLock { $0.sessions[session]?.placeholderByValue.count ?? 0 }
    }

    private func purgeIfDue(_ state: inout State, time: ContinuousClock.Instant) {
        guard time - state.lastPurge >= .seconds(1) || state.sessions.count >= limits.sessions else { return }
        state.lastPurge = time
        let timeout = limits.idleTimeout
        state.sessions = state.sessions.filter { time - $0.value.lastUsed < timeout }
    }

    private func evictIfFull(_ state: inout State) {
        while state.sessions.count >= max(limits.sessions, 1),
            let oldest = state.sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
        {
            state.sessions.removeValue(forKey: oldest)
        }
    }
}
