import Cordon

/// One streamed text field of a response (a choice's `content`, a tool call's `arguments`, an
/// Anthropic block's `text`): the text not yet released and the context before it.
///
/// Each upstream fragment is appended; ``release(_:final:filter:)`` scans what is pending with the
/// released text before it as context, and releases all but the tail that could still be the
/// start of a sensitive value or of a placeholder (``StreamHoldBack``) — redacted and restored.
/// The last call, with `final`, releases everything. A fragment that leaves everything pending
/// held back (a stream one character at a time, mid-word) is not scanned: nothing could be
/// released, so the text is scanned once per word rather than once per event.
struct StreamedField {
    /// Upstream bytes received but not released.
    private(set) var pending: [UInt8] = []
    /// The last released upstream bytes (up to ``contextLength``), so that a value's context words
    /// are seen when it arrives after them.
    private var context: [UInt8] = []
    /// How much released text is kept as context.
    static let contextLength = 256
    /// Whether the field is a JSON document in pieces (tool-call arguments), restored with
    /// escapes (``ResponseTextFilter/restore(_:jsonDocument:)``).
    var jsonDocument = false
    /// The tool whose arguments the field holds, once its name is known (`restore.tools`).
    var tool: String? = nil

    init(jsonDocument: Bool = false, tool: String? = nil) {
        self.jsonDocument = jsonDocument
        self.tool = tool
    }

    /// Whether text is held back.
    var hasPending: Bool { !pending.isEmpty }

    /// Appends `fragment` and returns the bytes that may go to the client now.
    mutating func release(_ fragment: [UInt8], final: Bool, filter: ResponseTextFilter) throws(ResponseFilterError) -> [UInt8] {
        pending += fragment
        guard !pending.isEmpty else { return [] }
        let window = context + pending
        let start = context.count
        var cut = window.count
        if !final {
            cut -= StreamHoldBack.length(of: window, from: start, limit: filter.holdBackLimit)
            // Everything pending is still held back (mid-word): nothing can be released, and
            // every later step only moves the cut back, so the scan would change nothing.
            guard cut > start else { return [] }
        }
        let spans = try filter.newValueSpans(in: window)
        if !final {
            // Never release part of a value found, nor part of a placeholder.
            for span in spans where span.range.lowerBound < cut && span.range.upperBound > cut {
                cut = max(start, span.range.lowerBound)
            }
            cut = Self.placeholderSafeCut(window, cut: cut, start: start)
            // Never split a UTF-8 sequence.
            while cut > start, cut < window.count, window[cut] & 0xC0 == 0x80 { cut -= 1 }
        }
        guard cut > start else { return [] }
        let released = filter.restore(
            filter.redact(window, spans: spans, from: start, to: cut), jsonDocument: jsonDocument, tool: tool, preceding: context,
            precedingIsComplete: context.count < Self.contextLength)
        context = Array(window[max(0, cut - Self.contextLength)..<cut])
        pending = Array(window[cut...])
        return released
    }

    /// `cut` moved back to the start of a reversible placeholder that it would split, or that is
    /// still open (its `⟦` seen, its `⟧` not yet).
    private static func placeholderSafeCut(_ window: [UInt8], cut: Int, start: Int) -> Int {
        let lowest = max(start, cut - PlaceholderSyntax.maximumReversibleLength)
        var index = cut - 1
        while index >= lowest {
            // A `⟦` (E2 9F A6) or its first bytes at the very end of the released part.
            if window[index] == 0xE2 {
                let opening = PlaceholderSyntax.reversibleOpening
                let available = min(3, cut - index)
                if Array(window[index..<(index + available)]) == Array(opening[0..<available]) {
                    // Still open at the cut (only placeholder bytes after it): hold it back.
                    // Closed, or broken by another byte: it cannot become a placeholder.
                    var probe = index + available
                    while probe < cut, PlaceholderSyntax.isReversibleByte(window[probe]) { probe += 1 }
                    let closingCut = probe < cut && window[probe] == 0xE2 && probe + 3 > cut
                    return available < 3 || probe >= cut || closingCut ? index : cut
                }
            }
            index -= 1
        }
        return cut
    }
}
