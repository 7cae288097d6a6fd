import Metrics

/// The gateway's counters and timers, through swift-metrics (exported by `/metrics` when the
/// program bootstraps a Prometheus factory). Labels hold endpoint names, actions and error codes,
/// never content.
struct GatewayMetrics: Sendable {
    func request(endpoint: Endpoint, action: String) {
        Counter(label: "cordon_gateway_requests_total", dimensions: [("endpoint", endpoint.name), ("action", action)]).increment()
    }

    func failure(endpoint: Endpoint, code: String) {
        Counter(label: "cordon_gateway_failures_total", dimensions: [("endpoint", endpoint.name), ("code", code)]).increment()
    }

    func responseRedactions(endpoint: Endpoint, count: Int) {
        guard count > 0 else { return }
        Counter(label: "cordon_gateway_response_redactions_total", dimensions: [("endpoint", endpoint.name)]).increment(by: count)
    }

    func scanDuration(endpoint: Endpoint, _ duration: Duration) {
        Metrics.Timer(label: "cordon_gateway_request_scan_seconds", dimensions: [("endpoint", endpoint.name)]).recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
