/// A detector's allowlist patterns, or its test-value patterns, run as few PCRE2 calls as their
/// syntax allows (``AllowlistCombination``): whether any of them matches a value.
///
/// The reason: every accepted value passed through each pattern in a call of its own, ~10 calls
/// per value on the dense sample, ~260 instructions each, most of it the call's set-up (~151 M
/// of 2,055 M instructions; callgrind, #13).
struct AllowlistMatcher: Sendable {
    /// The PCRE2 patterns to run, in order.
    private let units: [CompiledPattern]
    /// For each unit, the patterns it combines, compiled alone (empty for a pattern alone): read
    /// only when a combined match fails. Kept apart from `units` so that the loop over them copies
    /// one reference per call, not a reference and an array (a retain and release each: 12.8 M
    /// instructions of the dense sample; callgrind, #13).
    private let members: [[CompiledPattern]]

    /// Whether there is no pattern.
    var isEmpty: Bool { units.isEmpty }

    /// How many PCRE2 patterns a value that matches none of them runs.
    var callsPerValue: Int { units.count }

    /// Groups `sources` (which each compile alone: the caller compiled them, or they are the
    /// built-in ones) into units. `compiled(source)` gives a source's pattern alone, shared among
    /// detectors; a combined pattern is `compiled` too, and deferred: it compiles on its first
    /// match, decoded from the build's code for the built-in set.
    init<Failure: Error>(
        _ sources: [String], compiled: (_ source: String) throws(Failure) -> CompiledPattern
    ) throws(Failure) {
        var units: [CompiledPattern] = []
        var unitMembers: [[CompiledPattern]] = []
        for unit in AllowlistCombination.units(sources) {
            var members: [CompiledPattern] = []
            for member in unit.members { members.append(try compiled(member)) }
            units.append(unit.isCombined ? try compiled(unit.source) : members[0])
            unitMembers.append(unit.isCombined ? members : [])
        }
        self.units = units
        self.members = unitMembers
    }

    /// Whether a pattern matches `value` (searched from its start). A combined pattern whose
    /// match fails (a limit, or it did not compile) is answered by its members one by one; a
    /// pattern alone whose match fails counts as no match, as it always has.
    func matches(_ value: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) -> Bool {
        for index in units.indices {
            switch scratch.match(units[index], in: value, from: 0) {
            case .match: return true
            case .noMatch: continue
            case .failure:
                for member in members[index] {
                    if case .match = scratch.match(member, in: value, from: 0) { return true }
                }
            }
        }
        return false
    }
}
