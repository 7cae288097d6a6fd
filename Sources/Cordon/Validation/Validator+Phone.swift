extension Validator {
    /// The digits a phone number holds (``isPlausiblePhoneNumber(_:)``): 7–15 (E.164 allows 15),
    /// or 6 written in blank-separated groups.
    static let phoneNumberDigits = 6...15

    /// Whether `value` can be a phone number as people write it: 7–15 digits (E.164 allows 15),
    /// not a single repeated digit, and not shaped like the other numbers that sit near the same
    /// words ("call me on 2024-05-01", "office 10.0.3.4", "desk v1.2.3"): a date (2024-05-01,
    /// 12/05/2024, 12.05.24), an IPv4 address, or a bare run of fewer than 10 digits. An
    /// extension (`x1730`, `ext. 12`) is not counted.
    ///
    /// One pass that keeps only what the rules read — each digit group's length, the separator
    /// after it, whether every digit equals the first — in stack buffers: the digit groups were
    /// an array of arrays and the separators another array, 7,000 instructions a call, 41.7 M of
    /// the dense corpus' 2,445 M (callgrind; #13). `ValidatorReferenceTests` compares it with that
    /// implementation on random and edge inputs.
    static func isPlausiblePhoneNumber(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        // At most one group (and one separator) per two bytes, plus one.
        let capacity = value.count / 2 + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { lengths in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { separators in
                isPlausiblePhoneNumber(value, lengths: lengths, separators: separators)
            }
        }
    }

    /// ``isPlausiblePhoneNumber(_:)`` with buffers for the group lengths and the separators.
    private static func isPlausiblePhoneNumber(
        _ value: UnsafeBufferPointer<UInt8>, lengths: UnsafeMutableBufferPointer<Int>,
        separators: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        // The groups are `lengths[0..<groupCount]`; the last one counts while it is open
        // (`current`), and is dropped when it ends empty. A separator is read after a
        // non-empty group only, so every group but the open one is non-empty.
        var groupCount = 0
        var separatorCount = 0
        var current = 0
        var digits = 0
        var firstDigit: UInt8 = 0
        var allSameDigit = true
        // The first group's first two digits (`international` reads "00").
        var firstGroupLeadsWithZeros = false
        for byte in value {
            if ByteClass.isDigit(byte) {
                if digits == 0 {
                    firstDigit = byte
                } else if byte != firstDigit {
                    allSameDigit = false
                }
                digits += 1
                current += 1
                if groupCount == 0, current == 2 { firstGroupLeadsWithZeros = firstDigit == 0x30 && byte == 0x30 }
            } else if ByteClass.isLetter(byte) {
                break  // an extension: x1730, ext. 12
            } else if current > 0 {
                separators[separatorCount] = byte
                separatorCount += 1
                lengths[groupCount] = current
                groupCount += 1
                current = 0
            }
        }
        if current > 0 {
            lengths[groupCount] = current
            groupCount += 1
        }
        let groups = UnsafeBufferPointer(rebasing: lengths[0..<groupCount])
        let separators = UnsafeBufferPointer(rebasing: separators[0..<separatorCount])
        let space = UInt8(ascii: " ")
        let dot = UInt8(ascii: ".")
        // Six digits are a national number in several countries (87 47 98 in Denmark's old
        // plan, Iceland, many islands), but only written in blank-separated groups: a bare or
        // dashed six-digit run is a code, a date or a time far more often.
        let sixInGroups = digits == phoneNumberDigits.lowerBound && groupCount >= 2 && separators.allSatisfy { $0 == space }
        guard phoneNumberDigits.contains(digits), digits > phoneNumberDigits.lowerBound || sixInGroups, groupCount > 0 else {
            return false
        }
        // A bare run of fewer than 10 digits is as often an order or build number as a phone
        // number; written as a phone number it has a separator, a bracket or a + prefix.
        if groupCount == 1, digits < 10, ByteClass.isDigit(value[0]) { return false }
        if allSameDigit { return false }
        func isDateSeparator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == dot
        }
        if groupCount == 3, separatorCount > 0, separators.allSatisfy({ $0 == separators[0] }), isDateSeparator(separators[0]),
            (groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2 && groups[1] >= 1 && groups[2] >= 1)
                || (groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 2 || groups[2] == 4))
        {
            return false
        }
        let international = value[0] == UInt8(ascii: "+") || firstGroupLeadsWithZeros
        // A decimal or a timestamp (1487875500.33, 0.08848053): two groups joined by one dot.
        if !international, groupCount == 2, separatorCount == 1, separators[0] == dot { return false }
        // A group longer than any phone number's part, a bare run longer than a national
        // number (an account id, 123456789012), a last group of one digit (id=01956-02-2), a
        // US ZIP+4 code (91011-1111).
        if groups.contains(where: { $0 > 11 }) || (!international && groupCount == 1 && digits > 11) { return false }
        if groupCount > 1, groups[groupCount - 1] == 1 { return false }
        if groupCount == 2, groups[0] == 5, groups[1] == 4, separatorCount == 1, separators[0] == UInt8(ascii: "-") { return false }
        // A date with more after it (2024-05-01 10, 2024/05/01 1030).
        if groupCount > 3, groups[0] == 4, groups[1] <= 2, groups[2] <= 2, separators[0] == separators[1],
            isDateSeparator(separators[0])
        {
            return false
        }
        // Dotted quads: four groups of 1–3 digits separated by dots (01.23.45.67.89 is French).
        if groupCount == 4, separators.allSatisfy({ $0 == dot }), groups.allSatisfy({ $0 <= 3 }) {
            return false
        }
        return true
    }
}
