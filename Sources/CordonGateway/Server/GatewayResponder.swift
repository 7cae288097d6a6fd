import AsyncHTTPClient
import Cordon
import CordonGuard
import CordonJSON
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Answers every HTTP request of the gateway: health and metrics, the model endpoints (scan,
/// forward, restore), and errors in the endpoint family's envelope.
///
/// Nothing is forwarded that was not scanned: bodies are read whole (up to the configured
/// limit), parsed with the strict order-keeping parser, scanned string by string, and only then
/// sent; a request that cannot be read, parsed or scanned gets a non-retryable 4xx.
public struct GatewayResponder: HTTPResponder {
    public typealias Context = GatewayRequestContext

    let configuration: GatewayConfiguration
    let pipeline: Guard
    /// The upstream clients, one per event loop.
    let clients: UpstreamClients
    let logger: Logger
    let metricsText: (@Sendable () -> [UInt8])?
    let metrics = GatewayMetrics()
    /// The per-message decision cache (`nil` when turned off).
    let cache: DecisionCache?
    /// Short request strings known to hold nothing (member names, roles, model names).
    let cleanTexts = CleanTextCache()

    /// Creates the responder; `metricsText` renders `/metrics` (absent: 404).
    public init(
        configuration: GatewayConfiguration, pipeline: Guard, clients: UpstreamClients, logger: Logger,
        metricsText: (@Sendable () -> [UInt8])? = nil
    ) {
        self.cache = configuration.decisionCacheEntries > 0 ? DecisionCache(maximumEntries: configuration.decisionCacheEntries) : nil
        self.configuration = configuration
        self.pipeline = pipeline
        self.clients = clients
        self.logger = logger
        self.metricsText = metricsText
    }

    var enforcer: PolicyEnforcer { pipeline.enforcer }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        if path == "/healthz", method == "GET" || method == "HEAD" {
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        if path == "/metrics", method == "GET", let metricsText {
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metricsText())))
        }
        guard path.hasPrefix("/v1/") else {
            return failureResponse(GatewayFailure(status: .notFound, code: "cordon_unknown_path", message: "The gateway serves /v1/ paths only."), family: .openAI)
        }
        let subpath = String(path.dropFirst(4))
        let endpoint = Endpoint(method: method, subpath: subpath)
        if endpoint == .other, configuration.unknownPaths == .reject {
            metrics.failure(endpoint: endpoint, code: "cordon_unknown_path")
            return failureResponse(
                GatewayFailure(status: .notFound, code: "cordon_unknown_path", message: "This path is not one the gateway scans, and unknown paths are rejected."),
                family: .openAI)
        }
        let exchange = Exchange(request: request, endpoint: endpoint, subpath: subpath, configuration: configuration, pipeline: pipeline)
        do {
            return try await forward(exchange, request: request, client: clients.client(on: context.eventLoop), eventLoop: context.eventLoop)
        } catch let failure as GatewayFailure {
            metrics.failure(endpoint: endpoint, code: failure.code)
            if !exchange.sessionIsNamed { enforcer.placeholders.removeSession(exchange.session) }
            return failureResponse(failure, family: endpoint.family, level: exchange.levelHeader, action: exchange.actionHeader)
        }
    }

    // MARK: - Forwarding

    private func forward(_ exchange: Exchange, request: Request, client: HTTPClient, eventLoop: any EventLoop) async throws -> Response {
        let endpoint = exchange.endpoint
        var body: [UInt8]? = nil
        var forwardedBody: [UInt8]? = nil
        var scan: RequestScan? = nil
        var destination = exchange.destination
        if request.method == .post || request.method == .put || request.method == .patch {
            var bytes = try await readBody(request, exchange: exchange, on: eventLoop)
            exchange.timeline?.stamp("body")
            if let header = request.headers[.contentEncoding], let codings = RequestContentDecoding.codings(header) {
                bytes = try decodeBody(bytes, codings: codings, exchange: exchange)
            }
            body = bytes
            let started = ContinuousClock.now
            let result = try scanBody(bytes, exchange: exchange)
            scan = result.0
            destination = result.1
            let isText = result.isText
            metrics.scanDuration(endpoint: endpoint, ContinuousClock.now - started)
            exchange.timeline?.stamp("scanned")
            exchange.levelHeader = scan!.level.name
            // A request sent to its route's overflow destination reports `route` (and, in
            // `x-cordon-route`, where); the policy's action there is in the audit record.
            exchange.actionHeader = destination != exchange.destination && !scan!.isBlocked ? "route" : scan!.action.rawValue
            if destination != exchange.destination { exchange.routedDestination = destination }
            guard !scan!.isBlocked, scan!.body != nil || scan!.bytes != nil else {
                metrics.request(endpoint: endpoint, action: "block")
                try audit(exchange, destination: destination, scan: scan, input: bytes, output: nil, error: nil)
                throw GatewayFailure.blocked(scan!.explanation ?? "content above the destination's level")
            }
            // Allowed content is forwarded byte for byte; a body scanned as received goes with
            // its rewritten values spliced in; a body scanned as text goes as text.
            if scan!.action == .allow {
                forwardedBody = bytes
            } else if let spliced = scan!.bytes {
                forwardedBody = spliced
            } else if isText, case .string(let text)? = scan!.body {
                forwardedBody = text
            } else {
                forwardedBody = scan!.body!.serialized()
            }
        } else {
            exchange.levelHeader = Level.public.name
            exchange.actionHeader = PolicyAction.allow.rawValue
        }
        if let query = request.uri.query, !query.isEmpty {
            try checkQuery(query, exchange: exchange, destination: destination)
        }
        metrics.request(endpoint: endpoint, action: exchange.actionHeader ?? "allow")
        try audit(exchange, destination: destination, scan: scan, input: body ?? [], output: forwardedBody ?? [], error: nil)
        guard let upstream = route(for: destination) else {
            throw GatewayFailure(status: .badRequest, code: "cordon_no_route", message: "No upstream serves destination '\(destination)'.")
        }
        let upstreamRequest = makeUpstreamRequest(exchange, request: request, upstream: upstream, body: forwardedBody)
        let response: HTTPClientResponse
        exchange.timeline?.stamp("forwarding")
        do {
            response = try await client.execute(upstreamRequest, timeout: .seconds(Int64(configuration.upstreamTimeout)))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            try? audit(exchange, destination: destination, response: true, error: "cordon_upstream_timeout")
            throw GatewayFailure(
                status: .gatewayTimeout, code: "cordon_upstream_timeout",
                message: "The upstream did not answer within \(configuration.upstreamTimeout) seconds.", retryable: true)
        } catch {
            // The error names the failure (connect refused, reset, TLS), never request content.
            logger.warning("upstream request failed", metadata: ["error": "\(error)"])
            try? audit(exchange, destination: destination, response: true, error: "cordon_upstream_unavailable")
            throw GatewayFailure(
                status: .badGateway, code: "cordon_upstream_unavailable", message: "The upstream could not be reached.", retryable: true)
        }
        exchange.timeline?.stamp("upstream_head")
        let filter = ResponseTextFilter(
            enforcer: enforcer, context: MessageContext(destination: destination, session: exchange.session),
            holdBackLimit: configuration.streamHoldBack)
        var headers = responseHeaders(exchange, upstream: response.headers)
        let status = HTTPResponse.Status(code: Int(response.status.code))
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            let rewriter: any StreamRewriter =
                switch endpoint {
                case .messages: AnthropicStreamRewriter(filter: filter)
                case .responses: ResponsesStreamRewriter(filter: filter)
                default: ChatCompletionStreamRewriter(filter: filter)
                }
            return Response(status: status, headers: headers, body: streamBody(response, rewriter: rewriter, filter: filter, exchange: exchange, destination: destination))
        }
        return try await bufferedResponse(response, status: status, headers: headers, filter: filter, exchange: exchange, destination: destination)
    }

    /// Reads the whole request body, or fails with 413 past the limit, 408 when it takes longer
    /// than the request timeout (a client trickling its body cannot hold a request open, and its
    /// bytes so far, for longer).
    ///
    /// The body is read by one task that a timer on the connection's event loop cancels at the
    /// timeout. A task group with a sleeping second child did the same with two more tasks, a
    /// Dispatch timer (`Task.sleep` does not run on the event loops) and two more hops on the
    /// loop per request (the sleeper's cancellation and the group's wait for it).
    private func readBody(_ request: Request, exchange: Exchange, on loop: any EventLoop) async throws -> [UInt8] {
        let limit = configuration.maximumRequestBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            try audit(exchange, error: "cordon_request_too_large")
            throw GatewayFailure(status: .contentTooLarge, code: "cordon_request_too_large", message: "The request body is larger than \(limit) bytes.")
        }
        let expected = request.headers[.contentLength].flatMap(Int.init).map { min($0, limit) } ?? 0
        let reader = Task { () throws -> BodyRead in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(expected)
            do {
                for try await buffer in request.body {
                    guard bytes.count + buffer.readableBytes <= limit else { return .tooLarge }
                    buffer.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
                }
            } catch where Task.isCancelled {
                return .timedOut
            }
            // Cancelled by the timer: what was read so far is not the whole body.
            return Task.isCancelled ? .timedOut : .complete(bytes)
        }
        let timer = loop.scheduleTask(in: .seconds(Int64(configuration.requestTimeout))) { reader.cancel() }
        defer { timer.cancel() }
        let outcome: BodyRead
        do {
            outcome = try await withTaskCancellationHandler { try await reader.value } onCancel: { reader.cancel() }
        } catch {
            try? audit(exchange, error: "cordon_request_unreadable")
            throw GatewayFailure(status: .badRequest, code: "cordon_request_unreadable", message: "The request body could not be read.")
        }
        if Task.isCancelled {
            // The request's own task was cancelled (not the timer): the reader stopped early.
            try? audit(exchange, error: "cordon_request_unreadable")
            throw GatewayFailure(status: .badRequest, code: "cordon_request_unreadable", message: "The request body could not be read.")
        }
        switch outcome {
        case .complete(let bytes):
            return bytes
        case .tooLarge:
            try audit(exchange, error: "cordon_request_too_large")
            throw GatewayFailure(status: .contentTooLarge, code: "cordon_request_too_large", message: "The request body is larger than \(limit) bytes.")
        case .timedOut:
            try audit(exchange, error: "cordon_request_timeout")
            throw GatewayFailure(
                status: .requestTimeout, code: "cordon_request_timeout",
                message: "The request body did not arrive within \(configuration.requestTimeout) seconds.")
        }
    }

    /// How reading a request body ended.
    private enum BodyRead: Sendable {
        case complete([UInt8])
        case tooLarge
        case timedOut
    }

    /// Undoes a request body's `Content-Encoding` (gzip, deflate), within the body limit: 415 for
    /// another coding, 413 past the limit, 400 for data that does not decode.
    private func decodeBody(_ bytes: [UInt8], codings: [String], exchange: Exchange) throws -> [UInt8] {
        do {
            return try RequestContentDecoding.decode(bytes, codings: codings, limit: configuration.maximumRequestBytes)
        } catch .unsupported {
            try audit(exchange, error: "cordon_unsupported_encoding")
            throw GatewayFailure(
                status: .unsupportedMediaType, code: "cordon_unsupported_encoding",
                message: "The request's Content-Encoding is not one the gateway decodes (gzip, deflate): send the body in one of those, or uncompressed.")
        } catch .tooLarge {
            try audit(exchange, error: "cordon_request_too_large")
            throw GatewayFailure(
                status: .contentTooLarge, code: "cordon_request_too_large",
                message: "The decoded request body is larger than \(configuration.maximumRequestBytes) bytes.")
        } catch {
            try audit(exchange, error: "cordon_invalid_encoding")
            throw GatewayFailure(status: .badRequest, code: "cordon_invalid_encoding", message: "The request body does not decode as its Content-Encoding says.")
        }
    }

    /// Parses and scans a JSON body, routing it to the overflow destination when its content is
    /// above the requested destination's level and the route has one that may receive it.
    ///
    /// A model request on a destination without an overflow route is scanned as received
    /// (``RequestScanner/scan(bytes:context:useCache:)``: cached messages by the hash of their
    /// bytes, unchanged bytes forwarded as they came); any other body, or one that reading does
    /// not accept, is parsed whole, which also names the error.
    private func scanBody(_ bytes: [UInt8], exchange: Exchange) throws -> (RequestScan, String, isText: Bool) {
        if exchange.endpoint != .other, exchange.endpoint != .embeddings, !hasOverflowRoute(exchange.destination) {
            let scanner = RequestScanner(enforcer: enforcer, cache: cache, cleanTexts: cleanTexts)
            let destination = exchange.destination
            let scan = try scanning(exchange, destination: destination) { () throws(EnforcementError) in
                try scanner.scan(bytes: bytes, context: exchange.context(destination: destination), useCache: exchange.sessionIsNamed)
            }
            if var scan {
                failClosedIfIncomplete(&scan)
                return (scan, destination, false)
            }
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch where exchange.endpoint == .other {
            // An unknown path in scan mode: a body that is not JSON is scanned as one text.
            let (scan, destination) = try scanBody(.string(bytes), exchange: exchange)
            return (scan, destination, true)
        } catch {
            try audit(exchange, error: "cordon_invalid_json")
            throw GatewayFailure(status: .badRequest, code: "cordon_invalid_json", message: "The request body is not valid JSON: \(error.description).")
        }
        let (scan, destination) = try scanBody(json, exchange: exchange)
        return (scan, destination, false)
    }

    /// Scans a parsed body (or a non-JSON body held as one string).
    private func scanBody(_ json: JSONValue, exchange: Exchange) throws -> (RequestScan, String) {
        if exchange.endpoint != .other, !json.isObject {
            try audit(exchange, error: "cordon_invalid_request")
            throw GatewayFailure(status: .badRequest, code: "cordon_invalid_request", message: "The request body must be a JSON object.")
        }
        if exchange.endpoint == .embeddings, !configuration.allowTokenArrays, Self.hasTokenArrays(json["input"]) {
            try audit(exchange, error: "cordon_unscannable_input")
            throw GatewayFailure(
                status: .badRequest, code: "cordon_blocked",
                message: "Blocked by Cordon: token-array embedding inputs cannot be scanned, and the gateway does not forward them.")
        }
        let scanner = RequestScanner(enforcer: enforcer, cache: cache, cleanTexts: cleanTexts)
        var destination = exchange.destination
        if let route = configuration.routes.first(where: { $0.destination == destination }), let overflow = route.overflowDestination,
            let primary = enforcer.policy.destination(named: destination), let target = enforcer.policy.destination(named: overflow)
        {
            let level = try scanning(exchange, destination: destination) { () throws(EnforcementError) in
                try scanner.level(of: json, context: exchange.context(destination: destination))
            }
            if level > primary.maximumLevel, level <= target.maximumLevel { destination = overflow }
        }
        let chosen = destination
        var scan = try scanning(exchange, destination: chosen) { () throws(EnforcementError) in
            try scanner.scan(json, context: exchange.context(destination: chosen), useCache: exchange.sessionIsNamed)
        }
        failClosedIfIncomplete(&scan)
        return (scan, destination)
    }

    /// Whether `destination`'s route sends content above its level to another destination.
    private func hasOverflowRoute(_ destination: String) -> Bool {
        configuration.routes.contains { $0.destination == destination && $0.overflowDestination != nil }
    }

    /// An incomplete scan under a policy that fails closed is a block.
    private func failClosedIfIncomplete(_ scan: inout RequestScan) {
        if !scan.isComplete, enforcer.policy.failureMode == .closed, scan.action != .block {
            scan.action = .block
            scan.body = nil
            scan.bytes = nil
            scan.explanation = "the scan could not finish, and the policy fails closed"
        }
    }

    /// Runs a scan for `destination`, turning its errors into the gateway's failures (audited).
    private func scanning<T>(_ exchange: Exchange, destination: String, _ body: () throws(EnforcementError) -> T) throws -> T {
        do {
            return try body()
        } catch .unknownDestination {
            try audit(exchange, error: "cordon_unknown_destination")
            throw GatewayFailure(status: .badRequest, code: "cordon_unknown_destination", message: "The policy has no destination '\(destination)'.")
        } catch {
            try audit(exchange, error: "cordon_scan_failed")
            throw GatewayFailure(status: .badRequest, code: "cordon_scan_failed", message: "The request could not be scanned.")
        }
    }

    /// Whether an embeddings `input` holds token arrays (numbers), which cannot be scanned.
    static func hasTokenArrays(_ input: JSONValue?) -> Bool {
        guard case .array(let elements)? = input else { return false }
        return elements.contains { element in
            if case .number = element { return true }
            if case .array = element { return true }
            return false
        }
    }

    /// A query string must hold nothing above the destination's level: it is forwarded as is.
    private func checkQuery(_ query: String, exchange: Exchange, destination: String) throws {
        let enforcement = try? enforcer.enforce(query, context: exchange.context(destination: destination))
        guard let enforcement, enforcement.action == .allow else {
            exchange.actionHeader = PolicyAction.block.rawValue
            try audit(exchange, error: "cordon_query_blocked")
            throw GatewayFailure.blocked("the query string holds content above the destination's level")
        }
    }

    /// The upstream serving `destination`: its route's, else the first.
    private func route(for destination: String) -> Upstream? {
        if let route = configuration.routes.first(where: { $0.destination == destination }) {
            return configuration.upstream(named: route.upstream)
        }
        return configuration.upstreams.first
    }

    // MARK: - Headers

    /// Request headers forwarded upstream: credentials and the providers' own protocol headers.
    /// Nothing else is forwarded, so a value in an arbitrary header cannot reach the upstream.
    static let forwardedRequestHeaders: [String] = [
        "authorization", "x-api-key", "anthropic-version", "anthropic-beta", "openai-organization", "openai-project",
        "openai-beta", "accept", "content-type", "idempotency-key",
    ]

    /// ``forwardedRequestHeaders`` with their field names, made once.
    static let forwardedRequestFieldNames: [(String, HTTPField.Name)] = forwardedRequestHeaders.compactMap { name in
        HTTPField.Name(name).map { (name, $0) }
    }

    /// Upstream response headers passed back to the client.
    static let passedResponseHeaders: Set<String> = [
        "x-request-id", "request-id", "openai-processing-ms", "openai-version", "openai-organization", "retry-after",
        "retry-after-ms", "x-should-retry",
    ]

    private func makeUpstreamRequest(_ exchange: Exchange, request: Request, upstream: Upstream, body: [UInt8]?) -> HTTPClientRequest {
        var outgoing = HTTPClientRequest(url: upstream.url(forSubpath: exchange.subpath, query: request.uri.query))
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for (name, fieldName) in Self.forwardedRequestFieldNames {
            for value in request.headers[values: fieldName] { outgoing.headers.add(name: name, value: value) }
        }
        if !outgoing.headers.contains(name: "authorization"), !outgoing.headers.contains(name: "x-api-key"), let key = upstream.apiKey {
            if exchange.endpoint.family == .anthropic {
                outgoing.headers.add(name: "x-api-key", value: key)
            } else {
                outgoing.headers.add(name: "authorization", value: "Bearer \(key)")
            }
        }
        // Ask for an uncompressed response, so that it can be restored and scanned.
        outgoing.headers.replaceOrAdd(name: "accept-encoding", value: "identity")
        if let body {
            outgoing.headers.replaceOrAdd(name: "content-type", value: "application/json")
            outgoing.body = .bytes(body)
        }
        return outgoing
    }

    private func responseHeaders(_ exchange: Exchange, upstream: HTTPHeaders) -> HTTPFields {
        var headers = HTTPFields()
        for (name, value) in upstream {
            let lowercased = name.lowercased()
            guard Self.passedResponseHeaders.contains(lowercased) || lowercased.hasPrefix("x-ratelimit-")
                || lowercased.hasPrefix("anthropic-ratelimit-")
            else { continue }
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        if let type = upstream.first(name: "content-type") { headers[.contentType] = type }
        Self.addDecisionHeaders(&headers, level: exchange.levelHeader, action: exchange.actionHeader)
        if let routed = exchange.routedDestination { headers[Self.routeHeader] = routed }
        return headers
    }

    static let levelHeader = HTTPField.Name("x-cordon-level")!
    static let actionHeader = HTTPField.Name("x-cordon-action")!
    static let routeHeader = HTTPField.Name("x-cordon-route")!
    static let shouldRetryHeader = HTTPField.Name("x-should-retry")!

    static func addDecisionHeaders(_ headers: inout HTTPFields, level: String?, action: String?) {
        headers[levelHeader] = level ?? "unknown"
        headers[actionHeader] = action ?? "none"
    }

    func failureResponse(_ failure: GatewayFailure, family: Endpoint.Family, level: String? = nil, action: String? = nil) -> Response {
        let envelope =
            family == .anthropic
            ? ErrorEnvelope.anthropic(message: failure.message, code: failure.code)
            : ErrorEnvelope.openAI(message: failure.message, code: failure.code)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[Self.shouldRetryHeader] = failure.retryable ? "true" : "false"
        Self.addDecisionHeaders(&headers, level: level, action: action ?? (failure.code == "cordon_blocked" ? "block" : nil))
        return Response(status: failure.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: envelope.serialized())))
    }
}
