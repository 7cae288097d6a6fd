/// What the gateway does with a path that is none of the endpoints it knows.
public enum UnknownPathMode: String, Sendable, Hashable, CaseIterable {
    /// Answer 404 without forwarding. The default: a path the gateway does not understand is
    /// never forwarded unscanned.
    case reject
    /// Scan the body (as JSON when it parses, else as text), redact or block like any request,
    /// and forward it; the response is restored like a JSON body.
    case scan
}
