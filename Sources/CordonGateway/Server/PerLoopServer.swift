#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The gateway's HTTP/1 server: one listening socket per event loop, all on the same address
/// (`SO_REUSEPORT`), each accepting connections onto its own loop; Hummingbird's HTTP/1 channel
/// reads and writes them, and the ``GatewayResponder`` answers.
///
/// Hummingbird's own server has one listening socket, and NIO puts each accepted connection on
/// the group's next loop: for every other connection another thread than the acceptor's, and the
/// connection then crosses between the two three times before its request is read (its
/// registration on the child's loop, the completion back on the acceptor's, the connection's task
/// started there asking the child's loop to read) — each crossing an eventfd write and a wake-up
/// of the other thread, on the path of every new connection's first request. With a listener per
/// loop the kernel spreads connections over the loops (by a hash of their addresses) and a
/// connection is accepted, read, scanned, forwarded and answered on one thread.
///
/// A graceful shutdown (SIGTERM, SIGINT) closes the listeners, asks every connection to close
/// once its request in flight is answered (idle ones at once), and returns when all have closed.
struct PerLoopServer: Service {
    /// The address to listen on.
    let host: String
    /// The port; 0 picks one (the same for every loop's listener).
    let port: Int
    /// The loops: one listener each.
    let loops: [any EventLoop]
    let responder: GatewayResponder
    let logger: Logger
    /// Called once every listener is bound, with the port.
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        let connections = OpenConnections()
        let http = Self.httpChannel(responder: responder, logger: logger)
        let listeners = try await bind(http, connections: connections)
        await onListening(listeners.first?.channel.localAddress?.port ?? port)
        let logger = self.logger
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for listener in listeners {
                    group.addTask {
                        // Each connection's task is added from the listener's task, which runs on
                        // the listener's loop once it has accepted: the connection's loop.
                        await withDiscardingTaskGroup { connectionTasks in
                            do {
                                try await listener.executeThenClose { inbound in
                                    for try await connection in inbound {
                                        connectionTasks.addTask { await http.handle(value: connection, logger: logger) }
                                    }
                                }
                            } catch {
                                logger.debug("a listener stopped", metadata: ["error": "\(error)"])
                            }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            for listener in listeners { listener.channel.close(promise: nil) }
            connections.quiesceAll()
        }
    }

    /// Hummingbird's HTTP/1 channel answering with `responder`, as Hummingbird's `Application`
    /// sets it up: a request context per request, a `Date` header on every response, an error the
    /// responder throws (other than the request's own parse error) answered with 500.
    static func httpChannel(responder: GatewayResponder, logger: Logger) -> HTTP1Channel {
        let dates = HTTPDate()
        return HTTP1Channel(responder: { request, writer, channel in
            let context = GatewayRequestContext(source: .init(channel: channel, logger: logger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPParserError {
                throw error
            } catch {
                logger.debug("unexpected error", metadata: ["error.type": "\(type(of: error))"])
                response = Response(status: .internalServerError)
            }
            response.headers[.date] = dates.current
            try await writer.write(response: response.head, body: response.body)
        })
    }

    /// `SO_REUSEPORT` (NIO names no constant for it).
    static let reusePort = NIOBSDSocket.Option(rawValue: SO_REUSEPORT)

    /// Binds one listener per loop to the address, after checking that nothing listens there yet:
    /// with `SO_REUSEPORT` another process of the same user could otherwise share the port
    /// silently, where a plain bind fails with "address in use".
    private func bind(_ http: HTTP1Channel, connections: OpenConnections) async throws -> [NIOAsyncChannel<HTTP1Channel.Value, Never>] {
        guard let first = loops.first else { return [] }
        if port != 0 {
            let probe = try await ServerBootstrap(group: first)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await probe.close()
        }
        var port = self.port
        var listeners: [NIOAsyncChannel<HTTP1Channel.Value, Never>] = []
        let logger = self.logger
        do {
            for loop in loops {
                let listener = try await ServerBootstrap(group: loop)
                    .serverChannelOption(ChannelOptions.backlog, value: 256)
                    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                    .serverChannelOption(ChannelOptions.socketOption(Self.reusePort), value: 1)
                    .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                    .bind(host: host, port: port) { channel in
                        connections.add(channel)
                        return http.setup(channel: channel, logger: logger)
                    }
                if port == 0 { port = listener.channel.localAddress?.port ?? 0 }
                listeners.append(listener)
            }
        } catch {
            for listener in listeners { try? await listener.channel.close() }
            throw error
        }
        return listeners
    }
}
