import CoreMetrics
import EdgeRuntime

/// The access check's counters, created at start so that every series exists from the first
/// scrape.
struct AccessMetrics: Sendable {
    let allowed: Counter
    let unauthorized: Counter
    let forbidden: Counter
    let jwksLoaded: Counter
    let jwksErrors: Counter

    init(registry: MetricsRegistry) {
        registry.describe("oms_access_decisions_total", "Bearer-token checks of this role's callers, by outcome (allow, deny_401, deny_403).")
        registry.describe("oms_access_jwks_loads_total", "Loads of the issuer's JWKS for the access check, by result (ok, error).")
        allowed = registry.counter("oms_access_decisions_total", [("outcome", "allow")])
        unauthorized = registry.counter("oms_access_decisions_total", [("outcome", "deny_401")])
        forbidden = registry.counter("oms_access_decisions_total", [("outcome", "deny_403")])
        jwksLoaded = registry.counter("oms_access_jwks_loads_total", [("result", "ok")])
        jwksErrors = registry.counter("oms_access_jwks_loads_total", [("result", "error")])
    }

    func denied(_ status: Int) -> Counter { status == 403 ? forbidden : unauthorized }
}
