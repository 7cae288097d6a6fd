/// The deterministic form of a ``PatternSketch``'s automaton: one table read a byte instead of
/// the union of the active states' successor sets.
///
/// The reason: running sketches was 243 M of the 2,912 M instructions of a scan of the real-text
/// corpus and 234 M of the agent corpus' 3,807 M (callgrind, #13); the automaton's loop took about
/// 22 instructions a byte besides a loop over the active states. Here a byte is a class lookup, a
/// table read and two comparisons.
///
/// Built by subset construction when the sketch is read, over the sketch's byte classes (bytes
/// whose sets of states are equal behave alike), with at most ``capacity`` states; an automaton
/// that needs more keeps running as it is. A state is the set of automaton states alive; two
/// tables give its successor on each class while starts are still being added (the window's
/// offsets) and after the last start. A successor that accepts — a final state alive, or a stop
/// state reachable at the next byte — is the ``accept`` mark instead of a state, so the loop
/// returns on it without a second lookup; the empty set is state 0.
final class SketchDFA: @unchecked Sendable {
    /// The most states: the ids are bytes, and ``accept`` is not one.
    static let capacity = 255
    /// The mark of a successor that accepts.
    static let accept: UInt8 = 255

    /// The class of each byte value (256 entries).
    private let classOf: UnsafeMutablePointer<UInt8>
    private let classCount: Int
    /// `[state * classCount + class]`: the successor while a start may still be taken.
    private let starting: UnsafeMutablePointer<UInt8>
    /// `[state * classCount + class]`: the successor after the window's last start.
    private let continuing: UnsafeMutablePointer<UInt8>
    /// The number of states.
    let stateCount: Int

    /// The deterministic form of the automaton with these tables (``PatternSketch``'s), or `nil`
    /// when it needs more than ``capacity`` states or a start state is a stop (never so for a
    /// sketch read off a pattern; the automaton then keeps its own loop).
    init?(byteStates: [UInt64], follow: [UInt64], first: UInt64, final: UInt64, stops: UInt64) {
        guard byteStates.count == 256, first & stops == 0 else { return nil }
        func successors(_ states: UInt64) -> UInt64 {
            var reachable: UInt64 = 0
            var rest = states
            while rest != 0 {
                reachable |= follow[rest.trailingZeroBitCount]
                rest &= rest &- 1
            }
            return reachable
        }
        func accepts(_ states: UInt64) -> Bool { states & final != 0 || successors(states) & stops != 0 }
        // Byte classes: one per distinct set of states.
        var classes: [UInt8] = []
        classes.reserveCapacity(256)
        var classStates: [UInt64] = []
        var classOfStates: [UInt64: UInt8] = [:]
        for byte in 0..<256 {
            let states = byteStates[byte]
            if let known = classOfStates[states] {
                classes.append(known)
            } else {
                let id = UInt8(truncatingIfNeeded: classStates.count)
                classOfStates[states] = id
                classStates.append(states)
                classes.append(id)
            }
        }
        let classCount = classStates.count
        // Subset construction from the empty set, under both tables.
        var sets: [UInt64] = [0]
        var ids: [UInt64: UInt8] = [0: 0]
        var starting: [UInt8] = []
        var continuing: [UInt8] = []
        var next = 0
        while next < sets.count {
            let alive = successors(sets[next])
            for (table, added) in [(0, first), (1, UInt64(0))] {
                for states in classStates {
                    let target = (alive | added) & states
                    let id: UInt8
                    if accepts(target) {
                        id = Self.accept
                    } else if let known = ids[target] {
                        id = known
                    } else {
                        guard sets.count < Self.capacity else { return nil }
                        id = UInt8(sets.count)
                        ids[target] = id
                        sets.append(target)
                    }
                    if table == 0 { starting.append(id) } else { continuing.append(id) }
                }
            }
            next += 1
        }
        self.classCount = classCount
        stateCount = sets.count
        classOf = .allocate(capacity: 256)
        classOf.initialize(from: classes, count: 256)
        self.starting = .allocate(capacity: starting.count)
        self.starting.initialize(from: starting, count: starting.count)
        self.continuing = .allocate(capacity: continuing.count)
        self.continuing.initialize(from: continuing, count: continuing.count)
    }

    deinit {
        classOf.deallocate()
        starting.deallocate()
        continuing.deallocate()
    }

    /// ``PatternSketch/admits(_:from:through:)``, with the same result for every text and window.
    @inline(__always)
    func admits(_ text: UnsafeBufferPointer<UInt8>, from lower: Int, through upper: Int, startBytes: ByteSet) -> Bool {
        let count = text.count
        var index = max(lower, 0)
        let lastStart = min(upper, count - 1)
        var state = 0
        while index <= lastStart {
            if state == 0 {
                // Nothing alive: the next start that can take its first byte.
                while index <= lastStart, !startBytes.contains(text[index]) { index &+= 1 }
                guard index <= lastStart else { return false }
            }
            let successor = starting[state &* classCount &+ Int(classOf[Int(text[index])])]
            if successor == Self.accept { return true }
            state = Int(successor)
            index &+= 1
        }
        if state == 0 { return false }
        while index < count {
            let successor = continuing[state &* classCount &+ Int(classOf[Int(text[index])])]
            if successor == Self.accept { return true }
            state = Int(successor)
            if state == 0 { return false }
            index &+= 1
            // Still alive this far past the last start: admitted (``PatternSketch/reach``).
            if index &- upper > PatternSketch.reach { return true }
        }
        return false
    }
}
