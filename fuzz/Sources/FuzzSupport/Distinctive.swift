/// Whether `text` could only appear in an error message by being copied from the input: at least
/// 6 bytes and not made only of the lowercase words, spaces and punctuation that messages are
/// written in (so `'negative_examples'` or `must be a list` are not taken for leaks).
public func isDistinctive(_ text: String) -> Bool {
    guard text.utf8.count >= 6 else { return false }
    return text.utf8.contains { byte in
        !((UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "(")
            || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "#"))
    }
}
