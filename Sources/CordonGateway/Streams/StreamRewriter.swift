/// Rewrites one upstream event stream for the client: streamed text fields go through
/// ``StreamedField`` (held back, redacted, restored), everything else through the response
/// filter; every upstream event yields at least one client event.
protocol StreamRewriter: Sendable {
    /// The client events for one upstream event.
    mutating func rewrite(_ event: ServerSentEvent) throws(ResponseFilterError) -> [ServerSentEvent]
    /// The client events when the upstream stream ends: the text still held back.
    mutating func finish() throws(ResponseFilterError) -> [ServerSentEvent]
    /// Whether the upstream ended the stream the way its protocol says (`[DONE]`, `message_stop`).
    var isComplete: Bool { get }
    /// The event that tells the client the stream failed (no `[DONE]` follows it).
    func errorEvent(message: String, code: String) -> ServerSentEvent
}
