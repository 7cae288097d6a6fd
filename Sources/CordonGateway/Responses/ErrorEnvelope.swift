import CordonJSON

/// The error bodies of the two API families, so that their SDKs raise their own clear errors.
public enum ErrorEnvelope {
    /// OpenAI's `{"error":{"message","type","param","code"}}`.
    public static func openAI(message: String, type: String = "invalid_request_error", code: String) -> JSONValue {
        .object([
            JSONMember(name: "error", value: .object([
                JSONMember(name: "message", value: .string(message)),
                JSONMember(name: "type", value: .string(type)),
                JSONMember(name: "param", value: .null),
                JSONMember(name: "code", value: .string(code)),
            ])),
        ])
    }

    /// Anthropic's `{"type":"error","error":{"type","message"}}`; Anthropic has no code field, so
    /// the code leads the message (`cordon_blocked: …`).
    public static func anthropic(message: String, type: String = "invalid_request_error", code: String) -> JSONValue {
        .object([
            JSONMember(name: "type", value: .string("error")),
            JSONMember(name: "error", value: .object([
                JSONMember(name: "type", value: .string(type)),
                JSONMember(name: "message", value: .string("\(code): \(message)")),
            ])),
        ])
    }
}
