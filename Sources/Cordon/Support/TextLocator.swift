/// Finds the line and column of ascending byte offsets in a text, in one pass over it
/// (``LineBreaks``: 64 bytes at a time).
///
/// Findings carry a 1-based line and a 1-based column counted in bytes from the line's start;
/// the scan and the settling of redactions both compute them, and they compute them here.
struct TextLocator {
    private let text: UnsafeBufferPointer<UInt8>
    private var line = 1
    private var lineStart = 0
    private var position = 0

    /// A locator at the start of `text`.
    init(_ text: UnsafeBufferPointer<UInt8>) {
        self.text = text
    }

    /// The line and column of the byte at `offset`, which must not be before the offset of the
    /// previous call.
    mutating func location(of offset: Int) -> (line: Int, column: Int) {
        if position < offset {
            let (count, lastLineStart) = LineBreaks.count(in: text, position..<offset)
            line += count
            if let lastLineStart { lineStart = lastLineStart }
            position = offset
        }
        return (line, offset - lineStart + 1)
    }
}
