import Foundation

/// The exit of a child process, waited for without `Process.waitUntilExit()`.
///
/// `waitUntilExit()` spins the calling thread's run loop until Foundation delivers the child's
/// termination to it. Called from a Swift Testing worker thread rather than the main thread it
/// can wait forever for a child that has already exited (swift-corelibs-foundation; the cause of
/// the rare full-suite hangs in which the test process sat idle in an end-to-end test). A
/// termination handler registered before `run()` and a semaphore cannot miss the exit.
package final class ProcessExit: @unchecked Sendable {
    private let exited = DispatchSemaphore(value: 0)

    /// Registers on `process`; create it before `process.run()`, so that a child that exits at
    /// once is not missed.
    package init(_ process: Process) {
        process.terminationHandler = { [exited] _ in exited.signal() }
    }

    /// Waits until the process has exited; any number of calls return once it has.
    package func wait() {
        exited.wait()
        exited.signal()
    }

    /// Waits at most `timeout` seconds; whether the process has exited.
    package func wait(timeout: TimeInterval) -> Bool {
        guard exited.wait(timeout: .now() + timeout) == .success else { return false }
        exited.signal()
        return true
    }
}
