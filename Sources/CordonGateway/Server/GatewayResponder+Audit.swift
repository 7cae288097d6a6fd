import CordonGuard

extension GatewayResponder {
    /// Appends the request's audit record. A record that cannot be written fails the request
    /// closed: nothing is forwarded without its record.
    func audit(
        _ exchange: Exchange, destination: String? = nil, scan: RequestScan? = nil, input: [UInt8]? = nil, output: [UInt8]? = nil,
        error: String?
    ) throws {
        guard let log = pipeline.audit else { return }
        let record = AuditRecord(
            operation: "gateway.\(exchange.endpoint.name)", session: exchange.auditedSession, destination: destination ?? exchange.destination,
            source: .prompt, level: scan?.level, action: scan?.action ?? (error == nil ? nil : .block),
            detectorCounts: scan?.detectorCounts ?? [:], inputSHA256: input.map { AuditRecord.sha256($0) },
            outputSHA256: output.map { AuditRecord.sha256($0) }, policyVersion: pipeline.policy.version, error: error)
        do {
            try log.append(record)
        } catch {
            logger.error("audit record could not be written", metadata: ["error": "\(error.description)"])
            throw GatewayFailure(status: .internalServerError, code: "cordon_audit_failed", message: "The audit record could not be written.")
        }
    }

    /// Appends a response's audit record: what was redacted on the way back, the SHA-256 of what
    /// the client received (`output`, or `outputSHA256` for a stream hashed as it went), and an error code
    /// when the response could not be scanned (`response_not_scanned`, `response_scan_incomplete`,
    /// …) — distinct from a clean response, which has none.
    func audit(
        _ exchange: Exchange, destination: String, response: Bool, redacted: [String: Int] = [:], output: [UInt8]? = nil,
        outputSHA256: String? = nil, error: String?
    ) throws {
        guard let log = pipeline.audit else { return }
        let record = AuditRecord(
            operation: "gateway.\(exchange.endpoint.name).response", session: exchange.auditedSession, destination: destination,
            action: error != nil ? nil : (redacted.isEmpty ? .allow : .redact), detectorCounts: redacted,
            outputSHA256: outputSHA256 ?? output.map { AuditRecord.sha256($0) }, policyVersion: pipeline.policy.version, error: error)
        do {
            try log.append(record)
        } catch {
            logger.error("audit record could not be written", metadata: ["error": "\(error.description)"])
            throw GatewayFailure(status: .internalServerError, code: "cordon_audit_failed", message: "The audit record could not be written.")
        }
    }
}
