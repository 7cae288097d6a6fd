import Cordon

/// A request that failed before it could be processed, carrying its error response.
struct ProcessedRequestFailure: Error {
    /// The error response and audit record.
    var result: ProcessedRequest
}
