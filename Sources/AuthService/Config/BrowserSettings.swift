import EdgeRuntime
import Foundation
import JOSE
import TLS

/// `oidc.*` and `session.*`: `oms auth` as a browser's OpenID Connect relying party
/// (authorization code with PKCE), keeping the result in an encrypted session cookie.
/// Absent `oidc`, no browser sign-in exists and cookies are never read.
public struct BrowserSettings: Sendable {
    /// The OIDM authorization endpoint a browser is sent to.
    public var authorizeURL: String
    /// The token endpoint the code is exchanged at.
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: Secret
    /// This gateway's callback as the browser sees it (`https://gateway.example/oauth2/callback`):
    /// registered with OIDM, and the origin that `rd` targets must have.
    public var redirectURL: String
    /// Scopes asked for; `openid` is always among them.
    public var scopes: [String]
    /// The ID token's expected `iss`; the access tokens' `token.issuer` when unset.
    public var issuer: String?
    /// Where a browser goes when nothing else is asked for (after sign-out's link, or no `rd`).
    public var home: String = "/ops"
    public var timeoutMs: Int = 5000
    /// `oidc.tls.*`: an HTTPS token endpoint's trust, client certificate and name.
    public var tls = TLSSettings()
    /// `session.key_file`: 32 bytes, base64 or hex, sealing every cookie (AES-256-GCM).
    public var key: AESGCMKey
    /// `session.ttl_s`: how long a session lasts at most (never past its tokens' expiry).
    public var ttlSeconds: Int = 28_800

    public init(authorizeURL: String, tokenURL: String, clientID: String, clientSecret: Secret, redirectURL: String, key: AESGCMKey, scopes: [String] = ["openid"], issuer: String? = nil) {
        self.authorizeURL = authorizeURL
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURL = redirectURL
        self.key = key
        self.scopes = scopes.contains("openid") ? scopes : ["openid"] + scopes
        self.issuer = issuer
    }

    init?(reader: ConfigReader) throws(ConfigError) {
        guard try reader.has("oidc") else {
            if try reader.has("session") { throw ConfigError(key: "session", "a session needs browser sign-in: set the oidc block too") }
            return nil
        }
        guard let authorize = try reader.httpURL("oidc.authorize_url") else { throw ConfigError(key: "oidc.authorize_url", "the OIDM authorization endpoint is required for browser sign-in") }
        guard let token = try reader.httpURL("oidc.token_url") else { throw ConfigError(key: "oidc.token_url", "the OIDM token endpoint is required for browser sign-in") }
        guard let client = try reader.nonEmptyString("oidc.client_id") else { throw ConfigError(key: "oidc.client_id", "the client id registered with OIDM is required") }
        guard let secret = try reader.secret("oidc.client_secret") else { throw ConfigError(key: "oidc.client_secret", "set oidc.client_secret_file (or oidc.client_secret)") }
        guard let redirect = try reader.httpURL("oidc.redirect_url") else { throw ConfigError(key: "oidc.redirect_url", "this gateway's public callback URL is required (https://…/oauth2/callback)") }
        guard let callback = URLComponents(string: redirect), callback.path == "/oauth2/callback", callback.query == nil else {
            throw ConfigError(key: "oidc.redirect_url", "must end in /oauth2/callback, with no query")
        }
        if callback.scheme == "http" && !Self.isLoopback(callback.host ?? "") {
            throw ConfigError(key: "oidc.redirect_url", "must be https (plain http only on loopback): the session cookie is Secure")
        }
        guard let keyFile = try reader.nonEmptyString("session.key_file") else {
            throw ConfigError(key: "session.key_file", "browser sign-in needs a key to seal its cookies (32 random bytes, base64: openssl rand -base64 32)")
        }
        authorizeURL = authorize
        tokenURL = token
        clientID = client
        clientSecret = secret
        redirectURL = redirect
        key = try Self.loadKey(keyFile)
        let asked = try reader.stringList("oidc.scopes", default: ["openid"])
        scopes = asked.contains("openid") ? asked : ["openid"] + asked
        issuer = try reader.nonEmptyString("oidc.issuer")
        home = try reader.nonEmptyString("oidc.home") ?? home
        guard RedirectTarget.isLocalPath(home) else { throw ConfigError(key: "oidc.home", "must be a path on this gateway, starting with one /") }
        timeoutMs = try reader.int("oidc.timeout_ms", default: timeoutMs, in: 100...60_000)
        tls = try reader.tls("oidc")
        ttlSeconds = try reader.int("session.ttl_s", default: ttlSeconds, in: 60...604_800)
    }

    /// Cookies are `Secure` and `__Host-` prefixed unless the gateway is reached over plain
    /// http on loopback (a laptop), where a browser would drop a Secure cookie.
    public var secureCookies: Bool { !redirectURL.lowercased().hasPrefix("http://") }

    /// `scheme://host[:port]` of the redirect URL: the only origin `rd` may name.
    var origin: String {
        guard let url = URLComponents(string: redirectURL), let scheme = url.scheme, let host = url.host else { return "" }
        return "\(scheme.lowercased())://\(host.lowercased())\(url.port.map { ":\($0)" } ?? "")"
    }

    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }

    /// The key file: 32 bytes written as base64 (`openssl rand -base64 32`) or as 64 hex digits.
    static func loadKey(_ path: String) throws(ConfigError) -> AESGCMKey {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1024,
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw ConfigError(key: "session.key_file", "\(path): cannot read the file (or it is larger than a key)")
        }
        var bytes: [UInt8]?
        if text.utf8.count == 64, text.utf8.allSatisfy({ $0 < 128 && Character(UnicodeScalar($0)).isHexDigit }) {
            bytes = stride(from: 0, to: 64, by: 2).map { UInt8(text.dropFirst($0).prefix(2), radix: 16)! }
        } else if let decoded = Data(base64Encoded: text) ?? Base64URL.decode(text).map({ Data($0) }) {
            bytes = Array(decoded)
        }
        guard let bytes, let key = try? AESGCMKey(bytes: bytes) else {
            throw ConfigError(key: "session.key_file", "\(path): not 32 bytes in base64 or hex (make one with: openssl rand -base64 32)")
        }
        return key
    }
}
