import CordonJSON
import Foundation

extension Validator {
    /// Returns whether `value` passes this check.
    public func validate(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .luhn: Validator.isLuhnValid(value)
        case .ibanMod97: Validator.isValidIBAN(value)
        case .usSSN: Validator.isValidSSN(value)
        case .githubChecksum: Validator.hasValidGitHubChecksum(value)
        case .jwt: Validator.isWellFormedJWT(value)
        case .usITIN: Validator.isValidITIN(value)
        case .ukNINO: Validator.isValidNINO(value)
        case .nhsMod11: Validator.isValidNHSNumber(value)
        case .abaRouting: Validator.isValidABARouting(value)
        case .caSIN: Validator.isValidCanadianSIN(value)
        case .aadhaarVerhoeff: Validator.isValidAadhaar(value)
        case .base58Check: Validator.hasValidBase58Check(value)
        case .bech32: Validator.hasValidBech32(value)
        case .eip55: Validator.hasValidEIP55Checksum(value)
        case .phoneNumber: Validator.isPlausiblePhoneNumber(value)
        }
    }

    /// Returns whether `value` passes this check.
    public func validate(_ value: String) -> Bool {
        var copy = value
        return copy.withUTF8 { validate($0) }
    }

    /// The fewest ASCII digits a value this check accepts holds, 0 when it needs none: a search
    /// whose bytes hold fewer yields no value it accepts, so it need not run (``ValueDigitFloor``;
    /// `phone-contextual`'s searches around `call` and `message` in code hold no phone number).
    /// Each is the constant its check itself reads, so the two cannot drift apart.
    var minimumDigits: Int {
        switch self {
        case .luhn: Validator.cardDigits.lowerBound
        case .usSSN: Validator.ssnDigits
        case .usITIN: Validator.itinDigits
        case .ukNINO: Validator.ninoDigits
        case .nhsMod11: Validator.nhsDigits
        case .abaRouting: Validator.abaDigits
        case .caSIN: Validator.canadianSINDigits
        case .aadhaarVerhoeff: Validator.aadhaarDigits
        case .phoneNumber: Validator.phoneNumberDigits.lowerBound
        case .ibanMod97, .githubChecksum, .jwt, .base58Check, .bech32, .eip55: 0
        }
    }

    // MARK: - Checks

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-")
    }

    /// What may stand between the groups of a US SSN or ITIN as people write them: space, `-`,
    /// and in forms and exports also `.` and `/` (512.47.3081, 512/47/3081).
    static func isNumberGroupSeparator(_ byte: UInt8) -> Bool {
        isSeparator(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
    }

    /// What may stand between the digit groups of a card number as people write it: space,
    /// dash, dot, tab, a line break, or a no-break space (the two UTF-8 bytes C2 A0).
    static func isCardSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "\t"), UInt8(ascii: "\r"),
            UInt8(ascii: "\n"), 0xC2, 0xA0:
            true
        default: false
        }
    }


    /// The digits a card number has (``isLuhnValid(_:)``).
    static let cardDigits = 12...19

    static func isLuhnValid(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0
        for byte in value {
            if ByteClass.isDigit(byte) { digits += 1 } else if !isCardSeparator(byte) { return false }
        }
        guard cardDigits.contains(digits) else { return false }
        var sum = 0
        var double = false
        for byte in value.reversed() where ByteClass.isDigit(byte) {
            var digit = Int(byte - UInt8(ascii: "0"))
            if double {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
            double.toggle()
        }
        return sum % 10 == 0
    }

    /// The digits of a US SSN (``isValidSSN(_:)``).
    static let ssnDigits = 9

    static func isValidSSN(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits: [Int] = []
        digits.reserveCapacity(9)
        for byte in value {
            if ByteClass.isDigit(byte) { digits.append(Int(byte - UInt8(ascii: "0"))) } else if !isNumberGroupSeparator(byte) { return false }
        }
        guard digits.count == ssnDigits else { return false }
        let area = digits[0] * 100 + digits[1] * 10 + digits[2]
        let group = digits[3] * 10 + digits[4]
        let serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8]
        guard area != 0, area != 666, group != 0, serial != 0 else { return false }
        // Area 900-999 is never issued as an SSN. Its ITIN groups are a real taxpayer number (the
        // us-itin detectors); the rest (912-34-5678) is a documentation or test value, which the
        // detector files tag as such (`test_values`), so that filters still redact it.
        if area >= 900 { return !isValidITIN(value) }
        return true
    }

    /// IBAN lengths by ISO 3166 country code (SWIFT IBAN registry).
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
        "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
        "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
        "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
        "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
        "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
        "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
        "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
        "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]

    /// ``ibanLengths`` by country code: the length at `(first - A) * 26 + (second - A)`, 0 for
    /// a code that is no IBAN country.
    private static let ibanLengthTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 26 * 26)
        for (country, length) in ibanLengths {
            let code = Array(country.utf8)
            table[Int(code[0] - UInt8(ascii: "A")) * 26 + Int(code[1] - UInt8(ascii: "A"))] = UInt8(length)
        }
        return table
    }()

    /// Whether `value` is an IBAN: a known country's length and the mod-97 check.
    ///
    /// The characters go into a stack buffer and the country's length is read from a table:
    /// an array and a `String` for the dictionary lookup were made per call, 4,900 instructions
    /// a call on the dense corpus (callgrind; #13). `ValidatorReferenceTests` compares it with that
    /// implementation on random and edge inputs.
    static func isValidIBAN(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 35) { chars in
            var count = 0
            // Grouped by four with blanks or dashes (DE89-3704-…), either case.
            for byte in value where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): chars[count] = byte - 32
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): chars[count] = byte
                default: return false
                }
                count += 1
                if count > 34 { return false }
            }
            guard count >= 15, ByteClass.isUppercaseLetter(chars[0]), ByteClass.isUppercaseLetter(chars[1]),
                Int(ibanLengthTable[Int(chars[0] - UInt8(ascii: "A")) * 26 + Int(chars[1] - UInt8(ascii: "A"))]) == count,
                ByteClass.isDigit(chars[2]), ByteClass.isDigit(chars[3])
            else { return false }
            var remainder = 0
            for index in 0..<count {
                // The first four characters go last.
                let byte = chars[index < count - 4 ? index + 4 : index - (count - 4)]
                if ByteClass.isDigit(byte) {
                    remainder = (remainder * 10 + Int(byte - UInt8(ascii: "0"))) % 97
                } else {
                    remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
                }
            }
            return remainder == 1
        }
    }

    private static let base62: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func hasValidGitHubChecksum(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        // ghp_ + 30 random + 6 checksum characters.
        guard value.count == 40, value[3] == UInt8(ascii: "_") else { return false }
        let body = UnsafeBufferPointer(rebasing: value[4..<34])
        var crc = CRC32.checksum(body)
        var encoded = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
        var index = 5
        while crc > 0 && index >= 0 {
            encoded[index] = base62[Int(crc % 62)]
            crc /= 62
            index -= 1
        }
        return crc == 0 && encoded.elementsEqual(value[34..<40])
    }

    static func isWellFormedJWT(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let parts = value.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].allSatisfy(isBase64URL),
            let header = decodeBase64URL(parts[0]), let payload = decodeBase64URL(parts[1]),
            case .object = try? JSONValue(parsing: payload),
            let headerObject = try? JSONValue(parsing: header), headerObject.isObject, headerObject["alg"] != nil
        else { return false }
        return true
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        base64URLValue(byte) != nil
    }

    /// The 6-bit value of a base64url character.
    @inline(__always)
    private static func base64URLValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }

    /// Decodes unpadded base64url; `nil` for an empty part, a character outside the alphabet, or
    /// a length that leaves a single character over (no byte can end there).
    static func decodeBase64URL(_ part: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8]? {
        guard !part.isEmpty, part.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(part.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in part {
            guard let value = base64URLValue(byte) else { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return bytes
    }
}

/// The IEEE 802.3 CRC-32 (as zlib's `crc32`), used by token checksums.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
