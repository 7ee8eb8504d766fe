import Curl
import EdgeRuntime
import Synchronization

/// `/readyz` of the bridge: every upstream answers HTTP at all (any status counts: a SOAP
/// endpoint may refuse a bare GET), probed at most once a second.
final class UpstreamProbe: Sendable {
    private let services: [(name: String, url: String)]
    private let http: CurlClient
    private let last = Mutex<(at: ContinuousClock.Instant, readiness: Readiness)?>(nil)

    init(services: [String: UpstreamSettings], http: CurlClient) {
        self.services = services.map { ($0.key, $0.value.url) }.sorted { $0.name < $1.name }
        self.http = http
    }

    func readiness() async -> Readiness {
        if let cached = last.withLock({ $0 }), ContinuousClock.now - cached.at < .seconds(1) { return cached.readiness }
        var checks: [String: String] = [:]
        for (name, url) in services {
            let answered = (try? await http.execute(CurlRequest(url: url, timeout: .seconds(2), maxResponseBytes: 64 << 10))) != nil
            checks[name] = answered ? "ok" : "unreachable"
        }
        let readiness = Readiness(ready: checks.values.allSatisfy { $0 == "ok" }, checks: checks)
        last.withLock { $0 = (.now, readiness) }
        return readiness
    }
}
