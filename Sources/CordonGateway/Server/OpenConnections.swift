import NIOCore
import Synchronization

/// The client connections a ``PerLoopServer`` has open, so that a graceful shutdown can ask each
/// to finish its request in flight and close (NIO's `ChannelShouldQuiesceEvent`, which
/// Hummingbird's HTTP/1 handlers act on: an idle connection closes at once, a busy one after its
/// response).
///
/// A connection accepted after the shutdown began is asked as soon as it is registered.
final class OpenConnections: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var isQuiescing = false
    }

    private let state = Mutex(State())

    /// Registers an accepted connection (removed again when it closes).
    func add(_ channel: any Channel) {
        let identifier = ObjectIdentifier(channel)
        let quiesceNow = state.withLock { state in
            state.channels[identifier] = channel
            return state.isQuiescing
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.channels.removeValue(forKey: identifier) }
        }
        if quiesceNow { Self.quiesce(channel) }
    }

    /// Asks every open connection (and every one registered from now on) to close once idle.
    func quiesceAll() {
        let channels = state.withLock { state in
            state.isQuiescing = true
            return Array(state.channels.values)
        }
        for channel in channels { Self.quiesce(channel) }
    }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
