import Cordon

/// One session's reversible placeholders: both directions of the value ↔ placeholder map.
///
/// Only ``PlaceholderStore`` holds these, under its lock.
struct PlaceholderSession {
    /// What a placeholder stands for: the value and the detector that found it (which the
    /// restore policy weighs).
    struct Entry {
        var value: [UInt8]
        var detectorID: String
    }

    /// The placeholder given to each value.
    var placeholderByValue: [[UInt8]: [UInt8]] = [:]
    /// The value behind each placeholder.
    var entryByPlaceholder: [[UInt8]: Entry] = [:]
    /// The last number used per placeholder type (`EMAIL` → 3).
    var counters: [String: Int] = [:]
    /// When the session was last used.
    var lastUsed: ContinuousClock.Instant

    init(now: ContinuousClock.Instant) {
        lastUsed = now
    }

    /// The placeholder for `value`, assigning the next number of `type` and a fresh random tag
    /// when the value is new; `nil` when the session is full.
    mutating func placeholder(for value: [UInt8], detectorID: String, limit: Int) -> [UInt8]? {
        if let known = placeholderByValue[value] { return known }
        guard placeholderByValue.count < limit else { return nil }
        let type = PlaceholderSyntax.reversibleType(for: detectorID)
        let number = counters[type, default: 0] + 1
        counters[type] = number
        var placeholder = PlaceholderSyntax.reversible(type: type, number: number, tag: PlaceholderSyntax.randomTag())
        // Two values of one session never share a token, however unlikely equal tags are.
        while entryByPlaceholder[placeholder] != nil {
            placeholder = PlaceholderSyntax.reversible(type: type, number: number, tag: PlaceholderSyntax.randomTag())
        }
        placeholderByValue[value] = placeholder
        entryByPlaceholder[placeholder] = Entry(value: value, detectorID: detectorID)
        return placeholder
    }
}
