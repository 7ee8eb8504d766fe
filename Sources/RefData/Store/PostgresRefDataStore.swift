import Database
import Logging
import PostgresNIO

/// `RefDataStore` on PostgreSQL.
public final class PostgresRefDataStore: RefDataStore {
    private let database: PostgresPool

    public init(database: PostgresPool) {
        self.database = database
    }

    public func migrate() async throws(DatabaseError) {
        try await database.migrate(RefDataSchema.migrations)
    }

    public func item(kind: String, key: String) async throws(DatabaseError) -> RefDataItem? {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query(
                    "SELECT kind, key, version, value, updated_at_ms FROM refdata_items WHERE kind = \(kind) AND key = \(key)"
                )
                return try await Self.items(rows).first
            }
        }
    }

    public func list(kind: String, after: String?, limit: Int) async throws(DatabaseError) -> [RefDataItem] {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query(
                    "SELECT kind, key, version, value, updated_at_ms FROM refdata_items WHERE kind = \(kind) AND key > \(after ?? "") ORDER BY key LIMIT \(limit)"
                )
                return try await Self.items(rows)
            }
        }
    }

    private static func items(_ rows: PostgresRowSequence) async throws -> [RefDataItem] {
        var items: [RefDataItem] = []
        for try await row in rows.decode((String, String, Int64, String, Int64).self) {
            items.append(RefDataItem(kind: row.0, key: row.1, version: row.2, value: row.3, updatedAtMs: row.4))
        }
        return items
    }

    public func put(kind: String, key: String, value: String, ifMatch: Int64?, nowMs: Int64) async throws(DatabaseError) -> PutOutcome {
        try await PostgresPool.mapped {
            try await database.transaction { connection in
                // FOR UPDATE: an If-Match check and the write it allows see the same version.
                let current = try await Self.version(kind, key, connection)
                if let ifMatch, (current ?? 0) != ifMatch {
                    return .preconditionFailed(current: current)
                }
                // On a conflict the version is drawn again, once the row is locked: a writer that
                // waited for another to create the row must not commit a smaller version after it.
                let rows = try await connection.query(
                    """
                    INSERT INTO refdata_items (kind, key, version, value, updated_at_ms)
                    VALUES (\(kind), \(key), nextval('refdata_version'), \(value), \(nowMs))
                    ON CONFLICT (kind, key) DO UPDATE SET version = nextval('refdata_version'), value = excluded.value, updated_at_ms = excluded.updated_at_ms
                    RETURNING version
                    """,
                    logger: Self.quiet
                )
                var version: Int64?
                for try await row in rows.decode(Int64.self) { version = row }
                guard let version else { throw DatabaseError(.corrupt, "INSERT … RETURNING gave no version") }
                let item = RefDataItem(kind: kind, key: key, version: version, value: value, updatedAtMs: nowMs)
                return current == nil ? .created(item) : .replaced(item)
            }
        }
    }

    public func delete(kind: String, key: String, ifMatch: Int64?) async throws(DatabaseError) -> DeleteOutcome {
        try await PostgresPool.mapped {
            try await database.transaction { connection in
                guard let current = try await Self.version(kind, key, connection) else { return .notFound }
                if let ifMatch, current != ifMatch {
                    return .preconditionFailed(current: current)
                }
                try await connection.query("DELETE FROM refdata_items WHERE kind = \(kind) AND key = \(key)", logger: Self.quiet)
                return .deleted
            }
        }
    }

    public func shutdown() async {
        await database.close()
    }

    private static let quiet = Logger(label: "oms.refdata.postgres") { _ in SwiftLogNoOpLogHandler() }

    private static func version(_ kind: String, _ key: String, _ connection: PostgresConnection) async throws -> Int64? {
        let rows = try await connection.query(
            "SELECT version FROM refdata_items WHERE kind = \(kind) AND key = \(key) FOR UPDATE", logger: quiet
        )
        for try await version in rows.decode(Int64.self) { return version }
        return nil
    }
}
