import AuthService
import CoreMetrics
import Curl
import EdgeRuntime
import Logging

/// A role's access check, built once at start: the local verifier (when `access` verifies)
/// and the scopes of each endpoint. Routes take their middleware from it by endpoint name.
public final class AccessControl: Sendable {
    private let verifier: LocalVerifier?
    /// For a JWKS URL; closed by `shutdown()`.
    private let http: CurlClient?
    private let scopes: [String: [String]]
    let metrics: AccessMetrics

    /// Loads the key set (a JWKS file that cannot be used stops start-up; a URL that is down
    /// is logged and tried again when a token arrives).
    public static func start(_ configuration: AccessConfiguration, metrics: MetricsRegistry, logger: Logger) async throws -> AccessControl {
        let counters = AccessMetrics(registry: metrics)
        switch configuration.mode {
        case .none:
            // Warned about at every start with the configuration's other unsafe settings.
            return AccessControl(verifier: nil, http: nil, scopes: configuration.scopes, metrics: counters)
        case .verify(let jwks, let token, let entries):
            let http = CurlClient()
            let verifier = LocalVerifier(
                jwks: jwks, policy: token, cacheEntries: entries, http: http,
                counters: (counters.jwksLoaded, counters.jwksErrors), logger: logger
            )
            do {
                try await verifier.load()
            } catch {
                if case .file = jwks.source {
                    await http.shutdown()
                    throw error
                }
                logger.warning("access: the JWKS cannot be loaded yet; requests are refused until it can", metadata: ["error": .string(error.description)])
            }
            return AccessControl(verifier: verifier, http: http, scopes: configuration.scopes, metrics: counters)
        }
    }

    private init(verifier: LocalVerifier?, http: CurlClient?, scopes: [String: [String]], metrics: AccessMetrics) {
        self.verifier = verifier
        self.http = http
        self.scopes = scopes
        self.metrics = metrics
    }

    /// The check of one endpoint: a valid token with every scope the endpoint needs.
    public func middleware(_ endpoint: String) -> AccessMiddleware {
        guard let needed = scopes[endpoint] else {
            // Endpoint names are the role's own constants: a missing one is a bug.
            preconditionFailure("access: no scopes for endpoint \(endpoint)")
        }
        return AccessMiddleware(control: self, endpoint: endpoint, scopes: needed)
    }

    public func shutdown() async {
        await http?.shutdown()
    }

    /// For `/readyz`: why tokens cannot be checked (a JWKS URL not loaded yet, tried again
    /// now), or nil.
    public func problem() async -> String? { await verifier?.problem() }

    func decide(_ authorization: [String], scopes needed: [String]) async -> AccessDecision {
        guard let verifier else { return .allowed(nil) }
        switch await verifier.verify(authorization: authorization) {
        case .failure(let reason):
            return .unauthorized(reason)
        case .success(let identity):
            let caller = Caller(subject: identity.subject, client: identity.client.isEmpty ? identity.subject : identity.client, scopes: identity.scopes)
            if needed.contains(where: { !identity.scopes.contains($0) }) { return .forbidden(caller) }
            return .allowed(caller)
        }
    }

    func log(_ decision: AccessDecision, endpoint: String, logger: Logger) {
        switch decision {
        case .allowed: metrics.allowed.increment()
        case .unauthorized(let reason):
            metrics.denied(401).increment()
            logger.info("access denied", metadata: ["status": "401", "reason": .string(reason.label), "endpoint": .string(endpoint)])
        case .forbidden(let caller):
            metrics.denied(403).increment()
            logger.info("access denied", metadata: ["status": "403", "reason": "insufficient_scope", "endpoint": .string(endpoint), "sub": .string(caller.subject)])
        }
    }
}

enum AccessDecision {
    case allowed(Caller?)
    case unauthorized(DenyReason)
    case forbidden(Caller)
}
