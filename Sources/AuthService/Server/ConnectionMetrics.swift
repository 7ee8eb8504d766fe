import CoreMetrics
import EdgeRuntime

/// What the server does to connections, apart from the decisions: how many are open, and
/// how many it ended for which reason.
struct ConnectionMetrics: Sendable {
    let open: Gauge
    /// Accepted beyond `server.max_connections` and closed at once.
    let refused: Counter
    /// A request that did not arrive whole within `server.header_timeout_ms`.
    let requestTimedOut: Counter

    init(registry: MetricsRegistry) {
        open = registry.gauge("oms_auth_connections_open")
        refused = registry.counter("oms_auth_connections_closed_total", [("reason", "max_connections")])
        requestTimedOut = registry.counter("oms_auth_connections_closed_total", [("reason", "request_timeout")])
    }
}
