import CoreMetrics
import EdgeRuntime

/// The auth service's metrics, created once so the hot path only increments.
struct AuthMetrics: Sendable {
    let allowed: Counter
    let denied: [DenyReason: Counter]
    let cacheHits: Counter
    let cacheMisses: Counter
    let cacheEntries: Gauge
    let cacheBytes: Gauge
    let oidmValid: Counter
    let oidmInvalid: Counter
    let oidmUnavailable: Counter
    let oidmBreakerRejected: Counter
    let oidmTLSFailures: Counter
    let oidmLatency: Timer
    let jwksLoaded: Counter
    let jwksErrors: Counter
    let revocationsPublished: Counter
    let revocationsReceived: Counter
    let revocationsDropped: Counter
    let revocationPublishErrors: Counter

    init(registry: MetricsRegistry) {
        registry.describe("oms_auth_decisions_total", "Decisions of oms auth, by outcome (allow, deny_401, deny_403) and reason.")
        registry.describe("oms_auth_cache_total", "Lookups of the verified-token cache, by result (hit, miss).")
        registry.describe("oms_auth_cache_entries", "Tokens in the verified-token cache.")
        registry.describe("oms_auth_cache_bytes", "Bytes the verified-token cache holds (estimated).")
        registry.describe("oms_auth_oidm_calls_total", "Calls to the OIDM token endpoint, by result (valid, invalid, unavailable).")
        registry.describe("oms_auth_oidm_breaker_rejections_total", "Decisions denied without an OIDM call because its circuit breaker was open.")
        registry.describe("oms_auth_oidm_tls_failures_total", "OIDM calls that failed in their TLS handshake (certificate, name, client certificate).")
        registry.describe("oms_auth_oidm_latency_seconds", "Duration of OIDM calls.")
        registry.describe("oms_auth_jwks_loads_total", "Loads of the issuer's JWKS, by result (ok, error).")
        registry.describe("oms_auth_revocations_total", "Revocations over Redis: published (OIDM said no here), received, and dropped (a cached positive answer removed).")
        registry.describe("oms_auth_revocation_errors_total", "Revocations that could not be published to Redis.")
        revocationsPublished = registry.counter("oms_auth_revocations_total", [("direction", "published")])
        revocationsReceived = registry.counter("oms_auth_revocations_total", [("direction", "received")])
        revocationsDropped = registry.counter("oms_auth_revocations_total", [("direction", "dropped")])
        revocationPublishErrors = registry.counter("oms_auth_revocation_errors_total")
        allowed = registry.counter("oms_auth_decisions_total", [("outcome", "allow"), ("reason", "ok")])
        var denied: [DenyReason: Counter] = [:]
        for reason in DenyReason.all {
            denied[reason] = registry.counter("oms_auth_decisions_total", [("outcome", "deny_\(reason.status)"), ("reason", reason.label)])
        }
        self.denied = denied
        cacheHits = registry.counter("oms_auth_cache_total", [("result", "hit")])
        cacheMisses = registry.counter("oms_auth_cache_total", [("result", "miss")])
        cacheEntries = registry.gauge("oms_auth_cache_entries")
        cacheBytes = registry.gauge("oms_auth_cache_bytes")
        oidmValid = registry.counter("oms_auth_oidm_calls_total", [("result", "valid")])
        oidmInvalid = registry.counter("oms_auth_oidm_calls_total", [("result", "invalid")])
        oidmUnavailable = registry.counter("oms_auth_oidm_calls_total", [("result", "unavailable")])
        oidmBreakerRejected = registry.counter("oms_auth_oidm_breaker_rejections_total")
        oidmTLSFailures = registry.counter("oms_auth_oidm_tls_failures_total")
        oidmLatency = registry.timer("oms_auth_oidm_latency_seconds")
        jwksLoaded = registry.counter("oms_auth_jwks_loads_total", [("result", "ok")])
        jwksErrors = registry.counter("oms_auth_jwks_loads_total", [("result", "error")])
    }

    func record(_ verdict: OIDMVerdict) {
        switch verdict {
        case .valid: oidmValid.increment()
        case .invalid: oidmInvalid.increment()
        case .unavailable:
            oidmUnavailable.increment()
            if verdict.isTLSFailure { oidmTLSFailures.increment() }
        }
    }
}
