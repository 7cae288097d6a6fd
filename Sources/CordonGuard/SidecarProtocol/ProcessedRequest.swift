import Cordon
import CordonJSON

/// One request's answer, ready to be written in order: the response line and its audit record.
public struct ProcessedRequest: Sendable {
    /// The request's id (`null` when none could be read), for an error written instead.
    public var id: JSONValue
    /// The response, one JSON object without its line end.
    public var response: [UInt8]
    /// The audit record for the request.
    public var record: AuditRecord
    /// The size of the request, for in-flight accounting.
    public var requestSize: Int

    /// Creates a processed request.
    public init(id: JSONValue, response: [UInt8], record: AuditRecord, requestSize: Int) {
        self.id = id
        self.response = response
        self.record = record
        self.requestSize = requestSize
    }
}
