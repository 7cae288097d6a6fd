import Metrics
import Prometheus

/// The `/metrics` endpoint's source: a Prometheus registry that swift-metrics reports to.
public enum PrometheusExport {
    /// Bootstraps swift-metrics with a Prometheus factory (once per process: the metrics system
    /// can be bootstrapped only once) and returns the function that renders the text format.
    public static func bootstrap() -> @Sendable () -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return { registry.emitToBuffer() }
    }
}
