import EdgeRuntime
import TLS

/// How the core gets a token of its own for calls to refdata or the bridge: the OAuth 2.0
/// client-credentials grant (RFC 6749 §4.4) at the identity provider's token endpoint
/// (`refdata.client.*`, `soap_bridge.client.*`).
public struct ClientCredentials: Sendable, Equatable {
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: Secret
    /// Asked for (space-separated); empty: whatever the provider grants the client.
    public var scope: String
    /// `<prefix>.client.tls.*`, for an HTTPS token endpoint.
    public var tls: TLSSettings

    public init(tokenURL: String, clientID: String, clientSecret: Secret, scope: String = "", tls: TLSSettings = TLSSettings()) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.tls = tls
    }

    /// nil when `<prefix>.client` is not configured; every part is required once it is.
    static func read(_ reader: ConfigReader, prefix: String) throws(ConfigError) -> ClientCredentials? {
        let key = "\(prefix).client"
        let url = try reader.httpURL("\(key).token_url")
        let id = try reader.nonEmptyString("\(key).client_id")
        let secret = try reader.secret("\(key).client_secret")
        guard url != nil || id != nil || secret != nil else { return nil }
        guard let url else { throw ConfigError(key: "\(key).token_url", "the token endpoint is required with \(key)") }
        guard let id else { throw ConfigError(key: "\(key).client_id", "required with \(key)") }
        guard let secret else { throw ConfigError(key: "\(key).client_secret", "required with \(key) (or client_secret_file)") }
        return ClientCredentials(
            tokenURL: url, clientID: id, clientSecret: secret,
            scope: try reader.stringList("\(key).scope").joined(separator: " "), tls: try reader.tls(key)
        )
    }
}
