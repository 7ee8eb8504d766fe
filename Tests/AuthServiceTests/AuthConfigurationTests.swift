import EdgeRuntime
import Foundation
import Testing
@testable import AuthService

@Suite struct AuthConfigurationTests {
    let minimal = """
        jwks:
          file: /etc/oms/jwks.json
        token:
          issuers: [https://idp.example]
          audiences: [oms]
          allowed_domains: [retail]
        """

    func load(_ yaml: String, _ environment: [String: String] = [:]) throws(ConfigError) -> AuthConfiguration {
        let reader = try ConfigReader(yaml: yaml, environment: environment)
        let configuration = try AuthConfiguration(reader: reader)
        try reader.checkNoUnknownKeys()
        return configuration
    }

    func error(_ yaml: String, _ environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try load(yaml, environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() throws {
        let configuration = try load(minimal)
        #expect(configuration.server == ServerSettings(host: "127.0.0.1", port: 8081))
        #expect(configuration.oidm.url == "http://127.0.0.1:9001/oauth2/rest/rest/token")
        #expect(configuration.oidm.method == .get)
        #expect(configuration.token.maxBytes == 16 * 1024)
        #expect(configuration.token.domainClaim == "domain")
        #expect(configuration.token.scopeClaim == "scope")
        #expect(configuration.jwks.source == .file("/etc/oms/jwks.json"))
        #expect(!configuration.token.algorithms.contains(.hs256))
        #expect(configuration.pathHeader == .originalURI)
        #expect(configuration.headerTimeoutMs == 5_000)
        #expect(configuration.maxConnections == 10_000)
        #expect(configuration.cache.maxBytes == 64 << 20)
    }

    @Test func connectionLimitsAndThePathHeader() throws {
        let configuration = try load(minimal + "\nserver: {path_header: x-original-url, header_timeout_ms: 2500, max_connections: 500}\ncache: {max_bytes: 1048576}")
        #expect(configuration.pathHeader == .originalURL)
        #expect(configuration.headerTimeoutMs == 2_500)
        #expect(configuration.maxConnections == 500)
        #expect(configuration.cache.maxBytes == 1 << 20)
        #expect(try load(minimal, ["OMS_SERVER_PATH_HEADER": "X-Original-URL"]).pathHeader == .originalURL)
    }

    @Test(arguments: [
        ("server: {path_header: X-Forwarded-Uri}", "server.path_header"),
        ("server: {path_header: ''}", "server.path_header"),
        ("server: {header_timeout_ms: 0}", "server.header_timeout_ms"),
        ("server: {max_connections: 0}", "server.max_connections"),
        ("cache: {max_bytes: 10}", "cache.max_bytes"),
    ])
    func badConnectionSettingsAreRefusedByName(_ extra: String, _ key: String) {
        let failure = error(minimal + "\n" + extra)
        #expect(failure?.description.contains(key) == true, "\(failure?.description ?? "accepted")")
    }

    @Test func environmentOverridesSingleKeys() throws {
        let configuration = try load(minimal, [
            "OMS_OIDM_URL": "http://oidm.internal:7777/oauth2/rest/token",
            "OMS_OIDM_METHOD": "POST",
            "OMS_OIDM_CACHE_TTL_S": "120",
            "OMS_OIDM_BREAKER_FAILURES": "9",
            "OMS_TOKEN_AUDIENCES": "oms, oms-admin",
            "OMS_TOKEN_ALGORITHMS": "[ES256, EdDSA]",
            "OMS_ROUTES": "[{prefix: /v1/requests, methods: [POST], scopes: [requests.write]}]",
        ])
        #expect(configuration.oidm.url == "http://oidm.internal:7777/oauth2/rest/token")
        #expect(configuration.oidm.method == .post)
        #expect(configuration.oidm.cacheTTLSeconds == 120)
        #expect(configuration.oidm.breakerFailures == 9)
        #expect(configuration.token.audiences == ["oms", "oms-admin"])
        #expect(configuration.token.algorithms == [.es256, .edDSA])
        #expect(configuration.routes == [RouteRule(prefix: "/v1/requests", methods: ["POST"], scopes: ["requests.write"])])
    }

    @Test func badValuesNameTheirKey() {
        #expect(error("jwks: {file: x}\ntoken: {issuers: [a], audiences: [b]}")?.key == "token.allowed_domains")
        #expect(error("jwks: {file: x}\ntoken: {issuers: [], audiences: [b], allowed_domains: [c]}")?.key == "token.issuers")
        #expect(error("token: {issuers: [a], audiences: [b], allowed_domains: [c]}")?.key == "jwks")
        #expect(error(minimal + "\noidm:\n  url: ftp://x")?.key == "oidm.url")
        #expect(error(minimal + "\noidm:\n  timeout_ms: soon")?.key == "oidm.timeout_ms")
        #expect(error(minimal + "\noidm:\n  method: put")?.key == "oidm.method")
        #expect(error(minimal, ["OMS_SERVER_PORT": "70000"])?.key == "server.port")
        #expect(error(minimal, ["OMS_TOKEN_ALGORITHMS": "none"])?.key == "token.algorithms")
        #expect(error(minimal, ["OMS_TOKEN_ALGORITHMS": "rs256"])?.key == "token.algorithms")
        #expect(error(minimal + "\noidm:\n  timout_ms: 5")?.key == "oidm.timout_ms")
        #expect(error(minimal + "\nroutes:\n  - prefix: /v1/../admin\n    scopes: [x]")?.key == "routes.prefix")
        #expect(error(minimal + "\nroutes:\n  - prefix: /v1/requests/r*/rerun\n    scopes: [x]")?.key == "routes.prefix")
        #expect(error(minimal + "\nroutes:\n  - prefix: /v1/**\n    scopes: [x]")?.key == "routes.prefix")
        #expect(error(minimal + "\nroutes:\n  - prefix: /v1\n    scope: [x]")?.key == "routes[0].scope")
        #expect(error(minimal.replacingOccurrences(of: "file: /etc/oms/jwks.json", with: "{file: a, url: http://x/jwks}"))?.key == "jwks")
    }

    @Test func messagesAreOneClearLine() {
        let failure = error(minimal + "\noidm:\n  timeout_ms: 0")
        #expect(failure?.description == "configuration error: oidm.timeout_ms: must be between 1 and 60000, got 0")
    }

    /// A key file in a fresh folder: `content` as written.
    func keyFile(_ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oms-session-\(UUID().uuidString).key").path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func browser(_ redirect: String = "https://gateway.example/oauth2/callback", key: String) -> String {
        minimal + """

            oidc:
              authorize_url: https://oam.example/oauth2/rest/authorize
              token_url: https://oam.example/oauth2/rest/token
              client_id: oms-console
              client_secret: s3cret
              redirect_url: \(redirect)
            session: {key_file: \(key), ttl_s: 3600}
            routes:
              - {prefix: /ops, scopes: [operator], browser: true}
            """
    }

    @Test func browserSignIn() throws {
        let base64 = try keyFile(Data(repeating: 7, count: 32).base64EncodedString() + "\n")
        let configuration = try load(browser(key: base64))
        let settings = try #require(configuration.browser)
        #expect(settings.scopes == ["openid"])
        #expect(settings.secureCookies)
        #expect(settings.origin == "https://gateway.example")
        #expect(settings.ttlSeconds == 3600)
        #expect(configuration.routes.first?.browser == true)
        #expect(String(describing: settings.clientSecret) == "(secret)")
        // Hex works too; loopback may be plain http, and then cookies are not Secure.
        let hex = try keyFile(String(repeating: "ab", count: 32))
        let local = try #require(try load(browser("http://127.0.0.1:8080/oauth2/callback", key: hex)).browser)
        #expect(!local.secureCookies)
        #expect(try load(minimal).browser == nil)
    }

    @Test func badBrowserSettingsNameTheirKey() throws {
        let good = try keyFile(Data(repeating: 7, count: 32).base64EncodedString())
        #expect(error(browser(key: try keyFile(Data(repeating: 7, count: 16).base64EncodedString())))?.key == "session.key_file")
        #expect(error(browser(key: try keyFile("not a key")))?.key == "session.key_file")
        #expect(error(browser(key: "/nonexistent/session.key"))?.key == "session.key_file")
        #expect(error(browser("http://gateway.example/oauth2/callback", key: good))?.key == "oidc.redirect_url")
        #expect(error(browser("https://gateway.example/callback", key: good))?.key == "oidc.redirect_url")
        #expect(error(browser(key: good).replacingOccurrences(of: "session: {key_file: \(good), ttl_s: 3600}", with: ""))?.key == "session.key_file")
        #expect(error(browser(key: good).replacingOccurrences(of: "  client_id: oms-console\n", with: ""))?.key == "oidc.client_id")
        #expect(error(minimal + "\nroutes:\n  - {prefix: /ops, scopes: [operator], browser: true}")?.key == "routes.browser")
        #expect(error(minimal + "\nsession: {key_file: \(good)}")?.key == "session")
        #expect(error(browser(key: good) + "\n  - {prefix: /x, scopes: [a], browser: maybe}")?.key.hasPrefix("routes") == true)
    }

    @Test func redisForRevocations() throws {
        #expect(try load(minimal).redis == nil)
        let configured = try load(minimal + "\nredis: {url: \"rediss://cache.example:6380/0\", timeout_ms: 300}")
        #expect(configured.redis?.host == "cache.example" && configured.redis?.tls != nil)
        #expect(configured.redisTimeout == .milliseconds(300))
        #expect(error(minimal + "\nredis: {username: oms}")?.key == "redis.url")
        #expect(error(minimal + "\nredis: {url: \"ftp://x\"}")?.key == "redis.url")
        #expect(error(minimal + "\nredis: {url: \"redis://x:6379\", timeout_ms: 0}")?.key == "redis.timeout_ms")
    }
}
