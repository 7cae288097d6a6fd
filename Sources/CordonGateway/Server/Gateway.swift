import AsyncHTTPClient
import CordonGuard
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The gateway: an HTTP/1 server (Hummingbird's HTTP/1 channel, one listener per event loop:
/// ``PerLoopServer``) answering with a ``GatewayResponder``, and the AsyncHTTPClient it forwards
/// with (HTTPS with certificate checks; responses uncompressed).
///
/// ``run()`` serves until SIGTERM or SIGINT, then stops accepting connections, finishes the
/// requests in flight (streams included), and shuts the client down.
public struct Gateway: Sendable {
    /// The configuration.
    public let configuration: GatewayConfiguration
    /// The pipeline: engine, policy, sessions, audit.
    public let pipeline: Guard
    let logger: Logger
    let metricsText: (@Sendable () -> [UInt8])?

    /// Creates a gateway.
    public init(
        configuration: GatewayConfiguration, pipeline: Guard, logger: Logger, metricsText: (@Sendable () -> [UInt8])? = nil
    ) {
        self.configuration = configuration
        self.pipeline = pipeline
        self.logger = logger
        self.metricsText = metricsText
    }

    /// Makes NIO's event loops (`MultiThreadedEventLoopGroup.singleton`, which the server and the
    /// upstream client share) the process's Swift-concurrency executor; call once, from the main
    /// thread, before any task starts. Returns whether it took effect.
    ///
    /// A request's task then runs on the event loop whose socket woke it (NIO keeps a task on the
    /// loop it was resumed from), the upstream client prefers a connection on that same loop, and
    /// an upstream event is read, rewritten and written to the client on one thread. Without it
    /// every event crosses three threads (client loop → concurrency pool → server loop), each
    /// crossing an eventfd wake-up: measured +0.47 → +0.28 ms per streamed event through the
    /// gateway, 870 → 358 system calls and 36.8 → 31.8 ms CPU per 100-event stream (see
    /// bench/gateway/RESULTS.md, round 7). Only for a process whose work is the gateway: nothing
    /// in it may block an event-loop thread waiting for another task.
    ///
    /// The hook is the gateway's own (``installEventLoopExecutorHook()``), not SwiftNIO's
    /// installer: that one finds the runtime's hook with `dlsym`, which fails in a binary linked
    /// with `--static-swift-stdlib`, and runs each job isolated to the loop, which makes every
    /// call into a nonisolated async function a second enqueue.
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        installEventLoopExecutorHook()
    }

    /// Serves until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var clientConfiguration = HTTPClient.Configuration(
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(Int64(configuration.upstreamTimeout))),
            decompression: .disabled)
        clientConfiguration.httpVersion = .automatic
        // No distributed tracing: the gateway bootstraps no tracer, and AsyncHTTPClient would
        // otherwise open a (no-op) span and set its attributes around every upstream request.
        clientConfiguration.tracing.tracer = nil
        // A forwarded request's head and body in one write (UpstreamRequestCoalescer).
        clientConfiguration.http1_1ConnectionDebugInitializer = { channel in
            channel.eventLoop.submit {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(UpstreamRequestCoalescer(), position: .after(try pipeline.handler(type: HTTPRequestEncoder.self)))
            }
        }
        // AsyncHTTPClient queues requests beyond 8 connections per host by default, and a queued
        // request fails after the connect timeout: a gateway must not throttle its clients' streams.
        clientConfiguration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.upstreamConnections)
        // Not `preWarmedHTTP1ConnectionCount`: in AsyncHTTPClient 1.37 it made requests to an
        // upstream that closes after each response wait for a connection until the connect timeout
        // (502), and `shutdown()` never finish (the gateway did not exit on SIGTERM): measured,
        // bench/gateway/RESULTS.md round 7. Kept-alive connections on each loop's client do the job.
        // The server and the upstream clients share NIO's singleton group; one client per loop.
        let clients = UpstreamClients(group: .singleton, configuration: clientConfiguration)
        let responder = GatewayResponder(
            configuration: configuration, pipeline: pipeline, clients: clients, logger: logger, metricsText: metricsText)
        let logger = self.logger
        let host = configuration.host
        let server = PerLoopServer(
            host: host, port: configuration.port, loops: Array(MultiThreadedEventLoopGroup.singleton.makeIterator()), responder: responder,
            logger: logger,
            onListening: { port in
                logger.info("listening", metadata: ["address": "\(host):\(port)"])
                await onListening(port)
            })
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            try? await clients.shutdown()
            throw error
        }
        try await clients.shutdown()
    }
}
