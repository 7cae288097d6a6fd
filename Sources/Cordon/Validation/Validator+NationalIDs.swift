/// Checks for national identifiers and bank routing numbers that carry a check digit or a fixed
/// allocation scheme.
extension Validator {
    /// The decimal digits of `value`, ignoring the separators of number groups (space, `-`, `.`,
    /// `/`); `nil` if anything else occurs.
    static func digits(_ value: UnsafeBufferPointer<UInt8>) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(value.count)
        for byte in value {
            if ByteClass.isDigit(byte) {
                result.append(Int(byte - UInt8(ascii: "0")))
            } else if !isNumberGroupSeparator(byte) {
                return nil
            }
        }
        return result
    }

    /// The digits of a US ITIN (``isValidITIN(_:)``).
    static let itinDigits = 9

    /// US ITIN: 9 digits starting with 9, the middle two in 50–65, 70–88, 90–92 or 94–99.
    static func isValidITIN(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let digits = digits(value), digits.count == itinDigits, digits[0] == 9 else { return false }
        let group = digits[3] * 10 + digits[4]
        return (50...65).contains(group) || (70...88).contains(group) || (90...92).contains(group)
            || (94...99).contains(group)
    }

    /// The digits of a UK National Insurance number, between its prefix letters and its suffix
    /// (``isValidNINO(_:)``).
    static let ninoDigits = 6

    /// UK National Insurance number: two prefix letters with the allocation exclusions, six
    /// digits, a suffix A–D (spaces allowed).
    static func isValidNINO(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var chars: [UInt8] = []
        for byte in value where byte != UInt8(ascii: " ") {
            chars.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
        }
        guard chars.count == ninoDigits + 3, chars[2..<2 + ninoDigits].allSatisfy(ByteClass.isDigit),
            (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(chars[8])
        else { return false }
        let first = chars[0]
        let second = chars[1]
        guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(second),
            !"DFIQUV".utf8.contains(first), !"DFIOQUV".utf8.contains(second)
        else { return false }
        let prefix = String(decoding: [first, second], as: UTF8.self)
        return !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(prefix)
    }

    /// The digits of a UK NHS number (``isValidNHSNumber(_:)``).
    static let nhsDigits = 10

    /// UK NHS number: 10 digits whose last is the mod-11 check of the first 9 (weights 10…2).
    static func isValidNHSNumber(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let digits = digits(value), digits.count == nhsDigits, Set(digits).count > 1 else { return false }
        let sum = (0..<9).reduce(0) { $0 + digits[$1] * (10 - $1) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == digits[9]
    }

    /// The digits of a US ABA routing number (``isValidABARouting(_:)``).
    static let abaDigits = 9

    /// US ABA routing number: 9 digits, weights 3-7-1 summing to a multiple of 10, and a Federal
    /// Reserve prefix (00–12, 21–32, 61–72, 80).
    static func isValidABARouting(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let digits = digits(value), digits.count == abaDigits, Set(digits).count > 1 else { return false }
        let prefix = digits[0] * 10 + digits[1]
        guard (0...12).contains(prefix) || (21...32).contains(prefix) || (61...72).contains(prefix) || prefix == 80 else {
            return false
        }
        let sum = 3 * (digits[0] + digits[3] + digits[6]) + 7 * (digits[1] + digits[4] + digits[7])
            + (digits[2] + digits[5] + digits[8])
        return sum % 10 == 0
    }

    /// The digits of a Canadian social insurance number (``isValidCanadianSIN(_:)``).
    static let canadianSINDigits = 9

    /// Canadian social insurance number: 9 digits, Luhn-valid, not starting with 0 or 8.
    static func isValidCanadianSIN(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let digits = digits(value), digits.count == canadianSINDigits, digits[0] != 0, digits[0] != 8 else { return false }
        return luhnSum(digits) % 10 == 0
    }

    /// The digits of an Indian Aadhaar number (``isValidAadhaar(_:)``).
    static let aadhaarDigits = 12

    /// Indian Aadhaar number: 12 digits, not starting with 0 or 1, with a Verhoeff check digit.
    static func isValidAadhaar(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let digits = digits(value), digits.count == aadhaarDigits, digits[0] > 1 else { return false }
        return verhoeffIsValid(digits)
    }

    static func luhnSum(_ digits: [Int]) -> Int {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = digit
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum
    }

    private static let verhoeffMultiplication: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    private static let verhoeffPermutation: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ]

    static func verhoeffIsValid(_ digits: [Int]) -> Bool {
        var check = 0
        for (index, digit) in digits.reversed().enumerated() {
            check = verhoeffMultiplication[check][verhoeffPermutation[index % 8][digit]]
        }
        return check == 0
    }
}
