/// Why a sidecar request failed: the `error.code` of an `ok: false` response.
///
/// Codes are stable protocol values (clients branch on them); messages are for people and may
/// change. Neither ever quotes the request's content.
public enum SidecarErrorCode: String, Sendable, CaseIterable {
    /// The line is not valid JSON.
    case malformedJSON = "malformed_json"
    /// The line is JSON but not an object.
    case notAnObject = "not_an_object"
    /// The request is an object of the wrong shape (`id` of a wrong type, `op` not a string,
    /// both `text` and `base64`).
    case invalidRequest = "invalid_request"
    /// The request has a member the protocol does not define.
    case unknownField = "unknown_field"
    /// A member the operation needs is missing (`op`, the content, `session` for restore or
    /// reversible placeholders).
    case missingField = "missing_field"
    /// A member has the wrong type or an unknown value (`source`, `text`).
    case invalidField = "invalid_field"
    /// `op` names no ``SidecarOperation``.
    case unknownOperation = "unknown_op"
    /// `base64` is not valid base64.
    case invalidBase64 = "invalid_base64"
    /// The line is longer than the sidecar accepts; it was discarded unread.
    case requestTooLarge = "request_too_large"
    /// `destination` names no destination of the policy.
    case unknownDestination = "unknown_destination"
    /// `operator` names no replacement operator.
    case unknownOperator = "unknown_operator"
    /// The operator needs something the sidecar was not started with (`hash` needs a key).
    case operatorUnavailable = "operator_unavailable"
    /// The audit record could not be written, so the request's result is withheld (fail closed).
    case auditFailed = "audit_failed"
    /// The request could not be processed for a reason of the sidecar's own.
    case internalError = "internal_error"
}
