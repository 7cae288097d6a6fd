import Foundation

/// A detector's allowlisted (or test) values, asked whether a matched value is one of them.
///
/// `Set<[UInt8]>.contains` needs an array, so every candidate value was copied into one to be
/// looked up — an allocation and a free per value, 18,595 of them on the dense corpus, 16 M
/// instructions plus the allocator's (callgrind; #13). The built-in lists hold at most 15
/// values, so a short list is compared in place, by length first; a long one (a custom
/// detector file's) keeps the set.
struct ExactValues: Sendable {
    /// The values, when there are at most ``linearLimit`` of them.
    private let list: [[UInt8]]
    /// The values, when there are more.
    private let set: Set<[UInt8]>?

    /// The most values compared one by one.
    static let linearLimit = 32

    init(_ values: [String]) {
        // Most detectors have none; an engine makes two lists per detector.
        guard !values.isEmpty else {
            list = []
            set = nil
            return
        }
        let bytes = Set(values.map { Array($0.utf8) })
        if bytes.count <= Self.linearLimit {
            list = Array(bytes)
            set = nil
        } else {
            list = []
            set = bytes
        }
    }

    /// Whether there is no value.
    var isEmpty: Bool { list.isEmpty && (set?.isEmpty ?? true) }

    /// Whether `value` is one of the values, byte for byte.
    func contains(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if let set { return set.contains(Array(value)) }
        for candidate in list where candidate.count == value.count {
            let equal = candidate.withUnsafeBufferPointer { candidate in
                candidate.isEmpty || memcmp(candidate.baseAddress!, value.baseAddress!, candidate.count) == 0
            }
            if equal { return true }
        }
        return false
    }
}
