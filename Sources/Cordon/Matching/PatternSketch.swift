/// A small automaton that accepts every match of a pattern, and more: read off the pattern's
/// source, run over the bytes around a keyword occurrence before PCRE2 is asked, it says "no
/// match can start here" in a few instructions a byte.
///
/// The reason: after the first stage and the gates, a keyword-gated detector's occurrences were
/// each confirmed by a PCRE2 call — 18,872 calls and 51 M of the 282 M instructions of a scan of
/// 3 MB of real text (callgrind, #13), nearly all finding nothing. A keyword such as `token`,
/// `key` or `pass` occurs in prose and code where no assignment follows (`the token is`,
/// `key in dict`), and the pattern fails a few bytes after the keyword; the existing checks
/// (``TokenShape``, ``RequiredRun``, ``KeywordFrame``) look for one run or fixed steps, and the
/// assignment syntax between keyword and value (optional quote, spaces, `=`, `:` or `=>`) is
/// neither. The sketch follows it all.
///
/// What it is: a Glushkov automaton (one state per byte class of the pattern, at most
/// ``capacity``) whose language holds every match of the pattern. The reader makes it larger,
/// never smaller: letters match in both cases, a lookaround and an anchor match the empty
/// string, a bounded repetition `x{n,m}` becomes `x{n}x*`, a possessive or atomic group is
/// read as a plain one (which can match more, never less), and a construct whose strings it
/// does not follow — a back-reference, a recursion, a conditional, a class it cannot read, or
/// whatever exceeds the capacity — is a *stop*: reaching it accepts whatever follows. `(*F)`
/// matches nothing, as in PCRE2. Backtracking verbs only remove matches and are read as empty.
/// So when the automaton, started at every offset of a window, dies before accepting, no string
/// starting in the window is in its language, hence none is a match of the pattern (exact).
///
/// A class holding its two tables in memory of its own: a scan asks a detector for its sketch
/// once per pass (and per decoded layer), and a struct of two arrays cost four reference-count
/// operations each time — more than the sketch saved on the dense corpus (callgrind, #13).
final class PatternSketch: @unchecked Sendable {
    /// For each byte value, the states whose class holds it (256 words; never written after `init`).
    let byteStates: UnsafeMutablePointer<UInt64>
    /// For each state, the states that may consume the next byte (``stateCount`` words).
    let follow: UnsafeMutablePointer<UInt64>
    /// The number of states.
    let stateCount: Int
    /// The states that may consume a match's first byte.
    let first: UInt64
    /// The states after which a match may end.
    let final: UInt64
    /// The stop states: reaching one (about to consume a byte there) accepts.
    let stops: UInt64
    /// The bytes that can start a match (the classes of `first`).
    let startBytes: ByteSet

    /// The most starts past the first a window may have for the sketch to be run over it: over a
    /// longer window (a required context's 140 to 290 bytes, a 256-byte keyword window) the
    /// automaton stays alive through most words and costs about what the PCRE2 call it might
    /// save does. So does its deterministic form (``SketchDFA``), measured at up to 512 starts
    /// with the overlap of nearby windows walked once: real text +27 M instructions (the sketch
    /// +164 M, PCRE2 −132 M), agent traffic +150 M (callgrind, full corpora, #13).
    static let widestWindow = 64

    /// How many bytes past a window's last start the automaton is run before it admits the
    /// window (``admits(_:from:through:)``). A window is ruled out, when it is, within a few
    /// bytes of its keyword (no assignment, no domain after `@`).
    static let reach = 256

    /// The most states an automaton holds: one bit each in a 64-bit word.
    static let capacity = 64

    /// How many copies of a repeated item a bounded repetition's minimum is read as, at most
    /// (`[A-Za-z0-9]{32}` as 8 of them and a star): the sketch rejects early, by its first bytes,
    /// and a long run is ``RequiredRun``'s to check. Halved, down to 1, while the pattern does
    /// not fit in ``capacity`` states.
    static let repetitionCopies = 8

    /// The class of each byte value: bytes whose sets of states are equal share one (256 entries).
    let classOf: UnsafeMutablePointer<UInt8>
    /// For each class, its bytes' states (``classCount`` words).
    let classStates: UnsafeMutablePointer<UInt64>
    let classCount: Int

    /// Whether some string in the automaton's language starts at an offset from `lower` through
    /// `upper` of `text` and ends within it — `false` proves no match of the pattern starts there.
    ///
    /// One pass over the bytes from `lower` on, with the states of every start at once (a bit
    /// each); before `upper`, bytes that start nothing while no state is alive are skipped. A
    /// scan runs a thread's deterministic form of the automaton instead (``SketchDFA``), which
    /// gives the same answers.
    @inline(__always)
    func admits(_ text: UnsafeBufferPointer<UInt8>, from lower: Int, through upper: Int) -> Bool {
        var active: UInt64 = 0
        var index = max(lower, 0)
        let count = text.count
        while index < count {
            if active == 0 {
                // Nothing alive: the next start that can take its first byte.
                while index <= upper, index < count, !startBytes.contains(text[index]) { index &+= 1 }
                guard index <= upper, index < count else { return false }
            }
            let reachable = (index <= upper ? first : 0) | successors(of: active)
            if reachable & stops != 0 { return true }
            active = reachable & byteStates[Int(text[index])]
            if active & final != 0 { return true }
            index &+= 1
            if active == 0, index > upper { return false }
            // Still alive this far past the last start: admitted, so that one check never costs
            // more than a bounded walk (a block pattern's lazy run would otherwise be followed to
            // the end of a flood of headers, once per header: quadratic, and without the deadline
            // reads PCRE2's searches make).
            if index &- upper > Self.reach { return true }
        }
        // The text's end: a stop state about to be reached accepts (it may match nothing).
        let reachable = (index <= upper ? first : 0) | successors(of: active)
        return reachable & stops != 0
    }

    /// The states that may consume the byte after one consumed in the states `active`: the
    /// union of their `follow` sets. The automaton's loop and its deterministic form
    /// (``SketchDFA``) both step through it.
    @inline(__always)
    func successors(of active: UInt64) -> UInt64 {
        var reachable: UInt64 = 0
        var states = active
        while states != 0 {
            reachable |= follow[states.trailingZeroBitCount]
            states &= states &- 1
        }
        return reachable
    }

    init(byteStates: [UInt64], follow: [UInt64], first: UInt64, final: UInt64, stops: UInt64) {
        self.byteStates = .allocate(capacity: 256)
        self.byteStates.initialize(from: byteStates, count: 256)
        stateCount = follow.count
        self.follow = .allocate(capacity: max(follow.count, 1))
        self.follow.initialize(from: follow, count: follow.count)
        self.first = first
        self.final = final
        self.stops = stops
        var startBytes = ByteSet()
        for byte in 0...255 where byteStates[byte] & first != 0 { startBytes.insert(UInt8(byte)) }  // once per sketch
        self.startBytes = startBytes
        // Byte classes, numbered in order of their first byte (a few dozen at most in practice;
        // a linear search each).
        var classes: [UInt64] = []
        classOf = .allocate(capacity: 256)
        for byte in 0..<256 {
            let states = byteStates[byte]
            if let known = classes.firstIndex(of: states) {
                classOf[byte] = UInt8(known)
            } else {
                classOf[byte] = UInt8(truncatingIfNeeded: classes.count)
                classes.append(states)
            }
        }
        classCount = classes.count
        classStates = .allocate(capacity: classes.count)
        classStates.initialize(from: classes, count: classes.count)
    }

    /// The sketch of `pattern` (PCRE2, byte mode), or `nil` when the reader cannot parse it or
    /// the sketch would rule nothing out (it accepts the empty string, or a stop can start it).
    deinit {
        byteStates.deallocate()
        follow.deallocate()
        classOf.deallocate()
        classStates.deallocate()
    }

    convenience init?(pattern: String) {
        var parser = Parser(source: Array(pattern.utf8))
        guard let tree = parser.alternatives(extended: false), parser.position == parser.source.count else { return nil }
        // The most copies of a repetition's minimum (8, 4, 2, 1) with which the whole pattern
        // fits in the states, read off the tree before building (one build; cutting parts off
        // for want of states keeps only the nearest parts of a long pattern).
        var copies = Self.repetitionCopies
        var condensed = Self.condensed(tree, copies: copies)
        while copies > 1, condensed.cost(copies: copies) > Self.capacity {
            copies /= 2
            condensed = Self.condensed(tree, copies: copies)
        }
        var builder = Builder(copies: copies)
        let whole = builder.build(condensed)
        guard !whole.nullable, whole.first & builder.stops == 0, whole.first != 0 else { return nil }
        self.init(
            byteStates: builder.byteStates, follow: builder.follow, first: whole.first, final: whole.last | builder.stops,
            stops: builder.stops)
    }

    /// An alternation of short spellings costs a state per byte of each (a detector's key names,
    /// `token|secret|password|credentials?|…`: 48 states; a country code list: 52), and the
    /// automaton has 64: what followed the names — the assignment, the value, what the sketch is
    /// for — was cut off as a stop. Such an alternation is read as a run of the union of its
    /// bytes, of its shortest to its longest length (a few states): every spelling is in it, so
    /// the automaton still accepts every match. Alternations of at most ``condensedCost`` states
    /// stay as they are (an assignment's `=>|:=|=|:`), and so do long ones (more than
    /// ``condensedLength`` bytes), whose structure is what rules windows out.
    static func condensed(_ node: Node, copies: Int) -> Node {
        switch node {
        case .sequence(let items):
            return .sequence(items.map { condensed($0, copies: copies) })
        case .alternatives(let branches):
            let alternatives = Node.alternatives(branches.map { condensed($0, copies: copies) })
            if alternatives.cost(copies: copies) > condensedCost, let flat = alternatives.flattened, let longest = flat.maximum, longest <= condensedLength {
                return .repetition(.bytes(flat.members), minimum: flat.minimum, maximum: longest)
            }
            return alternatives
        case .repetition(let item, let minimum, let maximum):
            return .repetition(condensed(item, copies: copies), minimum: minimum, maximum: maximum)
        case .star(let item):
            return .star(condensed(item, copies: copies))
        default:
            return node
        }
    }

    /// Alternations costing more states than this are condensed (``condensed(_:)``).
    static let condensedCost = 8
    /// The longest spelling an alternation condensed to a run may have.
    static let condensedLength = 24

    /// A pattern read as a tree of byte classes.
    indirect enum Node: Equatable {
        /// One byte of the set.
        case bytes(ByteSet)
        /// The empty string (a lookaround, an anchor, a verb).
        case empty
        /// Nothing at all (`(*F)`).
        case fail
        /// Anything from here on (a construct the reader does not follow).
        case stop
        case sequence([Node])
        case alternatives([Node])
        /// `minimum` to `maximum` (`nil`: no bound) repetitions.
        case repetition(Node, minimum: Int, maximum: Int?)
        /// Any number of repetitions, none included.
        case star(Node)

        /// The states a ``Builder`` with `copies` makes for the node.
        func cost(copies: Int) -> Int {
            switch self {
            case .bytes, .stop: return 1
            case .empty, .fail: return 0
            case .sequence(let items), .alternatives(let items): return items.reduce(0) { $0 + $1.cost(copies: copies) }
            case .repetition(let item, let minimum, let maximum):
                let made = Swift.min(minimum, copies)
                return item.cost(copies: copies) * (made + (maximum.map { $0 > made } ?? true ? 1 : 0))
            case .star(let item): return item.cost(copies: copies)
            }
        }

        /// Every byte the node may take, and the fewest and most bytes (`nil`: no bound) of a
        /// string it matches; `nil` for a node holding a stop or `(*F)`.
        var flattened: (members: ByteSet, minimum: Int, maximum: Int?)? {
            switch self {
            case .bytes(let set): return (set, 1, 1)
            case .empty: return (ByteSet(), 0, 0)
            case .fail, .stop: return nil
            case .sequence(let items):
                var result: (members: ByteSet, minimum: Int, maximum: Int?) = (ByteSet(), 0, 0)
                for item in items {
                    guard let part = item.flattened else { return nil }
                    result.members.formUnion(part.members)
                    result.minimum += part.minimum
                    result.maximum = result.maximum.flatMap { total in part.maximum.map { total + $0 } }
                }
                return result
            case .alternatives(let branches):
                var result: (members: ByteSet, minimum: Int, maximum: Int?) = (ByteSet(), Int.max, 0)
                for branch in branches {
                    guard let part = branch.flattened else { return nil }
                    result.members.formUnion(part.members)
                    result.minimum = Swift.min(result.minimum, part.minimum)
                    result.maximum = result.maximum.flatMap { longest in part.maximum.map { Swift.max(longest, $0) } }
                }
                return branches.isEmpty ? nil : result
            case .repetition(let item, let minimum, let maximum):
                guard let part = item.flattened else { return nil }
                return (part.members, part.minimum * minimum, part.maximum.flatMap { longest in maximum.map { longest * $0 } })
            case .star(let item):
                guard let part = item.flattened else { return nil }
                return (part.members, 0, part.maximum == 0 ? 0 : nil)
            }
        }
    }

    /// Builds the Glushkov automaton of a ``Node``.
    struct Builder {
        /// How many copies of a repetition's minimum are made (at most).
        let copies: Int
        var byteStates = [UInt64](repeating: 0, count: 256)
        var follow: [UInt64] = []
        var stops: UInt64 = 0

        init(copies: Int) { self.copies = copies }

        /// A sub-automaton: the states that may take its first byte and its last, and whether
        /// it matches the empty string.
        struct Part {
            var first: UInt64
            var last: UInt64
            var nullable: Bool
        }

        /// A new state, or `nil` when the automaton is full.
        mutating func state() -> Int? {
            guard follow.count < PatternSketch.capacity else { return nil }
            follow.append(0)
            return follow.count - 1
        }

        /// A stop state (all stops could share one; one each keeps `follow` simple).
        mutating func stop() -> Part {
            if stops != 0 { return Part(first: stops & (~stops &+ 1), last: 0, nullable: false) }
            // The automaton is full: the last state becomes the stop (it accepts whatever reaches it,
            // a superset of what it accepted before).
            let index = state() ?? (PatternSketch.capacity - 1)
            stops |= UInt64(1) << UInt64(index)
            return Part(first: UInt64(1) << UInt64(index), last: 0, nullable: false)
        }

        mutating func link(_ from: UInt64, to next: UInt64) {
            var states = from
            while states != 0 {
                follow[states.trailingZeroBitCount] |= next
                states &= states &- 1
            }
        }

        mutating func build(_ node: Node) -> Part {
            switch node {
            case .bytes(let set):
                guard let index = state() else { return stop() }
                let bit = UInt64(1) << UInt64(index)
                set.forEach { byteStates[Int($0)] |= bit }
                return Part(first: bit, last: bit, nullable: false)
            case .empty:
                return Part(first: 0, last: 0, nullable: true)
            case .fail:
                return Part(first: 0, last: 0, nullable: false)
            case .stop:
                return stop()
            case .sequence(let items):
                var whole = Part(first: 0, last: 0, nullable: true)
                for item in items {
                    let part = build(item)
                    link(whole.last, to: part.first)
                    if whole.nullable { whole.first |= part.first }
                    whole.last = part.nullable ? whole.last | part.last : part.last
                    whole.nullable = whole.nullable && part.nullable
                    // Nothing after a part that cannot match (`(*F)`) can be reached.
                    if !part.nullable, part.first == 0 { return Part(first: 0, last: 0, nullable: false) }
                }
                return whole
            case .alternatives(let branches):
                var whole = Part(first: 0, last: 0, nullable: false)
                for branch in branches {
                    let part = build(branch)
                    whole.first |= part.first
                    whole.last |= part.last
                    whole.nullable = whole.nullable || part.nullable
                }
                return whole
            case .star(let item):
                // One copy looping on itself, which may be skipped.
                var part = build(item)
                link(part.last, to: part.first)
                part.nullable = true
                return part
            case .repetition(let item, let minimum, let maximum):
                let copies = min(minimum, self.copies)
                var items = [Node](repeating: item, count: copies)
                if maximum.map({ $0 > copies }) ?? true { items.append(.star(item)) }
                return build(.sequence(items))
            }
        }
    }
}
