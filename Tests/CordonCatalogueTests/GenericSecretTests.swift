import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Credentials without a provider shape (issue #15 class 2): short typed constants, Terraform
/// defaults, secrets named in prose, hard-coded comparisons, connection strings and PsExec
/// command lines are found and redacted; variables and placeholders in the same places are not.
@Suite("Generic secrets in code, configuration and prose")
struct GenericSecretTests {
    static let engine = Fixtures.builtInEngine

    /// Contexts in which a generated value must be found, each with the detectors expected to
    /// report it (the rule written for the context, or an older one that reaches it first).
    static let contexts: [(name: String, detectors: [String], render: @Sendable (String) -> String)] = [
        ("Kotlin const val", ["secret-named-mixed-value"], { "object Keys {\n    const val LEDGER_SECRET: String = \"\($0)\"\n}\n" }),
        ("Rust const &str", ["secret-named-mixed-value"], { "pub const REPORTS_TOKEN: &str = \"\($0)\";\n" }),
        ("C# const string", ["secret-assignment", "secret-named-mixed-value"], { "private const string ApiKey = \"\($0)\";\n" }),
        ("Python dict member", ["secret-named-mixed-value"], { "Out[2]: {'status': 'ok', 'session_token': '\($0)'}\n" }),
        ("YAML env, unquoted", ["secret-named-mixed-value"], { "env:\n  SERVICE_CREDENTIAL: \($0)\n" }),
        ("Terraform default", ["terraform-variable-default"], { "variable \"ledger_api_token\" {\n  type    = string\n  default = \"\($0)\"\n}\n" }),
        ("chat, as the key", ["secret-used-as-key"], { "it still fails when I'm using \($0) as the key, any idea?\n" }),
        ("log, credential word", ["secret-in-prose"], { "INFO using credential \($0)\n" }),
        ("password comparison", ["password-comparison"], { "if user == \"ops\" and password == \"\($0)\":\n    login()\n" }),
        ("ODBC connection string", ["connection-string-password"], { "Driver={ODBC Driver 18};Server=sql07;Database=ledger;Uid=ledger_app;Pwd=\($0);\n" }),
        ("PsExec", ["password-in-command"], { "PsExec.exe \\\\fs02 -u LEDGER\\svc_sync -p \($0) cmd /c dir\n" }),
        ("curl bearer", ["http-bearer-token", "curl-auth-header"], { "curl -H \"Authorization: Bearer \($0)\" https://ledger.internal.example/v1\n" }),
    ]

    /// A password a person chose: two short words around a symbol and 4 digits, 11 to 15
    /// characters, so under secret-named-assignment's 16-character floor, with at least 3 bits
    /// per byte (the floor of the prose and bearer rules).
    static func chosenPassword(_ fake: inout FakeSecrets) -> String {
        let words = ["ember", "Maple", "cedar", "Birch", "onyx", "Slate", "fern", "Pine"]
        while true {
            let first = words[Int(fake.random(Array("01234567"), count: 1))!]
            let last = words[Int(fake.random(Array("01234567"), count: 1))!].lowercased()
            guard first.lowercased() != last else { continue }
            let value = first + fake.random(Array("!#%*+@"), count: 1) + fake.random(Array("0123456789"), count: 4) + last
            if Array(value.utf8).withUnsafeBufferPointer({ Entropy.bitsPerByte($0) }) >= 3.0 { return value }
        }
    }

    @Test("A chosen password or short token in each context is found by its rule and redacted", arguments: contexts.indices)
    func foundAndRedacted(_ index: Int) throws {
        let context = Self.contexts[index]
        var fake = FakeSecrets(seed: UInt64(1500 + index))
        for _ in 0..<20 {
            let value = Self.chosenPassword(&fake)
            let text = context.render(value)
            let findings = Self.engine.scan(text).findings
            let bytes = Array(text.utf8)
            let onValue = findings.filter { String(decoding: bytes[$0.range], as: UTF8.self).contains(value) }
            #expect(onValue.contains { context.detectors.contains($0.detectorID) }, "\(context.name): \(findings.map(\.detectorID))")
            #expect(onValue.allSatisfy { !$0.isTestValue }, "\(context.name)")
            let redacted = String(decoding: Self.engine.redact(text).bytes, as: UTF8.self)
            #expect(!redacted.contains(value), "\(context.name): value left after redaction")
        }
    }

    /// The same places holding no value: variables, templates, words (written here, not taken
    /// from peer scanners' examples). Values naming themselves (`myPassword`, `REPO_PASSWORD`,
    /// `smtp_pass`) were here until they became test values (LiteralValueTests, and below).
    static let nonValues = [
        "const val LEDGER_SECRET: String = \"${LEDGER_SECRET}\"",
        "SERVICE_TOKEN: deploy-token-v2",
        "variable \"ledger_api_token\" {\n  type = string\n}",
        "I'm using python3.11 as the key runtime",
        "the token is stored in ~/.config/acme/token.json",
        "if password == confirm_password:",
        "if password == \"\":",
        "Server=db01;Database=ledger;User Id=app;Password=${LEDGER_DB_PASSWORD};",
        "PsExec64.exe \\\\build04 -u OPS\\deployer -p $DeployPass cmd /c whoami",
        "Connect-VIServer -Server $vcenter -User $svcUser -Password $svcPassword",
        "DEPLOY_TOKEN=\"3f1c9a2e-7b40-4d6e-9a15-c2e8b7d04f61\"",
        "FIRECRAWL_API_KEY = \"fc-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
    ]

    @Test("Variables, templates and placeholders in the same places are not secrets", arguments: nonValues)
    func nonValuesNotFound(_ text: String) {
        let secrets = Self.engine.scan(text).findings.filter { $0.category == .secret }
        #expect(secrets.isEmpty, "\(secrets.map(\.detectorID))")
    }

    /// Documentation passwords and filler values of a credential's length: found, tagged.
    static let documentationValues: [(text: String, value: String)] = [
        ("if creds.Secret != \"open-sesame\" {\n  return\n}", "open-sesame"),
        ("Server=host;Port=5432;User Id=username;Password=secret;Database=db;", "secret"),
        ("credentials {\n    username 'user'\n    password 'secret'\n}\n", "secret"),
        ("start PsExec.exe \\\\dc01 -u ACME\\Administrator -p PASSWORD cmd /c dir", "PASSWORD"),
        ("aws_secret_access_key: " + String(repeating: "a", count: 40), String(repeating: "a", count: 40)),
        ("okta_api_token = 00" + String(repeating: "a", count: 40), "00" + String(repeating: "a", count: 40)),
        ("    license_key: " + String(repeating: "a", count: 36) + "NRAL", String(repeating: "a", count: 36) + "NRAL"),
        ("Provider=SQLOLEDB;Data Source=sql12;Initial Catalog=billing;User ID=myLogin;Pwd=myPassword;", "myPassword"),
        ("repositories {\n  maven {\n    credentials {\n      username \"REPO_USERNAME\"\n      password \"REPO_PASSWORD\"\n    }\n  }\n}", "REPO_PASSWORD"),
        ("VITE_SMTP_PASSWORD=smtp_pass # put your SMTP password here", "smtp_pass"),
    ]

    @Test("Documentation passwords and filler values are found as test values and redacted", arguments: documentationValues.indices)
    func documentationValuesTagged(_ index: Int) throws {
        let sample = Self.documentationValues[index]
        let result = Self.engine.scan(sample.text)
        let bytes = Array(sample.text.utf8)
        let onValue = result.findings.filter { String(decoding: bytes[$0.range], as: UTF8.self) == sample.value }
        let finding = try #require(onValue.first, "not found: \(result.findings.map(\.detectorID))")
        #expect(finding.isTestValue)
        #expect(finding.confidence == .low)
        let redacted = String(decoding: Self.engine.redact(sample.text).bytes, as: UTF8.self)
        #expect(!redacted.contains(sample.value))
    }
}
