import Curl
import EdgeRuntime

/// `/readyz` of the bridge: every upstream answers HTTP (and completes its TLS handshake).
struct UpstreamProbe: Sendable {
    private let probes: [(name: String, probe: ReachabilityProbe)]

    init(services: [String: UpstreamSettings], http: CurlClient) {
        probes = services.sorted { $0.key < $1.key }.map { ($0.key, ReachabilityProbe(url: $0.value.url, timeout: .seconds(2), tls: $0.value.tls, http: http)) }
    }

    func readiness() async -> Readiness {
        var checks: [String: String] = [:]
        for (name, probe) in probes {
            checks[name] = await probe.problem() ?? "ok"
        }
        return Readiness(ready: checks.values.allSatisfy { $0 == "ok" }, checks: checks)
    }
}
