import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The rewritten per-value checks (entropy, phone plausibility, IBAN) against the
/// implementations they replaced, kept here as the reference: same answers, and for entropy the
/// same `Double` bit for bit.
@Suite("Per-value checks equal their reference implementations")
struct ValidatorReferenceTests {
    // MARK: - Reference implementations (the code before #13's dense-corpus round)

    /// Shannon entropy over all 256 counts in ascending byte order.
    static func referenceEntropy(_ bytes: [UInt8]) -> Double {
        guard bytes.count > 1 else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            entropy -= p * log2(p)
        }
        return entropy
    }

    static func referencePhone(_ value: [UInt8]) -> Bool {
        var groups: [[UInt8]] = [[]]
        var separators: [UInt8] = []
        var digits = 0
        for byte in value {
            if ByteClass.isDigit(byte) {
                digits += 1
                groups[groups.count - 1].append(byte)
            } else if ByteClass.isLetter(byte) {
                break
            } else if !groups[groups.count - 1].isEmpty {
                separators.append(byte)
                groups.append([])
            }
        }
        if groups.last?.isEmpty == true { groups.removeLast() }
        let sixInGroups = digits == 6 && groups.count >= 2 && separators.allSatisfy { $0 == UInt8(ascii: " ") }
        guard (7...15).contains(digits) || sixInGroups, let first = groups.first?.first else { return false }
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
        if !international, lengths.count == 2, separators == [UInt8(ascii: ".")] { return false }
        if lengths.contains(where: { $0 > 11 }) || (!international && groups.count == 1 && digits > 11) { return false }
        if lengths.count > 1, lengths.last == 1 { return false }
        if lengths == [5, 4], separators == [UInt8(ascii: "-")] { return false }
        if lengths.count > 3, lengths[0] == 4, lengths[1] <= 2, lengths[2] <= 2, separators[0] == separators[1],
            dateSeparators.contains(separators[0])
        {
            return false
        }
        if lengths.count == 4, separators.allSatisfy({ $0 == UInt8(ascii: ".") }), lengths.allSatisfy({ $0 <= 3 }) {
            return false
        }
        return true
    }

    static func referenceIBAN(_ value: [UInt8]) -> Bool {
        var chars: [UInt8] = []
        for byte in value where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): chars.append(byte - 32)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): chars.append(byte)
            default: return false
            }
            if chars.count > 34 { return false }
        }
        guard chars.count >= 15,
            let country = String(bytes: chars[0..<2], encoding: .ascii),
            Validator.ibanLengths[country] == chars.count,
            ByteClass.isDigit(chars[2]), ByteClass.isDigit(chars[3])
        else { return false }
        var remainder = 0
        for byte in chars[4...] + chars[0..<4] {
            if ByteClass.isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - UInt8(ascii: "0"))) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
            }
        }
        return remainder == 1
    }

    // MARK: - Helpers

    static func entropy(_ bytes: [UInt8]) -> Double { bytes.withUnsafeBufferPointer { Entropy.bitsPerByte($0) } }
    static func phone(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { Validator.isPlausiblePhoneNumber($0) } }
    static func iban(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { Validator.isValidIBAN($0) } }

    static func random(_ length: Int, from alphabet: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
    }

    // MARK: - Entropy

    @Test("Entropy equals the 256-count formula bit for bit on random bytes of every length 0–300")
    func entropyRandom() {
        var generator = SeededGenerator(seed: 1301)
        let narrow = Array("abc".utf8)
        let text = Array("0123456789abcdefABCDEF_-+/=".utf8)
        let everyByte = (0...255).map { UInt8($0) }
        for length in 0...300 {
            for alphabet in [narrow, text, everyByte] {
                let bytes = Self.random(length, from: alphabet, &generator)
                #expect(Self.entropy(bytes).bitPattern == Self.referenceEntropy(bytes).bitPattern, "length \(length)")
            }
        }
    }

    @Test("Entropy of all-equal and all-distinct bytes, empty and one byte, equals the formula bit for bit")
    func entropyEdges() {
        for length in [0, 1, 2, 3, 63, 64, 65, 255, 256, 257, 1000] {
            for byte in [UInt8(0), 0x3F, 0x40, 0x7F, 0x80, 0xFF] {
                let bytes = [UInt8](repeating: byte, count: length)
                #expect(Self.entropy(bytes).bitPattern == Self.referenceEntropy(bytes).bitPattern)
                #expect(Self.entropy(bytes) == 0)
            }
        }
        // Every byte value once (8 bits), in ascending, descending and shuffled order; and each
        // prefix, which covers a distinct count of 0–256 values across all four mask words.
        var generator = SeededGenerator(seed: 1302)
        let ascending = (0...255).map { UInt8($0) }
        for bytes in [ascending, ascending.reversed(), ascending.shuffled(using: &generator)] {
            #expect(Self.entropy(bytes).bitPattern == Self.referenceEntropy(bytes).bitPattern)
            for count in 0...256 {
                let prefix = Array(bytes.prefix(count))
                #expect(Self.entropy(prefix).bitPattern == Self.referenceEntropy(prefix).bitPattern, "\(count) distinct")
            }
        }
        #expect(Self.entropy(ascending) == 8)
    }

    // MARK: - Phone numbers

    @Test("Phone plausibility equals the reference on edge inputs")
    func phoneEdges() {
        let cases = [
            "", "+", "1", "123456", "12 34 56", "12-34-56", "1234567", "123456789", "1234567890", "+1234567",
            "555-0123", "(555) 555-0123", "+44 20 7946 0958", "+44 20 7946 0958 x1730", "0044 20 7946 0958",
            "00 44 20", "2024-05-01", "2024-5-1", "12/05/2024", "12.05.24", "10.0.3.4", "01.23.45.67.89",
            "1487875500.33", "0.08848053", "91011-1111", "2024-05-01 10", "2024/05/01 1030", "01956-02-2",
            "123456789012", "+123456789012", "1111111", "111-111-1111", "87 47 98", "87-47-98", "87 47 98 ",
            "555-0123-", "555--0123", " 555 0123", "12.34.", "12.34", "+12.34567", "00.1234567",
            "0", "00", "000", "00123456789", "0012.3456789", "555 0123 ext. 12", "x1234567", "1234567x",
            "123456789012345", "1234567890123456", "1 2 3 4 5 6 7", "1-2-3-4-5-6-7-8", "12 34 56 7", "4444 4444 5",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            #expect(Self.phone(bytes) == Self.referencePhone(bytes), "\(text)")
        }
    }

    @Test("Phone plausibility equals the reference on random inputs of digits, separators and letters")
    func phoneRandom() {
        var generator = SeededGenerator(seed: 1303)
        let alphabets = [
            Array("0123456789 -./()+".utf8), Array("0000111 -.".utf8), Array("0123456789 -.x".utf8),
            Array("0123456789 -./()+ext".utf8) + [0xC2, 0xA0, 0xFF, 0x00],
        ]
        var accepted = 0
        for _ in 0..<40_000 {
            let alphabet = alphabets[Int(generator.next() % UInt64(alphabets.count))]
            let bytes = Self.random(Int(generator.next() % 30), from: alphabet, &generator)
            let answer = Self.phone(bytes)
            if answer { accepted += 1 }
            #expect(answer == Self.referencePhone(bytes), "\(bytes)")
        }
        // Both answers occur, so the comparison says something.
        #expect(accepted > 1000 && accepted < 39_000)
    }

    // MARK: - IBAN

    @Test("IBAN equals the reference on valid, mutated, edge and random inputs")
    func ibanCases() {
        var fake = FakeSecrets(seed: 1304)
        var generator = SeededGenerator(seed: 1305)
        var inputs: [[UInt8]] = [
            [], Array("GB82 WEST 1234 5698 7654 32".utf8), Array("gb82west12345698765432".utf8),
            Array("NO9386011117947".utf8), Array("NO938601111794".utf8), Array("NO93860111179470".utf8),
            Array("LC55HEMM000100010012001200023015".utf8), Array("RU0204452560040702810412345678901".utf8),
            Array("12AB34567890123456789".utf8), Array("G182WEST12345698765432".utf8), Array("@@82WEST12345698765432".utf8),
            Array("[[82WEST12345698765432".utf8), Array("GBX2WEST12345698765432".utf8), Array("GB82_WEST".utf8),
            Array("GB82WEST123456987654321234567890123456".utf8), Array("---- ----".utf8),
        ]
        for _ in 0..<2000 {
            var valid = Array(fake.iban().utf8)
            inputs.append(valid)
            let index = Int(generator.next() % UInt64(valid.count))
            switch generator.next() % 4 {
            case 0: valid[index] = UInt8(ascii: "0") + UInt8(generator.next() % 10)
            case 1: valid[index] = UInt8(ascii: "a") + UInt8(generator.next() % 26)
            case 2: valid.remove(at: index)
            default: valid.insert(UInt8(ascii: "-"), at: index)
            }
            inputs.append(valid)
        }
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabz -_".utf8)
        for _ in 0..<5000 { inputs.append(Self.random(Int(generator.next() % 40), from: alphabet, &generator)) }
        var accepted = 0
        for bytes in inputs {
            let answer = Self.iban(bytes)
            if answer { accepted += 1 }
            #expect(answer == Self.referenceIBAN(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted >= 2000)
    }
}
