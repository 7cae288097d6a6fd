import HTTPTypes

/// A request the gateway answers itself, with the endpoint family's error envelope.
struct GatewayFailure: Error, Sendable {
    /// The HTTP status.
    var status: HTTPResponse.Status
    /// The machine-readable code (`cordon_blocked`, `cordon_invalid_json`, …).
    var code: String
    /// A message for people: levels, detector ids, byte offsets — never content.
    var message: String
    /// Whether SDKs may retry (they retry 408, 409, 429 and 5xx unless told not to).
    var retryable = false

    static func blocked(_ explanation: String) -> GatewayFailure {
        GatewayFailure(status: .badRequest, code: "cordon_blocked", message: "Blocked by Cordon: \(explanation)")
    }
}
