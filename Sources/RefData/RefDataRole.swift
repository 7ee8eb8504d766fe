import Access
import Database
import EdgeRuntime
import Hummingbird
import Logging
import Redis

/// `oms refdata`: reference data over REST on the OMS database, with Redis cache-aside.
public struct RefDataRole: HTTPRole {
    public let configuration: RefDataConfiguration
    public let metrics: MetricsRegistry
    public let service: RefDataService
    public let access: AccessControl
    public let logger: Logger

    /// Loads the access check's keys, opens and migrates the database and connects the
    /// caches; keys that cannot be used, or a database that cannot be opened or migrated, stop
    /// start-up (Redis may be down: reads then use the database).
    public static func start(configuration: RefDataConfiguration, metrics: MetricsRegistry = MetricsRegistry(), logger: Logger) async throws -> RefDataRole {
        let access = try await AccessControl.start(configuration.access, metrics: metrics, logger: logger)
        let store: any RefDataStore = switch try await configuration.database.open(timeout: configuration.databaseTimeout, logger: logger) {
        case .sqlite(let file): try await SQLiteRefDataStore(database: file).migratedOrClosed()
        case .postgres(let pool): try await PostgresRefDataStore(database: pool).migratedOrClosed()
        }
        let counters = RefDataMetrics(registry: metrics)
        var redis: RedisCache?
        var near: NearCache?
        var subscriber: RedisSubscriber?
        if let endpoint = configuration.redis {
            let settings = configuration.cache
            let client = RedisClient(endpoint: endpoint, timeout: settings.redisTimeout, connectTimeout: settings.redisConnectTimeout, connections: settings.connections)
            redis = RedisCache(client: client, settings: settings, metrics: counters, logger: logger)
            if settings.near {
                let cache = NearCache(capacity: settings.nearCapacity, ttl: settings.nearTTL)
                near = cache
                subscriber = RedisSubscriber(
                    endpoint: endpoint, channels: [RedisScripts.invalidationChannel], timeout: max(settings.redisTimeout, .seconds(1)),
                    onConnect: {
                        cache.flush(live: true)
                        counters.nearCacheLive.record(1)
                    },
                    onMessage: { _, payload in
                        if let id = ItemID(message: payload) { cache.invalidate(id) } else { cache.flush(live: true) }
                    },
                    onDisconnect: {
                        cache.flush(live: false)
                        counters.nearCacheLive.record(0)
                    }
                )
            }
        }
        let service = RefDataService(store: store, redis: redis, near: near, subscriber: subscriber, metrics: counters)
        service.start()
        return RefDataRole(configuration: configuration, metrics: metrics, service: service, access: access, logger: logger)
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let (service, access) = (self.service, self.access)
        let router = Router.edge(metrics: metrics) {
            let problem = await service.databaseProblem()
            var checks = ["database": problem ?? "ok"]
            let keys = await access.problem()
            if let keys { checks["access"] = keys }
            if let serving = service.redisServing {
                // Redis down is not "not ready": reads fall back to the database.
                let reason = service.redisProblem.map { ": \($0)" } ?? ""
                checks["redis"] = serving ? "ok" : "bypassed (reads use the database)\(reason)"
            }
            return Readiness(ready: problem == nil && keys == nil, checks: checks)
        }
        RefDataRoutes(service: service, maxBodyBytes: configuration.maxBodyBytes).add(to: router, access: access)
        return router.application(server: configuration.server, logger: logger, onListening: onListening)
    }

    public func shutdown() async {
        await service.shutdown()
        await access.shutdown()
    }
}
