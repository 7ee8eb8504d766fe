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
    var oidm: OIDMState
    /// Wall-clock seconds after which the entry is ignored (pending entries never expire).
    var expiresAt: Double
}

/// The size-bounded (LRU), time-bounded token cache, shared by every event loop.
final class TokenCache: Sendable {
    private let entries: Mutex<LRUCache<TokenDigest, TokenCacheEntry>>

    init(capacity: Int) {
        entries = Mutex(LRUCache(capacity: capacity))
    }

    /// The live entry for `digest`, or — when there is none — `start()`'s pending entry is
    /// stored atomically, so exactly one caller starts the OIDM call.
    func entry(for digest: TokenDigest, now: Double, orInsert start: () -> TokenCacheEntry?) -> (entry: TokenCacheEntry?, inserted: Bool) {
        entries.withLock { cache in
            if let entry = cache.value(for: digest) {
                if case .pending = entry.oidm { return (entry, false) }
                if entry.expiresAt > now { return (entry, false) }
            }
            guard let fresh = start() else { return (nil, false) }
            cache.set(fresh, for: digest)
            return (fresh, true)
        }
    }

    func setIdentity(_ identity: TokenIdentity, for digest: TokenDigest) {
        entries.withLock { cache in cache.update(digest) { $0.identity = identity } }
    }

    /// Records OIDM's verdict: valid answers live until `validUntil`, invalid ones until
    /// `invalidUntil`; an unavailable OIDM leaves nothing behind. A valid entry never outlives its token's `exp` (plus leeway).
    func resolve(_ digest: TokenDigest, verdict: OIDMVerdict, validUntil: Double, leeway: Double, invalidUntil: Double) {
        entries.withLock { cache in
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
        }
    }
}
