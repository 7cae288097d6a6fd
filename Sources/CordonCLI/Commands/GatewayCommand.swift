import ArgumentParser
import CordonGateway
import CordonGuard
import Dispatch
import Foundation
import Logging
import Synchronization

/// `cordon gateway`: an OpenAI- and Anthropic-compatible HTTP gateway in front of model
/// providers. Argument parsing only; the gateway is `CordonGateway`.
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve an OpenAI- and Anthropic-compatible HTTP gateway that scans, redacts and restores model traffic.",
        discussion: """
            Requests to /v1/chat/completions, /v1/messages, /v1/embeddings and GET /v1/models are scanned \
            (every JSON string), redacted with reversible per-session placeholders or blocked (HTTP 400, \
            code cordon_blocked), and forwarded to BASE_URL/<path after /v1/>; responses and streams get \
            the client's values back and new sensitive values masked. Other paths are rejected unless the \
            configuration says 'unknown_paths: scan'. See docs/gateway.md. SIGTERM or SIGINT: stop \
            accepting, finish requests in flight, exit 0.
            """
    )

    @Option(name: .customLong("listen"), help: ArgumentHelp("The address to listen on.", valueName: "host:port"))
    var listen: String?

    @Option(name: .customLong("upstream"), help: ArgumentHelp("The upstream's /v1 base URL (overrides the configuration's first upstream).", valueName: "base-url"))
    var upstream: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("The gateway configuration file (YAML): upstreams, routes, limits.", valueName: "file"))
    var configPath: String?

    @Option(name: .customLong("upstream-api-key-env"), help: ArgumentHelp("An environment variable with the API key to send when the client sends none.", valueName: "name"))
    var apiKeyEnvironment: String?

    @Option(name: .customLong("max-request-bytes"), help: "The largest request body accepted; larger ones get 413.")
    var maximumRequestBytes: Int?

    /// The sessions kept when `--max-sessions` is absent: a gateway serves every client in
    /// front of it, where a sidecar serves one agent (``PlaceholderLimits/sessions``, 256).
    static let defaultSessions = 10_000

    @OptionGroup var sessionOptions: SessionOptions

    @OptionGroup var options: GuardOptions

    func validate() throws {
        guard configPath != nil || upstream != nil else { throw ValidationError("give --upstream BASE_URL or --config FILE") }
        if let listen, GatewayConfigurationParser.parseListen(listen) == nil { throw ValidationError("--listen must be HOST:PORT") }
        if let upstream, !(upstream.hasPrefix("http://") || upstream.hasPrefix("https://")) {
            throw ValidationError("--upstream must be an http:// or https:// URL")
        }
        if let maximumRequestBytes, maximumRequestBytes < 1 { throw ValidationError("--max-request-bytes must be at least 1") }
    }

    func run() throws {
        let logger = options.makeLogger(label: "cordon.gateway")
        let environment = ProcessInfo.processInfo.environment
        // The gateway's tasks run on its event loops (one thread per event instead of three);
        // CORDON_GATEWAY_TASKS_ON_EVENT_LOOPS=0 keeps Swift's own pool, to compare.
        // Logged at start: the hook that puts them there is reached differently in static and
        // dynamic builds, and a build where it fails still works, only slower.
        let tasksOnEventLoops = environment["CORDON_GATEWAY_TASKS_ON_EVENT_LOOPS"] != "0" && Gateway.runTasksOnEventLoops()
        var configuration =
            try configPath.map { (path) throws(GatewayConfigurationError) in try GatewayConfigurationParser.load(from: path, environment: environment) }
            ?? GatewayConfiguration(upstreams: [])
        if let upstream {
            let first = configuration.upstreams.first
            let replacement = Upstream(
                name: first?.name ?? "default", baseURL: upstream, apiKeyEnvironment: apiKeyEnvironment ?? first?.apiKeyEnvironment,
                apiKey: (apiKeyEnvironment ?? first?.apiKeyEnvironment).flatMap { environment[$0] })
            if configuration.upstreams.isEmpty { configuration.upstreams = [replacement] } else { configuration.upstreams[0] = replacement }
        }
        if let listen, let (host, port) = GatewayConfigurationParser.parseListen(listen) {
            configuration.host = host
            configuration.port = port
        }
        if let maximumRequestBytes { configuration.maximumRequestBytes = maximumRequestBytes }
        let pipeline = try options.makeGuard(
            logger: logger,
            placeholderLimits: sessionOptions.limits(defaultSessions: Self.defaultSessions))
        let gateway = Gateway(configuration: configuration, pipeline: pipeline, logger: logger, metricsText: PrometheusExport.bootstrap())
        logger.info(
            "starting",
            metadata: [
                "policy": "\(pipeline.policy.version)", "policy_source": "\(pipeline.policy.source)",
                "upstreams": "\(configuration.upstreams.map(\.name).joined(separator: ","))", "audit": "\(options.auditPath ?? "off")",
                "tasks_on_event_loops": "\(tasksOnEventLoops)",
            ])
        let outcome = AsyncOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await gateway.run()
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw CommandFailure("the gateway stopped: \(error)") }
    }
}

/// The error, if any, that ended the gateway's task.
private final class AsyncOutcome: Sendable {
    private let stored = Mutex<(any Error)?>(nil)
    var error: (any Error)? { stored.withLock { $0 } }
    func set(_ error: any Error) { stored.withLock { $0 = error } }
}
