import CordonGuard
import Foundation
import Synchronization

/// Runs an MCP server as a child process and sits between it and the client on standard
/// input and output, filtering every line through an ``MCPFilter``.
///
/// Lines are split on 0x0A by ``LineReader`` (bytes, not characters: UTF-8 is checked only on
/// complete lines, so a character split across two reads is never corrupted), each bounded by
/// the configuration's line limit. Every message is written as compact JSON and `\n`, with
/// blocking writes that loop over partial writes: a slow reader on either side slows the
/// proxy (backpressure) instead of growing a buffer. The server's standard error is the
/// proxy's. When the client closes standard input the server's standard input is closed; when
/// the server's output ends, every request in flight is answered and the proxy exits with the
/// server's status.
public final class MCPStdioProxy: Sendable {
    /// The filter.
    public let filter: MCPFilter
    /// The audit trail, if any: a message whose record cannot be written is not sent.
    public let audit: AuditLog?
    /// Where diagnostics go (never a value).
    public let diagnose: @Sendable (String) -> Void

    /// Creates a proxy.
    public init(filter: MCPFilter, audit: AuditLog?, diagnose: @escaping @Sendable (String) -> Void) {
        self.filter = filter
        self.audit = audit
        self.diagnose = diagnose
    }

    /// A descriptor written by several threads, one whole line at a time.
    final class LineWriter: Sendable {
        let descriptor: Int32
        private let lock = Mutex(false)

        init(descriptor: Int32) { self.descriptor = descriptor }

        /// Writes `lines` whole; `false` once the descriptor is closed or broken.
        func write(_ lines: [[UInt8]]) -> Bool {
            lock.withLock { broken in
                guard !broken else { return false }
                for line in lines {
                    var offset = 0
                    while offset < line.count {
                        let written = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                        if written < 0 {
                            if errno == EINTR || errno == EAGAIN { continue }
                            broken = true
                            return false
                        }
                        offset += written
                    }
                }
                return true
            }
        }

        func close() {
            lock.withLock { broken in
                if !broken { Foundation.close(descriptor) }
                broken = true
            }
        }
    }

    /// Starts `command` with `arguments` (looked up on `PATH`) and proxies until the server's
    /// output ends. Returns the server's exit status.
    ///
    /// - Throws: when the command cannot be started.
    public func run(command: String, arguments: [String], input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let serverInput = Pipe()
        let serverOutput = Pipe()
        process.standardInput = serverInput
        process.standardOutput = serverOutput
        // The exit is signalled by a termination handler registered before the start, not waited
        // for with `waitUntilExit()`, which spins the calling thread's run loop and can miss the
        // exit when that thread is not the main thread (the proxy also runs inside other programs).
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let toServer = LineWriter(descriptor: serverInput.fileHandleForWriting.fileDescriptor)
        let toClient = LineWriter(descriptor: output)
        let maximum = filter.configuration.maximumLineBytes

        let send: @Sendable (MCPFilterOutput) -> Void = { [self] result in
            for message in result.diagnostics { diagnose(message) }
            if let audit {
                for record in result.audit {
                    do {
                        _ = try audit.append(record)
                    } catch {
                        // Fail closed: nothing of this line goes on.
                        diagnose("cordon mcp: the audit record cannot be written (\(error)); the message is not forwarded")
                        return
                    }
                }
            }
            if !result.toServer.isEmpty { _ = toServer.write(result.toServer) }
            if !result.toClient.isEmpty { _ = toClient.write(result.toClient) }
        }

        let clientDone = DispatchSemaphore(value: 0)
        let clientThread = Thread { [filter] in
            var reader = LineReader(descriptor: input, maximumLength: maximum)
            while true {
                if let line = reader.nextBuffered() {
                    send(filter.fromClient(line))
                    continue
                }
                if reader.reachedEnd { break }
                if let line = reader.fill() { send(filter.fromClient(line)) }
            }
            // The client is gone: let the server see the end of its input.
            toServer.close()
            clientDone.signal()
        }
        clientThread.start()

        var reader = LineReader(descriptor: serverOutput.fileHandleForReading.fileDescriptor, maximumLength: maximum)
        while true {
            if let line = reader.nextBuffered() {
                send(filter.fromServer(line))
                continue
            }
            if reader.reachedEnd { break }
            if let line = reader.fill() { send(filter.fromServer(line)) }
        }
        // The server's output ended: answer what it never will.
        send(filter.serverClosed())
        // Give a server that closed its output but still runs a moment, then stop it.
        if exited.wait(timeout: .now() + 5) == .timedOut {
            process.terminate()
            exited.wait()
        }
        toServer.close()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }
}
