/// A model provider the gateway forwards to.
public struct Upstream: Sendable, Hashable {
    /// The name routes refer to (`openai`, `anthropic`, `on-prem`).
    public var name: String
    /// The provider's `/v1` base URL: a request to `/v1/X` goes to `baseURL + "/X"`.
    public var baseURL: String
    /// An environment variable holding the API key to send when the client sends none; the key
    /// is read at start-up and never logged.
    public var apiKeyEnvironment: String?
    /// The key read from ``apiKeyEnvironment`` at start-up.
    public var apiKey: String?

    /// Creates an upstream; a trailing `/` of `baseURL` is dropped.
    public init(name: String, baseURL: String, apiKeyEnvironment: String? = nil, apiKey: String? = nil) {
        self.name = name
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKeyEnvironment = apiKeyEnvironment
        self.apiKey = apiKey
    }

    /// The URL for the gateway path `/v1/<rest>` (`rest` without a leading `/`) and its query.
    func url(forSubpath rest: String, query: String?) -> String {
        baseURL + "/" + rest + ((query?.isEmpty ?? true) ? "" : "?" + query!)
    }
}
