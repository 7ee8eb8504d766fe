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
        registry.describe("oms_auth_connections_open", "Connections open to oms auth.")
        registry.describe("oms_auth_connections_closed_total", "Connections oms auth closed itself, by reason (max_connections, request_timeout).")
        open = registry.gauge("oms_auth_connections_open")
        refused = registry.counter("oms_auth_connections_closed_total", [("reason", "max_connections")])
        requestTimedOut = registry.counter("oms_auth_connections_closed_total", [("reason", "request_timeout")])
    }
}
