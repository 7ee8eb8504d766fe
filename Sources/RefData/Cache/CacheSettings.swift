import EdgeRuntime

/// `cache.*` and `redis.*`: how long entries live and how Redis is used.
public struct CacheSettings: Sendable, Equatable {
    /// Lifetime of an entry for an existing item (`cache.ttl_s`).
    public var ttl: Duration = .seconds(300)
    /// Lifetime of an entry saying a key does not exist (`cache.negative_ttl_s`).
    public var negativeTTL: Duration = .seconds(30)
    /// Each lifetime is scaled by a random factor in 1 ± jitter (`cache.jitter`), so entries
    /// filled together do not expire together.
    public var jitter: Double = 0.1
    /// Bound of every Redis call (`redis.timeout_ms`).
    public var redisTimeout: Duration = .milliseconds(50)
    /// Bound of each step of a new Redis connection: TCP, the TLS handshake, `AUTH`, `SELECT`
    /// (`redis.connect_timeout_ms`). A handshake takes more round trips than a command.
    public var redisConnectTimeout: Duration = .milliseconds(250)
    /// After a Redis failure, Redis is skipped this long before one call tries it again
    /// (`redis.breaker_ms`): a hung Redis costs one timeout per period, not one per request.
    public var breakerOpenFor: Duration = .seconds(1)
    /// How long a reader that missed holds the right to fill (`cache.lease_ms`); longer than
    /// a database read takes.
    public var lease: Duration = .seconds(2)
    /// Redis connections (`redis.connections`).
    public var connections: Int = 8
    /// The in-process near cache (`cache.near.enabled`, `.max_entries`, `.ttl_s`), kept
    /// current by Redis invalidation messages and flushed when that channel drops.
    public var near: Bool = false
    public var nearCapacity: Int = 10_000
    public var nearTTL: Duration = .seconds(60)

    public init() {}

    /// A lifetime with the jitter applied, in whole milliseconds (at least 1).
    func jittered(_ lifetime: Duration) -> Int64 {
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
        return max(1, Int64((lifetime.milliseconds * factor).rounded()))
    }
}
