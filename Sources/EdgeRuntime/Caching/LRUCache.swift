/// A least-recently-used map bounded by entries and, optionally, by a cost (bytes, say) that
/// the caller states per entry: O(1) lookup, insert and eviction, with the recency list kept
/// in arrays (no per-entry allocation). Not thread-safe: callers hold a lock. Inlinable, so
/// that a user's module specialises it for its key and value: a lookup on `oms auth`'s hot
/// path then costs no generic metadata or witness-table calls.
public struct LRUCache<Key: Hashable, Value> {
    @usableFromInline var slots: [Key: Int] = [:]
    @usableFromInline var keys: [Key?] = []
    @usableFromInline var values: [Value?] = []
    @usableFromInline var costs: [Int] = []
    @usableFromInline var previous: [Int] = []
    @usableFromInline var next: [Int] = []
    @usableFromInline var head = -1  // most recently used
    @usableFromInline var tail = -1  // least recently used
    @usableFromInline var free: [Int] = []
    public let capacity: Int
    public let maxCost: Int
    /// The sum of the costs of the entries held.
    @inlinable public var totalCost: Int { heldCost }
    @usableFromInline var heldCost = 0

    @inlinable public init(capacity: Int, maxCost: Int = .max) {
        precondition(capacity > 0 && maxCost > 0)
        self.capacity = capacity
        self.maxCost = maxCost
    }

    @inlinable public var count: Int { slots.count }

    /// The value, marked as most recently used.
    @inlinable public mutating func value(for key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        moveToFront(slot)
        return values[slot]
    }

    /// Stores `value`, evicting the least recently used entries while more than `capacity`
    /// entries or `maxCost` would be held. An entry costing more than `maxCost` is not kept.
    @inlinable public mutating func set(_ value: Value, for key: Key, cost: Int = 0) {
        if let slot = slots[key] {
            values[slot] = value
            moveToFront(slot)
            setCost(cost, of: slot)
            return
        }
        if slots.count >= capacity, tail >= 0 { removeSlot(tail) }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            keys[slot] = key
            values[slot] = value
        } else {
            slot = keys.count
            keys.append(key)
            values.append(value)
            costs.append(0)
            previous.append(-1)
            next.append(-1)
        }
        slots[key] = slot
        link(slot)
        setCost(cost, of: slot)
    }

    /// Changes a value in place without touching its recency; with `cost`, its new cost
    /// (which may evict others, or this entry when it alone is over `maxCost`).
    @inlinable public mutating func update(_ key: Key, cost: Int? = nil, _ change: (inout Value) -> Void) {
        guard let slot = slots[key], var value = values[slot] else { return }
        change(&value)
        values[slot] = value
        if let cost { setCost(cost, of: slot) }
    }

    @inlinable mutating func setCost(_ cost: Int, of slot: Int) {
        heldCost += cost - costs[slot]
        costs[slot] = cost
        guard cost <= maxCost else {
            removeSlot(slot)
            return
        }
        // The least recently used go first, never the entry just set.
        while totalCost > maxCost, tail >= 0, tail != slot { removeSlot(tail) }
    }

    @inlinable public mutating func removeValue(for key: Key) {
        if let slot = slots[key] { removeSlot(slot) }
    }

    @inlinable public mutating func removeAll() {
        self = LRUCache(capacity: capacity, maxCost: maxCost)
    }

    @inlinable mutating func removeSlot(_ slot: Int) {
        heldCost -= costs[slot]
        costs[slot] = 0
        unlink(slot)
        if let key = keys[slot] { slots[key] = nil }
        keys[slot] = nil
        values[slot] = nil
        free.append(slot)
    }

    @inlinable mutating func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        link(slot)
    }

    @inlinable mutating func link(_ slot: Int) {
        previous[slot] = -1
        next[slot] = head
        if head >= 0 { previous[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    @inlinable mutating func unlink(_ slot: Int) {
        let before = previous[slot], after = next[slot]
        if before >= 0 { next[before] = after } else { head = after }
        if after >= 0 { previous[after] = before } else { tail = before }
        previous[slot] = -1
        next[slot] = -1
    }
}
