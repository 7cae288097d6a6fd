extension CompiledDetector {
    /// Whether `value` is the detector's own prefix followed by a placeholder body: runs of one
    /// repeated letter or digit, each at least 4 long and 8 in all, between single `-`, `_` or
    /// `.` separators (`tvly-xxxx…`, `xoxb-0000000000-0000000000000-xxxx…`, `AKIAXXXX…`).
    ///
    /// Such a value is the provider's documentation value: it shows the token's prefix and shape
    /// and holds nothing, like `AKIAIOSFODNN7EXAMPLE`. It is reported as a test value (found,
    /// tagged, redacted by the filters, not failing a CI scan) before the entropy floor, the
    /// validators and the allowlist could drop it: its entropy is near 0 and a checksum never
    /// holds, and a placeholder allowlist entry (`x{8}`) would otherwise make it a non-finding.
    /// A value that does not start with one of the detector's keywords (a password after
    /// `password=`) is left to the allowlist: there a run of `x` is a true placeholder.
    func hasPlaceholderBody(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        for prefix in valuePrefixes where value.count >= prefix.count + Self.minimumPlaceholderBody {
            var matches = true
            for index in prefix.indices where ByteClass.lowercased(value[index]) != prefix[index] {
                matches = false
                break
            }
            if matches, Self.isPlaceholderBody(UnsafeBufferPointer(rebasing: value[prefix.count...])) { return true }
        }
        return false
    }

    /// The fewest repeated characters a placeholder body holds.
    static let minimumPlaceholderBody = 8

    /// Whether `body` is runs of one repeated ASCII letter or digit, each at least 4 long and
    /// ``minimumPlaceholderBody`` in all, separated by single `-`, `_` or `.`.
    static func isPlaceholderBody(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = body.startIndex
        // A keyword without its separator (`xoxe` of `xoxe-…`) leaves it at the body's start.
        if index < body.endIndex, Self.isSeparator(body[index]) { index += 1 }
        var repeated = 0
        while index < body.endIndex {
            let byte = body[index]
            guard ByteClass.isAlphanumeric(byte) else { return false }
            var end = index + 1
            while end < body.endIndex, body[end] == byte { end += 1 }
            guard end - index >= 4 else { return false }
            repeated += end - index
            guard end < body.endIndex else { break }
            let separator = body[end]
            guard Self.isSeparator(separator), end + 1 < body.endIndex else { return false }
            index = end + 1
        }
        return repeated >= minimumPlaceholderBody
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}
