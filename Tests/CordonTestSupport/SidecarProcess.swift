import Foundation

/// A long-running `cordon` process (such as `cordon serve`) driven over real pipes: write to its
/// standard input a piece at a time, read its standard output line by line as it arrives, signal
/// it, and wait for it to exit.
package final class SidecarProcess: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let condition = NSCondition()
    private var outputBuffer = Data()
    private var outputClosed = false
    private var errorBuffer = Data()
    private var errorClosed = false
    private var inputClosed = false
    private let exit: ProcessExit

    /// Starts `cordon` with `arguments`.
    package init(_ arguments: [String], currentDirectory: URL? = nil) throws {
        process.executableURL = CordonProcess.executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        exit = ProcessExit(process)
        try process.run()
        let outputHandle = output.fileHandleForReading
        let errorHandle = errors.fileHandleForReading
        Thread.detachNewThread { [self] in drain(outputHandle, isError: false) }
        Thread.detachNewThread { [self] in drain(errorHandle, isError: true) }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    private func drain(_ handle: FileHandle, isError: Bool) {
        while true {
            let chunk = handle.availableData
            condition.lock()
            if chunk.isEmpty {
                if isError { errorClosed = true } else { outputClosed = true }
                condition.broadcast()
                condition.unlock()
                return
            }
            if isError { errorBuffer.append(chunk) } else { outputBuffer.append(chunk) }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The process id.
    package var processIdentifier: Int32 { process.processIdentifier }

    /// Writes `data` to the process's standard input (blocking while the pipe is full).
    package func write(_ data: Data) {
        input.fileHandleForWriting.write(data)
    }

    /// Writes `text` to standard input.
    package func write(_ text: String) { write(Data(text.utf8)) }

    /// Closes standard input (end of input for the process).
    package func closeInput() {
        condition.lock()
        defer { condition.unlock() }
        guard !inputClosed else { return }
        inputClosed = true
        try? input.fileHandleForWriting.close()
    }

    /// Sends `signal` to the process.
    package func send(signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The complete lines of standard output received so far.
    package var receivedLines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return Self.completeLines(outputBuffer)
    }

    /// Waits until at least `count` complete lines have arrived on standard output (or it
    /// closes, or `timeout` passes) and returns all complete lines so far.
    package func waitForLines(_ count: Int, timeout: TimeInterval = 60) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while Self.completeLines(outputBuffer).count < count, !outputClosed {
            if !condition.wait(until: deadline) { break }
        }
        return Self.completeLines(outputBuffer)
    }

    /// Waits for the process to exit (at most `timeout`, then kills it) and for its outputs to
    /// close; returns its exit status and everything it wrote.
    package func waitForExit(timeout: TimeInterval = 60) -> CordonProcess.Output {
        if !exit.wait(timeout: timeout) { process.terminate() }
        exit.wait()
        condition.lock()
        while !(outputClosed && errorClosed) {
            if !condition.wait(until: Date().addingTimeInterval(10)) { break }
        }
        let result = CordonProcess.Output(status: process.terminationStatus, stdout: outputBuffer, stderr: errorBuffer)
        condition.unlock()
        return result
    }

    /// Whether the process ended because of a signal rather than by exiting.
    package var wasKilledBySignal: Bool { process.terminationReason == .uncaughtSignal }

    private static func completeLines(_ data: Data) -> [String] {
        guard let last = data.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        return String(decoding: data[data.startIndex..<last], as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
