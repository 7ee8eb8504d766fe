import Synchronization

/// Whether a URL answers HTTP at all — any status counts, since a service may refuse a bare
/// GET — asked at most once per `interval`, so a readiness endpoint polled by an
/// orchestrator does not become load on the service it checks.
public final class ReachabilityProbe: Sendable {
    private let url: String
    private let timeout: Duration
    private let interval: Duration
    private let http: CurlClient
    private let last = Mutex<(at: ContinuousClock.Instant, reachable: Bool)?>(nil)

    public init(url: String, timeout: Duration, interval: Duration = .seconds(1), http: CurlClient) {
        self.url = url
        self.timeout = timeout
        self.interval = interval
        self.http = http
    }

    public func isReachable() async -> Bool {
        if let cached = last.withLock({ $0 }), ContinuousClock.now - cached.at < interval { return cached.reachable }
        let reachable = (try? await http.execute(CurlRequest(url: url, timeout: timeout, maxResponseBytes: 64 << 10))) != nil
        last.withLock { $0 = (.now, reachable) }
        return reachable
    }
}
