import Synchronization

/// The Lua scripts of the Redis cache. Each runs atomically in Redis, so a read, a lease and a
/// fill cannot interleave with an invalidation.
///
/// Keys live under a generation, `refdata:<generation>:…`, read from `refdata:generation`
/// inside each script: bumping the generation makes every cached entry unreachable at once
/// (the flush after invalidations were lost while Redis was unreachable). Keys are built in
/// the scripts, which a single Redis server allows (Redis Cluster would not).
///
/// The race that leases close (the memcache paper's "stale set"): a reader misses, reads the
/// old value from the database, a writer commits and invalidates, and the reader then stores
/// the old value. Here the reader takes a lease before reading the database, an invalidation
/// deletes the lease with the entry, and a fill is stored only while its own lease is still
/// there.
enum RedisScripts {
    /// A script's text, and the SHA1 Redis knows it by once loaded (`SCRIPT LOAD`), so that
    /// calls send `EVALSHA` and 40 bytes instead of the whole text.
    final class Script: Sendable {
        let text: [UInt8]
        let sha = Mutex<[UInt8]?>(nil)

        init(_ text: String) {
            self.text = Array(text.utf8)
        }
    }

    static let generationKey = "refdata:generation"
    static let invalidationChannel = "refdata:invalidate"

    /// ARGV: id, lease token, lease ms. Returns {generation, "hit", entry} on a hit,
    /// {generation, "lease"} when this caller got the lease, {generation, "busy"} otherwise.
    static let read = Script("""
        local g = redis.call('GET', 'refdata:generation') or '0'
        local base = 'refdata:' .. g .. ':'
        local entry = redis.call('GET', base .. 'item:' .. ARGV[1])
        if entry then return {g, 'hit', entry} end
        if redis.call('SET', base .. 'lease:' .. ARGV[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return {g, 'lease'} end
        return {g, 'busy'}
        """)

    /// ARGV: generation, id, lease token, entry, ttl ms. Returns 1 when stored.
    static let fill = Script("""
        local base = 'refdata:' .. ARGV[1] .. ':'
        if redis.call('GET', base .. 'lease:' .. ARGV[2]) == ARGV[3] then
            redis.call('SET', base .. 'item:' .. ARGV[2], ARGV[4], 'PX', ARGV[5])
            redis.call('DEL', base .. 'lease:' .. ARGV[2])
            return 1
        end
        return 0
        """)

    /// ARGV: id. Deletes the entry and any lease, and tells the near caches.
    static let invalidate = Script("""
        local g = redis.call('GET', 'refdata:generation') or '0'
        local base = 'refdata:' .. g .. ':'
        redis.call('DEL', base .. 'item:' .. ARGV[1], base .. 'lease:' .. ARGV[1])
        redis.call('PUBLISH', 'refdata:invalidate', ARGV[1])
        return 1
        """)
}
