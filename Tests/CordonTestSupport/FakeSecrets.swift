import Foundation

/// Generates fake but well-formed sensitive values for tests: right prefix, alphabet, length and
/// checksum, random content. Nothing here is a real credential.
package struct FakeSecrets {
    private var generator: SeededGenerator

    package init(seed: UInt64 = 42) { generator = SeededGenerator(seed: seed) }

    package static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    package static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    package static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    package mutating func random(_ alphabet: [Character], count: Int) -> String {
        String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// A `ghp_` token whose last 6 characters are the base62 CRC32 of the 30 before them.
    package mutating func githubToken(prefix: String = "ghp_") -> String {
        let body = random(Self.base62, count: 30)
        var crc = crc32(Array(body.utf8))
        var suffix = ""
        for _ in 0..<6 {
            suffix = String(Self.base62[Int(crc % 62)]) + suffix
            crc /= 62
        }
        return prefix + body + suffix
    }

    /// An `AKIA` access key id.
    package mutating func awsAccessKeyID() -> String { "AKIA" + random(Self.base32, count: 16) }

    /// A 16-digit Visa-prefixed number with a valid Luhn digit.
    package mutating func cardNumber() -> String {
        var digits = [4] + (0..<14).map { _ in Int(generator.next() % 10) }
        digits.append(luhnCheckDigit(digits))
        return digits.map(String.init).joined()
    }

    /// A valid-format SSN outside the reserved ranges.
    package mutating func ssn() -> String {
        let area = 100 + Int(generator.next() % 565)  // 100...664
        let group = 1 + Int(generator.next() % 99)
        let serial = 1 + Int(generator.next() % 9999)
        return String(format: "%03d-%02d-%04d", area, group, serial)
    }

    /// A German IBAN with a valid mod-97 check.
    package mutating func iban() -> String {
        let bban = (0..<18).map { _ in String(generator.next() % 10) }.joined()
        var remainder = 0
        for character in bban + "1314" + "00" {  // D=13, E=14
            remainder = (remainder * 10 + Int(String(character))!) % 97
        }
        return "DE" + String(format: "%02d", 98 - remainder) + bban
    }

    /// An e-mail address at a fake domain.
    package mutating func email() -> String {
        random(Array("abcdefghijklmnopqrstuvwxyz"), count: 8) + "@acme-corp.io"
    }

    private func luhnCheckDigit(_ digits: [Int]) -> Int {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = digit
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

/// A small deterministic random number generator (SplitMix64) so test data is reproducible.
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
