import Logging
import PostgresNIO

/// The production OMS database: a PostgreSQL connection pool (postgres-nio), running for as
/// long as this object lives, until `close()`.
public final class PostgresPool: Sendable {
    public let client: PostgresClient
    public let endpoint: DatabaseURL.PostgresEndpoint
    private let running: Task<Void, Never>
    private let logger: Logger
    /// Bound of every call, waiting for a connection included.
    public let timeout: Duration

    /// Starts the pool; connections are made on first use (`connectTimeout` each).
    public init(endpoint: DatabaseURL.PostgresEndpoint, maximumConnections: Int = 16, connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(5), logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
            database: endpoint.database, tls: .disable
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.endpoint = endpoint
        self.logger = logger
        self.timeout = timeout
        self.running = Task { await client.run() }
    }

    /// Runs `body` with the client, within `timeout`.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = self.client
        return try await Deadline.run(timeout, "a PostgreSQL call") { try await body(client) }
    }

    /// Runs `body` in a transaction, within `timeout`; commits when it returns, rolls back
    /// when it throws.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (client, logger) = (self.client, self.logger)
        return try await Deadline.run(timeout, "a PostgreSQL transaction") {
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Applies the migrations that `oms_schema_migrations` does not list yet, each in its own
    /// transaction; an advisory lock makes instances starting together take turns.
    public func migrate(_ migrations: [Migration]) async throws(DatabaseError) {
        let logger = self.logger
        do {
            try await transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS oms_schema_migrations (
                        component TEXT NOT NULL, version INTEGER NOT NULL, applied_at_ms BIGINT NOT NULL,
                        PRIMARY KEY (component, version))
                    """, logger: logger)
            }
            for migration in migrations.sorted(by: { ($0.component, $0.version) < ($1.component, $1.version) }) {
                try await transaction { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                    let applied = try await connection.query(
                        "SELECT 1 FROM oms_schema_migrations WHERE component = \(migration.component) AND version = \(migration.version)",
                        logger: logger
                    ).collect()
                    guard applied.isEmpty else { return }
                    for statement in migration.postgres {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO oms_schema_migrations (component, version, applied_at_ms) VALUES (\(migration.component), \(migration.version), \(WallClock.millisecondsNow()))",
                        logger: logger
                    )
                }
            }
        } catch {
            throw DatabaseError(.migration, "PostgreSQL migration of \(endpoint.database) on \(endpoint.host):\(endpoint.port) failed: \(Self.describe(error))")
        }
    }

    /// Runs `body`, turning whatever it throws into a `DatabaseError` (`.unavailable` with the
    /// server's reason, unless it already is one).
    public static func mapped<T>(_ body: () async throws -> T) async throws(DatabaseError) -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unavailable, "PostgreSQL: \(describe(error))")
        }
    }

    /// A one-line reason: PSQLError's own description hides the server's message.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }

    public func close() async {
        running.cancel()
        _ = await running.value
    }

    /// Any constant will do, as long as every OMS component migrates under the same one.
    private static let migrationLock: Int64 = 0x4F4D_535F_4D49_4752
}
