import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

@Suite("Validators")
struct ValidatorTests {
    @Test("Luhn accepts valid card numbers with or without separators")
    func luhnAcceptsValidNumbers() {
        var fake = FakeSecrets(seed: 1)
        for _ in 0..<50 {
            let card = fake.cardNumber()
            #expect(Validator.luhn.validate(card))
            let grouped = stride(from: 0, to: 16, by: 4).map { i in
                String(card.dropFirst(i).prefix(4))
            }.joined(separator: " ")
            #expect(Validator.luhn.validate(grouped))
        }
        #expect(Validator.luhn.validate("4111-1111-1111-1111"))
    }

    @Test("Luhn rejects a changed digit, letters and wrong lengths")
    func luhnRejectsInvalid() {
        #expect(!Validator.luhn.validate("4111111111111112"))
        #expect(!Validator.luhn.validate("4111x11111111111"))
        #expect(!Validator.luhn.validate("42"))
        #expect(!Validator.luhn.validate("41111111111111111111111"))
        #expect(!Validator.luhn.validate(""))
    }

    @Test("IBAN mod-97 with per-country length")
    func iban() {
        var fake = FakeSecrets(seed: 2)
        for _ in 0..<20 { #expect(Validator.ibanMod97.validate(fake.iban())) }
        #expect(Validator.ibanMod97.validate("GB82 WEST 1234 5698 7654 32"))
        #expect(Validator.ibanMod97.validate("gb82west12345698765432"))
        #expect(!Validator.ibanMod97.validate("GB82 WEST 1234 5698 7654 33"), "check digits wrong")
        #expect(!Validator.ibanMod97.validate("GB82 WEST 1234 5698 7654 3"), "one character short for GB")
        #expect(!Validator.ibanMod97.validate("ZZ82WEST12345698765432"), "unknown country")
        #expect(Validator.ibanMod97.validate("GB82-WEST-1234-5698-7654-32"), "grouped with dashes (issue 15)")
        #expect(!Validator.ibanMod97.validate("GB82_WEST_1234_5698_7654_32"), "other separators are not an IBAN")
    }

    @Test("US SSN area, group and serial rules; the 9xx area outside the ITIN groups and published numbers pass (tagged as test values by the detector files)")
    func ssn() {
        #expect(Validator.usSSN.validate("536-22-1234"))
        #expect(Validator.usSSN.validate("536 22 1234"))
        #expect(Validator.usSSN.validate("536221234"))
        for testValue in ["900-22-1234", "999-22-1234", "123-45-6789", "078-05-1120"] {
            #expect(Validator.usSSN.validate(testValue), "\(testValue) is a test value, found and tagged")
        }
        for invalid in ["000-22-1234", "666-22-1234", "536-00-1234", "536-22-0000", "536-22-123", "53a-22-1234",
                        "956-55-9136", "912-70-1234"] {
            #expect(!Validator.usSSN.validate(invalid), "\(invalid) should be rejected")
        }
    }

    @Test("GitHub token CRC32 checksum")
    func githubChecksum() {
        var fake = FakeSecrets(seed: 3)
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
            let token = fake.githubToken(prefix: prefix)
            #expect(Validator.githubChecksum.validate(token))
            var broken = Array(token)
            broken[10] = broken[10] == "a" ? "b" : "a"
            #expect(!Validator.githubChecksum.validate(String(broken)), "a changed body must fail the checksum")
        }
        #expect(!Validator.githubChecksum.validate("ghp_" + String(repeating: "a", count: 36)))
        #expect(!Validator.githubChecksum.validate("ghp_short"))
    }

    @Test("JWT structure: JSON header with alg, JSON payload, base64url signature")
    func jwt() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890","name":"Test"} . signature
        let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        let payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IlRlc3QifQ"
        #expect(Validator.jwt.validate("\(header).\(payload).c2lnbmF0dXJlLW5vdC1yZWFs"))
        #expect(Validator.jwt.validate("\(header).\(payload)."), "an unsigned token is still a token")
        // {"typ":"JWT"} has no alg.
        #expect(!Validator.jwt.validate("eyJ0eXAiOiJKV1QifQ.\(payload).c2ln"))
        #expect(!Validator.jwt.validate("\(header).bm90IGpzb24.c2ln"), "payload is not JSON")
        #expect(!Validator.jwt.validate("\(header).\(payload)"), "two parts only")
        #expect(!Validator.jwt.validate("\(header).\(payload).c2ln.extra"))
    }

    @Test("The base64url decoder agrees with Foundation's base64 on every length and alphabet")
    func base64URL() {
        var generator = SeededGenerator(seed: 17)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for length in 0..<40 {
            for _ in 0..<20 {
                var text = (0..<length).map { _ in alphabet[Int(generator.next() % 64)] }
                if length > 0, generator.next() % 8 == 0 { text[Int(generator.next() % UInt64(length))] = UInt8(ascii: "+") }
                let ours = text.withUnsafeBufferPointer { Validator.decodeBase64URL($0[...]) }
                var standard = String(decoding: text.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 }, as: UTF8.self)
                let valid = !text.contains(UInt8(ascii: "+")) && !text.isEmpty
                while standard.utf8.count % 4 != 0 { standard += "=" }
                let foundation = valid ? Data(base64Encoded: standard).map { [UInt8]($0) } : nil
                // Foundation accepts trailing bits that do not form a byte; so do we.
                #expect(ours == foundation, "length \(length)")
            }
        }
    }

    @Test("Entropy is 0 for a repeated byte and log2(n) for n distinct bytes")
    func entropy() {
        func bits(_ text: String) -> Double {
            var copy = text
            return copy.withUTF8 { Entropy.bitsPerByte($0) }
        }
        #expect(bits("aaaaaaaa") == 0)
        #expect(abs(bits("abcd") - 2) < 1e-9)
        #expect(abs(bits("0123456789abcdef") - 4) < 1e-9)
    }

    @Test("The entropy floor test answers as bitsPerByte does: random values, floors at, just above and just below their entropy, longer values than its table")
    func entropyFloorMatchesBitsPerByte() {
        var generator = SeededGenerator(seed: 53)
        var below = 0
        for round in 0..<3_000 {
            let length = round % 100 == 0 ? 4_090 + Int(generator.next() % 20) : Int(generator.next() % 300)
            let alphabet = 1 + Int(generator.next() % 256)
            let value = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % UInt64(alphabet)) }
            value.withUnsafeBufferPointer { bytes in
                let exact = Entropy.bitsPerByte(bytes)
                for floor in [exact, exact.nextUp, exact.nextDown, exact + 1e-7, exact - 1e-7, 2.0, 3.0, 3.5, 4.0, 0.0] {
                    let answer = Entropy.isBelow(floor, bytes)
                    #expect(answer == (exact < floor), "length \(length), floor \(floor)")
                    if answer { below += 1 }
                }
            }
        }
        #expect(below > 3_000)
    }
}

@Suite("Validators for national ids, routing numbers and crypto addresses")
struct MoreValidatorTests {
    @Test("US ITIN allocation groups")
    func itin() {
        #expect(Validator.usITIN.validate("912-70-1234"))
        #expect(Validator.usITIN.validate("900 94 0001"))
        #expect(!Validator.usITIN.validate("912-40-1234"), "group 40 is not allocated")
        #expect(!Validator.usITIN.validate("812-70-1234"), "must start with 9")
    }

    @Test("UK NINO prefix rules")
    func nino() {
        #expect(Validator.ukNINO.validate("AB123456C"))
        #expect(Validator.ukNINO.validate("ab 12 34 56 d"))
        #expect(!Validator.ukNINO.validate("QQ123456C"), "HMRC's specimen prefix is never issued")
        #expect(!Validator.ukNINO.validate("GB123456A"), "excluded prefix")
        #expect(!Validator.ukNINO.validate("AO123456A"), "O is not a valid second letter")
        #expect(!Validator.ukNINO.validate("AB123456E"), "suffix must be A-D")
    }

    @Test("NHS number mod-11")
    func nhs() {
        #expect(Validator.nhsMod11.validate("943 476 5919"))
        #expect(!Validator.nhsMod11.validate("943 476 5918"))
        #expect(!Validator.nhsMod11.validate("0000000000"), "all one digit")
    }

    @Test("ABA routing numbers")
    func aba() {
        #expect(Validator.abaRouting.validate("021000021"))
        #expect(Validator.abaRouting.validate("011000015"))
        #expect(!Validator.abaRouting.validate("021000022"), "checksum")
        #expect(!Validator.abaRouting.validate("991000024"), "prefix 99 is not a Federal Reserve district")
    }

    @Test("Canadian SIN and Aadhaar")
    func sinAndAadhaar() {
        #expect(Validator.caSIN.validate("130 692 544"))
        #expect(!Validator.caSIN.validate("130 692 545"))
        #expect(!Validator.caSIN.validate("046 454 286"), "Luhn-valid, but 0 marks fictitious numbers")
        #expect(Validator.aadhaarVerhoeff.validate("2341 2341 2346"))
        #expect(!Validator.aadhaarVerhoeff.validate("2341 2341 2347"))
        #expect(!Validator.aadhaarVerhoeff.validate("1341 2341 2346"), "cannot start with 1")
    }

    @Test("Keccak-256 matches the published digest of the empty message")
    func keccak() {
        let digest = Keccak256.hash([]).map { String(format: "%02x", $0) }.joined()
        #expect(digest == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    @Test("EIP-55 checksums from the EIP's examples")
    func eip55() {
        for address in ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"] {
            #expect(Validator.eip55.validate(address), "\(address)")
        }
        #expect(!Validator.eip55.validate("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), "one letter's case flipped")
        #expect(Validator.eip55.validate("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), "single case: no checksum")
        #expect(!Validator.eip55.validate("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"), "39 hex digits")
    }

    @Test("Bech32 and Bech32m from BIP-173 and BIP-350")
    func bech32() {
        #expect(Validator.bech32.validate("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"))
        #expect(Validator.bech32.validate("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"))
        #expect(Validator.bech32.validate("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"))
        #expect(!Validator.bech32.validate("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), "checksum")
        #expect(!Validator.bech32.validate("bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), "mixed case")
    }

    @Test("Base58Check on the well-known genesis block address")
    func base58check() {
        #expect(Validator.base58Check.validate("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"))
        #expect(!Validator.base58Check.validate("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"))
        #expect(!Validator.base58Check.validate("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a"), "0 is not base58")
    }
}
