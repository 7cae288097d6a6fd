/// Finds the line and column of ascending byte offsets in a text, in one pass over it.
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
        while position < offset {
            if text[position] == UInt8(ascii: "\n") {
                line += 1
                lineStart = position + 1
            }
            position += 1
        }
        return (line, offset - lineStart + 1)
    }
}
