/// A buffer of plain values that grows by doubling, written and read without reference counting
/// or uniqueness checks; its owner frees it with ``deallocate()``.
///
/// The reason: the run gates append a value per run they keep and per run start they find, and
/// an `Array` append (a uniqueness check through the runtime and a capacity check), a nested
/// array's append (two) and `removeAll(keepingCapacity:)` (a call to `replaceSubrange`) were
/// most of the cost of a digit group on agent traffic (callgrind, round 11).
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count &+= 1
    }

    @inline(__always)
    subscript(_ index: Int) -> Element { base[index] }

    /// Forgets every element, keeping the memory.
    @inline(__always)
    mutating func removeAll() { count = 0 }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    /// Frees the memory; the buffer must not be used afterwards.
    func deallocate() { base.deallocate() }
}
