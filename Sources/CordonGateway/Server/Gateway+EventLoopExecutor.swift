import CConcurrencyHook
import NIOCore
import NIOPosix

extension Gateway {
    /// The Swift runtime's global-enqueue hook: where a task that is not on an actor is scheduled.
    typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Makes NIO's singleton event-loop group the global executor: each job runs on the loop it is
    /// enqueued from (else the next), on the generic executor, and the runtime's hook variable is
    /// reached by a link-time reference.
    ///
    /// SwiftNIO's own installer looks the hook up with `dlsym`, which finds nothing in a binary
    /// linked with `--static-swift-stdlib` (the runtime's symbols are not exported there): in the
    /// release build `make release` ships, the gateway's tasks ran on Swift's own thread pool,
    /// every upstream event crossing threads twice (bench/gateway/RESULTS.md, round 8).
    ///
    /// SwiftNIO's hook also runs each job isolated to the loop's serial executor
    /// (`runSynchronously(on: loop.asUnownedSerialExecutor())`). A global job is isolated to
    /// nothing, and from a serial executor every call into a nonisolated async function (an
    /// async sequence's `next()`, `NIOAsyncWriter.yield`, `withTaskCancellationHandler`) is an
    /// executor switch: the task is enqueued on the loop again, and again on the way back —
    /// ~16 jobs per streamed upstream event (callgrind: 6,275 `swift_task_switch` enqueues over
    /// 4 streams of 100 events). Run on the generic executor, as Swift's own pool runs global
    /// jobs, those calls continue in place (bench/gateway/RESULTS.md, round 10).
    static func installEventLoopExecutorHook() -> Bool {
        withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { storage in
            storage.baseAddress!.initialize(to: { job, _ in
                let pointer = unsafeBitCast(job, to: UnsafeMutableRawPointer.self)
                MultiThreadedEventLoopGroup.singleton.any().execute {
                    cordon_run_job_on_generic_executor(pointer)
                }
            })
            return storage.baseAddress!.withMemoryRebound(to: UnsafeMutableRawPointer.self, capacity: 1) { pointer in
                cordon_install_enqueue_global_hook(pointer.pointee)
            }
        }
    }
}
