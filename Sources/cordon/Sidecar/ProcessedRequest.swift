import Cordon

/// One request's answer, ready to be written in order: the response line and its audit record.
struct ProcessedRequest: Sendable {
    /// The request's id (`null` when none could be read), for an error written instead.
    var id: JSONValue
    /// The response, one JSON object without its line end.
    var response: [UInt8]
    /// The audit record for the request.
    var record: AuditRecord
    /// The size of the request, for in-flight accounting.
    var requestSize: Int
}
