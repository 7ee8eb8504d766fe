import CoreMetrics
import EdgeRuntime
import Synchronization

/// Requests per route and outcome (status class), and their latency.
final class RouteCounters: Sendable {
    private let registry: MetricsRegistry
    private let route: String
    private let latency: Timer
    private let counters = Mutex<[Int: Counter]>([:])

    init(registry: MetricsRegistry, route: String) {
        self.registry = registry
        self.route = route
        self.latency = registry.timer("oms_soap_bridge_latency_seconds", [("route", route)])
    }

    func record(status: Int, duration: Duration) {
        let counter = counters.withLock { counters in
            if let existing = counters[status] { return existing }
            let created = registry.counter("oms_soap_bridge_requests_total", [("route", route), ("status", String(status))])
            counters[status] = created
            return created
        }
        counter.increment()
        latency.record(duration: duration)
    }
}
