import Cordon
@testable import CordonGuard
import CordonTestSupport
import Crypto
import Foundation
import Testing

/// Policy as code: loading, strict parsing, decisions through `cordon serve`, and
/// `cordon policy check`.
@Suite("policy")
struct SidecarPolicyTests {
    typealias F = SidecarFixtures

    private func serve(_ folder: TemporaryFolder, _ lines: [String]) throws -> (CordonProcess.Output, [[String: Any]?]) {
        let policy = try folder.write("policy.yaml", SidecarFixtures.policyYAML)
        let output = try F.runServe(try F.detectorArguments(in: folder) + ["--policy", policy.path], lines: lines)
        return (output, output.stdoutLines.map(F.parse))
    }

    @Test("destinations, overrides, path rules and exceptions decide the action")
    func decisions() throws {
        let folder = try TemporaryFolder()
        let (output, responses) = try serve(folder, [
            F.line(["id": 0, "op": "redact", "text": "db1.corp.internal"]),                             // override: host → confidential
            F.line(["id": 1, "op": "redact", "text": "db1.corp.internal", "destination": "onprem"]),    // within confidential
            F.line(["id": 2, "op": "redact", "text": "tok_abcdef123456"]),                              // detector forces block
            F.line(["id": 3, "op": "redact", "text": "ann@example.test"]),                              // category pii → restricted, redact
            F.line(["id": 4, "op": "redact", "text": "ann@example.test", "destination": "strict"]),     // destination blocks
            F.line(["id": 5, "op": "redact", "text": "ann@example.test", "path": "docs/help.md"]),     // active exception
            F.line(["id": 6, "op": "redact", "text": "hello", "path": "src/auth/login.go"]),           // path rule → block
            F.line(["id": 7, "op": "redact", "text": "hello", "path": "keys/server.pem"]),
            F.line(["id": 8, "op": "redact", "text": "hello", "path": "infra/main.tf"]),
            F.line(["id": 9, "op": "redact", "text": "hello", "path": "src/main.swift"]),
            F.line(["id": 10, "op": "redact", "text": "hello", "path": "infra/main.tf", "destination": "local"]),
            F.line(["id": 11, "op": "redact", "text": "tok_abcdef123456", "destination": "local"]),
        ])
        #expect(output.status == 0)
        try #require(responses.count == 12)
        func check(_ index: Int, _ level: String, _ action: String, _ text: String?) {
            #expect(responses[index]?["level"] as? String == level, "request \(index)")
            #expect(responses[index]?["action"] as? String == action, "request \(index)")
            #expect(responses[index]?["text"] as? String == text, "request \(index)")
        }
        check(0, "confidential", "redact", "[REDACTED:fx-host]")
        check(1, "confidential", "allow", "db1.corp.internal")
        check(2, "restricted", "block", nil)
        check(3, "restricted", "redact", "[REDACTED:fx-mail]")
        check(4, "restricted", "block", nil)
        check(5, "public", "allow", "ann@example.test")
        #expect(F.detectors(responses[5]) == [])
        check(6, "restricted", "block", nil)
        check(7, "restricted", "block", nil)
        check(8, "restricted", "block", nil)
        check(9, "public", "allow", "hello")
        check(10, "restricted", "allow", "hello")
        check(11, "restricted", "allow", "tok_abcdef123456")
    }

    @Test("paths are normalised before path rules and exceptions: no spelling escapes a rule")
    func normalisedPaths() throws {
        let folder = try TemporaryFolder()
        let (output, responses) = try serve(folder, [
            F.line(["id": 0, "op": "redact", "text": "hello", "path": "src/../infra/prod.tfvars"]),
            F.line(["id": 1, "op": "redact", "text": "hello", "path": "keys//server.PEM"]),
            F.line(["id": 2, "op": "redact", "text": "hello", "path": "/home/dev/project/keys/server.pem"]),
            F.line(["id": 3, "op": "redact", "text": "hello", "path": #"C:\Users\dev\src\auth\login.go"#]),
            F.line(["id": 4, "op": "redact", "text": "hello", "path": "infra/examples/../../keys/a.pem"]),
            F.line(["id": 5, "op": "redact", "text": "hello", "path": "infra/examples/main.tf"]),
        ])
        #expect(output.status == 0)
        try #require(responses.count == 6)
        for index in 0..<5 {
            #expect(responses[index]?["action"] as? String == "block", "request \(index)")
        }
        #expect(responses[5]?["action"] as? String == "allow")
    }

    @Test("every response names the policy version: the SHA-256 of the policy file")
    func versionIsContentHash() throws {
        let folder = try TemporaryFolder()
        let (_, responses) = try serve(folder, [F.line(["id": 1, "op": "ping"])])
        let expected = SHA256.hash(data: Data(SidecarFixtures.policyYAML.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(responses.first??["policy"] as? String == expected)
        let builtIn = try F.runServe(try F.detectorArguments(in: folder), lines: [F.line(["id": 1, "op": "ping"])])
        let builtInVersion = SHA256.hash(data: Data(Policy.builtInYAML.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(builtIn.stdoutLines.first.flatMap(F.parse)?["policy"] as? String == builtInVersion)
    }

    @Test("an expired exception no longer applies and is reported at start-up")
    func expiredException() throws {
        let folder = try TemporaryFolder()
        let (output, responses) = try serve(folder, [F.line(["id": 1, "op": "scan", "text": "db1.corp.internal"])])
        #expect(output.stderrText.contains("expired"))
        #expect(output.stderrText.contains("platform-team"))
        #expect(output.stderrText.contains("2001-01-31"))
        #expect(F.detectors(responses.first ?? nil) == ["fx-host"])
    }

    @Test("policy files are parsed strictly, errors name file and line", arguments: [
        ("default_destination: a\ndestinations:\n  a: {max_level: internal}\ncolour: blue\n", 4, "unknown field 'colour'"),
        ("default_destination: a\ndestinations:\n  a:\n    max_level: secret\n", 4, "a level must be one of"),
        ("default_destination: b\ndestinations:\n  a: {max_level: internal}\n", 1, "names no destination"),
        ("default_destination: a\ndestinations:\n  a: {max_level: internal, action: allow}\n", 3, "an action must be one of"),
        ("default_destination: a\ndestinations:\n  a: {max_level: internal}\nexceptions:\n  - detector: fx-mail\n    owner: me\n    expires: 2030-01-01\n", 5, "missing field 'reason'"),
        ("default_destination: a\ndestinations:\n  a: {max_level: internal}\nexceptions:\n  - detector: fx-mail\n    reason: r\n    owner: me\n    expires: 2030-02-30\n", 8, "YYYY-MM-DD"),
        ("default_destination: a\ndestinations:\n  a: {max_level: internal}\ndetectors:\n  fx-mial: {level: public}\n", 5, "unknown detector"),
        ("default_destination: a\ndestinations:\n  a: {max_level: internal}\npaths:\n  - glob: '**/*.pem'\n    levle: restricted\n", 6, "unknown field 'levle'"),
        ("destinations: [\n", 2, "invalid YAML"),
    ])
    func strictParsing(yaml: String, line: Int, message: String) throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("bad.yaml", yaml)
        let output = try CordonProcess.run(["policy", "check", file.path] + F.detectorArguments(in: folder))
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderrText.contains("\(file.path):\(line):"), "\(output.stderrText)")
        #expect(output.stderrText.contains(message), "\(output.stderrText)")
        // The sidecar refuses to start with it, too.
        let serve = try CordonProcess.run(["serve", "--policy", file.path] + F.detectorArguments(in: folder), input: F.line(["id": 1, "op": "ping"]))
        #expect(serve.status == 2)
        #expect(serve.stdout.isEmpty)
    }

    @Test("cordon policy check prints the decision per destination and level")
    func policyCheck() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("policy.yaml", SidecarFixtures.policyYAML)
        let output = try CordonProcess.run(["policy", "check", file.path] + F.detectorArguments(in: folder))
        #expect(output.status == 0)
        let lines = output.stdoutLines
        func row(_ name: String) -> [String]? {
            lines.first { $0.hasPrefix(name + " ") }?.split(separator: " ").map(String.init)
        }
        #expect(row("public") == ["public", "internal", "allow", "allow", "redact", "redact"])
        #expect(row("onprem") == ["onprem", "confidential", "allow", "allow", "allow", "redact"])
        #expect(row("strict") == ["strict", "internal", "allow", "allow", "block", "block"])
        #expect(row("local") == ["local", "restricted", "allow", "allow", "allow", "allow"])
        #expect(output.stdoutText.contains("fx-token (secret): restricted; public block, onprem block, strict block, local allow"))
        #expect(output.stdoutText.contains("fx-host (internal): internal → confidential"))
        #expect(output.stdoutText.contains("EXPIRED on 2001-01-31"))
        #expect(output.stdoutText.contains("active until 2999-12-31"))

        let example = try CordonProcess.run(["policy", "check", CordonProcess.repositoryRoot.appending(path: "examples/policy.yaml").path])
        #expect(example.status == 0, "\(example.stderrText)")
        let builtIn = try CordonProcess.run(["policy", "check"])
        #expect(builtIn.status == 0)
        #expect(builtIn.stdoutText.contains("policy: <built-in>"))
    }

    @Test("globs: ** spans any number of folders, * stays within one")
    func globs() throws {
        let cases: [(String, String, Bool)] = [
            ("**/auth/**", "auth/login.go", true), ("**/auth/**", "src/auth/keys/a.pem", true),
            ("**/auth/**", "src/authz/a.go", false), ("**/*.pem", "a.pem", true), ("**/*.pem", "x/y/a.pem", true),
            ("**/*.pem", "x/y/a.pem.txt", false), ("infra/**", "infra/main.tf", true), ("infra/**", "infra/a/b/c", true),
            ("infra/**", "src/infra/main.tf", false), ("infra/*.tf", "infra/a/main.tf", false),
            ("./docs/*.md", "docs/a.md", true), ("docs/*.md", "./docs//a.md", true), ("/etc/**", "/etc/passwd", true),
            ("/etc/**", "etc/passwd", false), ("src/**/test_?.py", "src/a/b/test_1.py", true),
        ]
        for (pattern, path, expected) in cases {
            let glob = try #require(GlobPattern(pattern))
            #expect(glob.matches(path) == expected, "\(pattern) vs \(path)")
        }
    }
}
