import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation

/// `cordon redact`: write a file or standard input with every finding replaced.
struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Write the input with secrets and personal data replaced.",
        discussion: """
            The redacted text goes to standard output, byte for byte the input outside the \
            redacted spans; the level and a summary of findings go to standard error. If a \
            detector cannot finish, nothing is written to standard output and the exit status \
            is 2 (fail closed).
            Operators: placeholder ([REDACTED:<detector-id>]), mask (all but the last 4 \
            characters of values of 12 or more), hash ([HMAC:<detector-id>:<hex>], needs \
            --hash-key-file), remove.
            """
    )

    @Argument(help: ArgumentHelp("The file to redact; '-' or none reads standard input.", valueName: "path"))
    var path: String = "-"

    @Option(name: .customLong("operator"), help: "How values are replaced: placeholder, mask, hash or remove.")
    var operatorName: String = "placeholder"

    @Option(name: .customLong("hash-key-file"), help: ArgumentHelp("The key for --operator hash (the file's bytes).", valueName: "file"))
    var hashKeyFile: String?

    // Optional, so that `--help` names the default (ArgumentParser would print its raw number).
    @Option(
        name: .customLong("min-confidence"),
        help: "Redact only findings of at least this confidence: low, medium or high (default: low).")
    var minimumConfidenceOption: Confidence?

    var minimumConfidence: Confidence { minimumConfidenceOption ?? .low }

    @OptionGroup var detectorOptions: DetectorOptions

    func validate() throws {
        guard RedactionOperator.names.contains(operatorName) else {
            throw ValidationError("unknown operator '\(operatorName)' (expected one of: \(RedactionOperator.names.joined(separator: ", ")))")
        }
        if operatorName == "hash", hashKeyFile == nil {
            throw ValidationError("--operator hash needs --hash-key-file")
        }
    }

    func run() throws {
        let redactionOperator = try OperatorOptions.redactionOperator(named: operatorName, hashKeyFile: hashKeyFile)
        let engine = try detectorOptions.makeEngine()
        guard Inputs.isFolder(path) == false else { throw CommandFailure("\(path): is a folder; redact takes one file") }
        if path != "-", !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path): no such file")
        }
        guard let data = try Input(path: path, foundInFolder: false).read() else { return }
        let redaction = data.withUnsafeBytes { raw in
            engine.redact(raw.bindMemory(to: UInt8.self), using: redactionOperator, minimumConfidence: minimumConfidence)
        }
        guard redaction.scan.isComplete else {
            throw CommandFailure("scan incomplete, nothing written: " + redaction.scan.failures.map { $0.description }.joined(separator: "; "))
        }
        FileHandle.standardOutput.write(Data(redaction.bytes))
        Diagnostics.write("level: \(redaction.level)")
        Diagnostics.write("findings: \(Summary.counts(redaction.findings))")
    }
}

/// Short summaries of findings for people: detector ids with counts, never values.
enum Summary {
    /// `3 (email ×2, aws-access-key-id ×1)`, or `0`.
    static func counts(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "0" }
        var counts: [String: Int] = [:]
        for finding in findings { counts[finding.detectorID, default: 0] += 1 }
        let parts = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) ×\($0.value)" }
        return "\(findings.count) (\(parts.joined(separator: ", ")))"
    }
}
