import CordonGuard
import Synchronization

/// Short request strings whose scan found nothing, per destination and source — member names
/// (`"role"`, `"content"`, `"messages"`), roles, model names — so that each is scanned once per
/// process rather than in every request.
///
/// The engine and the policy are fixed for the gateway's lifetime, and a string with no finding
/// gets the same answer whatever the session (nothing to replace) and whatever the day (no
/// exception to expire), so remembering it changes no decision. Only complete scans with no
/// finding at all are remembered, and only texts of at most ``maximumLength`` bytes; the set is
/// emptied when it reaches ``maximumEntries``.
public final class CleanTextCache: Sendable {
    /// The longest text remembered, in bytes.
    public static let maximumLength = 64
    /// The most texts remembered before the set starts again.
    public let maximumEntries: Int

    struct Key: Hashable, Sendable {
        var destination: String?
        var source: MessageSource?
        var text: [UInt8]
    }

    private let texts = Mutex<Set<Key>>([])

    /// Creates an empty cache.
    public init(maximumEntries: Int = 4_096) {
        self.maximumEntries = maximumEntries
    }

    /// Whether `text` is known to hold nothing for `context`.
    func isClean(_ text: [UInt8], context: MessageContext) -> Bool {
        guard text.count <= Self.maximumLength else { return false }
        let key = Key(destination: context.destination, source: context.source, text: text)
        return texts.withLock { $0.contains(key) }
    }

    /// Remembers that `text`'s complete scan for `context` found nothing.
    func remember(_ text: [UInt8], context: MessageContext) {
        guard text.count <= Self.maximumLength else { return }
        let key = Key(destination: context.destination, source: context.source, text: text)
        texts.withLock { texts in
            if texts.count >= maximumEntries { texts.removeAll(keepingCapacity: true) }
            texts.insert(key)
        }
    }
}
