import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Literal values in literal syntax under a credential key (issue #15 classes 2 and 7): where a
/// syntax has no bare variables — an INI file, a line-start `KEY=value` of `.env`, shell,
/// Dockerfile or `.properties`, a connection string, a quoted string literal — a word under a
/// password key is the password, even one shaped like a name (`harbor_lantern`, `copperKettle`).
/// A value that names itself (`smtp_password`, `SOME_PASSWORD`, `myPassword`) is a documentation
/// value: found and tagged as a test value. (`password-line-assignment` takes the line-start
/// forms — a plain word with no identifier shape is also `password-assignment`'s, which wins
/// the shared span — and `password-assignment` the quoted ones.) References, templates and masks are not values; nor
/// is a bare word after `password =` in Python, JavaScript or Go code, which is a variable.
@Suite("Literal values in literal syntax under a credential key")
struct LiteralValueTests {
    static let engine = Fixtures.builtInEngine

    /// Literal syntaxes, each with the detectors expected to report its value.
    static let contexts: [(name: String, detectors: [String], render: @Sendable (String) -> String)] = [
        ("INI section", ["password-line-assignment", "password-assignment"], { "[Mailer]\nHost=smtp07\nPassword=\($0)\n" }),
        (".env line", ["password-line-assignment", "password-assignment"], { "LEDGER_DB_HOST=db07\nLEDGER_DB_PASSWORD=\($0)\n" }),
        (".env line, trailing comment", ["password-line-assignment", "password-assignment"], { "LEDGER_DB_PASSWORD=\($0)  # rotated in March\n" }),
        ("shell export", ["password-line-assignment", "password-assignment"], { "export BACKUP_PASSPHRASE=\($0)\n" }),
        ("Dockerfile ENV", ["password-line-assignment", "password-assignment"], { "FROM redis:7\nENV REDIS_PASSWORD=\($0)\n" }),
        ("compose environment list", ["password-line-assignment", "password-assignment"], { "    environment:\n      - MONGO_INITDB_ROOT_PASSWORD=\($0)\n" }),
        ("indented environment name", ["password-line-assignment", "password-assignment"], { "  SMTP_RELAY_PASSWORD=\($0)\n" }),
        (".properties", ["password-line-assignment", "password-assignment"], { "mail.smtp.host=relay07\nmail.smtp.password=\($0)\n" }),
        ("commented-out .env line", ["password-line-assignment", "password-assignment"], { "# ADMIN_PASSWORD=\($0)\n" }),
        ("ODBC connection string", ["connection-string-password"], { "Driver={ODBC Driver 18};Server=sql07;Database=ledger;Uid=ledger_app;Pwd=\($0);\n" }),
        ("quoted literal in code", ["password-assignment"], { "db_password = \"\($0)\"\n" }),
        ("JSON member", ["password-assignment"], { "{\"user\": \"etl\", \"password\": \"\($0)\"}\n" }),
        ("Gradle credentials", ["gradle-repository-password"], { "credentials {\n  username \"ci\"\n  password \"\($0)\"\n}\n" }),
    ]

    /// A made-up word of syllables, 6 to 12 letters.
    static func word(_ fake: inout FakeSecrets, syllables: Int) -> String {
        let consonants = Array("bdfgklmnrstvz"), vowels = Array("aeiou")
        return (0..<syllables).map { _ in fake.random(consonants, count: 1) + fake.random(vowels, count: 1) }.joined()
    }

    /// Whether a generated word happens to name a credential or a documentation prefix (then
    /// it is a test value, not the class this test generates).
    static func namesItself(_ value: String) -> Bool {
        let lower = value.lowercased()
        return ["pass", "pwd", "secret", "token", "key", "user", "here"].contains { lower.contains($0) }
            || ["my", "your", "some", "the"].contains { lower.hasPrefix($0) }
    }

    /// A password that looks like a name: one word or two joined in a case style, no digit.
    static func wordPassword(_ fake: inout FakeSecrets, style: Int) -> String {
        while true {
            let first = word(&fake, syllables: 3), second = word(&fake, syllables: 3)
            let value: String
            switch style % 5 {
            case 0: value = first + second
            case 1: value = first + "_" + second
            case 2: value = first + second.prefix(1).uppercased() + second.dropFirst()
            case 3: value = first + "-" + second
            default: value = first.prefix(1).uppercased() + first.dropFirst() + second
            }
            if !namesItself(value) { return value }
        }
    }

    @Test("A word-shaped password in each literal syntax is found at normal confidence and redacted", arguments: contexts.indices)
    func wordPasswordsFound(_ index: Int) {
        let context = Self.contexts[index]
        var fake = FakeSecrets(seed: UInt64(7100 + index))
        for round in 0..<20 {
            let value = Self.wordPassword(&fake, style: round)
            let text = context.render(value)
            let bytes = Array(text.utf8)
            let findings = Self.engine.scan(text).findings
            let onValue = findings.filter { String(decoding: bytes[$0.range], as: UTF8.self) == value }
            #expect(onValue.contains { context.detectors.contains($0.detectorID) }, "\(context.name): \(findings.map(\.detectorID))")
            #expect(onValue.allSatisfy { !$0.isTestValue && $0.level == .restricted }, "\(context.name)")
            let redacted = String(decoding: Self.engine.redact(text).bytes, as: UTF8.self)
            #expect(!redacted.contains(value), "\(context.name): value left after redaction")
        }
    }

    /// A value naming itself, in the case styles documentation uses.
    static func selfNamingValue(_ fake: inout FakeSecrets, style: Int) -> String {
        let stem = word(&fake, syllables: 2)
        let capital = stem.prefix(1).uppercased() + stem.dropFirst()
        switch style % 7 {
        case 0: return stem + "_password"
        case 1: return "SOME_" + stem.uppercased()
        case 2: return "my" + capital + "Password"
        case 3: return "your_" + stem + "_pass"
        case 4: return stem + "Pwd"
        case 5: return "the" + capital + "Secret"
        default: return stem + "password"
        }
    }

    @Test("A value naming itself in each literal syntax is found as a test value and redacted", arguments: contexts.indices)
    func selfNamingValuesTagged(_ index: Int) throws {
        let context = Self.contexts[index]
        var fake = FakeSecrets(seed: UInt64(7200 + index))
        for round in 0..<14 {
            let value = Self.selfNamingValue(&fake, style: round)
            let text = context.render(value)
            let bytes = Array(text.utf8)
            let result = Self.engine.scan(text)
            let onValue = result.findings.filter { String(decoding: bytes[$0.range], as: UTF8.self) == value }
            #expect(!onValue.isEmpty, "\(context.name): not found: \(result.findings.map(\.detectorID))")
            #expect(onValue.allSatisfy { $0.isTestValue && $0.confidence == .low }, "\(context.name)")
            let redacted = String(decoding: Self.engine.redact(text).bytes, as: UTF8.self)
            #expect(!redacted.contains(value), "\(context.name): value left after redaction")
        }
    }

    /// References, templates and masks: no value, in every literal syntax.
    static let references = [
        "$LEDGER_PW", "${LEDGER_PW}", "%LEDGER_PW%", "#{vault_ledger_pw}", "{{ledger_pw}}", "<ledger password>", "******",
        "######",
    ]

    @Test("References, templates and masks in each literal syntax are not reported", arguments: contexts.indices)
    func referencesNotFound(_ index: Int) {
        let context = Self.contexts[index]
        for reference in Self.references {
            let text = context.render(reference)
            let secrets = Self.engine.scan(text).findings.filter { $0.category == .secret }
            #expect(secrets.isEmpty, "\(context.name) \(reference): \(secrets.map(\.detectorID))")
        }
    }

    /// Code in which a bare word after a password key is a variable, not a value.
    static let codeContexts: [(name: String, render: @Sendable (String) -> String)] = [
        ("Python assignment", { "password = \($0)\n" }),
        ("Python keyword argument line", { "conn = connect(\n    host=db_host,\n    password=\($0),\n)\n" }),
        ("Python call", { "conn = connect(host=h, password=\($0))\n" }),
        ("JavaScript const", { "const password = \($0);\n" }),
        ("Go short declaration", { "password := \($0)\n" }),
        ("attribute", { "        self.password = \($0)\n" }),
    ]

    @Test("A bare word after a password key in Python, JavaScript or Go code is a variable: not reported", arguments: codeContexts.indices)
    func codeVariablesNotFound(_ index: Int) {
        let context = Self.codeContexts[index]
        var fake = FakeSecrets(seed: UInt64(7300 + index))
        for round in 0..<20 {
            // Identifier shapes: snake_case and camelCase (a plain word is style 0).
            let name = Self.wordPassword(&fake, style: [1, 2][round % 2])
            let text = context.render(name)
            let secrets = Self.engine.scan(text).findings.filter { $0.category == .secret }
            #expect(secrets.isEmpty, "\(context.name): \(secrets.map(\.detectorID))")
        }
    }
}
