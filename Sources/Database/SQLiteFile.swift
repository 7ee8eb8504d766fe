import GRDB
import Synchronization

/// The embedded OMS database: one SQLite file in WAL mode (GRDB's `DatabasePool`).
///
/// Writes go through one connection on its own queue, one transaction at a time, so the
/// statements of a transaction never interleave with another's; reads use their own
/// connections and, thanks to WAL, see the last committed state and never wait for a writer.
/// No SQLite call runs on an event loop or a task's thread: each read and each transaction is
/// one hop to its connection's queue, however many statements it runs. GRDB begins every write
/// transaction `IMMEDIATE`: it takes the write lock at once, so another process sharing the
/// file makes it wait (`busyMode`) rather than fail halfway.
public final class SQLiteFile: Sendable {
    private let pool: DatabasePool
    private let groups = GroupCommit()
    public let path: String

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    /// Opens (creating when absent) the file at `path`.
    public static func open(path: String, readers: Int = 2) async throws(DatabaseError) -> SQLiteFile {
        var configuration = Configuration()
        // Another process holding the write lock is waited for instead of failing at once.
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        configuration.maximumReaderCount = max(readers, 1)
        configuration.label = "oms.sqlite"
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // FULL: a commit that was acknowledged survives a power loss (the pool sets NORMAL
            // on its writer when it opens; the writer is the only connection that commits).
            try await pool.writeWithoutTransaction { database in try database.execute(sql: "PRAGMA synchronous = FULL") }
            return SQLiteFile(path: path, pool: pool)
        } catch {
            throw DatabaseError(.unavailable, "cannot open SQLite database \(path): \(error)")
        }
    }

    /// One statement on a reader connection, outside any transaction (one statement is
    /// atomic). `cache` as for `SQLiteConnection.query`.
    public func read(_ sql: String, _ binds: [SQLiteValue] = [], cache: Bool = true) async throws(DatabaseError) -> [SQLiteRow] {
        do {
            return try await pool.unsafeRead { database in try SQLiteConnection(database: database).query(sql, binds, cache: cache) }
        } catch {
            throw DatabaseError(.unavailable, "SQLite read failed: \(error)")
        }
    }

    /// Runs `body` in a transaction on the writer connection; commits when it returns, rolls
    /// back when it throws. A `DatabaseError` from `body` is rethrown as is, anything else as
    /// `.unavailable`.
    public func write<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) async throws(DatabaseError) -> T {
        try await Self.mapped { try await self.pool.write { database in try body(SQLiteConnection(database: database)) } }
    }

    /// Like `write`, but grouped: `body` runs in a savepoint of a transaction it may share with
    /// other `groupWrite`s that arrived meanwhile, committed once for all. A body that throws
    /// rolls back its own savepoint only; a commit that fails fails every write of the group.
    /// Errors as for `write`.
    public func groupWrite<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws(DatabaseError) -> T {
        try await Self.mapped { try await self.enqueueGrouped(single: false, body) }
    }

    /// One statement, grouped like `groupWrite` but without a savepoint: a statement that
    /// fails undoes only itself, so the savepoint's two extra statements buy nothing. Its
    /// rows (`RETURNING`).
    public func groupWrite(_ sql: String, _ binds: [SQLiteValue]) async throws(DatabaseError) -> [SQLiteRow] {
        try await Self.mapped { try await self.enqueueGrouped(single: true) { connection in try connection.query(sql, binds) } }
    }

    private func enqueueGrouped<T: Sendable>(single: Bool, _ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let job = GroupCommit.Job(
                run: { connection in
                    do {
                        let value = try body(connection)
                        outcome.withLock { $0 = .success(value) }
                        return true
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                        return false
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.withLock { $0 } ?? .failure(DatabaseError(.unavailable, "a grouped write did not run")))
                    }
                },
                single: single
            )
            if groups.enqueue(job) {
                Task { await self.drainGroups() }
            }
        }
    }

    private func drainGroups() async {
        while let group = groups.next() {
            do {
                try await pool.write { database in
                    let connection = SQLiteConnection(database: database)
                    for job in group {
                        if job.single {
                            if !job.run(connection) { try Self.stillInTransaction(connection) }
                            continue
                        }
                        _ = try connection.query("SAVEPOINT oms_job")
                        if job.run(connection) {
                            _ = try connection.query("RELEASE oms_job")
                        } else {
                            try Self.stillInTransaction(connection)
                            _ = try connection.query("ROLLBACK TO oms_job")
                            _ = try connection.query("RELEASE oms_job")
                        }
                    }
                }
                for job in group { job.finish(nil) }
            } catch {
                let failure = DatabaseError(.unavailable, "SQLite group commit failed: \(error)")
                for job in group { job.finish(failure) }
            }
        }
    }

    /// Some failures (a full disk, an I/O error) roll back the whole transaction, not just
    /// the statement: the group's earlier writes are gone then, and the rest must not go on
    /// in autocommit as if they were part of it.
    private static func stillInTransaction(_ connection: SQLiteConnection) throws {
        guard connection.isInsideTransaction else {
            throw DatabaseError(.unavailable, "SQLite rolled the group's transaction back")
        }
    }

    /// Applies the migrations that `oms_schema_migrations` does not list yet, each in its own
    /// write transaction (which also serializes instances sharing the file).
    public func migrate(_ migrations: [Migration]) async throws(DatabaseError) {
        do {
            _ = try await write { connection in
                try connection.query("""
                    CREATE TABLE IF NOT EXISTS oms_schema_migrations (
                        component TEXT NOT NULL, version INTEGER NOT NULL, applied_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (component, version))
                    """, cache: false)
            }
            for migration in migrations.sorted(by: { ($0.component, $0.version) < ($1.component, $1.version) }) {
                try await write { connection in
                    let applied = try connection.query(
                        "SELECT 1 FROM oms_schema_migrations WHERE component = ? AND version = ?",
                        [.text(migration.component), .integer(Int64(migration.version))]
                    )
                    guard applied.isEmpty else { return }
                    for statement in migration.sqlite {
                        _ = try connection.query(statement, cache: false)
                    }
                    _ = try connection.query(
                        "INSERT INTO oms_schema_migrations (component, version, applied_at_ms) VALUES (?, ?, ?)",
                        [.text(migration.component), .integer(Int64(migration.version)), .integer(WallClock.millisecondsNow())]
                    )
                }
            }
        } catch {
            throw DatabaseError(.migration, "SQLite migration of \(path) failed: \(error.message)")
        }
    }

    private static func mapped<T>(_ body: () async throws -> T) async throws(DatabaseError) -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unavailable, "SQLite write failed: \(error)")
        }
    }

    public func close() async {
        try? pool.close()
    }
}
