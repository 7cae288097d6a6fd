/// Why a response could not be filtered; the gateway then fails closed for that response.
public enum ResponseFilterError: Error, Sendable, Hashable {
    /// The scan of the upstream's text could not finish and the policy fails closed.
    case scanIncomplete
    /// The upstream's body is not the JSON or event stream its content type announced.
    case malformedBody
    /// The upstream's non-streamed body is larger than the configured limit.
    case bodyTooLarge

    /// The code recorded in audit records and error envelopes.
    public var code: String {
        switch self {
        case .scanIncomplete: "response_scan_incomplete"
        case .malformedBody: "response_malformed"
        case .bodyTooLarge: "response_too_large"
        }
    }
}
