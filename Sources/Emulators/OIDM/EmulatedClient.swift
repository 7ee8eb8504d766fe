import EdgeRuntime
import Foundation
import JOSE

/// A service the emulator issues tokens to with the client-credentials grant (RFC 6749 §4.4):
/// `clients[]` in its configuration.
public struct EmulatedClient: Sendable, Equatable {
    public var id: String
    public var secret: Secret
    /// The scopes it may have; a request asks for some of them, or gets them all.
    public var scopes: [String]
    /// Where the authorization-code grant may send a browser back to (`redirect_uris`),
    /// compared exactly (RFC 6749 §3.1.2.3; OAuth 2.0 Security BCP §4.1.3).
    public var redirectURIs: [String]

    public init(id: String, secret: Secret, scopes: [String], redirectURIs: [String] = []) {
        self.id = id
        self.secret = secret
        self.scopes = scopes
        self.redirectURIs = redirectURIs
    }

    init(reader: ConfigReader) throws(ConfigError) {
        guard let id = try reader.nonEmptyString("id") else { throw ConfigError(key: "clients[].id", "every client needs an id") }
        guard let secret = try reader.secret("secret") else { throw ConfigError(key: "clients[].secret", "client \(id) needs a secret (or secret_file)") }
        self.id = id
        self.secret = secret
        self.scopes = try reader.stringList("scopes")
        self.redirectURIs = try reader.stringList("redirect_uris")
        for uri in redirectURIs {
            guard let url = URLComponents(string: uri), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false, url.fragment == nil else {
                throw ConfigError(key: "clients[].redirect_uris", "client \(id): '\(uri)' is not an absolute http(s) URL without a fragment")
            }
        }
    }
}

/// How the emulator signs the tokens it issues: the key, and what the tokens say of themselves.
public struct EmulatedIssuer: Sendable, Equatable {
    /// A private key in PEM (its public half belongs in the JWKS the emulator serves).
    public var keyFile: String
    /// The key's algorithm (`signing.alg`, ES256 by default, as `oms keys generate` makes).
    public var algorithm: JWSAlgorithm
    public var keyID: String
    public var issuer: String
    public var audience: String
    /// The `domain` claim, which the roles' claim rules require.
    public var domain: String
    public var ttlSeconds: Int

    public init(keyFile: String, algorithm: JWSAlgorithm = .es256, keyID: String, issuer: String, audience: String = "oms", domain: String, ttlSeconds: Int = 300) {
        self.keyFile = keyFile
        self.algorithm = algorithm
        self.keyID = keyID
        self.issuer = issuer
        self.audience = audience
        self.domain = domain
        self.ttlSeconds = ttlSeconds
    }

    init?(reader: ConfigReader) throws(ConfigError) {
        guard let keyFile = try reader.nonEmptyString("signing.key_file") else {
            for key in ["signing.kid", "signing.issuer", "signing.domain"] where try reader.has(key) {
                throw ConfigError(key: key, "needs signing.key_file")
            }
            return nil
        }
        self.keyFile = keyFile
        let signers = JWSAlgorithm.allCases.map(\.rawValue).filter { !$0.hasPrefix("HS") }
        algorithm = JWSAlgorithm(rawValue: try reader.choice("signing.alg", default: "ES256", allowed: signers)) ?? .es256
        guard let keyID = try reader.nonEmptyString("signing.kid") else { throw ConfigError(key: "signing.kid", "the kid of signing.key_file in the JWKS is required") }
        guard let issuer = try reader.nonEmptyString("signing.issuer") else { throw ConfigError(key: "signing.issuer", "the iss of issued tokens is required") }
        guard let domain = try reader.nonEmptyString("signing.domain") else { throw ConfigError(key: "signing.domain", "the domain claim of issued tokens is required") }
        self.keyID = keyID
        self.issuer = issuer
        self.domain = domain
        audience = try reader.nonEmptyString("signing.audience") ?? "oms"
        ttlSeconds = try reader.int("signing.ttl_s", default: 300, in: 5...86_400)
    }
}
