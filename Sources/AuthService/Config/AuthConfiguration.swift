import EdgeRuntime
import JOSE
import Redis
import TLS

/// Everything `oms auth` is configured with, validated once at start-up.
public struct AuthConfiguration: Sendable {
    public var server: ServerSettings
    /// Event-loop threads of the decision server (0 = one per core).
    public var threads: Int
    /// A connection with no bytes for this long is closed (idle keep-alive connections from
    /// nginx are reopened on demand; a client holding sockets open gets nothing).
    public var idleTimeoutSeconds: Int = 60
    /// A request (head, and a body if one is sent) must arrive whole within this long of its
    /// first byte, or the connection is closed: a client trickling header lines cannot hold a
    /// connection by resetting the idle timer. Idle keep-alive connections are not affected.
    public var headerTimeoutMs: Int = 5_000
    /// Open connections beyond this are accepted and closed at once (and counted), so a
    /// flood of connections cannot take the descriptors the gateway's own ones need.
    public var maxConnections: Int = 10_000
    /// The header the original request's path is read from; the other one is ignored.
    public var pathHeader: PathHeader = .originalURI
    public var oidm: OIDMSettings
    public var jwks: JWKSSettings
    public var token: TokenPolicy
    public var routes: [RouteRule]
    public var cache: CacheSettings
    /// `oidc.*` and `session.*`: browser sign-in, when configured.
    public var browser: BrowserSettings?
    /// `redis.*`: where replicas tell each other about revoked tokens; nil keeps each
    /// replica's cache its own.
    public var redis: RedisEndpoint?
    /// `redis.timeout_ms`: bound of publishing one revocation (off the hot path).
    public var redisTimeout: Duration = .milliseconds(1000)

    public init(server: ServerSettings = .init(port: 8081), threads: Int = 0, oidm: OIDMSettings = .init(), jwks: JWKSSettings, token: TokenPolicy, routes: [RouteRule] = [], cache: CacheSettings = .init()) {
        self.server = server
        self.threads = threads
        self.oidm = oidm
        self.jwks = jwks
        self.token = token
        self.routes = routes
        self.cache = cache
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 8081)
        threads = try reader.int("server.threads", default: 0, in: 0...256)
        idleTimeoutSeconds = try reader.int("server.idle_timeout_s", default: idleTimeoutSeconds, in: 1...3600)
        headerTimeoutMs = try reader.int("server.header_timeout_ms", default: headerTimeoutMs, in: 100...600_000)
        maxConnections = try reader.int("server.max_connections", default: maxConnections, in: 1...1_000_000)
        let header = try reader.choice("server.path_header", default: "x-original-uri", allowed: PathHeader.allCases.map { $0.rawValue.lowercased() })
        pathHeader = PathHeader.allCases.first { $0.rawValue.lowercased() == header }!
        oidm = try OIDMSettings(reader: reader)
        jwks = try JWKSSettings(reader: reader)
        token = try TokenPolicy(reader: reader)
        routes = try reader.mappingList("routes").map { (route) throws(ConfigError) in try RouteRule(reader: route) }
        cache = try CacheSettings(reader: reader)
        browser = try BrowserSettings(reader: reader)
        redis = try RedisEndpoint.read(reader)
        redisTimeout = .milliseconds(try reader.int("redis.timeout_ms", default: 1000, in: 1...60_000))
        if browser == nil, routes.contains(where: \.browser) {
            throw ConfigError(key: "routes.browser", "browser routes need browser sign-in: set the oidc and session blocks")
        }
    }
}

public struct OIDMSettings: Sendable {
    public enum Method: String, Sendable { case get, post }

    public var url: String = "http://127.0.0.1:9001/oauth2/rest/rest/token"
    public var method: Method = .get
    public var identityDomain: String?
    public var timeoutMs: Int = 2000
    public var cacheTTLSeconds: Int = 60
    public var negativeCacheTTLSeconds: Int = 5
    public var breakerFailures: Int = 5
    public var breakerOpenSeconds: Int = 10
    /// `oidm.tls.*`: an HTTPS OIDM's trust, client certificate and name.
    public var tls = TLSSettings()

    public init() {}

    init(reader: ConfigReader) throws(ConfigError) {
        url = try reader.httpURL("oidm.url") ?? url
        method = Method(rawValue: try reader.choice("oidm.method", default: "get", allowed: ["get", "post"]))!
        identityDomain = try reader.nonEmptyString("oidm.identity_domain")
        timeoutMs = try reader.int("oidm.timeout_ms", default: timeoutMs, in: 1...60_000)
        cacheTTLSeconds = try reader.int("oidm.cache_ttl_s", default: cacheTTLSeconds, in: 0...86_400)
        negativeCacheTTLSeconds = try reader.int("oidm.negative_cache_ttl_s", default: negativeCacheTTLSeconds, in: 0...3_600)
        breakerFailures = try reader.int("oidm.breaker.failures", default: breakerFailures, in: 1...10_000)
        breakerOpenSeconds = try reader.int("oidm.breaker.open_s", default: breakerOpenSeconds, in: 1...3_600)
        tls = try reader.tls("oidm")
    }
}

public struct JWKSSettings: Sendable {
    public enum Source: Sendable, Equatable { case file(String), url(String) }

    public var source: Source
    public var minRefreshIntervalSeconds: Int = 30
    /// `jwks.tls.*`, for an HTTPS `jwks.url`.
    public var tls: TLSSettings

    public init(source: Source, minRefreshIntervalSeconds: Int = 30, tls: TLSSettings = TLSSettings()) {
        self.source = source
        self.minRefreshIntervalSeconds = minRefreshIntervalSeconds
        self.tls = tls
    }

    /// The keys under `prefix` (`jwks` for `oms auth`, `access.jwks` for the roles behind it).
    package init(reader: ConfigReader, prefix: String = "jwks") throws(ConfigError) {
        let file = try reader.nonEmptyString("\(prefix).file")
        let url = try reader.httpURL("\(prefix).url")
        switch (file, url) {
        case let (file?, nil): source = .file(file)
        case let (nil, url?): source = .url(url)
        case (nil, nil): throw ConfigError(key: prefix, "set \(prefix).file or \(prefix).url")
        case (.some, .some): throw ConfigError(key: prefix, "set only one of \(prefix).file and \(prefix).url")
        }
        minRefreshIntervalSeconds = try reader.int("\(prefix).min_refresh_interval_s", default: 30, in: 0...86_400)
        tls = try reader.tls(prefix)
    }
}

public struct CacheSettings: Sendable {
    /// Upper bound of cached tokens; the least recently used are evicted beyond it.
    public var maxEntries: Int = 100_000
    /// Upper bound of the bytes the cached entries hold (their identities' text, estimated):
    /// issuer-signed tokens with huge claims cannot grow the cache past it.
    public var maxBytes: Int = 64 << 20

    public init(maxEntries: Int = 100_000, maxBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    init(reader: ConfigReader) throws(ConfigError) {
        maxEntries = try reader.int("cache.max_entries", default: maxEntries, in: 1...10_000_000)
        maxBytes = try reader.int("cache.max_bytes", default: maxBytes, in: 1 << 16...1 << 40)
    }
}
