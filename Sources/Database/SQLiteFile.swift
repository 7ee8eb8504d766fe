import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import Synchronization

/// The embedded OMS database: one SQLite file in WAL mode.
///
/// Writes go through one connection, one transaction at a time (`write`), so that the
/// statements of a transaction never interleave with another's; reads use their own
/// connections and, thanks to WAL, see the last committed state and never wait for a writer.
/// All SQLite calls run on a dedicated thread pool, never on an event loop.
public final class SQLiteFile: Sendable {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let groups = GroupCommit()
    private let threadPool: NIOThreadPool
    private let next = Atomic<Int>(0)
    public let path: String

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], threadPool: NIOThreadPool) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.threadPool = threadPool
    }

    /// Opens (creating when absent) the file at `path`.
    public static func open(path: String, readers: Int = 2, logger: Logger) async throws(DatabaseError) -> SQLiteFile {
        let threadPool = NIOThreadPool(numberOfThreads: max(readers, 1) + 1)
        threadPool.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
            // WAL: readers see committed data while a write is in progress. FULL: a commit
            // that was acknowledged survives a power loss. busy_timeout: another process
            // holding the write lock is waited for instead of failing at once.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON"] {
                _ = try await writer.query(pragma)
            }
            var readerConnections: [SQLiteConnection] = []
            for _ in 0..<max(readers, 1) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
                _ = try await reader.query("PRAGMA busy_timeout=5000")
                readerConnections.append(reader)
            }
            return SQLiteFile(path: path, writer: writer, readers: readerConnections, threadPool: threadPool)
        } catch {
            try? await threadPool.shutdownGracefully()
            throw DatabaseError(.unavailable, "cannot open SQLite database \(path): \(error)")
        }
    }

    /// One statement on a reader connection (round robin).
    public func read(_ sql: String, _ binds: [SQLiteData] = []) async throws(DatabaseError) -> [SQLiteRow] {
        let index = (next.wrappingAdd(1, ordering: .relaxed).newValue & Int.max) % readers.count
        do {
            return try await readers[index].query(sql, binds)
        } catch {
            throw DatabaseError(.unavailable, "SQLite read failed: \(error)")
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction on the writer connection; commits when
    /// it returns, rolls back when it throws. A `DatabaseError` from `body` is rethrown as is,
    /// anything else as `.unavailable`.
    public func write<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws(DatabaseError) -> T {
        try await Self.mapped {
            try await self.writeLock.withLock {
                _ = try await self.writer.query("BEGIN IMMEDIATE")
                do {
                    let result = try await body(self.writer)
                    _ = try await self.writer.query("COMMIT")
                    return result
                } catch {
                    _ = try? await self.writer.query("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// Like `write`, but grouped: `body` runs in a savepoint of a transaction it may share with
    /// other `groupWrite`s that arrived meanwhile, committed once for all. A body that throws
    /// rolls back its own savepoint only; a commit that fails fails every write of the group.
    /// Errors as for `write`.
    public func groupWrite<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws(DatabaseError) -> T {
        try await Self.mapped { try await self.enqueueGrouped(single: false, body) }
    }

    /// One statement, grouped like `groupWrite` but without a savepoint: a statement that
    /// fails undoes only itself, so the savepoint's two extra calls on the writer's thread
    /// (the bulk of a one-statement write's cost) buy nothing. Its rows (`RETURNING`).
    public func groupWrite(_ sql: String, _ binds: [SQLiteData]) async throws(DatabaseError) -> [SQLiteRow] {
        try await Self.mapped { try await self.enqueueGrouped(single: true) { connection in try await connection.query(sql, binds) } }
    }

    private func enqueueGrouped<T: Sendable>(single: Bool, _ body: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let job = GroupCommit.Job(
                run: { connection in
                    do {
                        let value = try await body(connection)
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
                try await writeLock.withLock {
                    _ = try await self.writer.query("BEGIN IMMEDIATE")
                    do {
                        for job in group {
                            if job.single {
                                _ = await job.run(self.writer)
                                continue
                            }
                            _ = try await self.writer.query("SAVEPOINT oms_job")
                            if await job.run(self.writer) {
                                _ = try await self.writer.query("RELEASE oms_job")
                            } else {
                                _ = try await self.writer.query("ROLLBACK TO oms_job")
                                _ = try await self.writer.query("RELEASE oms_job")
                            }
                        }
                        _ = try await self.writer.query("COMMIT")
                    } catch {
                        _ = try? await self.writer.query("ROLLBACK")
                        throw error
                    }
                }
                for job in group { job.finish(nil) }
            } catch {
                let failure = DatabaseError(.unavailable, "SQLite group commit failed: \(error)")
                for job in group { job.finish(failure) }
            }
        }
    }

    /// Applies the migrations that `oms_schema_migrations` does not list yet, each in its own
    /// write transaction (which also serializes instances sharing the file).
    public func migrate(_ migrations: [Migration]) async throws(DatabaseError) {
        do {
            _ = try await write { connection in
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS oms_schema_migrations (
                        component TEXT NOT NULL, version INTEGER NOT NULL, applied_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (component, version))
                    """)
            }
            for migration in migrations.sorted(by: { ($0.component, $0.version) < ($1.component, $1.version) }) {
                try await write { connection in
                    let applied = try await connection.query(
                        "SELECT 1 FROM oms_schema_migrations WHERE component = ? AND version = ?",
                        [.text(migration.component), .integer(SQLiteInt64(migration.version))]
                    )
                    guard applied.isEmpty else { return }
                    for statement in migration.sqlite {
                        _ = try await connection.query(statement)
                    }
                    _ = try await connection.query(
                        "INSERT INTO oms_schema_migrations (component, version, applied_at_ms) VALUES (?, ?, ?)",
                        [.text(migration.component), .integer(SQLiteInt64(migration.version)), .integer(SQLiteInt64(WallClock.millisecondsNow()))]
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
        for connection in readers + [writer] {
            try? await connection.close()
        }
        try? await threadPool.shutdownGracefully()
    }
}
