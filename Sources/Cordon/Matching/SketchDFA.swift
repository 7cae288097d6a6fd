/// One thread's deterministic form of a ``PatternSketch``'s automaton, built as it runs: a byte
/// is a class lookup, a table read and a comparison, instead of the union of the active states'
/// successor sets.
///
/// The reason: running sketches was 243 M of the 2,912 M instructions of a scan of the real-text
/// corpus and 234 M of the agent corpus' 3,807 M (callgrind, #13); the automaton's loop took
/// about 22 instructions a byte besides its loop over the active states.
///
/// A state is a set of the automaton's states alive; state 0 is the empty set. Two tables give
/// a state's successor on each byte class (``PatternSketch/classOf``) while starts are still
/// being added (the window's offsets) and after the last one. A successor is computed from the
/// automaton the first time it is needed (subset construction, lazily: built whole, the tables
/// of the built-in set cost more to make than they saved, and 147 of 503 automata needed more
/// than 255 states). A successor that accepts — a final state alive, or a stop state reachable
/// at the next byte — is the ``accept`` mark instead of a state, so the loop returns on it. When
/// ``capacity`` states are made (fewer for an automaton of many byte classes: ``stateLimit``),
/// the tables are emptied and the check at hand runs on the automaton. The tables belong to one
/// ``MatchScratch``, so one thread at a time: no lock.
final class SketchDFA {
    /// The most states (their rows, `state * classCount`, stay below ``entryLimit``).
    static let capacity = 254
    /// The most table entries (per table) a form may hold: fewer states for an automaton with
    /// many byte classes, so that a long-running process's forms stay small whatever it is sent
    /// (32 KiB per detector and thread at most: two tables of 16-bit entries).
    static let entryLimit = 8192

    /// The most states this form makes before it empties its tables.
    let stateLimit: Int
    /// A successor not computed yet.
    static let unknown: UInt16 = 0xFFFE
    /// The mark of a successor that accepts.
    static let accept: UInt16 = 0xFFFF

    /// The automaton.
    let sketch: PatternSketch
    private let classCount: Int
    /// The set of the automaton's states that each state is.
    private var sets: [UInt64] = [0]
    /// Each set's entry: its state's row (`state * classCount`, ``tables``), or ``accept`` for a
    /// set that accepts.
    private var ids: [UInt64: UInt16] = [0: 0]
    /// Two tables, `[state * classCount + class]`: the successor while a start may still be
    /// taken (`tables[0]`), and after the window's last start (`tables[1]`); room for
    /// `allocated` states. A successor is held as its own row's first entry, `state *
    /// classCount` (below ``entryLimit``, so 16 bits hold it), not as its number: the loop adds
    /// the byte's class to it and reads, with no multiplication between one byte's read and the
    /// next (a 3-cycle `imul` on the chain of dependent loads that is the automaton's speed).
    /// Reached through a constant pointer: a stored `var` of a class is read under a dynamic
    /// exclusivity check (`swift_beginAccess`), 100 M instructions of the agent corpus for two
    /// reads a call.
    private let tables: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>
    private var allocated: Int

    /// The number of states made so far.
    var stateCount: Int { sets.count }

    /// Windows this thread checked, and ruled out, not yet counted in the sketch's yield
    /// (``report(checks:rejections:to:)``).
    private(set) var unreportedChecks = 0
    private(set) var unreportedRejections = 0

    /// How many checks a thread gathers before it adds them to the sketch's shared counts.
    static let checksPerReport = 64

    /// Counts `checks` windows checked, `rejections` of them ruled out, in `lazy`'s yield
    /// (``LazyPatternSketch/record(checks:rejections:)``) once ``checksPerReport`` are gathered.
    ///
    /// The reason: the shared counts are two atomic additions on one cache line for all threads;
    /// made for every detector with sketch checks in every message, they were a write shared by
    /// both cores thousands of times a second with two threads.
    func report(checks: Int, rejections: Int, to lazy: LazyPatternSketch) {
        unreportedChecks &+= checks
        unreportedRejections &+= rejections
        guard unreportedChecks >= Self.checksPerReport else { return }
        lazy.record(checks: unreportedChecks, rejections: unreportedRejections)
        unreportedChecks = 0
        unreportedRejections = 0
    }

    /// A deterministic form of `sketch`, or `nil` when a start state is a stop (never so for a
    /// sketch read off a pattern, ``PatternSketch/init(pattern:)``).
    init?(sketch: PatternSketch) {
        guard sketch.first & sketch.stops == 0 else { return nil }
        self.sketch = sketch
        classCount = sketch.classCount
        stateLimit = max(2, min(Self.capacity, Self.entryLimit / max(classCount, 1)))
        allocated = 4
        tables = .allocate(capacity: 2)
        for table in 0..<2 {
            let entries = UnsafeMutablePointer<UInt16>.allocate(capacity: allocated * classCount)
            entries.initialize(repeating: Self.unknown, count: allocated * classCount)
            (tables + table).initialize(to: entries)
        }
    }

    deinit {
        tables[0].deallocate()
        tables[1].deallocate()
        tables.deallocate()
    }

    /// ``PatternSketch/admits(_:from:through:)``, with the same result for every text and window.
    func admits(_ text: UnsafeBufferPointer<UInt8>, from lower: Int, through upper: Int) -> Bool {
        let count = text.count
        var index = max(lower, 0)
        let lastStart = min(upper, count - 1)
        let classOf = sketch.classOf
        let startBytes = sketch.startBytes
        var starting = tables[0]
        var continuing = tables[1]
        // The current state's row (``tables``); row 0 is the empty set.
        var row = 0
        while index <= lastStart {
            if row == 0 {
                // Nothing alive: the next start that can take its first byte.
                while index <= lastStart, !startBytes.contains(text[index]) { index &+= 1 }
                guard index <= lastStart else { return false }
            }
            let byteClass = Int(classOf[Int(text[index])])
            var successor = starting[row &+ byteClass]
            if successor >= Self.unknown {
                if successor == Self.accept { return true }
                guard let made = makeSuccessor(ofRow: row, on: byteClass, starting: true) else {
                    return sketch.admits(text, from: lower, through: upper)
                }
                if made == Self.accept { return true }
                successor = made
                // Making a state may have moved both tables.
                starting = tables[0]
                continuing = tables[1]
            }
            row = Int(successor)
            index &+= 1
        }
        if row == 0 { return false }
        while index < count {
            let byteClass = Int(classOf[Int(text[index])])
            var successor = continuing[row &+ byteClass]
            if successor >= Self.unknown {
                if successor == Self.accept { return true }
                guard let made = makeSuccessor(ofRow: row, on: byteClass, starting: false) else {
                    return sketch.admits(text, from: lower, through: upper)
                }
                if made == Self.accept { return true }
                successor = made
                starting = tables[0]
                continuing = tables[1]
            }
            row = Int(successor)
            if row == 0 { return false }
            index &+= 1
            // Still alive this far past the last start: admitted (``PatternSketch/reach``).
            if index &- upper > PatternSketch.reach { return true }
        }
        return false
    }

    /// Computes and records the successor of the state at row `row` on `byteClass` (with the
    /// automaton's first states added while `starting`): its row, or ``accept``; `nil` when the
    /// tables were full and have been emptied.
    private func makeSuccessor(ofRow row: Int, on byteClass: Int, starting isStarting: Bool) -> UInt16? {
        let state = row / classCount
        let reachable = (isStarting ? sketch.first : 0) | sketch.successors(of: sets[state])
        let target = reachable & sketch.classStates[byteClass]
        let entry: UInt16
        if let known = ids[target] {
            entry = known
        } else if accepts(target) {
            entry = Self.accept
            ids[target] = entry
        } else {
            guard sets.count < stateLimit else {
                empty()
                return nil
            }
            // Below ``entryLimit``: `stateLimit * classCount` is at most that.
            entry = UInt16(sets.count * classCount)
            ids[target] = entry
            sets.append(target)
            if sets.count > allocated { grow() }
        }
        tables[isStarting ? 0 : 1][row + byteClass] = entry
        return entry
    }

    /// Whether the set `states` accepts: a final state is in it, or a stop state follows it.
    private func accepts(_ states: UInt64) -> Bool {
        states & sketch.final != 0 || sketch.successors(of: states) & sketch.stops != 0
    }

    /// Room for twice as many states, the new entries unknown.
    private func grow() {
        let larger = min(allocated * 2, stateLimit)
        for table in 0..<2 {
            let old = tables[table]
            let new = UnsafeMutablePointer<UInt16>.allocate(capacity: larger * classCount)
            new.moveInitialize(from: old, count: allocated * classCount)
            (new + allocated * classCount).initialize(repeating: Self.unknown, count: (larger - allocated) * classCount)
            // Debug builds (the tests) leave the old table answering "accept" everywhere, so a
            // reader still holding it gives itself away.
            assert({
                old.initialize(repeating: Self.accept, count: allocated * classCount)
                return true
            }())
            old.deallocate()
            tables[table] = new
        }
        allocated = larger
    }

    /// Forgets every state but the empty set.
    private func empty() {
        sets = [0]
        ids = [0: 0]
        tables[0].update(repeating: Self.unknown, count: allocated * classCount)
        tables[1].update(repeating: Self.unknown, count: allocated * classCount)
    }
}
