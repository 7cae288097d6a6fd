/// Builds a decoded layer: copies unchanged stretches lazily and records the map.
///
/// Decoders find what to decode in one pass over their input; the writer copies the stretches
/// in between only once something was decoded, so a message with nothing to decode is never
/// copied.
struct LayerWriter {
    var bytes: [UInt8] = []
    var map = LayerMap()
    /// How much of the input has been copied or consumed.
    private(set) var consumed = 0

    /// The size the layer will roughly have, reserved on the first write: most messages decode
    /// nothing, and reserving a copy of each for every decoder up front costs page faults.
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Copies the input from where the writer stands up to `index`.
    mutating func flush(upTo index: Int, from input: UnsafeBufferPointer<UInt8>) {
        guard index > consumed else { return }
        if bytes.capacity == 0 { bytes.reserveCapacity(capacity) }
        bytes.append(contentsOf: input[consumed..<index])
        map.copy(index - consumed)
        consumed = index
    }

    /// Copies everything from `index` on.
    mutating func copyRemaining(from input: UnsafeBufferPointer<UInt8>, at index: Int) {
        guard index == consumed else { return }
        flush(upTo: input.count, from: input)
    }

    /// Appends decoded bytes that replace `units × originalUnit` input bytes.
    mutating func append(_ decoded: [UInt8], units: Int, derivedUnit: Int, originalUnit: Int) {
        if bytes.capacity == 0 { bytes.reserveCapacity(capacity) }
        bytes.append(contentsOf: decoded)
        map.decode(units: units, derivedUnit: derivedUnit, originalUnit: originalUnit)
        consumed += units * originalUnit
    }

    /// Appends the bytes of one decoded escape that replaces `originalUnit` input bytes: the
    /// same as ``append(_:units:derivedUnit:originalUnit:)`` with one unit, without an array.
    mutating func append(_ decoded: DecodedBytes, originalUnit: Int) {
        if bytes.capacity == 0 { bytes.reserveCapacity(capacity) }
        for position in 0..<decoded.count { bytes.append(decoded[position]) }
        map.decode(units: 1, derivedUnit: decoded.count, originalUnit: originalUnit)
        consumed += originalUnit
    }

    /// Inserts bytes that stand for no input bytes (a table's header repeated before a cell).
    mutating func insert(_ added: [UInt8]) {
        guard !added.isEmpty else { return }
        if bytes.capacity == 0 { bytes.reserveCapacity(capacity) }
        bytes.append(contentsOf: added)
        map.decode(units: 1, derivedUnit: added.count, originalUnit: 0)
    }

    /// Drops `count` input bytes.
    mutating func remove(_ count: Int) {
        map.decode(units: 1, derivedUnit: 0, originalUnit: count)
        consumed += count
    }
}
