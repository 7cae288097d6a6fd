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
        #expect(!Validator.ibanMod97.validate("GB82-WEST-1234-5698-7654-32"))
    }

    @Test("US SSN area, group and serial rules")
    func ssn() {
        #expect(Validator.usSSN.validate("536-22-1234"))
        #expect(Validator.usSSN.validate("536 22 1234"))
        #expect(Validator.usSSN.validate("536221234"))
        for invalid in ["000-22-1234", "666-22-1234", "900-22-1234", "999-22-1234", "536-00-1234", "536-22-0000",
                        "123-45-6789", "078-05-1120", "536-22-123", "53a-22-1234"] {
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
}
