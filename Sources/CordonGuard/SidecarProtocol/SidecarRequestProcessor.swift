import Cordon
import CordonJSON
import Foundation

/// Turns one request line of the sidecar protocol into its response line and audit record.
///
/// Every failure becomes an error response (`ok: false` with a ``SidecarErrorCode`` and a
/// message naming fields, never quoting the input); nothing here throws or stops the caller. The
/// processor is immutable and may be shared by any number of threads: `cordon serve` reads
/// lines from standard input and hands them here, and another transport (a socket, a pipe of
/// an embedding process) can do the same.
public struct SidecarRequestProcessor: Sendable {
    /// The enforcer with the compiled engine, the policy and the placeholder store.
    public let enforcer: PolicyEnforcer
    /// The replacement used when a request names no `operator`.
    public let defaultOperatorName: String
    /// The key for the `hash` operator, when one was given.
    let hashKey: [UInt8]?
    /// Whether the audit records carry the SHA-256 of the request's content and output.
    ///
    /// Only an audit log reads them; without one, hashing a 4 KB request twice was about a
    /// quarter of the sidecar's instructions per request (#13, callgrind).
    public let hashesContent: Bool

    /// Creates a processor; `hashKey` enables the `hash` operator; `hashesContent` false leaves
    /// the content hashes out of the audit records, for a caller that writes no audit log.
    public init(enforcer: PolicyEnforcer, defaultOperatorName: String = "placeholder", hashKey: [UInt8]? = nil, hashesContent: Bool = true) {
        self.enforcer = enforcer
        self.defaultOperatorName = defaultOperatorName
        self.hashKey = hashKey
        self.hashesContent = hashesContent
    }

    /// The SHA-256 of `bytes` for an audit record, or `nil` when records carry no hashes.
    private func contentHash(_ bytes: [UInt8]) -> String? {
        hashesContent ? AuditRecord.sha256(bytes) : nil
    }

    /// The fields a request may have.
    public static let fields: Set<String> = ["id", "op", "text", "base64", "source", "path", "destination", "session", "operator"]

    /// A request that could not be carried out: an error code and a message without input.
    struct Failure: Error {
        var code: SidecarErrorCode
        var message: String
        var operation = "invalid"
        var session: String?
        var destination: String?
    }

    /// Parses one complete line: the request, or the error response for a line that is not JSON.
    public func parse(_ line: [UInt8]) -> Result<JSONValue, ProcessedRequestFailure> {
        do {
            return .success(try JSONValue(parsing: line))
        } catch {
            return .failure(ProcessedRequestFailure(result: failure(
                Failure(code: .malformedJSON, message: "the request is not valid JSON: \(error.message) at byte \(error.offset)"),
                id: Self.leadingID(line), line: line)))
        }
    }

    /// The session a parsed request names, if any (requests of one session run in order).
    public static func session(of request: JSONValue) -> String? {
        request["session"]?.stringValue
    }

    /// Processes one complete line.
    public func process(_ line: [UInt8]) -> ProcessedRequest {
        switch parse(line) {
        case .success(let request): process(request, line: line)
        case .failure(let failure): failure.result
        }
    }

    /// Processes a parsed request read from `line`.
    public func process(_ request: JSONValue, line: [UInt8]) -> ProcessedRequest {
        guard case .object(let members) = request else {
            return failure(Failure(code: .notAnObject, message: "the request must be a JSON object"), id: .null, line: line)
        }
        var id = JSONValue.null
        if let value = request["id"] {
            switch value {
            case .string, .number, .null: id = value
            default:
                return failure(
                    Failure(code: .invalidRequest, message: "'id' must be a string, a number or null"), id: .null, line: line)
            }
        }
        do {
            if members.contains(where: { !Self.fields.contains($0.name) }) {
                throw Failure(code: .unknownField, message: "the request has an unknown field (allowed: \(Self.fields.sorted().joined(separator: ", ")))")
            }
            return try handle(request, id: id, line: line)
        } catch let failure as Failure {
            return self.failure(failure, id: id, line: line)
        } catch {
            return self.failure(Failure(code: .internalError, message: "the request could not be processed"), id: id, line: line)
        }
    }

    /// The error response for a line over the size limit.
    public func oversized(prefix: [UInt8], limit: Int) -> ProcessedRequest {
        let failure = Failure(code: .requestTooLarge, message: "the request is larger than --max-bytes (\(limit) bytes); it was discarded")
        var result = self.failure(failure, id: Self.leadingID(prefix), line: nil)
        result.requestSize = prefix.count
        return result
    }

    // MARK: - Operations

    private func handle(_ request: JSONValue, id: JSONValue, line: [UInt8]) throws -> ProcessedRequest {
        guard let opValue = request["op"] else { throw Failure(code: .missingField, message: "'op' is required") }
        guard case .string(let opBytes) = opValue else { throw Failure(code: .invalidRequest, message: "'op' must be a string") }
        let op = String(decoding: opBytes, as: UTF8.self)
        guard let operation = SidecarOperation(rawValue: op) else {
            throw Failure(
                code: .unknownOperation,
                message: "unknown op (expected one of: \(SidecarOperation.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let session = try optionalString(request, "session", operation: op)
        let destination = try optionalString(request, "destination", operation: op, session: session)
        let path = try optionalString(request, "path", operation: op, session: session)
        var source: MessageSource?
        if let name = try optionalString(request, "source", operation: op, session: session) {
            guard let known = MessageSource(rawValue: name) else {
                throw Failure(
                    code: .invalidField,
                    message: "'source' must be one of: \(MessageSource.allCases.map(\.rawValue).joined(separator: ", "))",
                    operation: op, session: session)
            }
            source = known
        }
        let policy = enforcer.policy
        let policyMember = JSONMember(name: "policy", value: .string(policy.version))

        if operation == .ping {
            return ProcessedRequest(
                id: id,
                response: JSONValue.object([
                    JSONMember(name: "id", value: id), JSONMember(name: "ok", value: .bool(true)), policyMember,
                ]).serialized(),
                record: AuditRecord(operation: op, session: session, policyVersion: policy.version),
                requestSize: line.count)
        }

        let (input, isBase64) = try content(request, operation: op, session: session)
        if operation == .restore {
            guard let session else {
                throw Failure(code: .missingField, message: "'session' is required for restore", operation: op)
            }
            let restoration = input.withUnsafeBufferPointer { enforcer.restore($0, session: session) }
            let (name, value) = Self.content(restoration.bytes, asBase64: isBase64)
            return ProcessedRequest(
                id: id,
                response: JSONValue.object([
                    JSONMember(name: "id", value: id), JSONMember(name: "ok", value: .bool(true)),
                    JSONMember(name: "action", value: .string("allow")), JSONMember(name: name, value: value),
                    JSONMember(name: "restored", value: .int(restoration.count)),
                    JSONMember(name: "withheld", value: .int(restoration.withheld)), policyMember,
                ]).serialized(),
                record: AuditRecord(
                    operation: op, session: session, source: source, path: path, action: .allow,
                    inputSHA256: contentHash(input), outputSHA256: contentHash(restoration.bytes),
                    policyVersion: policy.version),
                requestSize: line.count)
        }

        var replacement: ValueReplacement?
        if operation == .redact {
            let name = try optionalString(request, "operator", operation: op, session: session) ?? defaultOperatorName
            guard ValueReplacement.names.contains(name) else {
                throw Failure(
                    code: .unknownOperator,
                    message: "unknown operator (expected one of: \(ValueReplacement.names.joined(separator: ", ")))",
                    operation: op, session: session)
            }
            guard let chosen = ValueReplacement(name: name, hashKey: hashKey) else {
                throw Failure(
                    code: .operatorUnavailable, message: "operator 'hash' needs the sidecar to be started with --hash-key-file",
                    operation: op, session: session)
            }
            if case .reversiblePlaceholder = chosen, session == nil {
                throw Failure(
                    code: .missingField, message: "'session' is required for operator placeholder-reversible", operation: op)
            }
            replacement = chosen
        }

        let context = MessageContext(destination: destination, source: source, path: path, session: session)
        let enforcement: Enforcement
        do {
            enforcement = try input.withUnsafeBufferPointer { (buffer) throws(EnforcementError) in
                try enforcer.enforce(buffer, context: context, replacement: replacement)
            }
        } catch {
            switch error {
            case .unknownDestination:
                throw Failure(code: .unknownDestination, message: error.description, operation: op, session: session)
            case .sessionRequired:
                throw Failure(code: .missingField, message: error.description, operation: op, session: session)
            }
        }
        let decision = enforcement.decision
        var members: [JSONMember] = [
            JSONMember(name: "id", value: id), JSONMember(name: "ok", value: .bool(true)),
            JSONMember(name: "level", value: .string(decision.level.name)),
            JSONMember(name: "action", value: .string(decision.action.rawValue)),
        ]
        if let output = enforcement.output {
            let (name, value) = Self.content(output, asBase64: isBase64)
            members.append(JSONMember(name: name, value: value))
        }
        members.append(JSONMember(name: "findings", value: .array(decision.findings.map { finding in
            .object([
                JSONMember(name: "detector", value: .string(finding.detectorID)),
                JSONMember(name: "category", value: .string(finding.category.rawValue)),
                JSONMember(name: "level", value: .string(finding.level.name)),
                JSONMember(name: "start", value: .int(finding.range.lowerBound)),
                JSONMember(name: "end", value: .int(finding.range.upperBound)),
            ])
        })))
        members.append(policyMember)
        let record = AuditRecord(
            operation: op, session: session, destination: decision.destination.name, source: source, path: path,
            level: decision.level, action: decision.action, detectorCounts: PolicyDecision.detectorCounts(decision.findings),
            inputSHA256: contentHash(input),
            outputSHA256: enforcement.output.map { contentHash($0) }
                ?? (operation == .scan && decision.action == .allow ? contentHash(input) : nil),
            policyVersion: policy.version)
        return ProcessedRequest(id: id, response: JSONValue.object(members).serialized(), record: record, requestSize: line.count)
    }

    // MARK: - Helpers

    private func optionalString(
        _ request: JSONValue, _ name: String, operation: String, session: String? = nil
    ) throws -> String? {
        switch request[name] {
        case nil, .null?: return nil
        case .string(let bytes)?: return String(decoding: bytes, as: UTF8.self)
        default: throw Failure(code: .invalidField, message: "'\(name)' must be a string", operation: operation, session: session)
        }
    }

    /// The content of a request: `text` as UTF-8 bytes, or `base64` decoded.
    private func content(_ request: JSONValue, operation: String, session: String?) throws -> (bytes: [UInt8], isBase64: Bool) {
        let text = request["text"]
        let base64 = request["base64"]
        switch (text, base64) {
        case (nil, nil), (.null?, nil), (nil, .null?), (.null?, .null?):
            throw Failure(code: .missingField, message: "'text' or 'base64' is required for \(operation)", operation: operation, session: session)
        case (.string(let bytes)?, nil), (.string(let bytes)?, .null?):
            return (bytes, false)
        case (nil, .string(let encoded)?), (.null?, .string(let encoded)?):
            guard let data = Data(base64Encoded: Data(encoded)) else {
                throw Failure(code: .invalidBase64, message: "'base64' is not valid base64", operation: operation, session: session)
            }
            return (Array(data), true)
        case (.some, .some):
            throw Failure(code: .invalidRequest, message: "give either 'text' or 'base64', not both", operation: operation, session: session)
        default:
            throw Failure(code: .invalidField, message: "'text' and 'base64' must be strings", operation: operation, session: session)
        }
    }

    /// The response member for output bytes: `text`, or `base64` when the request used base64.
    private static func content(_ bytes: [UInt8], asBase64: Bool) -> (String, JSONValue) {
        asBase64 ? ("base64", .string(Data(bytes).base64EncodedString())) : ("text", .string(bytes))
    }

    private func failure(_ failure: Failure, id: JSONValue, line: [UInt8]?) -> ProcessedRequest {
        ProcessedRequest(
            id: id,
            response: Self.errorResponse(id: id, code: failure.code, message: failure.message, policy: enforcer.policy.version),
            record: AuditRecord(
                operation: failure.operation, session: failure.session, inputSHA256: line.flatMap { contentHash($0) },
                policyVersion: enforcer.policy.version, error: failure.code.rawValue),
            requestSize: line?.count ?? 0)
    }

    /// `{"id":…,"ok":false,"error":{"code":…,"message":…},"policy":…}`.
    public static func errorResponse(id: JSONValue, code: SidecarErrorCode, message: String, policy: String) -> [UInt8] {
        JSONValue.object([
            JSONMember(name: "id", value: id), JSONMember(name: "ok", value: .bool(false)),
            JSONMember(name: "error", value: .object([
                JSONMember(name: "code", value: .string(code.rawValue)), JSONMember(name: "message", value: .string(message)),
            ])),
            JSONMember(name: "policy", value: .string(policy)),
        ]).serialized()
    }

    /// The id of a request whose `id` is its first member and a string or number, read from the
    /// start of a line that is malformed or too large; `null` otherwise.
    public static func leadingID(_ line: [UInt8]) -> JSONValue {
        var index = 0
        func skipSpace() { while index < line.count, [0x20, 0x09, 0x0D, 0x0A].contains(line[index]) { index += 1 } }
        skipSpace()
        guard index < line.count, line[index] == UInt8(ascii: "{") else { return .null }
        index += 1
        skipSpace()
        let key = Array("\"id\"".utf8)
        guard line.count - index >= key.count, Array(line[index..<(index + key.count)]) == key else { return .null }
        index += key.count
        skipSpace()
        guard index < line.count, line[index] == UInt8(ascii: ":") else { return .null }
        index += 1
        skipSpace()
        let start = index
        guard index < line.count else { return .null }
        if line[index] == UInt8(ascii: "\"") {
            index += 1
            while index < line.count, line[index] != UInt8(ascii: "\""), line[index] != UInt8(ascii: "\\"), index - start < 130 {
                index += 1
            }
            guard index < line.count, line[index] == UInt8(ascii: "\"") else { return .null }
        } else {
            let numberBytes = Array("0123456789-+.eE".utf8)
            while index < line.count, numberBytes.contains(line[index]), index - start < 64 {
                index += 1
            }
            // The number must end inside what was read: one cut at the length limit or at the
            // end of an oversized line's prefix would name a different request.
            guard index > start, index < line.count, !numberBytes.contains(line[index]) else { return .null }
            index -= 1
        }
        guard let id = try? JSONValue(parsing: Array(line[start...index])) else { return .null }
        switch id {
        case .string, .number: return id
        default: return .null
        }
    }
}
