import Cordon
import CordonGuard
import CordonJSON
import Dispatch
import Foundation
import Logging

/// The `cordon serve` loop: reads request lines, processes them concurrently, answers in order,
/// and shuts down cleanly.
///
/// The reader (the calling thread) parses each complete line and dispatches it with a sequence
/// number to the global concurrent queue — through a serial queue per session, so the requests
/// of one session run in order while sessions run in parallel; ``ResponseSequencer`` writes the
/// answers in sequence order. On end of
/// input, or on SIGTERM/SIGINT, no further line is dispatched, every dispatched request is
/// answered and flushed, and the process exits with status 0.
final class SidecarServer: @unchecked Sendable {
    private let processor: SidecarRequestProcessor
    private let maximumBytes: Int
    private let logger: Logger
    private let limiter: InFlightLimiter
    private let sequencer: ResponseSequencer
    private let queue = DispatchQueue.global(qos: .userInitiated)
    private let lock = NSLock()
    private var dispatched = 0
    private var stopping = false
    private var signalSources: [DispatchSourceSignal] = []
    /// The serial queue of each session with requests queued, and how many.
    private var sessionQueues: [String: (queue: DispatchQueue, queued: Int)] = [:]
    private let exitLock = NSLock()

    init(
        processor: SidecarRequestProcessor, audit: AuditLog?, maximumBytes: Int, maximumInFlight: Int, maximumInFlightBytes: Int,
        logger: Logger
    ) {
        self.processor = processor
        self.maximumBytes = maximumBytes
        self.logger = logger
        limiter = InFlightLimiter(maximumCount: maximumInFlight, maximumBytes: maximumInFlightBytes)
        let logger = logger
        sequencer = ResponseSequencer(
            audit: audit, output: .standardOutput, limiter: limiter,
            onAuditFailure: { error in
                logger.error("audit record not written; request answered with an error", metadata: ["reason": "\(error.message)"])
            },
            onBrokenOutput: {
                logger.error("standard output is closed; stopping")
                Foundation.exit(1)
            })
    }

    /// Serves standard input until it ends or a signal arrives; never returns.
    func run() -> Never {
        installSignalHandlers()
        var reader = LineReader(descriptor: STDIN_FILENO, maximumLength: maximumBytes)
        reading: while true {
            while let line = reader.nextBuffered() {
                guard dispatch(line) else { break reading }
            }
            if let last = reader.fill() {
                _ = dispatch(last)
            }
            if reader.reachedEnd { break }
        }
        shutDown(reason: "end of input")
    }

    /// Dispatches one line; returns `false` once the server is stopping.
    private func dispatch(_ line: LineReader.Line) -> Bool {
        let size: Int
        switch line {
        case .complete(let bytes):
            // Blank lines are not requests.
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
            size = bytes.count
        case .oversized(let prefix):
            size = prefix.count
        }
        limiter.acquire(size: size)
        lock.lock()
        guard !stopping else {
            lock.unlock()
            limiter.release(size: size)
            return false
        }
        let sequence = dispatched
        dispatched += 1
        lock.unlock()
        let processor = self.processor
        let sequencer = self.sequencer
        switch line {
        case .oversized(let prefix):
            sequencer.complete(sequence, processor.oversized(prefix: prefix, limit: maximumBytes))
        case .complete(let bytes):
            switch processor.parse(bytes) {
            case .failure(let failure):
                sequencer.complete(sequence, failure.result)
            case .success(let request):
                let session = SidecarRequestProcessor.session(of: request)
                let target = session.map { sessionQueue(for: $0) } ?? queue
                target.async { [self] in
                    sequencer.complete(sequence, processor.process(request, line: bytes))
                    if let session { finishedSessionRequest(session) }
                }
            }
        }
        return true
    }

    /// The serial queue that runs the requests of `session` in order (on the concurrent pool),
    /// created on first use and dropped once the session has nothing queued.
    private func sessionQueue(for session: String) -> DispatchQueue {
        lock.lock()
        defer { lock.unlock() }
        if let entry = sessionQueues[session] {
            sessionQueues[session] = (entry.queue, entry.queued + 1)
            return entry.queue
        }
        let created = DispatchQueue(label: "cordon.serve.session", target: queue)
        sessionQueues[session] = (created, 1)
        return created
    }

    private func finishedSessionRequest(_ session: String) {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = sessionQueues[session] else { return }
        if entry.queued <= 1 {
            sessionQueues.removeValue(forKey: session)
        } else {
            sessionQueues[session] = (entry.queue, entry.queued - 1)
        }
    }

    private func installSignalHandlers() {
        signal(SIGPIPE, SIG_IGN)
        let signalQueue = DispatchQueue(label: "cordon.serve.signals")
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler { [self] in shutDown(reason: name) }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Stops dispatching, answers everything dispatched, flushes and exits with status 0.
    private func shutDown(reason: String) -> Never {
        lock.lock()
        stopping = true
        let total = dispatched
        lock.unlock()
        // Only the first caller (end of input or a signal) finishes; a second one waits for the
        // exit.
        exitLock.lock()
        sequencer.waitUntilWritten(total)
        logger.info(
            "stopping", metadata: ["reason": "\(reason)", "requests": "\(total)", "errors": "\(sequencer.errorCount)"])
        exit(0)
    }
}
