import EdgeRuntime
import Logging
import Redis
import Synchronization

/// Cache-aside on Redis: lookups with leases, fills that only land under their lease,
/// invalidations that also reach the near caches, all behind a timeout and a breaker.
///
/// When an invalidation fails, the entry it should have removed may still be in Redis. The
/// cache then stops reading Redis ("dirty") until it has bumped the generation, which makes
/// every entry written before unreachable: nothing that was replaced while Redis was away is
/// served once it is back.
final class RedisCache: Sendable {
    enum Lookup: Sendable {
        case hit(CacheEntry)
        /// Not cached; with a lease, this reader may fill.
        case miss(Lease?)
        /// Redis is down, skipped by the breaker, or being flushed: read the database only.
        case unavailable
    }

    struct Lease: Sendable {
        let generation: [UInt8]
        let token: [UInt8]
    }

    private let client: RedisClient
    private let settings: CacheSettings
    private let breaker: CircuitBreaker
    private let metrics: RefDataMetrics
    private let logger: Logger
    /// The lease every lookup asks for, as the script's argument (fixed: it needs no jitter).
    private let leaseMs: [UInt8]
    private let dirty = Atomic<Bool>(false)
    /// Why the last call failed, until one succeeds (for `/readyz` and the log).
    private let lastFailure = Mutex<String?>(nil)
    private let failing = Atomic<Bool>(false)
    private let tokens = Atomic<UInt64>(UInt64.random(in: 1...UInt64.max / 2))

    init(client: RedisClient, settings: CacheSettings, metrics: RefDataMetrics, logger: Logger) {
        self.client = client
        self.settings = settings
        self.breaker = CircuitBreaker(failures: 1, openFor: settings.breakerOpenFor)
        self.leaseMs = Array(String(max(1, settings.lease.wholeMilliseconds)).utf8)
        self.metrics = metrics
        self.logger = logger
    }

    /// Whether reads currently use Redis (for `/readyz`).
    var isServing: Bool { breaker.state() == .closed && !dirty.load(ordering: .acquiring) }

    /// The reason of the last failed call while calls fail: a refused handshake or `AUTH`,
    /// a timeout. Never holds a secret (Redis' own refusal does not repeat the password).
    var problem: String? { failing.load(ordering: .acquiring) ? lastFailure.withLock { $0 } : nil }

    func lookup(_ id: ItemID) async -> Lookup {
        guard await ready() else { return .unavailable }
        let token = Array(String(tokens.wrappingAdd(1, ordering: .relaxed).newValue, radix: 36).utf8)
        guard let reply = await run(RedisScripts.read, [id.bytes, token, leaseMs]),
            case .array(let parts) = reply, parts.count >= 2, let generation = parts[0].bytes, let outcome = parts[1].text
        else { return .unavailable }
        switch outcome {
        case "hit":
            guard parts.count == 3, let bytes = parts[2].bytes, let entry = CacheEntry(decoding: bytes, kind: id.kind, key: id.key) else {
                // Not ours, or damaged: read the database, and do not fill over it.
                metrics.redisErrors.increment()
                logger.warning("unreadable cache entry", metadata: ["id": .string(id.description)])
                return .miss(nil)
            }
            return .hit(entry)
        case "lease":
            return .miss(Lease(generation: generation, token: token))
        default:
            return .miss(nil)
        }
    }

    func fill(_ id: ItemID, _ lease: Lease, _ entry: CacheEntry) async {
        let lifetime: Duration
        if case .absent = entry { lifetime = settings.negativeTTL } else { lifetime = settings.ttl }
        let ttlMs = Array(String(settings.jittered(lifetime)).utf8)
        let reply = await run(RedisScripts.fill, [lease.generation, id.bytes, lease.token, entry.encoded, ttlMs])
        if reply?.integer == 1 { metrics.fills.increment() }
    }

    /// After a committed write. A failure leaves the cache dirty (see the type's comment).
    func invalidate(_ id: ItemID) async {
        if breaker.allowCall(), await run(RedisScripts.invalidate, [id.bytes]) != nil {
            metrics.invalidations.increment()
            return
        }
        metrics.failedInvalidations.increment()
        if !dirty.exchange(true, ordering: .acquiringAndReleasing) {
            logger.warning("an invalidation failed: Redis is skipped until its entries are flushed", metadata: ["id": .string(id.description)])
        }
    }

    /// Redis may be read: the breaker lets a call through, and any pending flush is done.
    private func ready() async -> Bool {
        guard dirty.load(ordering: .acquiring) else { return breaker.allowCall() }
        guard breaker.allowCall() else { return false }
        // The flush: a new generation, announced so that near caches drop everything too.
        guard await call([Array("INCR".utf8), Array(RedisScripts.generationKey.utf8)])?.integer != nil else { return false }
        _ = await call([Array("PUBLISH".utf8), Array(RedisScripts.invalidationChannel.utf8), [UInt8(ascii: "*")]])
        dirty.store(false, ordering: .releasing)
        logger.notice("Redis entries flushed after lost invalidations (new generation)")
        return true
    }

    /// A script by its SHA1, loading it first when Redis does not know it (yet, or any
    /// more after a restart).
    private func run(_ script: RedisScripts.Script, _ arguments: [[UInt8]]) async -> RedisReply? {
        for _ in 0..<2 {
            guard let sha = await sha(of: script) else { return nil }
            let reply = await call([Self.evalsha, sha, [UInt8(ascii: "0")]] + arguments, allowing: "NOSCRIPT")
            if case .error = reply {
                script.sha.withLock { $0 = nil }
                continue
            }
            return reply
        }
        return nil
    }

    private static let evalsha = Array("EVALSHA".utf8)

    private func sha(of script: RedisScripts.Script) async -> [UInt8]? {
        if let known = script.sha.withLock({ $0 }) { return known }
        guard let loaded = await call([Array("SCRIPT".utf8), Array("LOAD".utf8), script.text])?.bytes else { return nil }
        script.sha.withLock { $0 = loaded }
        return loaded
    }

    /// One command; nil on any failure, which is counted and feeds the breaker. Redis error
    /// replies are failures too (a script error must not pass for a miss), except one that
    /// starts with `allowing`, which is returned.
    private func call(_ arguments: [[UInt8]], allowing expected: String? = nil) async -> RedisReply? {
        do {
            let reply = try await client.command(arguments)
            if case .error(let message) = reply, expected.map({ !message.hasPrefix($0) }) ?? true {
                throw RedisError(.server, message)
            }
            breaker.record(success: true)
            if failing.load(ordering: .relaxed) {
                failing.store(false, ordering: .releasing)
                logger.notice("Redis answers again")
            }
            return reply
        } catch {
            breaker.record(success: false)
            metrics.redisErrors.increment()
            let reason = (error as? RedisError)?.message ?? "\(error)"
            let changed = lastFailure.withLock { last in
                defer { last = reason }
                return last != reason || !failing.load(ordering: .relaxed)
            }
            failing.store(true, ordering: .releasing)
            // A new reason is worth a warning (a certificate or password problem shows at
            // once); the same one again, at most once per breaker period, is detail.
            if changed {
                logger.warning("Redis call failed: reads use the database", metadata: ["error": .string(reason)])
            } else {
                logger.debug("Redis call failed", metadata: ["error": .string(reason)])
            }
            return nil
        }
    }

    func shutdown() async {
        await client.shutdown()
    }
}
