import Cordon

/// One session's reversible placeholders: both directions of the value ↔ placeholder map.
///
/// Only ``PlaceholderStore`` holds these, under its lock.
struct PlaceholderSession {
    /// The placeholder given to each value.
    var placeholderByValue: [[UInt8]: [UInt8]] = [:]
    /// The value behind each placeholder.
    var valueByPlaceholder: [[UInt8]: [UInt8]] = [:]
    /// The last number used per placeholder type (`EMAIL` → 3).
    var counters: [String: Int] = [:]
    /// When the session was last used.
    var lastUsed: ContinuousClock.Instant

    init(now: ContinuousClock.Instant) {
        lastUsed = now
    }

    /// The placeholder for `value`, assigning the next number of `type` when the value is new;
    /// `nil` when the session is full.
    mutating func placeholder(for value: [UInt8], type: String, limit: Int) -> [UInt8]? {
        if let known = placeholderByValue[value] { return known }
        guard placeholderByValue.count < limit else { return nil }
        let number = counters[type, default: 0] + 1
        counters[type] = number
        let placeholder = PlaceholderSyntax.reversible(type: type, number: number)
        placeholderByValue[value] = placeholder
        valueByPlaceholder[placeholder] = value
        return placeholder
    }
}
