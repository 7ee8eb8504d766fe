import EdgeRuntime
import JOSE

/// What a token must say to pass the local checks.
public struct TokenPolicy: Sendable {
    public var algorithms: Set<JWSAlgorithm> = [.rs256, .ps256, .es256]
    public var issuers: Set<String>
    public var audiences: Set<String>
    public var leewaySeconds: Double = 30
    public var domainClaim: String = "domain"
    public var allowedDomains: Set<String>
    public var scopeClaim: String = "scope"
    public var requiredScopes: [String] = []
    public var maxBytes: Int = 16 * 1024

    public init(issuers: Set<String>, audiences: Set<String>, allowedDomains: Set<String>) {
        self.issuers = issuers
        self.audiences = audiences
        self.allowedDomains = allowedDomains
    }

    /// The keys under `prefix` (`token` for `oms auth`, `access.token` for the roles behind it).
    package init(reader: ConfigReader, prefix: String = "token") throws(ConfigError) {
        let names = try reader.stringList("\(prefix).algorithms", default: algorithms.map(\.rawValue).sorted())
        var algorithms: Set<JWSAlgorithm> = []
        for name in names {
            // RFC 7515 §4.1.1: alg values are case-sensitive; "none" is never configurable.
            guard let algorithm = JWSAlgorithm(rawValue: name) else {
                throw ConfigError(key: "\(prefix).algorithms", "unknown algorithm '\(name)' (supported: \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            algorithms.insert(algorithm)
        }
        guard !algorithms.isEmpty else { throw ConfigError(key: "\(prefix).algorithms", "must list at least one algorithm") }
        self.algorithms = algorithms
        issuers = try Self.required(reader, "\(prefix).issuers")
        audiences = try Self.required(reader, "\(prefix).audiences")
        allowedDomains = try Self.required(reader, "\(prefix).allowed_domains")
        leewaySeconds = try reader.double("\(prefix).leeway_s", default: leewaySeconds, in: 0...3_600)
        domainClaim = try reader.nonEmptyString("\(prefix).domain_claim") ?? domainClaim
        scopeClaim = try reader.nonEmptyString("\(prefix).scope_claim") ?? scopeClaim
        requiredScopes = try reader.stringList("\(prefix).required_scopes")
        maxBytes = try reader.int("\(prefix).max_bytes", default: maxBytes, in: 256...1_048_576)
    }

    private static func required(_ reader: ConfigReader, _ key: String) throws(ConfigError) -> Set<String> {
        let values = try reader.stringList(key).filter { !$0.isEmpty }
        guard !values.isEmpty else { throw ConfigError(key: key, "must list at least one value") }
        return Set(values)
    }

    /// HMAC keys are accepted from the JWKS only when an HS algorithm is explicitly allowed.
    var allowsSymmetricKeys: Bool { algorithms.contains { $0.rawValue.hasPrefix("HS") } }
}
