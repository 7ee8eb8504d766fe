import Logging

/// What every store on the OMS database does besides its own queries.
public protocol DatabaseStore: Sendable {
    /// Creates or migrates the schema; safe to run from several instances at once.
    func migrate() async throws(DatabaseError)
    func shutdown() async
}

extension DatabaseStore {
    /// Migrates, or shuts the store down and rethrows: a store that cannot be migrated is not
    /// used (start-up stops).
    public func migratedOrClosed() async throws(DatabaseError) -> Self {
        do {
            try await migrate()
            return self
        } catch {
            await shutdown()
            throw error
        }
    }
}

/// An opened OMS database, for a role to put its store on.
public enum OpenedDatabase: Sendable {
    case sqlite(SQLiteFile)
    case postgres(PostgresPool)
}

extension DatabaseURL {
    /// Opens the SQLite file (created when absent), or starts the PostgreSQL pool (whose calls
    /// are bounded by `timeout`).
    public func open(timeout: Duration, logger: Logger) async throws(DatabaseError) -> OpenedDatabase {
        switch self {
        case .sqlite(let path): .sqlite(try await SQLiteFile.open(path: path))
        case .postgres(let endpoint): .postgres(try PostgresPool(endpoint: endpoint, timeout: timeout, logger: logger))
        }
    }
}
