extension PatternSketch {
    /// Reads a pattern's source (PCRE2 syntax, byte mode) into a ``Node`` tree that matches every
    /// string the pattern matches (see ``PatternSketch`` for what is read as larger). Returns `nil`
    /// for syntax it cannot parse, so that nothing is ruled out by a misreading.
    ///
    /// Group openings, quantifiers and names are read by ``RequiredRun/Reader`` (the reader the
    /// other pattern checks use), classes and escapes here (they also take `\xhh`).
    struct Parser {
        var reader: RequiredRun.Reader

        init(source: [UInt8]) { reader = RequiredRun.Reader(source: source) }

        var source: [UInt8] { reader.source }
        var position: Int {
            get { reader.position }
            set { reader.position = newValue }
        }

        func byte(_ offset: Int) -> UInt8? { reader.byte(offset) }

        /// Alternatives up to a `)` (not consumed) or the end.
        mutating func alternatives(extended: Bool) -> Node? {
            var extended = extended
            var branches: [Node] = []
            while true {
                guard let branch = sequence(extended: &extended) else { return nil }
                branches.append(branch)
                guard byte(position) == UInt8(ascii: "|") else { break }
                position += 1
            }
            return branches.count == 1 ? branches[0] : .alternatives(branches)
        }

        /// One alternative: pieces up to a `|`, a `)` or the end. An option setting such as `(?x)`
        /// changes `extended` for the rest of the enclosing group (PCRE2 carries it into later
        /// alternatives too).
        mutating func sequence(extended: inout Bool) -> Node? {
            var items: [Node] = []
            while let current = byte(position), current != UInt8(ascii: "|"), current != UInt8(ascii: ")") {
                if extended, Self.isExtendedSpace(current) {
                    position += 1
                    continue
                }
                if extended, current == UInt8(ascii: "#") {
                    while let next = byte(position), next != UInt8(ascii: "\n") { position += 1 }
                    continue
                }
                var atom: Node
                switch current {
                case UInt8(ascii: "("):
                    guard let group = group(extended: &extended) else { return nil }
                    guard let node = group else { continue }  // an option setting
                    atom = node
                case UInt8(ascii: "["):
                    guard let set = characterClass() else { return nil }
                    atom = .bytes(set)
                case UInt8(ascii: "\\"):
                    guard let escape = escape() else { return nil }
                    atom = escape
                case UInt8(ascii: "^"), UInt8(ascii: "$"):
                    position += 1
                    atom = .empty
                case UInt8(ascii: "."):
                    position += 1
                    atom = .bytes(ByteSet().complement)
                case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                    return nil
                default:
                    position += 1
                    atom = .bytes(Self.literal(current))
                }
                guard let quantifier = reader.quantifier(extended: extended) else { return nil }
                switch (quantifier.minimum, quantifier.maximum) {
                case (1, 1?): items.append(atom)
                case (0, 0?): break
                default: items.append(.repetition(atom, minimum: quantifier.minimum, maximum: quantifier.maximum))
                }
            }
            return .sequence(items)
        }

        static func isExtendedSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == 0x0B || byte == 0x0C
        }

        /// One byte, letters in both cases.
        static func literal(_ byte: UInt8) -> ByteSet {
            var set = ByteSet()
            set.insert(byte)
            return set.withBothCases
        }

        /// A group from its `(`: its node, `.some(nil)` for an option setting, `nil` for syntax
        /// this reader cannot parse.
        mutating func group(extended: inout Bool) -> Node?? {
            if byte(position + 1) == UInt8(ascii: "*") { return verb() }
            if byte(position + 1) == UInt8(ascii: "?"), let kind = byte(position + 2), Self.opensUnfollowedGroup(kind, then: byte(position + 3)) 
            {
                // A conditional, a recursion, a subroutine call or a callout: not followed.
                guard skipGroup() else { return nil }
                return .some(.stop)
            }
            guard let kind = reader.groupOpening(extended: extended) else { return nil }
            switch kind {
            case .optionSetting(let setting):
                extended = setting
                return .some(nil)
            case .comment:
                return .some(.empty)
            case .lookaround(let mode), .content(let mode):
                guard let inside = alternatives(extended: mode), byte(position) == UInt8(ascii: ")") else { return nil }
                position += 1
                if case .lookaround = kind { return .some(.empty) }
                return .some(inside)
            }
        }

        /// Whether `(?` followed by `kind` and `next` opens a conditional `(?(`, a recursion `(?R)`,
        /// a subroutine call `(?1)`, `(?+1)`, `(?-1)`, `(?&name)`, `(?P>name)` or a callout `(?C`.
        static func opensUnfollowedGroup(_ kind: UInt8, then next: UInt8?) -> Bool {
            switch kind {
            case UInt8(ascii: "("), UInt8(ascii: "R"), UInt8(ascii: "&"), UInt8(ascii: "C"), UInt8(ascii: "+"): return true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            case UInt8(ascii: "-"): return next.map(ByteClass.isDigit) == true
            case UInt8(ascii: "P"): return next == UInt8(ascii: ">")
            default: return false
            }
        }

        /// A backtracking verb or a leading option from its `(*`.
        mutating func verb() -> Node?? {
            var end = position + 2
            while let next = byte(end), next != UInt8(ascii: ")") { end += 1 }
            guard byte(end) == UInt8(ascii: ")") else { return nil }
            let name = String(decoding: source[(position + 2)..<end], as: UTF8.self)
            position = end + 1
            let verb = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            switch verb {
            case "F", "FAIL", "FALSE": return .some(.fail)
            // These only cut a search short: they remove matches, never add one.
            case "SKIP", "PRUNE", "COMMIT", "THEN", "MARK", "": return .some(.empty)
            // (*ACCEPT) ends a match early; leading options (*UTF), (*UCP), … change what a
            // character is: anything may follow.
            default: return .some(.stop)
            }
        }

        /// Moves past a group from its `(` to its matching `)`, through escapes and classes.
        mutating func skipGroup() -> Bool {
            var depth = 0
            var index = position
            while let current = byte(index) {
                switch current {
                case UInt8(ascii: "\\"):
                    index += 2
                    continue
                case UInt8(ascii: "["):
                    var cursor = Parser(source: source)
                    cursor.position = index
                    guard cursor.characterClass() != nil else { return false }
                    index = cursor.position
                    continue
                case UInt8(ascii: "("):
                    depth += 1
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 {
                        position = index + 1
                        return true
                    }
                default: break
                }
                index += 1
            }
            return false
        }

        /// An escape from its `\`: a byte class, the empty string (an anchor), a stop (a
        /// back-reference), or `nil` for one this reader does not know.
        mutating func escape() -> Node? {
            guard let next = byte(position + 1) else { return nil }
            if let set = escapedBytes() { return .bytes(set) }
            switch next {
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "G"),
                UInt8(ascii: "K"):
                position += 2
                return .empty
            case UInt8(ascii: "R"):
                // A line break: CR LF, or one byte of LF, VT, FF, CR, NEL.
                position += 2
                var single = ByteSet()
                for byte in [0x0A, 0x0B, 0x0C, 0x0D, 0x85] as [UInt8] { single.insert(byte) }
                return .alternatives([.sequence([.bytes(Self.literal(0x0D)), .bytes(Self.literal(0x0A))]), .bytes(single)])
            case UInt8(ascii: "1")...UInt8(ascii: "9"):
                // A back-reference: whatever the group matched.
                position += 2
                while let digit = byte(position), ByteClass.isDigit(digit) { position += 1 }
                return .stop
            default:
                return nil
            }
        }

        /// The bytes of a one-byte escape at `position` (its `\`), moving past it; `nil` (not
        /// moving) when the escape is not one byte of a known set. Besides what a class may hold
        /// (``classMember()``), the complements `\D`, `\W`, `\S`, `\H`, `\V`, `\N` (read as any
        /// byte) and `\v`.
        mutating func escapedBytes() -> ByteSet? {
            guard let next = byte(position + 1) else { return nil }
            switch next {
            case UInt8(ascii: "D"), UInt8(ascii: "W"), UInt8(ascii: "S"), UInt8(ascii: "H"), UInt8(ascii: "V"), UInt8(ascii: "N"):
                // The complement of a class: read as any byte.
                position += 2
                return ByteSet().complement
            case UInt8(ascii: "v"):
                var set = ByteSet()
                for byte in [0x0A, 0x0B, 0x0C, 0x0D, 0x85] as [UInt8] { set.insert(byte) }
                position += 2
                return set
            default:
                switch classMember() {
                case .byte(let value)?: return Self.literal(value)
                case .set(let set)?: return set
                case nil: return nil
                }
            }
        }

        /// The byte `\x` followed by the hex digits `high` and `low` stands for, read by ``Hex``.
        static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
            guard let high = Hex.value(of: high), let low = Hex.value(of: low) else { return nil }
            return UInt8(high << 4 | low)
        }

        /// A class from its `[`: the bytes it may match (letters in both cases; a negated class as
        /// the complement of its members as written, which holds at least what it matches with or
        /// without `(?i)`), or `nil` for a construct this reader does not follow (POSIX classes,
        /// class escapes other than `\d`, `\w`, `\s`, `\h`).
        mutating func characterClass() -> ByteSet? {
            position += 1
            var negated = false
            if byte(position) == UInt8(ascii: "^") {
                negated = true
                position += 1
            }
            var set = ByteSet()
            var first = true
            while true {
                guard let current = byte(position) else { return nil }
                if current == UInt8(ascii: "]"), !first {
                    position += 1
                    break
                }
                first = false
                if current == UInt8(ascii: "["), byte(position + 1) == UInt8(ascii: ":") { return nil }
                guard let member = classMember() else { return nil }
                guard case .byte(let low) = member else {
                    if case .set(let escaped) = member { set.formUnion(escaped) }
                    continue
                }
                if byte(position) == UInt8(ascii: "-"), let next = byte(position + 1), next != UInt8(ascii: "]") {
                    // A range from `low`; its upper end is one byte too.
                    position += 1
                    guard case .byte(let high)? = classMember(), low <= high else { return nil }
                    for value in low...high { set.insert(value) }
                    continue
                }
                set.insert(low)
            }
            return negated ? set.complement : set.withBothCases
        }

        /// One member of a class: a byte, or the set of a class escape.
        enum ClassMember {
            case byte(UInt8)
            case set(ByteSet)
        }

        /// Reads one class member at `position`, moving past it; `nil` for one not followed.
        mutating func classMember() -> ClassMember? {
            guard let current = byte(position) else { return nil }
            guard current == UInt8(ascii: "\\") else {
                guard current != UInt8(ascii: "[") else { return nil }
                position += 1
                return .byte(current)
            }
            guard let next = byte(position + 1) else { return nil }
            if let set = ByteSet.escape(next) {
                position += 2
                return .set(set)
            }
            let value: UInt8
            switch next {
            case UInt8(ascii: "n"): value = 0x0A
            case UInt8(ascii: "r"): value = 0x0D
            case UInt8(ascii: "t"): value = 0x09
            case UInt8(ascii: "f"): value = 0x0C
            case UInt8(ascii: "e"): value = 0x1B
            case UInt8(ascii: "a"): value = 0x07
            case UInt8(ascii: "x"):
                guard let high = byte(position + 2), let low = byte(position + 3), let hex = Self.hexValue(high, low) else { return nil }
                position += 4
                return .byte(hex)
            default:
                guard !ByteClass.isAlphanumeric(next), next < 0x80 else { return nil }
                value = next
            }
            position += 2
            return .byte(value)
        }
    }
}
