/// The endpoints the gateway understands, by method and path under `/v1/`.
public enum Endpoint: Sendable, Hashable {
    /// `POST /v1/chat/completions`.
    case chatCompletions
    /// `POST /v1/responses`.
    case responses
    /// `POST /v1/embeddings`.
    case embeddings
    /// `GET /v1/models` and `GET /v1/models/<id>`: passed through.
    case models
    /// Anthropic's `POST /v1/messages` (and `/v1/messages/count_tokens`).
    case messages
    /// Any other path under `/v1/`.
    case other

    /// The API family whose error envelope and stream format the endpoint uses.
    public enum Family: Sendable, Hashable {
        case openAI
        case anthropic
    }

    /// The endpoint for `method` and `path` (the part after `/v1/`).
    public init(method: String, subpath: String) {
        switch (method, subpath) {
        case ("POST", "chat/completions"): self = .chatCompletions
        case ("POST", "responses"): self = .responses
        case ("POST", "embeddings"): self = .embeddings
        case ("POST", "messages"), ("POST", "messages/count_tokens"): self = .messages
        case ("GET", "models"): self = .models
        case ("GET", let path) where path.hasPrefix("models/") && !path.dropFirst(7).contains("/"): self = .models
        default: self = .other
        }
    }

    /// The endpoint's family.
    public var family: Family { self == .messages ? .anthropic : .openAI }

    /// The name used in metrics and logs.
    public var name: String {
        switch self {
        case .chatCompletions: "chat_completions"
        case .responses: "responses"
        case .embeddings: "embeddings"
        case .models: "models"
        case .messages: "messages"
        case .other: "other"
        }
    }
}
