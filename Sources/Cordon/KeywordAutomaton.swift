/// A case-insensitive Aho–Corasick automaton over all detectors' keywords.
///
/// One pass over a message tells which detectors have at least one keyword in it, so a set of
/// hundreds of detectors costs one scan of the input plus the patterns whose keywords occur. The
/// automaton is a dense DFA over byte classes: bytes that occur in no keyword share one class,
/// which keeps the transition table small enough to stay in cache.
struct KeywordAutomaton: Sendable {
    /// The class of each (ASCII-lowercased) input byte; class 0 is "in no keyword".
    private let byteClass: [UInt8]
    /// The number of byte classes, the row width of `transitions`.
    private let classCount: Int
    /// The next state for `state * classCount + class`.
    private let transitions: [Int32]
    /// For each state, the range `outputStart[state]..<outputStart[state + 1]` of `outputs`.
    private let outputStart: [Int32]
    /// The detector indices whose keyword ends at a state, including those reached by suffix links.
    private let outputs: [Int32]

    /// Builds the automaton; `keywords[i]` are the keywords of detector `i`.
    init(keywords: [[String]]) {
        var classes = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for keyword in keywords.joined() {
            for byte in keyword.utf8 {
                let lower = Self.lowercase(byte)
                if classes[Int(lower)] == 0 {
                    precondition(classCount < 256, "too many distinct keyword bytes")
                    classes[Int(lower)] = UInt8(classCount)
                    classCount += 1
                }
            }
        }
        for byte in 0..<256 { classes[byte] = classes[Int(Self.lowercase(UInt8(byte)))] }

        // The trie: children per state, and the detectors whose keyword ends at a state.
        var children: [[Int: Int32]] = [[:]]
        var terminal: [[Int32]] = [[]]
        for (detector, list) in keywords.enumerated() {
            for keyword in list where !keyword.isEmpty {
                var state = 0
                for byte in keyword.utf8 {
                    let cls = Int(classes[Int(byte)])
                    if let next = children[state][cls] {
                        state = Int(next)
                    } else {
                        children.append([:])
                        terminal.append([])
                        children[state][cls] = Int32(children.count - 1)
                        state = children.count - 1
                    }
                }
                if !terminal[state].contains(Int32(detector)) { terminal[state].append(Int32(detector)) }
            }
        }

        // Breadth-first: failure links, dense transitions and merged outputs.
        let stateCount = children.count
        var transitions = [Int32](repeating: 0, count: stateCount * classCount)
        var failure = [Int32](repeating: 0, count: stateCount)
        var merged = terminal
        var queue: [Int] = []
        for cls in 0..<classCount {
            if let child = children[0][cls] {
                transitions[cls] = child
                queue.append(Int(child))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let fail = Int(failure[state])
            for output in merged[fail] where !merged[state].contains(output) { merged[state].append(output) }
            for cls in 0..<classCount {
                if let child = children[state][cls] {
                    failure[Int(child)] = transitions[fail * classCount + cls]
                    transitions[state * classCount + cls] = child
                    queue.append(Int(child))
                } else {
                    transitions[state * classCount + cls] = transitions[fail * classCount + cls]
                }
            }
        }
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for state in 0..<stateCount {
            outputs.append(contentsOf: merged[state])
            outputStart.append(Int32(outputs.count))
        }
        self.byteClass = classes
        self.classCount = classCount
        self.transitions = transitions
        self.outputStart = outputStart
        self.outputs = outputs
    }

    /// Sets `present[i]` to `true` for every detector `i` with a keyword in `text`.
    func markDetectors(in text: UnsafeBufferPointer<UInt8>, present: inout [Bool]) {
        guard !outputs.isEmpty else { return }
        byteClass.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { next in
                outputStart.withUnsafeBufferPointer { starts in
                    outputs.withUnsafeBufferPointer { outs in
                        present.withUnsafeMutableBufferPointer { present in
                            var state = 0
                            let width = classCount
                            for byte in text {
                                state = Int(next[state &* width &+ Int(classes[Int(byte)])])
                                let start = Int(starts[state])
                                let end = Int(starts[state &+ 1])
                                if start != end {
                                    for index in start..<end { present[Int(outs[index])] = true }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
