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
        registry.describe("oms_soap_bridge_requests_total", "Requests to the SOAP bridge, by route and the status answered.")
        registry.describe("oms_soap_bridge_latency_seconds", "Duration of the SOAP bridge's requests, upstream call included, by route.")
        self.registry = registry
        self.route = route
        self.latency = registry.timer("oms_soap_bridge_latency_seconds", [("route", route)])
        // The outcomes alerts watch exist from the start, at 0, so increase() sees the first one.
        for status in Self.watched {
            counters.withLock { $0[status] = registry.counter("oms_soap_bridge_requests_total", [("route", route), ("status", String(status))]) }
        }
    }

    /// Success, and the upstream failing (502) or timing out (504).
    static let watched = [200, 502, 504]

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
