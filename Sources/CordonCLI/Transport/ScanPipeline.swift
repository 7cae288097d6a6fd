import Foundation

/// Runs one job per input on worker threads and hands the outcomes over in input order.
///
/// `cordon scan --threads N` used to scan a folder in batches of 8 × N files with a barrier after
/// each batch, so one large file held every other worker idle, and each file was a dispatched
/// block (a thread wake-up). Here N long-lived workers take the next input as soon as they are
/// free, and the calling thread prints outcomes in input order. Workers stay at most
/// ``lookahead`` inputs ahead of the output, which bounds the outcomes held in memory.
///
/// The calling thread is woken once per ``batch`` outcomes ready in order, not once per
/// outcome. The reason: with as many workers as cores, each wake-up of the printing thread took
/// a core from a worker — two context switches per file. On the 3,221 files of the real-text
/// corpus, two threads used 8 % more CPU than one (`bench/threads.py`, #13).
final class ScanPipeline<Outcome: Sendable>: @unchecked Sendable {
    private let count: Int
    private let threads: Int
    private let work: @Sendable (Int) -> Outcome
    /// Guards every field below.
    private let condition = NSCondition()
    private var next = 0
    private var delivered = 0
    /// Every outcome before this index is in `slots` or delivered.
    private var readyThrough = 0
    private var slots: [Outcome?]
    private var printerWaits = false
    /// How many outcomes ready in order wake the waiting calling thread.
    private var printerNeeds = 1
    private var waitingWorkers = 0

    /// How many inputs beyond the last one printed the workers may have taken.
    let lookahead: Int

    /// How many outcomes must be ready in order before the waiting calling thread is woken
    /// (fewer at the end of the inputs). A quarter of ``lookahead``: workers blocked on the
    /// look-ahead always leave a whole batch ready, so the printer is woken before they wait.
    let batch: Int

    /// How long the calling thread waits for a whole batch once some outcomes are ready.
    static var patience: TimeInterval { 0.1 }

    /// A pipeline over inputs `0..<count`, run with `threads` workers that call `work`.
    init(count: Int, threads: Int, work: @escaping @Sendable (Int) -> Outcome) {
        self.count = count
        self.threads = max(1, threads)
        self.work = work
        slots = Array(repeating: nil, count: count)
        lookahead = 64 * max(1, threads)
        batch = lookahead / 4
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
        var ready: [Outcome] = []
        ready.reserveCapacity(lookahead)
        while delivered < count {
            condition.lock()
            // Wait for a batch (fewer at the end of the inputs), or for ``patience`` once
            // something is ready: slow files must not hold back the output of fast ones for long.
            let deadline = Date(timeIntervalSinceNow: Self.patience)
            printerNeeds = min(batch, count - delivered)
            while readyThrough - delivered < printerNeeds {
                printerWaits = true
                if printerNeeds == 1 {
                    condition.wait()
                } else if !condition.wait(until: deadline) {
                    printerNeeds = 1  // Patience is over: whatever is ready, or the next outcome.
                }
                printerWaits = false
            }
            let first = delivered
            for index in first..<readyThrough {
                ready.append(slots[index]!)
                slots[index] = nil
            }
            delivered = readyThrough
            if waitingWorkers > 0 { condition.broadcast() }
            condition.unlock()
            for (offset, outcome) in ready.enumerated() { deliver(first + offset, outcome) }
            ready.removeAll(keepingCapacity: true)
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
            while readyThrough < count, slots[readyThrough] != nil { readyThrough += 1 }
            if printerWaits, readyThrough - delivered >= printerNeeds { condition.broadcast() }
            condition.unlock()
        }
    }
}
