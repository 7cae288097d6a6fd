/// A gate for detectors without a keyword: a run of characters of one class that every match
/// contains near its start, such as the four digits that begin every card number.
///
/// A detector with a run gate runs its pattern only around such runs (one pass over the message
/// finds them for all detectors), instead of over the whole message. The gate is exact as long
/// as it holds for every possible match: the match contains a maximal run of at least
/// ``length`` characters of ``characterClass`` that starts between 1 byte before the match's
/// start and ``within`` bytes after it. `cordon detectors check` and the test suite compare the
/// gated scan with an ungated reference scan.
public struct RunGate: Sendable, Hashable {
    /// The characters a run is made of.
    public enum CharacterClass: String, Sendable, Hashable, CaseIterable {
        /// ASCII digits, `0`–`9`.
        case digits
        /// ASCII letters and digits.
        case alphanumerics
        /// ASCII digits and `.` (dotted numbers: IPv4 addresses, versions).
        case digitsAndDots = "digits-and-dots"
        /// ASCII hex digits and `:` (IPv6 addresses, MAC addresses, times).
        case hexDigitsAndColons = "hex-and-colons"
    }

    /// The characters of the run.
    public var characterClass: CharacterClass
    /// The shortest run that opens the gate.
    public var length: Int
    /// How many bytes after the match's start the run may start.
    public var within: Int
    /// For a digit run, the fewest digits of its *digit group*, or `nil` when any group will do.
    /// A group is a maximal stretch of digits in which each gap between two digits is 1 to 3
    /// bytes of space, tab, CR, LF, `.`, `-`, `/`, `(`, `)` or a no-break space (C2 A0):
    /// `(020) 7946 0958` is one group of 11 digits, `v1.2 and 3` three groups.
    ///
    /// Most digit runs in ordinary text are short numbers standing alone (a year, a line number,
    /// a port); a phone or card number is ten digits or more in one group. Counting the group's
    /// digits in the pass that finds the runs drops nearly all runs before PCRE2 is called. The
    /// gate stays exact as long as every match's gating run belongs to a group of at least this
    /// many digits.
    public var groupDigits: Int?
    /// The bytes every gating run is preceded by, as written (`[A-Za-z][A-Za-z]` for an IBAN's
    /// country code before its check digits), or `nil`: a sequence of bracket classes (`[A-Z]`,
    /// `[ ,]`; ranges, and `\\`, `\]`, `\-` for those bytes) and single printable ASCII
    /// characters, one byte each, ending right before the run. A run that is not preceded so
    /// (or starts too close to the message's start) does not open the gate.
    ///
    /// A two-letter-and-digits run or a five-digit number is common; `DE89…` or `CA 94105` much
    /// rarer. The gate stays exact as long as every match's gating run is preceded by these
    /// bytes.
    public var before: String?

    /// Creates a gate.
    public init(characterClass: CharacterClass, length: Int, within: Int, groupDigits: Int? = nil, before: String? = nil) {
        self.characterClass = characterClass
        self.length = length
        self.within = within
        self.groupDigits = groupDigits
        self.before = before
    }

    /// The byte sets of a ``before`` text, one per byte before the run, or `nil` when the text
    /// is malformed (empty, an unclosed or empty class, a reversed range, a non-ASCII or control
    /// character, more than 16 bytes).
    public static func beforeClasses(_ text: String) -> [Set<UInt8>]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        var classes: [Set<UInt8>] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "[") else {
                classes.append([bytes[index]])
                index += 1
                continue
            }
            index += 1
            var members = Set<UInt8>()
            var closed = false
            while index < bytes.count {
                var byte = bytes[index]
                if byte == UInt8(ascii: "]") {
                    closed = true
                    index += 1
                    break
                }
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count else { return nil }
                    index += 1
                    byte = bytes[index]
                } else if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] != UInt8(ascii: "]") {
                    let last = bytes[index + 2]
                    guard byte <= last else { return nil }
                    members.formUnion(byte...last)
                    index += 3
                    continue
                }
                members.insert(byte)
                index += 1
            }
            guard closed, !members.isEmpty else { return nil }
            classes.append(members)
        }
        return classes.count <= 16 ? classes : nil
    }
}
