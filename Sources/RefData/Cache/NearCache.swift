import EdgeRuntime
import Synchronization

/// The in-process cache in front of Redis, for the hottest keys.
///
/// It is only used while the Redis invalidation channel is up (`live`): an entry is dropped
/// when any instance writes its key, and everything is dropped when the channel goes down
/// (messages sent meanwhile are lost) or a flush is announced. Every invalidation advances
/// `epoch`; a value read before an invalidation is not stored after it (`store(_:_:ifEpoch:)`).
final class NearCache: Sendable {
    private struct State {
        var entries: LRUCache<ItemID, (entry: CacheEntry, expires: ContinuousClock.Instant)>
        var live = false
        var epoch: UInt64 = 0
    }

    private let state: Mutex<State>
    private let ttl: Duration

    init(capacity: Int, ttl: Duration) {
        state = Mutex(State(entries: LRUCache(capacity: max(capacity, 1))))
        self.ttl = ttl
    }

    func entry(_ id: ItemID, now: ContinuousClock.Instant = .now) -> CacheEntry? {
        state.withLock { state in
            guard state.live, let found = state.entries.value(for: id) else { return nil }
            guard now < found.expires else {
                state.entries.removeValue(for: id)
                return nil
            }
            return found.entry
        }
    }

    /// Read before a lookup, passed to `store` after it.
    var epoch: UInt64 { state.withLock { $0.epoch } }

    func store(_ id: ItemID, _ entry: CacheEntry, ifEpoch epoch: UInt64, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            guard state.live, state.epoch == epoch else { return }
            state.entries.set((entry, now + ttl), for: id)
        }
    }

    func invalidate(_ id: ItemID) {
        state.withLock { state in
            state.epoch &+= 1
            state.entries.removeValue(for: id)
        }
    }

    /// Drops everything; `live` says whether the invalidation channel is (still) up.
    func flush(live: Bool) {
        state.withLock { state in
            state.epoch &+= 1
            state.entries.removeAll()
            state.live = live
        }
    }
}
