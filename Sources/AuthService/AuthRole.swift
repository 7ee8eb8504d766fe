import Curl
import EdgeRuntime
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `oms auth`: wires the configuration into the key set, the OIDM client, the cache and the
/// decision server, and runs them as one service.
public final class AuthRole: Service, Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let configuration: AuthConfiguration
    public let metrics: MetricsRegistry
    private let logger: Logger
    private let http: CurlClient
    private let keys: KeySetProvider
    private let breaker: CircuitBreaker
    private let revocations: RevocationChannel?
    /// The revocation channel, for tests that time it.
    var revocationChannel: RevocationChannel? { revocations }
    private let server: AuthHTTPServer
    private let decider: AuthDecider
    private let oidmProbe: ReachabilityProbe
    private let boundPort = Mutex<Int?>(nil)

    public convenience init(configuration: AuthConfiguration, logger: Logger, metrics: MetricsRegistry = MetricsRegistry()) {
        self.init(configuration: configuration, logger: logger, metrics: metrics, answering: { AuthHTTPHandler(endpoints: $0, timers: $1) })
    }

    /// The same server, pipeline and connection handling as `oms auth`, whose last handler
    /// answers every request 200 (with identity headers of the usual size) without deciding
    /// anything: the ceiling `Benchmarks/auth-bench.sh` measures `oms auth` against. Only the
    /// benchmark's own executable starts it; `oms` has no way to.
    public static func benchmarkCeiling(configuration: AuthConfiguration, logger: Logger) -> AuthRole {
        AuthRole(configuration: configuration, logger: logger, metrics: MetricsRegistry(), answering: { _, timers in CeilingHTTPHandler(timers: timers) })
    }

    private init(
        configuration: AuthConfiguration, logger: Logger, metrics: MetricsRegistry,
        answering: @escaping @Sendable (AuthEndpoints, ConnectionTimersHandler) -> any ChannelHandler
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        let authMetrics = AuthMetrics(registry: metrics)
        let http = CurlClient(configuration: .init(maxCachedConnections: 64))
        let keys = KeySetProvider(settings: configuration.jwks, policy: configuration.token, http: http, counters: (authMetrics.jwksLoaded, authMetrics.jwksErrors), logger: logger)
        let breaker = CircuitBreaker(failures: configuration.oidm.breakerFailures, openFor: .seconds(configuration.oidm.breakerOpenSeconds))
        let cache = TokenCache(
            capacity: configuration.cache.maxEntries, maxBytes: configuration.cache.maxBytes,
            gauges: (authMetrics.cacheEntries, authMetrics.cacheBytes)
        )
        let revocations = configuration.redis.map {
            RevocationChannel(endpoint: $0, timeout: configuration.redisTimeout, cache: cache, metrics: authMetrics, logger: logger)
        }
        self.revocations = revocations
        let decider = AuthDecider(
            configuration: configuration, keys: keys, oidm: OIDMClient(settings: configuration.oidm, http: http),
            cache: cache, breaker: breaker, metrics: authMetrics, logger: logger,
            browser: configuration.browser.map { BrowserSignIn(settings: $0, issuers: configuration.token.issuers, keys: keys, http: http, logger: logger, metrics: metrics) },
            revocations: revocations
        )
        self.http = http
        self.oidmProbe = ReachabilityProbe(url: configuration.oidm.url, timeout: .milliseconds(configuration.oidm.timeoutMs), tls: configuration.oidm.tls, http: http)
        self.decider = decider
        self.keys = keys
        self.breaker = breaker
        let readiness = ReadinessBox()
        self.server = AuthHTTPServer(
            configuration: configuration,
            endpoints: AuthEndpoints(
                decider: decider, pathHeader: configuration.pathHeader, connections: ConnectionMetrics(registry: metrics),
                metrics: metrics, readiness: { await readiness.check() }
            ),
            logger: logger, answering: answering
        )
        readiness.role.withLock { $0.value = self }
    }

    /// Loads the key set and binds; returns the port. A JWKS file that cannot be used stops
    /// start-up; a JWKS URL that is down is retried on demand and reported by `/readyz`.
    /// Idempotent: `oms auth` starts the role first (to fail before the service group runs),
    /// then `run()` finds it started.
    @discardableResult
    public func start() async throws -> Int {
        if let port = boundPort.withLock({ $0 }) { return port }
        do {
            try await keys.load()
        } catch {
            if case .file = configuration.jwks.source { throw StartError(description: error.description) }
            logger.error("JWKS not loaded yet; /readyz reports not ready", metadata: ["error": .string(error.description)])
        }
        let port = try await server.start()
        revocations?.start()
        boundPort.withLock { $0 = port }
        return port
    }

    public func run() async throws {
        try await start()
        // Returns on SIGTERM/SIGINT (graceful shutdown) or throws on cancellation: stop either way.
        try? await gracefulShutdown()
        await stop()
    }

    /// Graceful stop: no new connections, the requests in hand answered (waiting at most
    /// 10 s), then whatever is still in flight failed closed, then the event loops end.
    /// Idempotent.
    public func stop() async {
        await server.close()
        await http.shutdown()
        await decider.drain()
        await revocations?.stop()
        await server.shutdownEventLoops()
    }

    /// Ready while the JWKS is loaded. OIDM is probed too (any HTTP answer counts; at most once
    /// a second), and reported as degraded when it cannot be reached, without making the
    /// replica unready.
    public func readiness() async -> Readiness {
        var checks: [String: String] = [:]
        var ready = true
        if keys.verifier == nil {
            ready = false
            checks["jwks"] = "not loaded"
            _ = await keys.refreshForUnknownKey()
        } else {
            checks["jwks"] = "ok"
        }
        // OIDM down degrades, it does not unready: decisions already fail closed (401), and
        // an auth replica the ingress may not call turns every answer into a 500 instead.
        if breaker.state() == .open {
            checks["oidm"] = "degraded: circuit open"
        } else if let problem = await oidmProbe.problem() {
            checks["oidm"] = "degraded: \(problem)"
        } else {
            checks["oidm"] = "ok"
        }
        return Readiness(ready: ready, checks: checks)
    }
}

/// Lets the server's readiness closure reach the role that owns the server (set once, right
/// after init, before anything can call it). Weak, since the role owns the server.
private final class ReadinessBox: Sendable {
    struct WeakRole { weak var value: AuthRole? }
    let role = Mutex(WeakRole())

    func check() async -> Readiness {
        guard let role = role.withLock({ $0.value }) else { return Readiness(ready: false, checks: ["role": "stopped"]) }
        return await role.readiness()
    }
}
