import EdgeRuntime

/// `oms emulate oidm`: where it listens, which keys it trusts, how it behaves.
public struct OIDMEmulatorConfiguration: Sendable {
    public var server: ServerSettings
    /// The JWKS whose keys sign the tokens it should call valid.
    public var jwksFile: String
    /// The validation endpoint path (Oracle Access Manager deployments differ).
    public var path: String = "/oauth2/rest/rest/token"
    /// When set, requests must carry this `X-OAUTH-IDENTITY-DOMAIN-NAME`.
    public var identityDomain: String?
    /// Artificial delay before every validation answer.
    public var delayMs: Int = 0
    /// Services given tokens with the client-credentials grant on `path` (`clients[]`).
    public var clients: [EmulatedClient] = []
    /// How those tokens are signed (`signing.*`); required with `clients`.
    public var signing: EmulatedIssuer?
    /// People who may sign in on the login form of the authorization endpoint (`users[]`).
    public var users: [EmulatedUser] = []
    /// The authorization endpoint (RFC 6749 §3.1), where a browser signs in.
    public var authorizePath: String = "/oauth2/rest/authorize"

    public init(server: ServerSettings = .init(port: 9001), jwksFile: String, path: String = "/oauth2/rest/rest/token", identityDomain: String? = nil, delayMs: Int = 0) {
        self.server = server
        self.jwksFile = jwksFile
        self.path = path
        self.identityDomain = identityDomain
        self.delayMs = delayMs
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 9001)
        jwksFile = try reader.nonEmptyString("jwks.file") ?? ""
        path = try reader.nonEmptyString("path") ?? path
        guard path.hasPrefix("/") else { throw ConfigError(key: "path", "must start with /") }
        identityDomain = try reader.nonEmptyString("identity_domain")
        delayMs = try reader.int("delay_ms", default: 0, in: 0...600_000)
        clients = try reader.mappingList("clients").map { (client) throws(ConfigError) in try EmulatedClient(reader: client) }
        signing = try EmulatedIssuer(reader: reader)
        users = try reader.mappingList("users").map { (user) throws(ConfigError) in try EmulatedUser(reader: user) }
        authorizePath = try reader.nonEmptyString("authorize_path") ?? authorizePath
        guard authorizePath.hasPrefix("/"), authorizePath != path else {
            throw ConfigError(key: "authorize_path", "must start with / and differ from path")
        }
    }

    /// Checks what command-line options may have filled in after the file was read.
    public func validate() throws(ConfigError) {
        guard !jwksFile.isEmpty else { throw ConfigError(key: "jwks.file", "the emulator needs the JWKS of the keys it accepts (--jwks)") }
        guard (0...65535).contains(server.port) else { throw ConfigError(key: "server.port", "must be between 0 and 65535") }
        guard (0...600_000).contains(delayMs) else { throw ConfigError(key: "delay_ms", "must be between 0 and 600000") }
        if !clients.isEmpty && signing == nil { throw ConfigError(key: "signing.key_file", "clients need a key to sign their tokens with") }
        if !users.isEmpty && !clients.contains(where: { !$0.redirectURIs.isEmpty }) {
            throw ConfigError(key: "users", "users sign in for a client: give at least one client redirect_uris")
        }
        let names = users.map(\.username)
        if Set(names).count != names.count { throw ConfigError(key: "users", "two users have the same username") }
    }
}
