/// A case-insensitive Aho–Corasick automaton over all detectors' keywords.
///
/// One pass over a message finds every occurrence of every keyword, so a set of hundreds of
/// detectors costs one scan of the input plus each detector's pattern near its own keyword hits.
/// The automaton is a dense DFA over byte classes: bytes that occur in no keyword share one
/// class, which keeps the transition table small enough to stay in cache. States are numbered so
/// that every state at which a keyword ends comes after all others, which makes the per-byte
/// test for "a keyword ends here" a single comparison.
struct KeywordAutomaton: Sendable {
    /// The class of each (ASCII-lowercased) input byte; class 0 is "in no keyword".
    private let byteClass: [UInt8]
    /// The number of byte classes, the row width of `transitions`.
    private let classCount: Int
    /// The next state for `state * classCount + class`, as 16-bit numbers when every state
    /// fits (halving the table keeps it in cache), else as 32-bit numbers.
    private let transitions: Transitions

    private enum Transitions: Sendable {
        case narrow([UInt16])
        case wide([Int32])
    }
    /// States at or above this number end at least one keyword.
    private let firstOutputState: Int
    /// For output state `s`, the range `outputStart[s - firstOutputState]..<outputStart[s - firstOutputState + 1]`
    /// of `outputDetectors` and `outputLengths`.
    private let outputStart: [Int32]
    /// The detector of each keyword ending at a state (including those reached by suffix links).
    private let outputDetectors: [Int32]
    /// The length in bytes of that keyword.
    private let outputLengths: [Int32]

    /// Builds the automaton; `keywords[i]` are the keywords of detector `i`.
    init(keywords: [[String]]) {
        var classes = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for keyword in keywords.joined() {
            for byte in keyword.utf8 where classes[Int(ByteClass.lowercased(byte))] == 0 {
                precondition(classCount < 256, "too many distinct keyword bytes")
                classes[Int(ByteClass.lowercased(byte))] = UInt8(classCount)
                classCount += 1
            }
        }
        for byte in 0..<256 { classes[byte] = classes[Int(ByteClass.lowercased(UInt8(byte)))] }

        // The trie as lists of children (class, child), and the (detector, length) of keywords
        // ending at each state.
        var children: [[(cls: Int, child: Int32)]] = [[]]
        var terminal: [[Output]] = [[]]
        for (detector, list) in keywords.enumerated() {
            for keyword in list where !keyword.isEmpty {
                var state = 0
                for byte in keyword.utf8 {
                    let cls = Int(classes[Int(byte)])
                    if let existing = children[state].first(where: { $0.cls == cls }) {
                        state = Int(existing.child)
                    } else {
                        let child = terminal.count
                        children[state].append((cls, Int32(child)))
                        children.append([])
                        terminal.append([])
                        state = child
                    }
                }
                let output = Output(detector: Int32(detector), length: Int32(keyword.utf8.count))
                if !terminal[state].contains(output) { terminal[state].append(output) }
            }
        }

        // Breadth-first: failure links, dense transitions and merged outputs. A state's row is
        // its failure state's row (already complete: failure states are shallower) with its own
        // children written over it.
        let stateCount = terminal.count
        var next = [Int32](repeating: 0, count: stateCount * classCount)
        var failure = [Int32](repeating: 0, count: stateCount)
        var merged = terminal
        var queue: [Int] = []
        queue.reserveCapacity(stateCount)
        for (cls, child) in children[0] {
            next[cls] = child
            queue.append(Int(child))
        }
        var head = 0
        next.withUnsafeMutableBufferPointer { next in
            failure.withUnsafeMutableBufferPointer { failure in
                while head < queue.count {
                    let state = queue[head]
                    head += 1
                    let fail = Int(failure[state])
                    for output in merged[fail] where !merged[state].contains(output) { merged[state].append(output) }
                    let row = next.baseAddress! + state * classCount
                    let failRow = next.baseAddress! + fail * classCount
                    row.update(from: failRow, count: classCount)
                    for (cls, child) in children[state] {
                        failure[Int(child)] = failRow[cls]
                        row[cls] = child
                        queue.append(Int(child))
                    }
                }
            }
        }

        // Renumber in breadth-first order, so the shallow states a scan visits most sit together
        // in memory: states without outputs first (the root stays 0), then states with outputs.
        let breadthFirst = [0] + queue
        let order = breadthFirst.filter { merged[$0].isEmpty } + breadthFirst.filter { !merged[$0].isEmpty }
        var number = [Int32](repeating: 0, count: stateCount)
        for (newNumber, old) in order.enumerated() { number[old] = Int32(newNumber) }
        /// The transitions renumbered, as `Element` (16 bits wide when the states fit).
        func renumbered<Element: FixedWidthInteger>(as _: Element.Type) -> [Element] {
            [Element](unsafeUninitializedCapacity: stateCount * classCount) { transitions, initialized in
                next.withUnsafeBufferPointer { next in
                    number.withUnsafeBufferPointer { number in
                        for old in 0..<stateCount {
                            let row = Int(number[old]) * classCount
                            let oldRow = old * classCount
                            for cls in 0..<classCount {
                                transitions[row + cls] = Element(truncatingIfNeeded: number[Int(next[oldRow + cls])])
                            }
                        }
                    }
                }
                initialized = stateCount * classCount
            }
        }
        let firstOutputState = order.firstIndex { !merged[$0].isEmpty } ?? stateCount
        var outputStart: [Int32] = [0]
        var detectors: [Int32] = []
        var lengths: [Int32] = []
        for old in order[firstOutputState...] {
            for output in merged[old] {
                detectors.append(output.detector)
                lengths.append(output.length)
            }
            outputStart.append(Int32(detectors.count))
        }
        self.byteClass = classes
        self.classCount = classCount
        self.transitions = stateCount <= Int(UInt16.max) ? .narrow(renumbered(as: UInt16.self)) : .wide(renumbered(as: Int32.self))
        self.firstOutputState = firstOutputState
        self.outputStart = outputStart
        self.outputDetectors = detectors
        self.outputLengths = lengths
    }

    private struct Output: Equatable {
        var detector: Int32
        var length: Int32
    }

    /// Appends every keyword occurrence in `text` to `hits`, in order of where it ends.
    func collectHits(in text: UnsafeBufferPointer<UInt8>, into hits: inout KeywordHits) {
        guard !outputDetectors.isEmpty else { return }
        switch transitions {
        case .narrow(let table): table.withUnsafeBufferPointer { collectHits(in: text, next: $0, into: &hits) }
        case .wide(let table): table.withUnsafeBufferPointer { collectHits(in: text, next: $0, into: &hits) }
        }
    }

    @inline(__always)
    private func collectHits<State: FixedWidthInteger>(
        in text: UnsafeBufferPointer<UInt8>, next: UnsafeBufferPointer<State>, into hits: inout KeywordHits
    ) {
        byteClass.withUnsafeBufferPointer { classes in
            outputStart.withUnsafeBufferPointer { starts in
                outputDetectors.withUnsafeBufferPointer { detectors in
                    outputLengths.withUnsafeBufferPointer { lengths in
                        var state = 0
                        let width = classCount
                        let firstOutput = firstOutputState
                        for position in 0..<text.count {
                            state = Int(next[state &* width &+ Int(classes[Int(text[position])])])
                            if state >= firstOutput {
                                let row = state &- firstOutput
                                for index in Int(starts[row])..<Int(starts[row &+ 1]) {
                                    hits.append(detector: detectors[index], start: position &+ 1 &- Int(lengths[index]))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

}

/// Keyword occurrences found in one message: the detector and the start offset of each.
///
/// Each hit is one packed key, `detector << 40 | start` (``key(detector:start:)``), so that one
/// buffer holds them and sorting the keys groups the hits by detector with each group's starts
/// ascending. Two arrays, grouped by a second pass that built keys, allocated and zeroed its
/// tables, were most of the hand-over from the first stage to the schedule (`groupedByDetector`
/// 52 M instructions on the real-text corpus, 72 M on agent traffic, callgrind, #13).
struct KeywordHits {
    /// The hits as keys, in the order found.
    private(set) var keys: [UInt64] = []

    /// The bits of a key that hold the start: a message is far below 1 TiB (the first stage
    /// refuses one that is not, ``fitsStart(_:)``).
    static let startBits = 40
    static let startMask: UInt64 = 1 << startBits - 1

    /// Detector indices below this fit a key's detector bits (the 24 above the start's).
    static let detectorLimit = 1 << (64 - startBits)

    /// Whether `offset` fits a key's start bits.
    @inline(__always)
    static func fitsStart(_ offset: Int) -> Bool { offset >= 0 && UInt64(offset) <= startMask }

    /// The key of a hit of `detector` (below ``detectorLimit``) starting at `start` (which must
    /// fit, ``fitsStart(_:)``).
    @inline(__always)
    static func key(detector: Int32, start: Int) -> UInt64 { UInt64(UInt32(bitPattern: detector)) << startBits | UInt64(start) }

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    /// Each hit's detector, in the order found.
    var detectors: [Int32] { keys.map { Int32(truncatingIfNeeded: $0 >> Self.startBits) } }
    /// Each hit's start, in the order found.
    var starts: [Int] { keys.map { Int($0 & Self.startMask) } }

    mutating func append(detector: Int32, start: Int) {
        precondition(Self.fitsStart(start), "a keyword hit beyond 1 TiB")
        precondition(detector >= 0 && Int(detector) < Self.detectorLimit, "a detector index beyond a hit key's bits")
        keys.append(Self.key(detector: detector, start: start))
    }

    /// Appends hits given as keys, in order.
    mutating func append(keys: UnsafeBufferPointer<UInt64>) {
        self.keys.append(contentsOf: keys)
    }

    /// The hit starts of each detector, ascending, as `(offsets, starts)`: the starts of detector
    /// `d` are `starts[offsets[d]..<offsets[d + 1]]`.
    ///
    /// The plain grouping over every detector, kept as the reference that the schedule's
    /// ``groupedByDetector()`` is tested against.
    func grouped(detectorCount: Int) -> (offsets: [Int], starts: [Int]) {
        let detectors = self.detectors
        let starts = self.starts
        var offsets = [Int](repeating: 0, count: detectorCount + 1)
        var grouped = [Int](repeating: 0, count: starts.count)
        for detector in detectors { offsets[Int(detector)] += 1 }
        var end = 0
        for detector in 0..<detectorCount {
            end += offsets[detector]
            offsets[detector] = end
        }
        offsets[detectorCount] = end
        // Placed from the last hit back, each group's end moves to its start.
        for index in detectors.indices.reversed() {
            let detector = Int(detectors[index])
            offsets[detector] -= 1
            grouped[offsets[detector]] = starts[index]
        }
        for detector in 0..<detectorCount where offsets[detector + 1] - offsets[detector] > 1 {
            grouped[offsets[detector]..<offsets[detector + 1]].sort()
        }
        return (offsets, grouped)
    }
}
