import CoreMetrics
import Prometheus

/// One Prometheus registry per role, fed through swift-metrics and rendered on `/metrics`.
/// Passed explicitly rather than through the global `MetricsSystem`, so that several roles
/// (and tests) in one process keep separate registries.
public final class MetricsRegistry: Sendable {
    public let prometheus: PrometheusCollectorRegistry
    public let factory: any MetricsFactory

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.prometheus = registry
        self.factory = factory
    }

    public func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        Counter(label: label, dimensions: dimensions, factory: factory)
    }

    public func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    public func timer(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Timer {
        Timer(label: label, dimensions: dimensions, factory: factory)
    }

    /// The Prometheus text exposition of everything registered.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        prometheus.emit(into: &buffer)
        return buffer
    }
}
