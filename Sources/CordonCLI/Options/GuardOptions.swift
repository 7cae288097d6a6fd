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
        try settings.validate()
    }

    /// These options as plain values.
    var settings: GuardSettings {
        GuardSettings(
            policyPath: policyPath, auditPath: auditPath, auditKeyFile: auditKeyFile, logLevel: logLevel,
            detectorPaths: detectorOptions.paths)
    }

    /// Sets up swift-log on standard error (once per process) and returns a logger.
    func makeLogger(label: String) -> Logger {
        settings.makeLogger(label: label)
    }

    /// The pipeline these options describe, with `limits` for its placeholder sessions; expired
    /// policy exceptions are reported through `logger`.
    func makeGuard(logger: Logger, placeholderLimits limits: PlaceholderLimits = PlaceholderLimits()) throws -> Guard {
        try settings.makeGuard(logger: logger, placeholderLimits: limits)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
