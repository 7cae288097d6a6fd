import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation

/// `cordon audit`: check audit files.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check audit trails.",
        subcommands: [Verify.self, Fingerprint.self]
    )

    /// `cordon audit verify`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check an audit file's hash chain, sequence numbers and HMACs.",
            discussion: """
                Exit 0 only when every record is intact; otherwise exit 1 naming the first broken \
                record by line. With --key-file every record's HMAC is checked too. Records removed \
                from the end cannot be seen in the file alone: compare the printed last hash with \
                one kept elsewhere.
                """
        )

        @Argument(help: ArgumentHelp("The audit file.", valueName: "file"))
        var path: String

        @Option(name: .customLong("key-file"), help: ArgumentHelp("The HMAC key file given to --audit-key-file.", valueName: "file"))
        var keyFile: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure("\(path): cannot read the file")
            }
            let key = try keyFile.map { (path) throws(GuardError) in try KeyFile.read(path, purpose: "key") }
            let result = AuditVerifier.verify(Array(data), key: key)
            if let problem = result.problem {
                Diagnostics.write("\(path): BROKEN at \(problem) (\(result.intactRecords) intact record\(result.intactRecords == 1 ? "" : "s") before it)")
                throw ExitCode(1)
            }
            let hmacs = result.checkedHMACs ? "chain and HMACs verified" : "chain verified (HMACs not checked: no --key-file)"
            FileHandle.standardOutput.write(Data("\(path): intact, \(result.intactRecords) record\(result.intactRecords == 1 ? "" : "s"); \(hmacs); last hash \(result.lastHash)\n".utf8))
            if result.formatOneRecords > 0 {
                // Still intact, so exit 0; but the reader must know these records are not safe to share.
                Diagnostics.write(
                    "\(path): \(result.formatOneRecords) record\(result.formatOneRecords == 1 ? " is" : "s are") of format 1 (before keyed fingerprints): their session and path are verbatim and their content hashes unkeyed, so they may give values away; keep the file private, and start a new one with --audit-key-file")
            }
        }
    }

    /// `cordon audit fingerprint`.
    struct Fingerprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fingerprint",
            abstract: "Print the keyed fingerprints under which audit records name a message, a session or a path.",
            discussion: """
                Records hold the content, the session and the path only as HMAC fingerprints under \
                a key derived from the audit key, so that nobody without the key can test a guess. \
                With the key, this prints the fingerprint of the file's bytes (standard input for \
                '-'), of --session and of --path, to search the audit file for (input_hmac, \
                output_hmac, session_hmac, path_hmac).
                """
        )

        @Argument(help: ArgumentHelp("A file whose bytes to fingerprint ('-' for standard input).", valueName: "file"))
        var file: String?

        @Option(name: .customLong("key-file"), help: ArgumentHelp("The audit key file given to --audit-key-file.", valueName: "file"))
        var keyFile: String

        @Option(help: ArgumentHelp("A session id to fingerprint.", valueName: "id"))
        var session: String?

        @Option(help: ArgumentHelp("A path, as the request named it, to fingerprint.", valueName: "path"))
        var path: String?

        func validate() throws {
            guard file != nil || session != nil || path != nil else {
                throw ValidationError("name a file, --session or --path")
            }
        }

        func run() throws {
            let fingerprints = AuditFingerprinter(auditKey: try KeyFile.read(keyFile, purpose: "audit key"))
            var lines: [String] = []
            if let file {
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
                guard let data else { throw CommandFailure("\(file): cannot read the file") }
                lines.append("content \(fingerprints.content(Array(data)))")
            }
            if let session { lines.append("session \(fingerprints.session(session))") }
            if let path { lines.append("path \(fingerprints.path(path))") }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
