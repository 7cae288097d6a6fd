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
        subcommands: [Verify.self]
    )

    /// `cordon audit verify`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
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
        }
    }
}
