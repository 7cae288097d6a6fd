import CordonGuard
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// One client request on its way through the gateway: its endpoint, session and destination,
/// and the decision so far (for the `x-cordon-*` headers of whatever answer it gets).
final class Exchange: Sendable {
    let endpoint: Endpoint
    let subpath: String
    /// The session for reversible placeholders: the client's session header, or one made for
    /// this request alone (forgotten when the response ends).
    let session: String
    /// Whether the client named the session.
    let sessionIsNamed: Bool
    /// The requested policy destination.
    let destination: String
    /// Timestamps of the request's steps, when recorded (``RequestTimeline``).
    let timeline = RequestTimeline.start()
    private let decision = Mutex<(level: String?, action: String?, routed: String?)>((nil, nil, nil))

    init(request: Request, endpoint: Endpoint, subpath: String, configuration: GatewayConfiguration, pipeline: Guard) {
        self.endpoint = endpoint
        self.subpath = subpath
        if let name = HTTPField.Name(configuration.sessionHeader), let value = request.headers[name], !value.isEmpty {
            session = value
            sessionIsNamed = true
        } else {
            session = Self.requestSessionName()
            sessionIsNamed = false
        }
        if let name = HTTPField.Name(configuration.destinationHeader), let value = request.headers[name], !value.isEmpty {
            destination = value
        } else {
            destination = pipeline.policy.defaultDestination
        }
    }

    /// The level for the `x-cordon-level` header.
    var levelHeader: String? {
        get { decision.withLock { $0.level } }
        set { decision.withLock { $0.level = newValue } }
    }

    /// The action for the `x-cordon-action` header.
    var actionHeader: String? {
        get { decision.withLock { $0.action } }
        set { decision.withLock { $0.action = newValue } }
    }

    /// The destination the request was routed to instead of the requested one, if any.
    var routedDestination: String? {
        get { decision.withLock { $0.routed } }
        set { decision.withLock { $0.routed = newValue } }
    }

    /// The message context for `destination`.
    func context(destination: String) -> MessageContext {
        MessageContext(destination: destination, source: .prompt, session: session)
    }

    /// The session as recorded in audit records: the client's, or none for a per-request one.
    var auditedSession: String? { sessionIsNamed ? session : nil }
}
