import CoreMetrics
import JOSE
import Logging
import Redis
import Synchronization

/// Revocation across `oms auth` replicas, through Redis pub/sub. When OIDM tells one replica
/// that a token is invalid, it publishes the token's SHA-256 (never the token) on
/// `oms:auth:revoked`, and every replica drops the positive answer it kept for that token, so
/// its next request asks OIDM again. The hot path reads nothing from Redis: publishing runs in
/// the OIDM call's own task, for a token OIDM refused (its denial waits for the publish, at
/// most `redis.timeout_ms`), and messages arrive on the subscriber's thread. Messages sent
/// while a replica's subscription is down are lost, so each (re)subscription drops every
/// cached answer.
final class RevocationChannel: Sendable {
    static let channel = "oms:auth:revoked"

    private let client: RedisClient
    private let subscriber: RedisSubscriber
    private let logger: Logger
    private let published: Counter
    private let publishFailed: Counter
    /// When this replica last published, and last dropped an answer on a message: how long a
    /// revocation takes to reach another replica, read without the noise of HTTP round trips.
    final class Timing: Sendable {
        let published = Mutex<ContinuousClock.Instant?>(nil)
        let dropped = Mutex<ContinuousClock.Instant?>(nil)
    }

    let timing = Timing()

    init(endpoint: RedisEndpoint, timeout: Duration, cache: TokenCache, metrics: AuthMetrics, logger: Logger) {
        client = RedisClient(endpoint: endpoint, timeout: timeout, connections: 2)
        self.logger = logger
        published = metrics.revocationsPublished
        publishFailed = metrics.revocationPublishErrors
        let (received, dropped) = (metrics.revocationsReceived, metrics.revocationsDropped)
        let timing = self.timing
        subscriber = RedisSubscriber(
            endpoint: endpoint, channels: [Self.channel], timeout: max(timeout, .seconds(1)),
            onConnect: {
                cache.dropAll()
                logger.info("listening for revocations", metadata: ["channel": .string(Self.channel)])
            },
            onMessage: { _, payload in
                received.increment()
                // Anything but a digest is ignored: a message can only ever cost an OIDM call.
                guard let digest = TokenDigest(hex: String(decoding: payload, as: UTF8.self)) else { return }
                if cache.dropValid(digest) {
                    dropped.increment()
                    timing.dropped.withLock { $0 = .now }
                }
            },
            onDisconnect: {
                logger.warning("revocations from other replicas are not heard until Redis is back; cached answers live until oidm.cache_ttl_s")
            }
        )
    }

    func start() { subscriber.start() }

    /// Tells the other replicas; a failure is counted and logged, never retried (the others'
    /// answers still end at `oidm.cache_ttl_s`).
    func publish(_ digest: TokenDigest) async {
        do {
            _ = try await client.command("PUBLISH", Self.channel, digest.hex)
            published.increment()
            timing.published.withLock { $0 = .now }
        } catch {
            publishFailed.increment()
            logger.warning("could not publish a revocation", metadata: ["error": .string(error.description)])
        }
    }

    func stop() async {
        subscriber.stop()
        await client.shutdown()
    }
}
