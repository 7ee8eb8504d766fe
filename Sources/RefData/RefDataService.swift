import Database
import EdgeRuntime
import Logging
import Redis
import Tracing

/// Reads and writes reference data: the store behind the Redis cache and the near cache.
///
/// A read: near cache, then (one lookup per key at a time) Redis, then the database, then a
/// fill under a lease. A write: commit, then forget the key's lookup in progress, drop it
/// from the near cache and invalidate Redis, all before the write is acknowledged, so that a
/// read starting after the acknowledgement never gets an older version from this instance.
public final class RefDataService: Sendable {
    private let store: any RefDataStore
    private let redis: RedisCache?
    private let near: NearCache?
    private let subscriber: RedisSubscriber?
    private let flights = SingleFlight()
    private let metrics: RefDataMetrics

    init(store: any RefDataStore, redis: RedisCache?, near: NearCache?, subscriber: RedisSubscriber?, metrics: RefDataMetrics) {
        self.store = store
        self.redis = redis
        self.near = near
        self.subscriber = subscriber
        self.metrics = metrics
    }

    /// Whether reads currently go through Redis (nil without Redis).
    var redisServing: Bool? { redis?.isServing }
    var redisProblem: String? { redis?.problem }

    public func item(kind: String, key: String) async throws(DatabaseError) -> RefDataItem? {
        let id = ItemID(kind: kind, key: key)
        if let near, let entry = near.entry(id) {
            metrics.nearHits.increment()
            return entry.item
        }
        let epoch = near?.epoch ?? 0
        let entry = try await flights.run(id) { [self] () throws(DatabaseError) -> CacheEntry in
            guard let redis else { return try await readDatabase(id) }
            let lookup = await traced("redis lookup", system: "redis") { span in
                let lookup = await redis.lookup(id)
                span?.attributes["oms.cache.result"] = lookup.label
                return lookup
            }
            switch lookup {
            case .hit(let entry):
                metrics.hits.increment()
                return entry
            case .miss(let lease):
                metrics.misses.increment()
                let entry = try await readDatabase(id)
                if let lease { await redis.fill(id, lease, entry) }
                return entry
            case .unavailable:
                metrics.bypasses.increment()
                return try await readDatabase(id)
            }
        }
        near?.store(id, entry, ifEpoch: epoch)
        return entry.item
    }

    /// The stored item, past every cache (for preconditions).
    public func current(kind: String, key: String) async throws(DatabaseError) -> RefDataItem? {
        try await timed { () throws(DatabaseError) in try await store.item(kind: kind, key: key) }
    }

    public func list(kind: String, after: String?, limit: Int) async throws(DatabaseError) -> [RefDataItem] {
        try await timed { () throws(DatabaseError) in try await store.list(kind: kind, after: after, limit: limit) }
    }

    public func put(kind: String, key: String, value: String, ifMatch: Int64?) async throws(DatabaseError) -> PutOutcome {
        let outcome = try await store.put(kind: kind, key: key, value: value, ifMatch: ifMatch, nowMs: WallClock.millisecondsNow())
        if case .preconditionFailed = outcome { return outcome }
        await written(ItemID(kind: kind, key: key))
        return outcome
    }

    public func delete(kind: String, key: String, ifMatch: Int64?) async throws(DatabaseError) -> DeleteOutcome {
        let outcome = try await store.delete(kind: kind, key: key, ifMatch: ifMatch)
        if case .deleted = outcome { await written(ItemID(kind: kind, key: key)) }
        return outcome
    }

    /// Whether the database answers (for `/readyz`).
    /// Nil when the database answers; otherwise why not (`/readyz` shows it: the reason a
    /// connection fails, such as a TLS or authentication error, never a secret).
    func databaseProblem() async -> String? {
        do {
            _ = try await store.list(kind: "-", after: nil, limit: 1)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    func start() {
        subscriber?.start()
    }

    public func shutdown() async {
        subscriber?.stop()
        await redis?.shutdown()
        await store.shutdown()
    }

    private func written(_ id: ItemID) async {
        flights.forget(id)
        near?.invalidate(id)
        await redis?.invalidate(id)
        // Again once Redis no longer holds the old entry: a read that started after the first
        // pair, while Redis still held it, may have found it; its lookup must not be joined,
        // nor its answer kept in the near cache, by reads that start after the acknowledgement.
        flights.forget(id)
        near?.invalidate(id)
    }

    private func readDatabase(_ id: ItemID) async throws(DatabaseError) -> CacheEntry {
        metrics.databaseReads.increment()
        let item = try await timed { () throws(DatabaseError) in try await store.item(kind: id.kind, key: id.key) }
        return item.map(CacheEntry.present) ?? .absent
    }

    /// A database query: timed, and a client span of the request's trace.
    private func timed<T>(_ body: () async throws(DatabaseError) -> T) async throws(DatabaseError) -> T {
        let started = ContinuousClock.now
        defer { metrics.databaseTime.record(duration: ContinuousClock.now - started) }
        let result = await traced("database query", system: store is PostgresRefDataStore ? "postgresql" : "sqlite") { span in
            do throws(DatabaseError) {
                return Result<T, DatabaseError>.success(try await body())
            } catch {
                span?.setStatus(SpanStatus(code: .error, message: error.description))
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `work` in a client span of the request's trace when the process traces (nil otherwise).
    private func traced<T>(_ name: String, system: String, _ work: (_ span: (any Span)?) async -> T) async -> T {
        guard ProcessTracing.isOn else { return await work(nil) }
        let span = ProcessTracing.tracer.startSpan(name, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes["db.system.name"] = system
        defer { span.end() }
        return await work(span)
    }
}

extension RedisCache.Lookup {
    /// For the lookup's span.
    var label: String {
        switch self {
        case .hit: "hit"
        case .miss: "miss"
        case .unavailable: "unavailable"
        }
    }
}

extension CacheEntry {
    var item: RefDataItem? {
        if case .present(let item) = self { return item }
        return nil
    }
}
