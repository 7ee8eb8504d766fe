import AuthService
import Core
import EdgeRuntime
import Foundation
import RefData
import SOAPBridge

/// The roles' own configurations for `oms dev`, written as the YAML a deployment would give
/// each role and read by the role's own reader: the same defaults, the same checks.
struct DevStack {
    static let issuer = "https://idp.oms.local"
    static let keyID = "oms-dev-1"
    static let domain = "retail"

    let dev: DevConfiguration
    /// Absolute: the roles resolve nothing against the working directory.
    let folder: String
    /// The core's client secret at the OIDM emulator, new for every run (both are in this process).
    let coreSecret = UUID().uuidString

    static let coreClient = "oms-core"
    /// The gateway's client for browser sign-in (oms auth as relying party).
    static let consoleClient = "oms-console"
    let consoleSecret = UUID().uuidString
    /// The operator who signs in on the emulator's form.
    static let operatorUser = "alice"
    static let operatorScopes = ["operator", "documents.read"]
    /// `OMS_DEV_PASSWORD`, or `alice`.
    static var operatorPassword: String {
        ProcessInfo.processInfo.environment["OMS_DEV_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } ?? "alice"
    }
    var authorizeURL: String { "\(dev.url(dev.ports.oidm))/oauth2/rest/authorize" }
    var callbackURL: String { "\(dev.gatewayURL)/oauth2/callback" }
    var sessionKeyFile: String { "\(folder)/keys/session.key" }
    /// What the core's token may carry: what its jobs ask of refdata and the bridge.
    static let coreScopes = ["refdata.read", "documents.read", "documents.write"]

    var tokenURL: String { "\(dev.url(dev.ports.oidm))/oauth2/rest/rest/token" }

    var jwksFile: String { "\(folder)/keys/jwks.json" }
    var privateKeyFile: String { "\(folder)/keys/private.pem" }
    var database: String { "sqlite:\(folder)/oms.db" }

    var auth: String {
        """
        server: {host: "\(dev.host)", port: \(dev.ports.auth)}
        oidm: {url: "\(dev.url(dev.ports.oidm))/oauth2/rest/rest/token", timeout_ms: 2000, cache_ttl_s: 60}
        jwks: {file: "\(jwksFile)"}
        token:
          algorithms: [ES256, RS256, PS256, EdDSA]
          issuers: ["\(Self.issuer)"]
          audiences: [oms]
          allowed_domains: [\(Self.domain)]
        routes:
          - {prefix: /v1/documents, scopes: [documents.read]}
          - {prefix: /v1/documents, methods: [POST, PUT, PATCH, DELETE], scopes: [documents.write]}
          - {prefix: /v1/admin, scopes: [admin]}
          - {prefix: /thunderhead, scopes: [documents.write]}
          - {prefix: /v1/requests, scopes: [documents.read]}
          - {prefix: /v1/requests, methods: [POST], scopes: [documents.write]}
          - {prefix: /v1/requests/*/rerun, methods: [POST], scopes: [operator]}
          - {prefix: /v1/requests/*/resolve, methods: [POST], scopes: [operator]}
          - {prefix: /refdata, scopes: [refdata.read]}
          - {prefix: /refdata, methods: [PUT, PATCH, DELETE], scopes: [refdata.admin]}
          - {prefix: /ops, scopes: [operator], browser: true}
        oidc:
          authorize_url: "\(authorizeURL)"
          token_url: "\(tokenURL)"
          client_id: \(Self.consoleClient)
          client_secret: "\(consoleSecret)"
          redirect_url: "\(callbackURL)"
          scopes: [openid, \(Self.operatorScopes.joined(separator: ", "))]
        session: {key_file: "\(sessionKeyFile)"}
        """
    }

    /// Every role checks its callers' tokens (the dev issuer's, as the gateway does).
    var verifiedAccess: String {
        """
        access:
          jwks: {file: "\(jwksFile)"}
          token: {algorithms: [ES256, RS256, PS256, EdDSA], issuers: ["\(Self.issuer)"], audiences: [oms], allowed_domains: [\(Self.domain)]}

        """
    }

    /// A bridge on `port` whose Thunderhead listens on `thunderheadPort`.
    func soapBridge(port: Int, thunderheadPort: Int) -> String {
        """
        server: {host: "\(dev.host)", port: \(port)}
        policies: "\(dev.sidecars)"
        services:
          thunderhead: {url: "\(dev.url(thunderheadPort))/thunderhead/services/JobAPIWebWrapped", timeout_ms: 10000}

        """ + verifiedAccess
    }

    var refdata: String {
        var text = """
            server: {host: "\(dev.host)", port: \(dev.ports.refdata)}
            database: {url: "\(database)"}

            """ + verifiedAccess
        if let redis = dev.redisURL { text += "redis: {url: \"\(redis)\"}\ncache: {near: {enabled: true}}\n" }
        return text
    }

    var core: String {
        var text = """
            server: {host: "\(dev.host)", port: \(dev.ports.core)}
            database: {url: "\(database)"}
            refdata:
              url: "\(dev.url(dev.ports.refdata))"
              client: {token_url: "\(tokenURL)", client_id: \(Self.coreClient), client_secret: "\(coreSecret)"}
            soap_bridge:
              url: "\(dev.url(dev.ports.soapBridge))"
              client: {token_url: "\(tokenURL)", client_id: \(Self.coreClient), client_secret: "\(coreSecret)"}

            """ + verifiedAccess
        if !dev.kafkaBrokers.isEmpty {
            text += "kafka: {brokers: [\(dev.kafkaBrokers.map { "\"\($0)\"" }.joined(separator: ", "))], topic: \"\(dev.kafkaTopic)\"}\n"
        }
        return text
    }

    struct Configurations {
        let auth: AuthConfiguration
        let bridge: BridgeConfiguration
        /// The second bridge, whose Thunderhead is the conformance suite's echo.
        let conformanceBridge: BridgeConfiguration
        let refdata: RefDataConfiguration
        let core: CoreConfiguration
    }

    func configurations() throws(ConfigError) -> Configurations {
        Configurations(
            auth: try Self.read("auth", auth) { (reader) throws(ConfigError) in try AuthConfiguration(reader: reader) },
            bridge: try Self.read("soap-bridge", soapBridge(port: dev.ports.soapBridge, thunderheadPort: dev.ports.thunderhead)) { (reader) throws(ConfigError) in
                try BridgeConfiguration(reader: reader)
            },
            conformanceBridge: try Self.read("soap-bridge", soapBridge(port: dev.ports.conformanceBridge, thunderheadPort: dev.ports.conformanceEcho)) { (reader) throws(ConfigError) in
                try BridgeConfiguration(reader: reader)
            },
            refdata: try Self.read("refdata", refdata) { (reader) throws(ConfigError) in try RefDataConfiguration(reader: reader) },
            core: try Self.read("core", core) { (reader) throws(ConfigError) in try CoreConfiguration(reader: reader) }
        )
    }

    /// A role's configuration from its YAML; a problem names the role, since the user wrote
    /// none of it (it comes from the dev settings, such as a malformed redis.url).
    static func read<T>(_ role: String, _ yaml: String, _ make: (ConfigReader) throws(ConfigError) -> T) throws(ConfigError) -> T {
        let reader = try ConfigReader(yaml: yaml, origin: "oms dev (\(role))")
        let value = try make(reader)
        try reader.checkNoUnknownKeys()
        return value
    }
}
