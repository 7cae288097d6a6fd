import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation
import Logging

/// The options of the commands that run the pipeline (`serve`, `hook`): the policy, the audit
/// trail, the detectors and logging, which make a ``Guard``.
struct GuardOptions: ParsableArguments {
    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp("The policy file (YAML); the built-in policy when absent.", valueName: "file"))
    var policyPath: String?

    @Option(
        name: .customLong("audit"),
        help: ArgumentHelp("Append one audit record per request to FILE (JSON Lines, hash-chained).", valueName: "file"))
    var auditPath: String?

    @Option(
        name: .customLong("audit-key-file"),
        help: ArgumentHelp("Sign every audit record with HMAC-SHA256 under the key in FILE (its bytes).", valueName: "file"))
    var auditKeyFile: String?

    @Option(name: .customLong("log-level"), help: "Diagnostics on standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @OptionGroup var detectorOptions: DetectorOptions

    func validate() throws {
        if auditKeyFile != nil, auditPath == nil { throw ValidationError("--audit-key-file needs --audit") }
    }

    /// Sets up swift-log on standard error (once per process) and returns a logger.
    func makeLogger(label: String) -> Logger {
        SidecarLogging.bootstrap()
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }

    /// The pipeline these options describe, with `limits` for its placeholder sessions; expired
    /// policy exceptions are reported through `logger`.
    func makeGuard(logger: Logger, placeholderLimits limits: PlaceholderLimits = PlaceholderLimits()) throws -> Guard {
        let loaded = try Guard(GuardConfiguration(
            policyPath: policyPath, detectorPaths: detectorOptions.paths, auditPath: auditPath, auditKeyPath: auditKeyFile,
            placeholderLimits: limits))
        if auditPath != nil, auditKeyFile == nil {
            // Said once at start-up, not per record: without a key the records are neither
            // signed nor matchable to a message, which a user who asked for an audit trail
            // would otherwise only find out when they need it.
            logger.warning(
                "audit records are not signed and carry no content fingerprints: give --audit-key-file to sign them",
                metadata: ["audit": "\(auditPath ?? "")"])
        }
        for exception in loaded.expiredExceptions() {
            logger.warning(
                "policy exception expired and no longer applies",
                metadata: [
                    "file": "\(loaded.policy.source)", "line": "\(exception.line.map(String.init) ?? "?")",
                    "scope": "\(exception.scope)", "owner": "\(exception.owner)", "expired": "\(exception.expires)",
                ])
        }
        return loaded
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
