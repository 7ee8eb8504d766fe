import Access
import Database
import EdgeRuntime
import Redis
import TLS

/// Everything `oms refdata` is configured with, validated once at start-up.
public struct RefDataConfiguration: Sendable {
    public var server: ServerSettings
    /// Largest PUT body (413 beyond).
    public var maxBodyBytes: Int = 64 << 10
    public var database: DatabaseURL
    /// Bound of every PostgreSQL call, waiting for a connection included (`database.timeout_ms`).
    public var databaseTimeout: Duration = .seconds(5)
    /// Nil: no cache, every read goes to the database.
    public var redis: RedisEndpoint?
    public var cache: CacheSettings
    /// Who may call, and with which scopes (`access.*`).
    public var access: AccessConfiguration

    /// The endpoints the access check knows, with their default scopes.
    public static let accessEndpoints = ["reads": ["refdata.read"], "writes": ["refdata.admin"]]

    public init(server: ServerSettings = .init(port: 8083), database: DatabaseURL, redis: RedisEndpoint? = nil, cache: CacheSettings = CacheSettings(), access: AccessConfiguration) {
        self.server = server
        self.database = database
        self.redis = redis
        self.cache = cache
        self.access = access
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 8083)
        maxBodyBytes = try reader.int("server.max_body_bytes", default: maxBodyBytes, in: 1024...(16 << 20))
        let database = try DatabaseSettings(reader: reader)
        self.database = database.url
        databaseTimeout = database.timeout
        redis = try RedisEndpoint.read(reader)
        var cache = CacheSettings()
        cache.ttl = .seconds(try reader.int("cache.ttl_s", default: 300, in: 1...86_400))
        cache.negativeTTL = .seconds(try reader.int("cache.negative_ttl_s", default: 30, in: 1...86_400))
        cache.jitter = try reader.double("cache.jitter", default: 0.1, in: 0...0.5)
        cache.lease = .milliseconds(try reader.int("cache.lease_ms", default: 2000, in: 100...60_000))
        cache.redisTimeout = .milliseconds(try reader.int("redis.timeout_ms", default: 50, in: 1...10_000))
        cache.breakerOpenFor = .milliseconds(try reader.int("redis.breaker_ms", default: 1000, in: 10...600_000))
        cache.redisConnectTimeout = .milliseconds(try reader.int("redis.connect_timeout_ms", default: 250, in: 1...60_000))
        cache.connections = try reader.int("redis.connections", default: 8, in: 1...256)
        cache.near = try reader.bool("cache.near.enabled", default: false)
        cache.nearCapacity = try reader.int("cache.near.max_entries", default: 10_000, in: 1...10_000_000)
        cache.nearTTL = .seconds(try reader.int("cache.near.ttl_s", default: 60, in: 1...86_400))
        if cache.near, redis == nil {
            throw ConfigError(key: "cache.near.enabled", "the near cache needs redis.url (it is kept current by Redis invalidation messages)")
        }
        self.cache = cache
        access = try AccessConfiguration(reader: reader, endpoints: Self.accessEndpoints)
    }
}
