import CordonTestSupport
import Foundation
import Testing

/// End-to-end tests of `cordon scan`, `cordon redact` and `cordon detectors`, run as a process
/// over real pipes, with the fixture detectors so results do not depend on the catalogue.
@Suite("CLI")
struct CLITests {
    let folder: TemporaryFolder
    let detectors: String
    var fake = FakeSecrets(seed: 11)
    let token: String
    let email: String

    init() throws {
        folder = try TemporaryFolder()
        detectors = try folder.write("detectors/fixtures.yaml", Fixtures.yaml).path
        token = fake.githubToken()
        email = fake.email()
    }

    func cordon(_ arguments: [String], input: String = "") throws -> CordonProcess.Output {
        try CordonProcess.run(arguments + ["--detectors", detectors], input: input)
    }

    func jsonLines(_ output: CordonProcess.Output) throws -> [[String: Any]] {
        try output.stdoutLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func expectNoValues(_ output: CordonProcess.Output, sourceLocation: SourceLocation = #_sourceLocation) {
        for value in [token, email] {
            #expect(!output.stdoutText.contains(value), "stdout leaks a value", sourceLocation: sourceLocation)
            #expect(!output.stderrText.contains(value), "stderr leaks a value", sourceLocation: sourceLocation)
        }
    }

    @Test("scan --format jsonl: one line per finding and per file, exact fields and order")
    func scanJSONL() throws {
        let file = try folder.write("in/a.txt", "x\nkey \(token)\nmail \(email)\n")
        let output = try cordon(["scan", "--format", "jsonl", file.path])
        #expect(output.status == 1)
        let lines = try jsonLines(output)
        #expect(lines.count == 3)
        #expect(output.stdoutLines[0].hasPrefix(#"{"type":"finding","path":"#))
        #expect(output.stdoutLines[0].range(of: #""start":6,"end":46,"line":2,"column":5,"detector":"gh-token","category":"secret","level":"restricted","confidence":"medium"}"#) != nil)
        #expect(lines[0]["path"] as? String == file.path)
        #expect(lines[1]["detector"] as? String == "email")
        #expect(lines[1]["level"] as? String == "confidential")
        #expect(lines[2]["type"] as? String == "file")
        #expect(lines[2]["level"] as? String == "restricted")
        #expect(lines[2]["findings"] as? Int == 2)
        expectNoValues(output)
    }

    @Test("Exit status follows --fail-level: 0 below it, 1 at or above it")
    func failLevel() throws {
        let file = try folder.write("host.txt", "connect to db01.corp now")
        #expect(try cordon(["scan", file.path]).status == 0, "internal is below the default, confidential")
        #expect(try cordon(["scan", "--fail-level", "internal", file.path]).status == 1)
        #expect(try cordon(["scan", "--fail-level", "restricted", file.path]).status == 0)
        let clean = try folder.write("clean.txt", "nothing here")
        #expect(try cordon(["scan", "--fail-level", "internal", clean.path]).status == 0)
    }

    @Test("Standard input is scanned with no path or '-'")
    func standardInput() throws {
        for arguments in [["scan", "--format", "jsonl"], ["scan", "--format", "jsonl", "-"]] {
            let output = try cordon(arguments, input: "mail \(email)")
            #expect(output.status == 1)
            let lines = try jsonLines(output)
            #expect(lines.first?["path"] as? String == "-")
            #expect(lines.first?["start"] as? Int == 5)
        }
    }

    @Test("Folders are walked in order, skipping .git and binary files; paths as reached")
    func folderWalk() throws {
        try folder.write("tree/b.txt", "mail \(email)")
        try folder.write("tree/a/c.txt", "key \(token)")
        try folder.write("tree/.git/config", "mail \(email)")
        try folder.write("tree/bin.dat", Data([0x00, 0x01]) + Data("mail \(email)".utf8))
        try folder.write("tree/empty.txt", "")
        let root = folder.url.appending(path: "tree").path
        let output = try cordon(["scan", "--format", "jsonl", root])
        let files = try jsonLines(output).filter { $0["type"] as? String == "file" }.compactMap { $0["path"] as? String }
        #expect(files == [root + "/a/c.txt", root + "/b.txt", root + "/empty.txt"])
        // A binary file named explicitly is scanned.
        let explicit = try cordon(["scan", "--format", "jsonl", root + "/bin.dat"])
        #expect(try jsonLines(explicit).first?["detector"] as? String == "email")
    }

    @Test("A walked folder's links are not followed, to a file or a folder; files in nested folders are reached in sorted order")
    func folderWalkSkipsLinks() throws {
        let target = try folder.write("outside/secret.txt", "mail \(email)")
        try folder.write("tree/z/last.txt", "key \(token)")
        try folder.write("tree/m.txt", "plain text")
        let root = folder.url.appending(path: "tree").path
        try FileManager.default.createSymbolicLink(atPath: root + "/link.txt", withDestinationPath: target.path)
        try FileManager.default.createSymbolicLink(atPath: root + "/linked-folder", withDestinationPath: target.deletingLastPathComponent().path)
        let output = try cordon(["scan", "--format", "jsonl", root])
        let files = try jsonLines(output).filter { $0["type"] as? String == "file" }.compactMap { $0["path"] as? String }
        #expect(files == [root + "/m.txt", root + "/z/last.txt"])
        #expect(try jsonLines(output).allSatisfy { $0["detector"] as? String != "email" })
    }

    @Test("A file in a walked folder larger than the streaming threshold (16 MiB) is scanned as a stream: findings at their offsets, the files around it in order")
    func largeWalkedFileIsStreamed() throws {
        let filler = [UInt8](repeating: UInt8(ascii: "a"), count: 63) + [UInt8(ascii: "\n")]
        var large = Data(capacity: (16 << 20) + 4096)
        while large.count < (16 << 20) + 64 { large.append(contentsOf: filler) }
        let offset = large.count + 5
        large.append(contentsOf: Array("mail \(email)\n".utf8))
        try folder.write("big/b-large.txt", large)
        try folder.write("big/a-small.txt", "mail \(email)")
        try folder.write("big/c-small.txt", "key \(token)")
        let root = folder.url.appending(path: "big").path
        let output = try cordon(["scan", "--format", "jsonl", root])
        #expect(output.status == 1)
        let lines = try jsonLines(output)
        let findings = lines.filter { $0["detector"] != nil }
        #expect(findings.compactMap { $0["path"] as? String } == [root + "/a-small.txt", root + "/b-large.txt", root + "/c-small.txt"])
        #expect(findings.first { ($0["path"] as? String)?.hasSuffix("b-large.txt") == true }?["start"] as? Int == offset)
        expectNoValues(output)
    }

    @Test("A missing path is an error (exit 2) but the other paths are still reported")
    func missingPath() throws {
        let file = try folder.write("ok.txt", "mail \(email)")
        let output = try cordon(["scan", "--format", "jsonl", folder.url.path + "/missing.txt", file.path])
        #expect(output.status == 2)
        #expect(output.stderrText.contains("missing.txt: no such file or folder"))
        #expect(try jsonLines(output).contains { $0["path"] as? String == file.path })
    }

    @Test("Bad options exit 2 with a message")
    func badOptions() throws {
        #expect(try cordon(["scan", "--format", "xml"]).status == 2)
        #expect(try cordon(["scan", "--fail-level", "secret"]).status == 2)
        #expect(try cordon(["scan", "--threads", "0"]).status == 2)
        #expect(try CordonProcess.run(["frobnicate"]).status == 2)
        let output = try cordon(["redact", "--operator", "hash"], input: "x")
        #expect(output.status == 2)
        #expect(output.stderrText.contains("--hash-key-file"))
    }

    @Test("serve and gateway refuse session bounds below 1 before starting (exit 2, naming the options)", arguments: [
        ["serve", "--max-sessions", "0"], ["serve", "--max-session-entries", "0"], ["serve", "--session-idle-timeout", "0"],
        ["gateway", "--upstream", "http://127.0.0.1:9", "--max-sessions", "0"],
        ["gateway", "--upstream", "http://127.0.0.1:9", "--session-idle-timeout=-5"],
    ])
    func sessionBoundsBelowOne(arguments: [String]) throws {
        let output = try cordon(arguments)
        #expect(output.status == 2)
        #expect(output.stderrText.contains("--max-sessions, --max-session-entries and --session-idle-timeout must be at least 1"))
    }

    @Test("Text, JSON and SARIF formats carry positions, never values")
    func otherFormats() throws {
        let file = try folder.write("f.txt", "key \(token) mail \(email)")
        let text = try cordon(["scan", file.path])
        #expect(text.stdoutText.contains("\(file.path):1:5: restricted secret gh-token medium (bytes 4-44)"))
        #expect(text.stdoutText.contains("2 findings in 1 file; level: restricted"))
        expectNoValues(text)

        let json = try cordon(["scan", "--format", "json", file.path])
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(document["level"] as? String == "restricted")
        let files = try #require(document["files"] as? [[String: Any]])
        #expect((files.first?["findings"] as? [[String: Any]])?.count == 2)
        expectNoValues(json)

        let sarif = try cordon(["scan", "--format", "sarif", file.path])
        let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["gh-token", "email"])
        #expect(results.map { $0["level"] as? String } == ["error", "warning"])
        let region = ((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        #expect(region?["byteOffset"] as? Int == 4)
        #expect(region?["byteLength"] as? Int == 40)
        expectNoValues(sarif)
    }

    @Test("--threads does not change the output")
    func threads() throws {
        var fake = FakeSecrets(seed: 12)
        for index in 0..<40 {
            try folder.write("many/f\(String(format: "%02d", index)).txt", "n \(index) mail \(fake.email()) key \(fake.githubToken())")
        }
        let root = folder.url.appending(path: "many").path
        let one = try cordon(["scan", "--format", "jsonl", "--threads", "1", root])
        let four = try cordon(["scan", "--format", "jsonl", "--threads", "4", root])
        #expect(one.stdout == four.stdout)
        #expect(one.stdoutLines.count == 120)
    }

    @Test("redact: redacted bytes on stdout, level and counts on stderr")
    func redact() throws {
        let input = "key \(token)\r\nmail \(email)\n"
        let output = try cordon(["redact"], input: input)
        #expect(output.status == 0)
        #expect(output.stdoutText == "key [REDACTED:gh-token]\r\nmail [REDACTED:email]\n")
        #expect(output.stderrText.contains("level: restricted"))
        #expect(output.stderrText.contains("findings: 2 (email ×1, gh-token ×1)"))
        expectNoValues(output)

        let file = try folder.write("r.txt", input)
        let masked = try cordon(["redact", "--operator", "mask", file.path])
        #expect(masked.stdoutText.hasPrefix("key ************************************"))
        let key = try folder.write("key.bin", "secret-key")
        let hashed = try cordon(["redact", "--operator", "hash", "--hash-key-file", key.path, file.path])
        #expect(hashed.stdoutText.contains("[HMAC:gh-token:"))
        expectNoValues(hashed)
        #expect(try cordon(["redact", folder.url.path + "/nope.txt"]).status == 2)
    }

    @Test("detectors list --format jsonl: one line per detector with example counts")
    func detectorsList() throws {
        let output = try cordon(["detectors", "list", "--format", "jsonl"])
        #expect(output.status == 0)
        let lines = try jsonLines(output)
        #expect(lines.count == 6)
        #expect(output.stdoutLines[0] == #"{"id":"gh-token","category":"secret","level":"restricted","examples":2,"negative_examples":1}"#)
    }

    @Test("detectors check names failing examples (exit 1) and broken files (exit 2), never quoting examples")
    func detectorsCheck() throws {
        // The fixture examples ('x', 'y') are placeholders that no detector finds.
        let failing = try CordonProcess.run(["detectors", "check", detectors])
        #expect(failing.status == 1)
        #expect(failing.stderrText.contains("detector 'gh-token': example #1 was not found"))

        let good = try folder.write("good/d.yaml", detectorYAML())
        let passing = try CordonProcess.run(["detectors", "check", good.path])
        #expect(passing.status == 0, "\(passing.stderrText)")
        #expect(passing.stdoutText.contains("ok: 1 detectors, 3 examples passed"))

        let flagged = try folder.write("flag/d.yaml", detectorYAML(negatives: "['tok_abcdef999999']"))
        let flaggedRun = try CordonProcess.run(["detectors", "check", flagged.path])
        #expect(flaggedRun.status == 1)
        #expect(flaggedRun.stderrText.contains("negative example #1 was flagged"))
        #expect(!flaggedRun.stderrText.contains("abcdef999999"))

        let broken = try folder.write("broken/d.yaml", detectorYAML(extra: "    validators: [nope]"))
        let brokenRun = try CordonProcess.run(["detectors", "check", broken.path])
        #expect(brokenRun.status == 2)
        #expect(brokenRun.stderrText.contains("d.yaml:"))
        #expect(brokenRun.stderrText.contains("detector 'test-token': unknown validator 'nope'"))
    }
}
