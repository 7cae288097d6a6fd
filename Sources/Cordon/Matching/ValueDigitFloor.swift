/// The fewest digits a search's bytes must hold for it to yield a value the detector's validators
/// accept, and how far after a match's start a value can end: a search whose bytes hold fewer
/// is not run.
///
/// The reason: a detector gated by common words searches wide windows that rarely hold a value.
/// `phone-contextual`'s required context (`call`, `message`, `office`, …) occurs all over code
/// and prose, and each occurrence was a PCRE2 search of about 200 bytes (27,703 searches of
/// ~2,700 instructions on the real-text corpus, 2.8 % of its scan), while its validator accepts
/// only values of 6 digits or more, which few of those windows hold.
///
/// Exact: a search from `from` whose matches start no later than `startLimit` yields values that
/// lie in `from ..< startLimit + reach`, each within ``reach`` bytes — a match starts at or after
/// `from`, its value (group 1, or the match) starts at or after the match's start and ends
/// within ``reach`` bytes of it (``RequiredRun/valueReach(pattern:)``: no capturing group inside
/// a lookaround). So a value's digits are ``digits`` or more only if that range holds as many
/// within `reach` consecutive bytes. The value is
/// a slice of the text the search reads (placeholders masked, or a decoded layer), so it holds
/// no more digits than those bytes do, and every validator counts the ASCII digits of the value
/// itself: without ``digits`` of them close enough there, every validator rejects every value. A detector
/// whose values can be accepted before the validators run (a provider prefix with a placeholder
/// body, ``CompiledDetector/hasPlaceholderBody(_:)``) gets no floor.
struct ValueDigitFloor: Sendable {
    /// The fewest ASCII digits a value the validators accept holds: the largest of their minimums.
    let digits: Int
    /// The most bytes after a match's start a value can end at.
    let reach: Int

    /// The floor of a detector with `validators` whose pattern's values end within `reach` bytes
    /// of a match's start (``PatternAnalysis/valueReach``), or `nil` when no validator needs a
    /// digit, the reach is not known, or some value is accepted before the validators run
    /// (`acceptsBeforeValidation`: a provider prefix with a placeholder body).
    static func of(validators: [Validator], reach: Int?, acceptsBeforeValidation: Bool) -> ValueDigitFloor? {
        let digits = digits(of: validators)
        guard digits > 0, !acceptsBeforeValidation, let reach else { return nil }
        return ValueDigitFloor(digits: digits, reach: reach)
    }

    /// The fewest ASCII digits a value all of `validators` accept holds: the largest of their
    /// minimums (``Validator/minimumDigits``), 0 when none needs one.
    static func digits(of validators: [Validator]) -> Int {
        var digits = 0
        for validator in validators { digits = max(digits, validator.minimumDigits) }
        return digits
    }

    init(digits: Int, reach: Int) {
        self.digits = digits
        self.reach = reach
    }

    /// Whether a search of `text` from `from`, with matches starting no later than `startLimit`,
    /// can yield a value the validators accept: its bytes hold ``digits`` digits within ``reach``
    /// consecutive bytes (a value lies within `reach` bytes of its match's start).
    func admits(_ text: UnsafeBufferPointer<UInt8>, from: Int, startLimit: Int) -> Bool {
        let end = min(text.count, startLimit &+ reach)
        guard from < end else { return false }
        return DigitCount.holds(digits, within: reach, in: text, from..<end)
    }

    /// Past which offset a search from `from` up to `startLimit` can have resumed: its last
    /// match ends within ``reach`` bytes of a start no later than `startLimit` (an empty match
    /// resumes one byte further).
    func resumeBound(startLimit: Int) -> Int {
        startLimit &+ reach &+ 1
    }
}
