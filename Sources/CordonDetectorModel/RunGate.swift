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
    }

    /// The characters of the run.
    public var characterClass: CharacterClass
    /// The shortest run that opens the gate.
    public var length: Int
    /// How many bytes after the match's start the run may start.
    public var within: Int

    /// Creates a gate.
    public init(characterClass: CharacterClass, length: Int, within: Int) {
        self.characterClass = characterClass
        self.length = length
        self.within = within
    }
}
