import CoreMetrics
import EdgeRuntime
import JOSE
import NIOCore
import Synchronization

/// What is known about one token, keyed by its SHA-256: the identity from the local checks
/// (so the signature is verified once) and OIDM's verdict (or the call in flight, so that
/// concurrent requests for a new token make one OIDM call).
struct TokenCacheEntry: Sendable {
    enum OIDMState: Sendable {
        case pending(EventLoopFuture<OIDMVerdict>)
        case valid
        case invalid
    }

    var identity: TokenIdentity?
    /// Why the local checks refused the token, when they did: the reason reported while OIDM
    /// says no as well (the more precise of the two).
    var localFailure: DenyReason?
    var oidm: OIDMState
    /// Wall-clock seconds after which the entry is ignored (pending entries never expire).
    var expiresAt: Double
}

/// The token cache, shared by every event loop: bounded in entries and in bytes (LRU), and in
/// time. Bytes matter because an issuer may sign tokens with claims of any size: 3,000 tokens
/// with a 10 KB `sub` once held 75 MB.
final class TokenCache: Sendable {
    private let entries: Mutex<LRUCache<TokenDigest, TokenCacheEntry>>
    private let gauges: (entries: Gauge, bytes: Gauge)?

    init(capacity: Int, maxBytes: Int = .max, gauges: (entries: Gauge, bytes: Gauge)? = nil) {
        entries = Mutex(LRUCache(capacity: capacity, maxCost: maxBytes))
        self.gauges = gauges
    }

    /// Only after a change in size: a cache hit records nothing.
    private func recordSize(_ size: (count: Int, bytes: Int)) {
        gauges?.entries.record(size.count)
        gauges?.bytes.record(size.bytes)
    }

    /// The bytes the cached entries hold, as estimated by `cost(of:)`.
    var bytes: Int { entries.withLock { $0.totalCost } }
    var count: Int { entries.withLock { $0.count } }

    /// An entry's own size (digest, state, links) plus what its identity's text holds.
    static func cost(of identity: TokenIdentity?) -> Int {
        let base = 192
        guard let identity else { return base }
        return base + identity.subject.utf8.count + identity.domain.utf8.count + identity.client.utf8.count
            + 2 * identity.scopeHeader.utf8.count + 48 * identity.scopes.count + identity.allowResponse.count
    }

    /// The live entry for `digest`, or — when there is none — `start()`'s pending entry is
    /// stored atomically, so exactly one caller starts the OIDM call.
    func entry(for digest: TokenDigest, now: Double, orInsert start: () -> TokenCacheEntry?) -> (entry: TokenCacheEntry?, inserted: Bool) {
        let (found, size) = entries.withLock { cache -> ((TokenCacheEntry?, Bool), (Int, Int)?) in
            if let entry = Self.live(digest, now: now, in: &cache) { return ((entry, false), nil) }
            guard let fresh = start() else { return ((nil, false), nil) }
            cache.set(fresh, for: digest, cost: Self.cost(of: fresh.identity))
            return ((fresh, true), (cache.count, cache.totalCost))
        }
        if let size { recordSize(size) }
        return found
    }

    /// The live entry for `digest`, if there is one; nothing is stored.
    func live(_ digest: TokenDigest, now: Double) -> TokenCacheEntry? {
        entries.withLock { Self.live(digest, now: now, in: &$0) }
    }

    /// An entry whose OIDM call is in flight, or one not yet expired (marked most recently used).
    private static func live(_ digest: TokenDigest, now: Double, in cache: inout LRUCache<TokenDigest, TokenCacheEntry>) -> TokenCacheEntry? {
        guard let entry = cache.value(for: digest) else { return nil }
        if case .pending = entry.oidm { return entry }
        return entry.expiresAt > now ? entry : nil
    }

    func setIdentity(_ identity: TokenIdentity, for digest: TokenDigest) {
        recordSize(entries.withLock { cache in
            cache.update(digest, cost: Self.cost(of: identity)) { $0.identity = identity }
            return (cache.count, cache.totalCost)
        })
    }

    /// Records why the local checks refused the token, for as long as the entry lives.
    func setLocalFailure(_ reason: DenyReason, for digest: TokenDigest) {
        entries.withLock { cache in
            cache.update(digest) { $0.localFailure = reason }
        }
    }

    /// Whether the local checks refused this token (recorded by `setLocalFailure`).
    func failedLocally(_ digest: TokenDigest) -> Bool {
        entries.withLock { $0.value(for: digest)?.localFailure != nil }
    }

    /// Another replica heard OIDM say no to this token: a positive answer kept here is
    /// dropped, so the next request asks OIDM again. An answer in flight or a negative one
    /// stays (a forged message can only cost an OIDM call, never deny a token). True when one
    /// was dropped.
    @discardableResult
    func dropValid(_ digest: TokenDigest) -> Bool {
        let size = entries.withLock { cache -> (Int, Int)? in
            guard let entry = cache.value(for: digest), case .valid = entry.oidm else { return nil }
            cache.removeValue(for: digest)
            return (cache.count, cache.totalCost)
        }
        if let size { recordSize(size) }
        return size != nil
    }

    /// Forgets every answer: revocations sent while this replica was not listening are lost,
    /// so none of its positive answers can be trusted any longer.
    func dropAll() {
        recordSize(entries.withLock { cache in
            cache.removeAll()
            return (cache.count, cache.totalCost)
        })
    }

    /// Records OIDM's verdict: valid answers live until `validUntil`, invalid ones until
    /// `invalidUntil`; an unavailable OIDM leaves nothing behind. A valid entry never outlives its token's `exp` (plus leeway).
    func resolve(_ digest: TokenDigest, verdict: OIDMVerdict, validUntil: Double, leeway: Double, invalidUntil: Double) {
        recordSize(entries.withLock { cache in
            switch verdict {
            case .valid:
                cache.update(digest) { entry in
                    entry.oidm = .valid
                    entry.expiresAt = min(validUntil, (entry.identity?.expiresAt ?? .infinity) + leeway)
                }
            case .invalid:
                cache.update(digest) { $0.oidm = .invalid; $0.expiresAt = invalidUntil }
            case .unavailable:
                cache.removeValue(for: digest)
            }
            return (cache.count, cache.totalCost)
        })
    }
}
