extension Validator {
    /// Whether `value` can be a phone number as people write it: 7–15 digits (E.164 allows 15),
    /// not a single repeated digit, and not shaped like the other numbers that sit near the same
    /// words ("call me on 2024-05-01", "office 10.0.3.4", "desk v1.2.3"): a date (2024-05-01,
    /// 12/05/2024, 12.05.24), an IPv4 address, or a bare run of fewer than 10 digits. An
    /// extension (`x1730`, `ext. 12`) is not counted.
    static func isPlausiblePhoneNumber(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var groups: [[UInt8]] = [[]]
        var separators: [UInt8] = []
        var digits = 0
        for byte in value {
            if ByteClass.isDigit(byte) {
                digits += 1
                groups[groups.count - 1].append(byte)
            } else if ByteClass.isLetter(byte) {
                break  // an extension: x1730, ext. 12
            } else if !groups[groups.count - 1].isEmpty {
                separators.append(byte)
                groups.append([])
            }
        }
        if groups.last?.isEmpty == true { groups.removeLast() }
        // Six digits are a national number in several countries (87 47 98 in Denmark's old
        // plan, Iceland, many islands), but only written in blank-separated groups: a bare or
        // dashed six-digit run is a code, a date or a time far more often.
        let sixInGroups = digits == 6 && groups.count >= 2 && separators.allSatisfy { $0 == UInt8(ascii: " ") }
        guard (7...15).contains(digits) || sixInGroups, let first = groups.first?.first else { return false }
        // A bare run of fewer than 10 digits is as often an order or build number as a phone
        // number; written as a phone number it has a separator, a bracket or a + prefix.
        if groups.count == 1, digits < 10, value.first.map(ByteClass.isDigit) == true { return false }
        if groups.allSatisfy({ $0.allSatisfy { $0 == first } }) { return false }
        let lengths = groups.map(\.count)
        let dateSeparators: Set<UInt8> = [UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ".")]
        if lengths.count == 3, Set(separators).count == 1, let separator = separators.first, dateSeparators.contains(separator),
            (lengths == [4, 2, 2] || lengths == [4, 1, 2] || lengths == [4, 2, 1] || lengths == [4, 1, 1]
                || (lengths[0] <= 2 && lengths[1] <= 2 && (lengths[2] == 2 || lengths[2] == 4)))
        {
            return false
        }
        let international = value.first == UInt8(ascii: "+") || (lengths[0] >= 2 && groups[0][0] == 0x30 && groups[0][1] == 0x30)
        // A decimal or a timestamp (1487875500.33, 0.08848053): two groups joined by one dot.
        if !international, lengths.count == 2, separators == [UInt8(ascii: ".")] { return false }
        // A group longer than any phone number's part, a bare run longer than a national
        // number (an account id, 123456789012), a last group of one digit (id=01956-02-2), a
        // US ZIP+4 code (91011-1111).
        if lengths.contains(where: { $0 > 11 }) || (!international && groups.count == 1 && digits > 11) { return false }
        if lengths.count > 1, lengths.last == 1 { return false }
        if lengths == [5, 4], separators == [UInt8(ascii: "-")] { return false }
        // A date with more after it (2024-05-01 10, 2024/05/01 1030).
        if lengths.count > 3, lengths[0] == 4, lengths[1] <= 2, lengths[2] <= 2, separators[0] == separators[1],
            dateSeparators.contains(separators[0])
        {
            return false
        }
        // Dotted quads: four groups of 1–3 digits separated by dots (01.23.45.67.89 is French).
        if lengths.count == 4, separators.allSatisfy({ $0 == UInt8(ascii: ".") }), lengths.allSatisfy({ $0 <= 3 }) {
            return false
        }
        return true
    }
}
