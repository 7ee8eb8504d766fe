import Access
import Database
import EdgeRuntime
import Hummingbird
import Kafka
import Logging
import ServiceLifecycle

/// The core: durable intake and status of document requests on the OMS database.
public struct CoreRole: HTTPRole {
    public let configuration: CoreConfiguration
    public let metrics: MetricsRegistry
    public let logger: Logger
    public let access: AccessControl
    public let store: any CoreStore
    /// The scheduled jobs; run them as a service beside the HTTP server.
    public let jobs: JobRunner
    /// Publishes final statuses to Kafka when `kafka.brokers` is set; run it as a service too.
    public let relay: OutboxRelay?
    private let page: OpsPage

    /// Opens and migrates the database and creates the Kafka producer; a database that cannot
    /// be opened or migrated (`DatabaseError`), or producer settings librdkafka refuses
    /// (`KafkaError`), stop start-up.
    public static func start(configuration: CoreConfiguration, metrics: MetricsRegistry = MetricsRegistry(), logger: Logger) async throws -> CoreRole {
        let access = try await AccessControl.start(configuration.access, metrics: metrics, logger: logger)
        let store: any CoreStore = switch try await configuration.database.open(timeout: configuration.databaseTimeout, logger: logger) {
        case .sqlite(let file): try await SQLiteCoreStore(database: file).migratedOrClosed()
        case .postgres(let pool): try await PostgresCoreStore(database: pool).migratedOrClosed()
        }
        CoreMetricCatalog.register(metrics)
        let jobs = JobRunner(store: store, settings: configuration.jobs, metrics: metrics, logger: logger)
        var relay: OutboxRelay?
        if configuration.outbox.enabled {
            do {
                relay = try OutboxRelay(store: store, settings: configuration.outbox, metrics: metrics, logger: logger)
            } catch {
                await store.shutdown()
                await access.shutdown()
                throw error
            }
        }
        // The template is part of the program: failing to parse it is a bug, not a bad config.
        let page: OpsPage
        do {
            page = try OpsPage()
        } catch {
            preconditionFailure("the operator page's template does not parse: \(error)")
        }
        return CoreRole(configuration: configuration, metrics: metrics, logger: logger, access: access, store: store, jobs: jobs, relay: relay, page: page)
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let (store, relay, jobs, access) = (self.store, self.relay, configuration.jobs.enabled ? self.jobs : nil, self.access)
        let router = Router.edge(metrics: metrics) {
            var checks = await jobs?.upstreamChecks() ?? [:]
            if let keys = await access.problem() {
                // Every caller would get 401: not ready.
                checks["access"] = keys
                return Readiness(ready: false, checks: checks)
            }
            if let relay {
                // Kafka down is not "not ready": events wait in the outbox and nothing is lost.
                checks["kafka"] = relay.kafkaProblem.map { "failing (events wait in the outbox): \($0)" } ?? "ok"
            }
            do {
                _ = try await store.list(status: nil, after: nil, limit: 1)
                checks["database"] = "ok"
                return Readiness(ready: true, checks: checks)
            } catch {
                // The reason (a TLS or authentication failure, a timeout), never a secret.
                checks["database"] = String(describing: error)
                return Readiness(ready: false, checks: checks)
            }
        }
        CoreRoutes(store: store, maxBodyBytes: configuration.maxBodyBytes).add(to: router, access: access)
        OpsRoutes(store: store, page: page).add(to: router.group().add(middleware: access.middleware("rerun")))
        return router.application(server: configuration.server, logger: logger, onListening: onListening)
    }

    /// The jobs (when `jobs.enabled`), the outbox relay (when Kafka is configured), the
    /// console stats' compaction and the retention of finished requests.
    public var companions: [any Service] {
        (configuration.jobs.enabled ? [jobs] : []) + (relay.map { [$0] } ?? [])
            + [StatsCompactor(store: store, logger: logger), RetentionSweeper(store: store, days: configuration.retentionDays, logger: logger)]
    }

    public func shutdown() async {
        await store.shutdown()
        await access.shutdown()
    }
}
