import AsyncHTTPClient
import CordonGuard
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The gateway: a Hummingbird server answering with a ``GatewayResponder``, and the
/// AsyncHTTPClient it forwards with (HTTPS with certificate checks; responses uncompressed).
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

    /// Serves until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var clientConfiguration = HTTPClient.Configuration(
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(Int64(configuration.upstreamTimeout))),
            decompression: .disabled)
        clientConfiguration.httpVersion = .automatic
        // AsyncHTTPClient queues requests beyond 8 connections per host by default, and a queued
        // request fails after the connect timeout: a gateway must not throttle its clients' streams.
        clientConfiguration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.upstreamConnections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let responder = GatewayResponder(
            configuration: configuration, pipeline: pipeline, client: client, logger: logger, metricsText: metricsText)
        let logger = self.logger
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
                await onListening(port)
            },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
