/// Looking a key up in the ascending key arrays the build embeds (``EmbeddedPatternCode``,
/// ``EmbeddedSketchLookup``): one binary search for both tables.
enum SortedKeys {
    /// The position of `key` in `keys` (ascending, unique), or `nil` when it is not there.
    static func index(of key: UInt64, in keys: [UInt64]) -> Int? {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }
}
