import CordonJSON
import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Redacted output is final: scanning it finds nothing, and redacting it again changes nothing.
///
/// The inputs are the fuzzer's reproducers (fuzz/regressions/scan/), rebuilt from fake values.
@Suite("Settled redaction")
struct SettledRedactionTests {
    static let engine = Fixtures.builtInEngine

    /// Redacts `text` with every operator and checks that the output is settled.
    func expectSettled(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for redactionOperator in [RedactionOperator.placeholder, .mask, .remove, .keyedHash(key: [7, 7, 7])] {
            let once = Self.engine.redact(text, using: redactionOperator)
            #expect(once.scan.isComplete, "\(redactionOperator)", sourceLocation: sourceLocation)
            // A masked value keeps its shape (`k****kos` is still a URL password), so only the
            // other operators' output must scan clean.
            if case .mask = redactionOperator { continue }
            let rescan = Self.engine.scan(once.bytes)
            #expect(
                rescan.findings.isEmpty, "\(redactionOperator): the output still has \(rescan.findings.map(\.detectorID))",
                sourceLocation: sourceLocation)
            if case .placeholder = redactionOperator {
                #expect(Self.engine.redact(once.bytes).bytes == once.bytes, sourceLocation: sourceLocation)
            }
        }
    }

    @Test("A token used as a URL's user name: the placeholder's colon is not a password separator")
    func placeholderInURLUserInfo() {
        var fake = FakeSecrets(seed: 11)
        let token = fake.githubToken()
        let text = "git clone https://\(token)@github.com/acme/app.git"
        let once = Self.engine.redact(text)
        #expect(once.text.hasPrefix("git clone https://[REDACTED:"))
        #expect(once.text.hasSuffix("]@github.com/acme/app.git"))
        #expect(once.findings.count == 1)
        expectSettled(text)
    }

    @Test("A placeholder's detector id does not give the next bytes a key name")
    func contextFromPlaceholder() {
        // `[REDACTED:alibaba-access-key-secret]` ends in `secret]`; `:yiona0M-aT` after it is not
        // a `secret: <value>` assignment (the fuzzer's input, fake).
        expectSettled("alibaba CAISClosedUIntva130AMP0va130ag:yiona0M-aT")
        var fake = FakeSecrets(seed: 12)
        expectSettled("key \(fake.awsAccessKeyID()):Wb9xQ2mZ7kLp")
    }

    @Test("A value straddling a placeholder is not a value")
    func straddle() {
        expectSettled("http://:k-----BEGIN PRIVATE KEY----- 8wefrEfHDEEPkjFE8XSDJNTeesI2mVMVVTDEUkos@m")
    }

    @Test("A value a boundary rule rejected next to another value is redacted once that value is gone")
    func uncoveredNeighbour() throws {
        // `6425068140` is a valid NHS number, rejected at first because it follows a digit and a
        // space (it might continue the card number); the card's placeholder removes that reason.
        let text = "Patient 4250680814040 6425068140"
        let first = Self.engine.scan(text)
        #expect(first.findings.map(\.range) == [8..<21])
        let once = Self.engine.redact(text)
        #expect(once.findings.map(\.range) == [8..<21, 22..<32])
        let nhs = try #require(once.findings.last)
        #expect((nhs.line, nhs.column) == (1, 23))
        #expect(!once.text.contains("6425068140"))
        expectSettled(text)
    }

    @Test("Only Cordon's own placeholders are blank: a value in look-alike brackets is still found")
    func lookAlikeBrackets() {
        var fake = FakeSecrets(seed: 13)
        let key = fake.awsAccessKeyID()
        for text in ["[REDACTED:\(key)]", "[REDACTED:nope \(key)]", "[HMAC:aws-access-key-id:\(key)]", "⟦\(key)_1⟧"] {
            #expect(Self.engine.scan(text).findings.map(\.detectorID).contains("aws-access-key-id"), "\(text.count) bytes")
        }
        // Next to a real placeholder, a value is still found, at its own offsets.
        let email = "jane.doe@acme-corp.io"
        let text = "[REDACTED:email] \(email) ⟦EMAIL_1⟧ [HMAC:email:0123456789abcdef]"
        let found = Self.engine.scan(text).findings
        #expect(found.map(\.range) == [17..<(17 + email.utf8.count)])
    }

    @Test("The placeholder mask finds exactly Cordon's tokens")
    func maskRanges() {
        let mask = PlaceholderMask(detectorIDs: ["email", "github-pat"])
        func ranges(_ text: String) -> [Range<Int>] {
            var copy = text
            return copy.withUTF8 { mask.ranges(in: $0) }
        }
        #expect(ranges("a [REDACTED:email] b") == [2..<18])
        #expect(ranges("[REDACTED:github-pat][HMAC:email:0123456789abcdef]") == [0..<21, 21..<50])
        #expect(ranges("⟦GITHUB_PAT_12⟧") == [0..<("⟦GITHUB_PAT_12⟧".utf8.count)])
        #expect(ranges("[REDACTED:other] [HMAC:email:0123456789ABCDEF] [HMAC:email:0123] ⟦EMAIL_⟧ ⟦EMAIL_x⟧ [REDACTED:email").isEmpty)
        #expect(ranges("[[[[REDACTED:email]]") == [3..<19])
        // A type is the id upper-cased with `_` for `-`, exactly.
        #expect(ranges("⟦github_pat_12⟧ ⟦GITHUB-PAT_12⟧ ⟦GITHUB_PA_12⟧ [REDACTED:GITHUB-PAT] [REDACTED:github_pat]").isEmpty)
        #expect(ranges("").isEmpty)
        // A `[` or a 0xE2 lead byte right before a placeholder, or as the last byte, starts none.
        #expect(ranges("[").isEmpty)
        #expect(ranges("x [").isEmpty)
        #expect(ranges("[[HMAC:email:0123456789abcdef]") == [1..<30])
        #expect(ranges("\u{2192}⟦EMAIL_1⟧") == [3..<(3 + "⟦EMAIL_1⟧".utf8.count)])
        #expect(ranges("[\u{2192}[R [H [REDACTED:email]") == [10..<26])
    }

    @Test("Output offsets map back to the input, a replacement to its whole span")
    func spanMapping() {
        // input:  0123456789   spans 2..<4 → "XYZW", 6..<9 → ""
        let replaced = ReplacedSpans([2..<4, 6..<9], replacements: [Array("XYZW".utf8), []])
        let input = Array("0123456789".utf8)
        let output = input.withUnsafeBufferPointer { replaced.apply(to: $0) }
        #expect(String(decoding: output, as: UTF8.self) == "01XYZW459")
        func mapped(_ range: Range<Int>) -> Range<Int> {
            replaced.inputFindings(for: [Finding(detectorID: "x", category: .secret, level: .restricted, range: range, line: 1, column: 1)])[0].range
        }
        #expect(mapped(0..<2) == 0..<2)
        #expect(mapped(1..<3) == 1..<4)
        #expect(mapped(4..<6) == 2..<4)
        #expect(mapped(6..<8) == 4..<6)
        #expect(mapped(7..<9) == 5..<10)
        #expect(mapped(0..<9) == 0..<10)
    }

    @Test("Every found value is redacted wherever it stands alone, whatever the operator")
    func everyValueEverywhere() throws {
        // The fuzzer's hook input (fuzz/regressions/hook/output-leak-value-missed-elsewhere):
        // an address hidden by a string seam (`'.'`) is found in the joined layer, and the same
        // text stands again where the pattern's neighbourhood rule does not match.
        let event = try JSONValue(parsing: Array(try Data(contentsOf: CordonProcess.repositoryRoot.appending(
            path: "fuzz/regressions/hook/output-leak-value-missed-elsewhere"))))
        guard case .string(let command)? = event["tool_input"]?["command"] else {
            Issue.record("the reproducer has no command")
            return
        }
        let values = Set(Self.engine.scan(command).findings.filter { $0.level > .internal }.map { Array(command[$0.range]) })
        #expect(!values.isEmpty)
        for redactionOperator in [RedactionOperator.placeholder, .mask, .remove, .keyedHash(key: [1])] {
            let output = Self.engine.redact(command, using: redactionOperator).bytes
            for value in values where value.count >= 8 {
                let leaked = output.indices.contains { start in
                    start + value.count <= output.count && output[start..<(start + value.count)].elementsEqual(value)
                        && (start == 0 || !ByteClass.isAlphanumeric(output[start - 1]))
                        && (start + value.count == output.count || !ByteClass.isAlphanumeric(output[start + value.count]))
                }
                #expect(!leaked, "\(redactionOperator): a value of \(value.count) bytes is still in the output")
            }
        }
    }

    @Test("A value several detectors found travels under the highest level")
    func propagationUnderHighestLevel() {
        // The fuzzer's hook input, reduced: `ob7x-rod.corp` is a host name (internal) where its
        // `Authorization:` header is broken, and a bearer token (restricted) in the intact one.
        let text = "Aut!!horization: Bearer ob7x-rod.corp\u{FFFD}:54 Authorization: Bearer ob7x-rod.corp:54"
        let found = Self.engine.scan(text).findings.filter { Array(text.utf8)[$0.range].elementsEqual("ob7x-rod.corp".utf8) }
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.detectorID == "http-bearer-token" }, "\(found.map(\.detectorID))")
    }
}
