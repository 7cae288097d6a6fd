import Foundation

/// Runs one job per input on worker threads and hands the outcomes over in input order.
///
/// `cordon scan --threads N` used to scan a folder in batches of 8 × N files with a barrier after
/// each batch, so one large file held every other worker idle, and each file was a dispatched
/// block (a thread wake-up). Here N long-lived workers take the next input as soon as they are
/// free, and the calling thread prints outcomes as the next one in order completes. Workers stay
/// at most ``lookahead`` inputs ahead of the output, which bounds the outcomes held in memory.
final class ScanPipeline<Outcome: Sendable>: @unchecked Sendable {
    private let count: Int
    private let threads: Int
    private let work: @Sendable (Int) -> Outcome
    /// Guards every field below.
    private let condition = NSCondition()
    private var next = 0
    private var delivered = 0
    private var slots: [Outcome?]
    private var printerWaits = false
    private var waitingWorkers = 0

    /// How many inputs beyond the last one printed the workers may have taken.
    let lookahead: Int

    /// A pipeline over inputs `0..<count`, run with `threads` workers that call `work`.
    init(count: Int, threads: Int, work: @escaping @Sendable (Int) -> Outcome) {
        self.count = count
        self.threads = max(1, threads)
        self.work = work
        slots = Array(repeating: nil, count: count)
        lookahead = 64 * max(1, threads)
    }

    /// Runs the jobs and calls `deliver` on this thread with each outcome, in input order. With
    /// one thread (or one input) the jobs run on this thread, in order.
    func run(_ deliver: (Int, Outcome) -> Void) {
        guard threads > 1, count > 1 else {
            for index in 0..<count { deliver(index, work(index)) }
            return
        }
        for _ in 0..<min(threads, count) {
            Thread.detachNewThread { [self] in workLoop() }
        }
        for index in 0..<count {
            condition.lock()
            while slots[index] == nil {
                printerWaits = true
                condition.wait()
                printerWaits = false
            }
            let outcome = slots[index]!
            slots[index] = nil
            delivered = index + 1
            if waitingWorkers > 0 { condition.broadcast() }
            condition.unlock()
            deliver(index, outcome)
        }
    }

    private func workLoop() {
        while true {
            condition.lock()
            while next < count, next >= delivered + lookahead {
                waitingWorkers += 1
                condition.wait()
                waitingWorkers -= 1
            }
            guard next < count else {
                condition.unlock()
                return
            }
            let index = next
            next += 1
            condition.unlock()
            let outcome = work(index)
            condition.lock()
            slots[index] = outcome
            if printerWaits, index == delivered { condition.broadcast() }
            condition.unlock()
        }
    }
}
