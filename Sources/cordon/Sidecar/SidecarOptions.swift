import ArgumentParser
import Cordon
import Foundation
import Logging

/// Options shared by the sidecar commands: the policy, the audit trail and logging.
struct SidecarOptions: ParsableArguments {
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

    /// Compiles the detectors, loads and validates the policy, and reports its expired exceptions.
    func makeEnforcer(logger: Logger, placeholders: PlaceholderStore = PlaceholderStore()) throws -> PolicyEnforcer {
        let engine = try detectorOptions.makeEngine()
        let policy: Policy
        do {
            policy = try policyPath.map { (path) throws(PolicyError) in try Policy.load(from: path) } ?? Policy.builtIn()
            try policy.validate(against: engine.detectors)
        } catch {
            throw CommandFailure(error.description)
        }
        for exception in policy.expiredExceptions() {
            logger.warning(
                "policy exception expired and no longer applies",
                metadata: [
                    "file": "\(policy.source)", "line": "\(exception.line.map(String.init) ?? "?")",
                    "scope": "\(exception.scope)", "owner": "\(exception.owner)", "expired": "\(exception.expires)",
                ])
        }
        return PolicyEnforcer(engine: engine, policy: policy, placeholders: placeholders)
    }

    /// Opens the audit log, when one was asked for.
    func makeAuditLog() throws -> AuditLog? {
        guard let auditPath else { return nil }
        var key: [UInt8]?
        if let auditKeyFile {
            guard let data = FileManager.default.contents(atPath: auditKeyFile), !data.isEmpty else {
                throw CommandFailure("\(auditKeyFile): cannot read the audit key, or it is empty")
            }
            key = Array(data)
        }
        do {
            return try AuditLog(path: auditPath, key: key)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
