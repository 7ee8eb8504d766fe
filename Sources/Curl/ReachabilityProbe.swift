import Synchronization
import TLS

/// Whether a URL answers HTTP at all — any status counts, since a service may refuse a bare
/// GET — asked at most once per `interval`, so a readiness endpoint polled by an
/// orchestrator does not become load on the service it checks. Over HTTPS it uses the
/// service's own TLS settings, so a refused handshake shows as that, with libcurl's reason.
public final class ReachabilityProbe: Sendable {
    private let url: String
    private let timeout: Duration
    private let interval: Duration
    private let tls: TLSSettings
    private let http: CurlClient
    private let last = Mutex<(at: ContinuousClock.Instant, problem: String?)?>(nil)

    public init(url: String, timeout: Duration, interval: Duration = .seconds(1), tls: TLSSettings = TLSSettings(), http: CurlClient) {
        self.url = url
        self.timeout = timeout
        self.interval = interval
        self.tls = tls
        self.http = http
    }

    public func isReachable() async -> Bool {
        await problem() == nil
    }

    /// Nil when the URL answered; otherwise why not, for `/readyz` ("unreachable: …",
    /// "tls: …"). Never the URL itself, whose query may carry a credential.
    public func problem() async -> String? {
        if let cached = last.withLock({ $0 }), ContinuousClock.now - cached.at < interval { return cached.problem }
        var problem: String?
        do {
            var request = CurlRequest(url: url, timeout: timeout, maxResponseBytes: 64 << 10, tls: tls)
            request.traced = false
            _ = try await http.execute(request)
        } catch {
            problem = error.code == .tls ? error.message : "unreachable: \(error.message)"
        }
        last.withLock { $0 = (.now, problem) }
        return problem
    }
}
