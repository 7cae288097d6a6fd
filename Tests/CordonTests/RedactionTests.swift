import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

@Suite("Redaction")
struct RedactionTests {
    let engine = Fixtures.engine

    @Test("Placeholders replace values; every other byte is kept exactly")
    func placeholders() {
        var fake = FakeSecrets()
        let token = fake.githubToken()
        let text = "a\r\n\u{0}token: \(token), mail jane@acme-corp.io.\n"
        let redaction = engine.redact(text)
        #expect(redaction.text == "a\r\n\u{0}token: [REDACTED:gh-token], mail [REDACTED:email].\n")
        #expect(redaction.level == .restricted)
        #expect(redaction.findings.count == 2)
    }

    @Test("Invalid UTF-8 outside redacted spans survives byte for byte")
    func invalidBytesKept() {
        var fake = FakeSecrets()
        let prefix: [UInt8] = [0xFF, 0x00, 0xC3, 0x28, 0x20]
        let suffix: [UInt8] = [0x20, 0xE2, 0x82, 0x0A]
        let redaction = engine.redact(prefix + Array(fake.githubToken().utf8) + suffix)
        #expect(redaction.bytes == prefix + Array("[REDACTED:gh-token]".utf8) + suffix)
    }

    @Test("Nothing to redact: output equals input")
    func unchanged() {
        let bytes: [UInt8] = Array("plain text\r\n".utf8) + [0xFF, 0x00]
        #expect(engine.redact(bytes).bytes == bytes)
        #expect(engine.redact("").bytes.isEmpty)
    }

    @Test("A value found twice is redacted everywhere it occurs")
    func repeatedValue() {
        let redaction = engine.redact("password: Zq8!vR4#tY\necho Zq8!vR4#tY | login")
        #expect(redaction.text == "password: [REDACTED:password]\necho [REDACTED:password] | login")
    }

    @Test("Overlapping findings merge into one span named after the widest")
    func overlaps() throws {
        let yaml = """
            detectors:
              - id: long-one
                name: Long
                description: Matches a long span.
                category: secret
                level: confidential
                pattern: 'AAAA-BBBB-CCCC'
                examples: ['x', 'y']
                negative_examples: ['z']
              - id: short-one
                name: Short
                description: Overlaps the end of the long span.
                category: secret
                level: restricted
                pattern: 'CCCC-DD'
                examples: ['x', 'y']
                negative_examples: ['z']
            """
        let engine = try Engine(DetectorSet(DetectorSet.parse(yaml: yaml, file: "o.yaml")))
        let redaction = engine.redact("<AAAA-BBBB-CCCC-DD>")
        #expect(redaction.findings.count == 2)
        #expect(redaction.text == "<[REDACTED:long-one]>")
    }

    @Test("Mask keeps the last 4 characters of long values only")
    func mask() {
        #expect(engine.redact("card 4111 1111 1111 1111.", using: .mask).text == "card ***************1111.")
        #expect(engine.redact("password=abc12345", using: .mask).text == "password=********")
    }

    @Test("Keyed hash tokens are stable per key and value, and differ across keys")
    func keyedHash() throws {
        let key = Array("k1".utf8)
        let first = engine.redact("mail a@acme-corp.io and a@acme-corp.io, b@acme-corp.io", using: .keyedHash(key: key)).text
        let tokens = first.matches(of: /\[HMAC:email:([0-9a-f]{16})\]/).map { String($0.output.1) }
        #expect(tokens.count == 3)
        #expect(tokens[0] == tokens[1])
        #expect(tokens[0] != tokens[2])
        let other = engine.redact("mail a@acme-corp.io", using: .keyedHash(key: Array("k2".utf8))).text
        #expect(!other.contains(tokens[0]))
        #expect(!first.contains("acme-corp"))
    }

    @Test("Remove deletes values")
    func remove() {
        #expect(engine.redact("x a@acme-corp.io y", using: .remove).text == "x  y")
    }

    @Test("Operator names: hash needs a key, unknown names are rejected")
    func operatorNames() {
        #expect(RedactionOperator(name: "hash") == nil)
        #expect(RedactionOperator(name: "hash", hashKey: []) == nil)
        #expect(RedactionOperator(name: "hash", hashKey: [1]) != nil)
        #expect(RedactionOperator(name: "shred") == nil)
        #expect(RedactionOperator.names.allSatisfy { RedactionOperator(name: $0, hashKey: [1]) != nil })
    }

    @Test("Redacting twice equals redacting once")
    func idempotent() {
        var fake = FakeSecrets(seed: 5)
        let text = (0..<20).map { _ in "\(fake.email()) password=\(fake.random(FakeSecrets.base62, count: 12)) \(fake.githubToken())\n" }.joined()
        let once = engine.redact(text).text
        #expect(engine.redact(once).text == once)
        #expect(engine.scan(once).findings.isEmpty)
    }
}

@Suite("Placeholders")
struct PlaceholderTests {
    func isRedacted(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { Placeholders.isRedacted($0) }
    }

    @Test("Values made of Cordon placeholders are recognised; anything with more is not")
    func recognises() {
        #expect(isRedacted("[REDACTED:password]"))
        #expect(isRedacted("[REDACTED:password];"))
        #expect(isRedacted("[HMAC:email:0123456789abcdef]"))
        #expect(isRedacted("'[REDACTED:a],[REDACTED:b]'"))
        #expect(isRedacted("⟦PASSWORD_ASSIGNMENT_1⟧"))
        #expect(isRedacted("\"⟦EMAIL_12⟧\","))
        #expect(!isRedacted("⟦EMAIL_1⟧hunter22"))
        #expect(!isRedacted("⟦EMAIL 1⟧"))
        #expect(!isRedacted("[REDACTED:x]hunter22"))
        #expect(!isRedacted("hunter22[REDACTED:x]"))
        #expect(!isRedacted("[REDACTED:x y]"))
        #expect(!isRedacted("[password]"))
        #expect(!isRedacted("plain"))
    }

    @Test("A secret hidden behind a placeholder prefix is still found")
    func noEvasion() {
        let result = Fixtures.engine.scan("password=[REDACTED:x]Tr0ub4dor&3")
        #expect(result.spans.map(\.0) == ["password"])
    }
}
