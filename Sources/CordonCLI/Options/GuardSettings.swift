import ArgumentParser
import Cordon
import CordonGuard
import Logging

/// The settings that make a ``Guard`` — policy, audit trail, detectors, log level — as plain
/// values, whichever way they were read.
///
/// ``GuardOptions`` reads them through ArgumentParser for `serve`, `mcp` and `gateway`; the hook's
/// direct parse (``HookInvocation/init(directlyParsing:)``) reads them without it, because a hook
/// process pays its start-up on every agent event. Both then set up the pipeline through this one
/// type, so that they load, validate and warn the same way.
struct GuardSettings: Equatable {
    var policyPath: String?
    var auditPath: String?
    var auditKeyFile: String?
    var logLevel: Logger.Level = .info
    var detectorPaths: [String] = []

    /// Throws the usage error these settings make, if any: the one check for ``GuardOptions``
    /// and for the hook's direct parse, so that both readings accept the same command lines.
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

    /// The pipeline these settings describe, with `limits` for its placeholder sessions; expired
    /// policy exceptions are reported through `logger`.
    func makeGuard(logger: Logger, placeholderLimits limits: PlaceholderLimits = PlaceholderLimits()) throws -> Guard {
        let loaded = try Guard(GuardConfiguration(
            policyPath: policyPath, detectorPaths: detectorPaths, auditPath: auditPath, auditKeyPath: auditKeyFile,
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
