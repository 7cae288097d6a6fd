import Cordon
import CordonJSON
import Foundation

/// Writes responses in request order, each after its audit record.
///
/// Workers finish in any order and hand their results here with the request's sequence number.
/// Whichever worker completes the next result in order becomes the writer: it takes the run of
/// consecutive ready results, appends their audit records (each written before its response),
/// then writes the responses to the output with one `write(2)`, while other workers only
/// park their results. A request whose audit record cannot be written is answered with an
/// `audit_failed` error instead of its result (fail closed).
public final class ResponseSequencer: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [Int: ProcessedRequest] = [:]
    private var nextToWrite = 0
    private var isWriting = false
    private let audit: AuditLog?
    private let output: DescriptorOutput
    private let limiter: InFlightLimiter
    /// Told when an audit record could not be written (the request is answered with an error).
    private let onAuditFailure: @Sendable (AuditError) -> Void
    /// Called when standard output is closed: nothing more can be answered.
    private let onBrokenOutput: @Sendable () -> Void
    /// The number of error responses written.
    public private(set) var errorCount = 0

    /// A sequencer writing to `output`, appending to `audit`, releasing `limiter` once a response
    /// is out.
    public init(
        audit: AuditLog?, output: DescriptorOutput, limiter: InFlightLimiter,
        onAuditFailure: @escaping @Sendable (AuditError) -> Void, onBrokenOutput: @escaping @Sendable () -> Void
    ) {
        self.audit = audit
        self.output = output
        self.limiter = limiter
        self.onAuditFailure = onAuditFailure
        self.onBrokenOutput = onBrokenOutput
    }

    /// The number of responses written (or being written).
    public var writtenCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return nextToWrite
    }

    /// Hands over the result of request `sequence`; writes it and any that follow if it is next.
    public func complete(_ sequence: Int, _ result: ProcessedRequest) {
        condition.lock()
        pending[sequence] = result
        guard !isWriting else {
            condition.unlock()
            return
        }
        isWriting = true
        while true {
            var batch: [ProcessedRequest] = []
            while let item = pending.removeValue(forKey: nextToWrite) {
                batch.append(item)
                nextToWrite += 1
            }
            if batch.isEmpty {
                isWriting = false
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.unlock()
            write(batch)
            condition.lock()
        }
    }

    /// Waits until `count` responses have been written.
    public func waitUntilWritten(_ count: Int) {
        condition.lock()
        while nextToWrite < count || isWriting { condition.wait() }
        condition.unlock()
    }

    private func write(_ batch: [ProcessedRequest]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.reduce(0) { $0 + $1.response.count + 1 })
        for item in batch {
            var response = item.response
            if let audit {
                do {
                    try audit.append(item.record)
                } catch {
                    onAuditFailure(error)
                    response = SidecarRequestProcessor.errorResponse(
                        id: item.id, code: .auditFailed, message: "the audit record could not be written, so the result is withheld",
                        policy: item.record.policyVersion)
                }
            }
            if item.record.error != nil { errorCount += 1 }
            bytes += response
            bytes.append(UInt8(ascii: "\n"))
        }
        let delivered = output.write(bytes)
        for item in batch { limiter.release(size: item.requestSize) }
        if !delivered { onBrokenOutput() }
    }
}
