import CordonTestSupport
import Foundation
import Testing

/// End-to-end tests of what a folder scan reports about files it does not scan, UTF-16 files,
/// file names that hold control characters, and `--threads`: the process's output is the point.
@Suite("Folder scans")
struct FolderScanTests {
    let folder: TemporaryFolder
    let detectors: String
    var fake = FakeSecrets(seed: 23)
    let token: String
    let email: String

    init() throws {
        folder = try TemporaryFolder()
        detectors = try folder.write("detectors/fixtures.yaml", Fixtures.yaml).path
        token = fake.githubToken()
        email = fake.email()
    }

    func cordon(_ arguments: [String]) throws -> CordonProcess.Output {
        try CordonProcess.run(arguments + ["--detectors", detectors])
    }

    func jsonLines(_ output: CordonProcess.Output) throws -> [[String: Any]] {
        try output.stdoutLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// `text` in UTF-16, little-endian, with or without a byte-order mark.
    static func utf16LittleEndian(_ text: String, byteOrderMark: Bool) -> Data {
        var bytes: [UInt8] = byteOrderMark ? [0xFF, 0xFE] : []
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return Data(bytes)
    }

    @Test("A skipped binary file is listed with its reason in text, JSON Lines, JSON and SARIF, and counted in the summary")
    func skippedFilesInEveryFormat() throws {
        try folder.write("tree/bin.dat", Data([0x00, 0x01, 0x02]) + Data("mail \(email)".utf8))
        try folder.write("tree/ok.txt", "mail \(email)")
        let root = folder.url.appending(path: "tree").path

        let text = try cordon(["scan", root])
        #expect(text.status == 1)
        #expect(text.stdoutLines.contains("\(root)/bin.dat: skipped: binary (a NUL byte in the first 8 KiB)"))
        #expect(text.stdoutLines.last == "1 finding in 1 file, 1 file skipped (1 binary); level: confidential")

        let lines = try jsonLines(try cordon(["scan", "--format", "jsonl", root]))
        let skipped = lines.filter { $0["type"] as? String == "skipped" }
        #expect(skipped.count == 1)
        #expect(skipped.first?["path"] as? String == root + "/bin.dat")
        #expect(skipped.first?["reason"] as? String == "binary")
        #expect(lines.filter { $0["type"] as? String == "file" }.compactMap { $0["path"] as? String } == [root + "/ok.txt"])

        let json = try cordon(["scan", "--format", "json", root])
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        let listed = try #require(document["skipped"] as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?["path"] as? String == root + "/bin.dat")
        #expect(listed.first?["reason"] as? String == "binary")

        let sarif = try cordon(["scan", "--format", "sarif", root])
        let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.count == 1)
        let location = (notifications.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == root + "/bin.dat")
        #expect((notifications.first?["message"] as? [String: Any])?["text"] as? String == "skipped: binary (a NUL byte in the first 8 KiB)")
        for output in [text, json, sarif] {
            #expect(!output.stdoutText.contains(email) && !output.stderrText.contains(email))
        }
    }

    @Test("A folder of binary files only reports them skipped, not '0 findings in 0 files' alone")
    func onlyBinaryFiles() throws {
        try folder.write("bins/a.bin", Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x00]))
        try folder.write("bins/b.bin", Data([0x00]))
        let root = folder.url.appending(path: "bins").path
        let output = try cordon(["scan", root])
        #expect(output.status == 0)
        #expect(output.stdoutLines == [
            "\(root)/a.bin: skipped: binary (a NUL byte in the first 8 KiB)",
            "\(root)/b.bin: skipped: binary (a NUL byte in the first 8 KiB)",
            "0 findings in 0 files, 2 files skipped (2 binary); level: public",
        ])
    }

    @Test("An unreadable file is an error (exit 2) and is listed as skipped with the system's reason")
    func unreadableFile() throws {
        // /proc/self/mem is a regular file whose first bytes cannot be read (EIO), for any user,
        // root included (a file with mode 000 is readable by root).
        let file = try folder.write("ok.txt", "mail \(email)")
        let output = try cordon(["scan", "--format", "jsonl", "/proc/self/mem", file.path])
        #expect(output.status == 2)
        #expect(output.stderrText.contains("/proc/self/mem: cannot read the file (Input/output error)"))
        let lines = try jsonLines(output)
        #expect(lines.contains { $0["type"] as? String == "skipped" && $0["path"] as? String == "/proc/self/mem" && $0["reason"] as? String == "unreadable" })
        #expect(lines.contains { $0["type"] as? String == "file" && $0["path"] as? String == file.path })
        let text = try cordon(["scan", "/proc/self/mem"])
        #expect(text.stdoutLines.contains("/proc/self/mem: skipped: unreadable (Input/output error)"))
        #expect(text.stdoutLines.last == "0 findings in 0 files, 1 file skipped (1 unreadable); level: public")
    }

    @Test("UTF-16 files found in a folder, with a byte-order mark or without, are scanned like files named directly")
    func utf16InFolders() throws {
        let message = "contact: \(email)\r\ntoken \(token)\r\n"
        try folder.write("utf16/bom.txt", Self.utf16LittleEndian(message, byteOrderMark: true))
        try folder.write("utf16/plain.txt", Self.utf16LittleEndian(message, byteOrderMark: false))
        let root = folder.url.appending(path: "utf16").path
        let walked = try jsonLines(try cordon(["scan", "--format", "jsonl", root]))
        #expect(!walked.contains { $0["type"] as? String == "skipped" })
        func findings(_ lines: [[String: Any]], _ path: String) -> [String] {
            lines.filter { $0["type"] as? String == "finding" && $0["path"] as? String == path }
                .map { "\($0["detector"] ?? "") \($0["start"] ?? "")-\($0["end"] ?? "") \($0["line"] ?? ""):\($0["column"] ?? "")" }
        }
        let bom = findings(walked, root + "/bom.txt")
        #expect(bom.map { $0.split(separator: " ")[0] } == ["email", "gh-token"])
        let direct = try jsonLines(try cordon(["scan", "--format", "jsonl", root + "/bom.txt"]))
        #expect(findings(direct, root + "/bom.txt") == bom)
        // Without the mark the positions are the file's own: two bytes earlier.
        let plain = findings(walked, root + "/plain.txt")
        #expect(plain.count == 2)
        let bomStarts = walked.filter { $0["path"] as? String == root + "/bom.txt" }.compactMap { $0["start"] as? Int }
        let plainStarts = walked.filter { $0["path"] as? String == root + "/plain.txt" }.compactMap { $0["start"] as? Int }
        #expect(plainStarts == bomStarts.map { $0 - 2 })
    }

    @Test("Text output escapes control characters and ANSI escapes in file names")
    func controlCharactersInFileNames() throws {
        let name = "evil\n\u{1B}[31mfake.txt:1:1: restricted\u{07}"
        try folder.write("names/" + name, "mail \(email)")
        try folder.write("names/skip\u{1B}[2J.bin", Data([0x00, 0x41]))
        let root = folder.url.appending(path: "names").path
        let output = try cordon(["scan", root])
        #expect(output.status == 1)
        #expect(!output.stdoutText.contains("\u{1B}") && !output.stdoutText.contains("\u{07}"))
        #expect(output.stdoutLines.count == 3, "one finding line, one skipped line, the summary")
        #expect(output.stdoutLines[0].hasPrefix("\(root)/evil\\x0a\\x1b[31mfake.txt:1:1: restricted\\x07:1:6: confidential pii email"))
        #expect(output.stdoutLines[1] == "\(root)/skip\\x1b[2J.bin: skipped: binary (a NUL byte in the first 8 KiB)")
    }

    @Test("--threads 2 prints the same output as --threads 1, in input order, over many files of mixed sizes")
    func threadsKeepOrder() throws {
        for index in 0..<300 {
            let padding = String(repeating: "plain words here ", count: (index * 37) % 900)
            try folder.write(String(format: "many/%03d.txt", index), padding + (index % 3 == 0 ? "mail \(email)" : "nothing") + "\n")
        }
        try folder.write("many/150.bin", Data([0x00, 0x01]))
        let root = folder.url.appending(path: "many").path
        let one = try cordon(["scan", "--format", "jsonl", "--threads", "1", root])
        let two = try cordon(["scan", "--format", "jsonl", "--threads", "2", root])
        let four = try cordon(["scan", "--format", "jsonl", "--threads", "4", root])
        #expect(one.status == 1)
        #expect(try jsonLines(one).filter { $0["type"] as? String == "finding" }.count == 100)
        #expect(two.stdout == one.stdout)
        #expect(four.stdout == one.stdout)
    }

    @Test("A report of many blocks (64 KiB each) reaches standard output whole and in order, with one thread or several")
    func manyBlocksArriveWhole() throws {
        for index in 0..<1200 {
            try folder.write(String(format: "blocks/%04d.txt", index), "contact \(email) about item \(index)\n")
        }
        let root = folder.url.appending(path: "blocks").path
        let one = try cordon(["scan", "--format", "jsonl", "--threads", "1", root])
        let two = try cordon(["scan", "--format", "jsonl", "--threads", "2", root])
        #expect(one.status == 1)
        #expect(one.stdout.count > 4 * 64 * 1024, "the report spans several blocks")
        let records = try jsonLines(one)
        #expect(records.count == 2400, "one finding and one file record per file, none lost")
        let files = records.compactMap { $0["type"] as? String == "file" ? $0["path"] as? String : nil }
        #expect(files == (0..<1200).map { String(format: "\(root)/%04d.txt", $0) })
        #expect(two.stdout == one.stdout)
    }

    @Test("A report that cannot be written (a full disk) is an error: exit 2 naming standard output and the system's reason, no crash", arguments: ["jsonl", "text"])
    func unwritableOutputIsAnError(format: String) throws {
        for index in 0..<200 {
            try folder.write(String(format: "full/%03d.txt", index), "contact \(email) about item \(index)\n")
        }
        let process = Process()
        process.executableURL = CordonProcess.executable
        process.arguments = ["scan", "--format", format, "--threads", "2", folder.url.appending(path: "full").path, "--detectors", detectors]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let stderr = Pipe()
        process.standardError = stderr
        let reader = PipeReader(stderr.fileHandleForReading)
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: reader.wait(), as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 2)
        #expect(message.contains("cordon: cannot write the report to standard output (No space left on device)"))
        #expect(!message.contains(email), "no value in the message")
    }

    @Test("On a terminal (a pseudo-terminal from script(1)) the report is the same, written file by file", arguments: ["jsonl", "text"])
    func terminalOutputIsTheSame(format: String) throws {
        for index in 0..<150 {
            try folder.write(String(format: "tty/%03d.txt", index), "contact \(email) about item \(index)\n")
        }
        let arguments = ["scan", "--format", format, "--threads", "2", folder.url.appending(path: "tty").path, "--detectors", detectors]
        let piped = try CordonProcess.run(arguments)
        // script(1) runs the command on a pseudo-terminal, copies what it writes, and exits with
        // its status (-e); the terminal turns each line feed into CR LF. Standard error (the
        // progress line a terminal gets) is left out.
        let command = ([CordonProcess.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let reader = PipeReader(stdout.fileHandleForReading)
        try process.run()
        process.waitUntilExit()
        let terminal = String(decoding: reader.wait(), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(process.terminationStatus == piped.status)
        #expect(piped.status == 1)
        #expect(terminal == piped.stdoutText)
        #expect(piped.stdoutLines.count > 150)
    }
}
