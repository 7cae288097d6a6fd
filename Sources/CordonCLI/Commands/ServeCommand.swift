import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation
import Logging

/// `cordon serve`: the sidecar, JSON Lines requests on standard input, one response line each
/// on standard output.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve scan, redact and restore requests as JSON Lines over stdin/stdout.",
        discussion: """
            Each line on standard input is one request: {"id", "op": "scan"|"redact"|"restore"|"ping", \
            "text" or "base64", "source", "path", "destination", "session", "operator"}. Each gets \
            exactly one response line on standard output, in request order: {"id", "ok": true, \
            "level", "action", "text" (redact/restore), "findings", "policy"} or {"id", "ok": false, \
            "error": {"code", "message"}, "policy"}. Requests are processed concurrently. Standard output \
            carries nothing else; diagnostics go to standard error. On end of input, SIGTERM or \
            SIGINT every request already read is answered, then the exit status is 0.
            """
    )

    @Option(name: .customLong("max-bytes"), help: "The largest request line, in bytes; larger ones get a request_too_large error.")
    var maximumBytes: Int = 16 * 1024 * 1024

    @Option(name: .customLong("operator"), help: "The default redaction operator: placeholder, mask, hash, remove or placeholder-reversible.")
    var operatorName: String = "placeholder"

    @Option(name: .customLong("hash-key-file"), help: ArgumentHelp("The key for the hash operator (the file's bytes).", valueName: "file"))
    var hashKeyFile: String?

    @Option(name: .customLong("max-in-flight"), help: "The most requests processed at once.")
    var maximumInFlight: Int = max(4, ProcessInfo.processInfo.activeProcessorCount * 4)

    // Optional, so that `--help` can name the default, which depends on --max-bytes.
    @Option(
        name: .customLong("max-in-flight-bytes"),
        help: "The most request bytes processed at once (default: the larger of --max-bytes and 32 MiB); one request is always let through.")
    var maximumInFlightBytesOption: Int?

    /// The bound on request bytes in flight, which bounds the sidecar's memory: each request
    /// needs at most about 4 times its size while it is processed.
    var maximumInFlightBytes: Int { maximumInFlightBytesOption ?? max(maximumBytes, 32 * 1024 * 1024) }

    @OptionGroup var sessionOptions: SessionOptions

    @OptionGroup var options: GuardOptions

    func validate() throws {
        guard maximumBytes >= 1 else { throw ValidationError("--max-bytes must be at least 1") }
        guard maximumInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1") }
        guard maximumInFlightBytes >= 1 else { throw ValidationError("--max-in-flight-bytes must be at least 1") }
        guard ValueReplacement.names.contains(operatorName) else {
            throw ValidationError("unknown operator '\(operatorName)' (expected one of: \(ValueReplacement.names.joined(separator: ", ")))")
        }
        if operatorName == "hash", hashKeyFile == nil { throw ValidationError("--operator hash needs --hash-key-file") }
    }

    func run() throws {
        let logger = options.makeLogger(label: "cordon.serve")
        let hashKey = try hashKeyFile.map { (path) throws(GuardError) in try KeyFile.read(path, purpose: "hash key") }
        let pipeline = try options.makeGuard(
            logger: logger,
            placeholderLimits: sessionOptions.limits(defaultSessions: PlaceholderLimits().sessions))
        let enforcer = pipeline.enforcer
        let processor = SidecarRequestProcessor(
            enforcer: enforcer, defaultOperatorName: operatorName, hashKey: hashKey, hashesContent: pipeline.audit != nil)
        logger.info(
            "ready",
            metadata: [
                "policy": "\(enforcer.policy.version)", "policy_source": "\(enforcer.policy.source)",
                "detectors": "\(enforcer.engine.detectors.count)", "audit": "\(options.auditPath ?? "off")",
            ])
        SidecarServer(
            processor: processor, audit: pipeline.audit, maximumBytes: maximumBytes, maximumInFlight: maximumInFlight,
            maximumInFlightBytes: maximumInFlightBytes, logger: logger
        ).run()
    }
}
