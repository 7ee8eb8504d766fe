import AuthService
import EdgeRuntime

/// The `access` block of a role behind the gateway: whose bearer tokens it accepts (the same
/// issuer, keys and claim rules as `oms auth`'s `jwks.*` and `token.*`) and which scope each
/// of its endpoints needs. Required: a role without it refuses to start, unless
/// `access.mode: none` says that it answers anyone (for local tests; warned at every start).
public struct AccessConfiguration: Sendable {
    public enum Mode: Sendable {
        /// Every request but `/healthz`, `/readyz` and `/metrics` needs a valid bearer token.
        case verify(jwks: JWKSSettings, token: TokenPolicy, cacheEntries: Int)
        /// Nobody is asked; every caller is answered.
        case none
    }

    public var mode: Mode
    /// Endpoint name → the scopes a caller needs (all of them).
    public var scopes: [String: [String]]

    public init(mode: Mode, scopes: [String: [String]]) {
        self.mode = mode
        self.scopes = scopes
    }

    /// No check, with the endpoints' scopes recorded (what `access.mode: none` reads as).
    public static func unchecked(_ endpoints: [String: [String]]) -> AccessConfiguration {
        AccessConfiguration(mode: .none, scopes: endpoints)
    }

    /// `endpoints`: the role's endpoint names with their documented default scopes, which
    /// `access.scopes.<endpoint>` overrides (an empty list: any valid token). A name that is
    /// not one of them is an unknown key.
    public init(reader: ConfigReader, endpoints: [String: [String]]) throws(ConfigError) {
        // The block, or (set through OMS_ACCESS_* variables alone) one of its deciding keys.
        var present = false
        for key in ["access", "access.mode", "access.jwks.file", "access.jwks.url"] where try reader.has(key) { present = true }
        guard present else {
            throw ConfigError(
                key: "access",
                "this role checks every caller's bearer token: set access.jwks.file (or .url) and access.token.issuers, .audiences and .allowed_domains (as oms auth's jwks and token), or access.mode: none to answer anyone (local tests only)"
            )
        }
        switch try reader.choice("access.mode", default: "verify", allowed: ["verify", "none"]) {
        case "none":
            reader.warn("access.mode", "none: this role answers every caller without checking a token; only for local tests")
            mode = .none
        default:
            mode = .verify(
                jwks: try JWKSSettings(reader: reader, prefix: "access.jwks"),
                token: try TokenPolicy(reader: reader, prefix: "access.token"),
                cacheEntries: try reader.int("access.cache.max_entries", default: 10_000, in: 1...1_000_000)
            )
        }
        var scopes = endpoints
        for endpoint in endpoints.keys where try reader.has("access.scopes.\(endpoint)") {
            scopes[endpoint] = try reader.stringList("access.scopes.\(endpoint)")
        }
        self.scopes = scopes
    }
}
