import Cordon

/// A request that failed before it could be processed, carrying its error response.
public struct ProcessedRequestFailure: Error {
    /// The error response and audit record.
    public var result: ProcessedRequest
}
