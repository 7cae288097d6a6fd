import CConcurrencyHook
import NIOCore
import NIOPosix

extension Gateway {
    /// The Swift runtime's global-enqueue hook: where a task that is not on an actor is scheduled.
    typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// The singleton group's event loops with each one's executor, cast once.
    ///
    /// The hook runs for every job a task enqueues (several per streamed event); casting the loop
    /// to `any SerialExecutor` there looked the conformance up in the runtime's cache each time
    /// (`swift_conformsToProtocol`: 0.6 % of the gateway's CPU under streams, `perf record`).
    static let loopExecutors: [(loop: ObjectIdentifier, executor: any SerialExecutor)] =
        MultiThreadedEventLoopGroup.singleton.makeIterator().compactMap { loop in
            (loop as? any SerialExecutor).map { (ObjectIdentifier(loop), $0) }
        }

    /// Makes NIO's singleton event-loop group the global executor the way SwiftNIO's own
    /// installer does (each job on the loop it is enqueued from, else the next), but reaching the
    /// runtime's hook variable by a link-time reference.
    ///
    /// SwiftNIO looks the hook up with `dlsym`, which finds nothing in a binary linked with
    /// `--static-swift-stdlib` (the runtime's symbols are not exported there): in the release
    /// build `make release` ships, the gateway's tasks ran on Swift's own thread pool, every
    /// upstream event crossing threads twice, although the debug build the tests run had them on
    /// the loops (bench/gateway/RESULTS.md, round 8).
    static func installEventLoopExecutorHook() -> Bool {
        _ = loopExecutors
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { storage in
            storage.baseAddress!.initialize(to: { job, _ in
                let loop = MultiThreadedEventLoopGroup.singleton.any()
                let identifier = ObjectIdentifier(loop)
                for entry in Gateway.loopExecutors where entry.loop == identifier {
                    entry.executor.enqueue(ExecutorJob(job))
                    return
                }
                if let executor = loop as? any SerialExecutor {
                    executor.enqueue(ExecutorJob(job))
                } else {
                    loop.execute { job.runSynchronously(on: loop.executor.asUnownedSerialExecutor()) }
                }
            })
            return storage.baseAddress!.withMemoryRebound(to: UnsafeMutableRawPointer.self, capacity: 1) { pointer in
                cordon_install_enqueue_global_hook(pointer.pointee)
            }
        }
    }
}
