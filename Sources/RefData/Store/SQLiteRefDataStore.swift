import Database

/// `RefDataStore` on the embedded SQLite database.
public final class SQLiteRefDataStore: RefDataStore {
    private let database: SQLiteFile

    public init(database: SQLiteFile) {
        self.database = database
    }

    public func migrate() async throws(DatabaseError) {
        try await database.migrate(RefDataSchema.migrations)
    }

    public func item(kind: String, key: String) async throws(DatabaseError) -> RefDataItem? {
        let rows = try await database.read(
            "SELECT kind, key, version, value, updated_at_ms FROM refdata_items WHERE kind = ? AND key = ?",
            [.text(kind), .text(key)]
        )
        return try rows.first.map(Self.item)
    }

    public func list(kind: String, after: String?, limit: Int) async throws(DatabaseError) -> [RefDataItem] {
        let rows = try await database.read(
            "SELECT kind, key, version, value, updated_at_ms FROM refdata_items WHERE kind = ? AND key > ? ORDER BY key LIMIT ?",
            [.text(kind), .text(after ?? ""), .integer(Int64(limit))]
        )
        return try rows.map(Self.item)
    }

    public func put(kind: String, key: String, value: String, ifMatch: Int64?, nowMs: Int64) async throws(DatabaseError) -> PutOutcome {
        try await database.write { connection in
            let current = try Self.version(kind, key, connection)
            if let ifMatch, (current ?? 0) != ifMatch {
                return .preconditionFailed(current: current)
            }
            let bumped = try connection.query("UPDATE refdata_clock SET version = version + 1 WHERE id = 1 RETURNING version")
            guard let version = bumped.first?.column("version")?.integer else {
                throw DatabaseError(.corrupt, "refdata_clock has no row")
            }
            _ = try connection.query(
                """
                INSERT INTO refdata_items (kind, key, version, value, updated_at_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, value = excluded.value, updated_at_ms = excluded.updated_at_ms
                """,
                [.text(kind), .text(key), .integer(version), .text(value), .integer(nowMs)]
            )
            let item = RefDataItem(kind: kind, key: key, version: version, value: value, updatedAtMs: nowMs)
            return current == nil ? .created(item) : .replaced(item)
        }
    }

    public func delete(kind: String, key: String, ifMatch: Int64?) async throws(DatabaseError) -> DeleteOutcome {
        try await database.write { connection in
            guard let current = try Self.version(kind, key, connection) else { return .notFound }
            if let ifMatch, current != ifMatch {
                return .preconditionFailed(current: current)
            }
            _ = try connection.query("DELETE FROM refdata_items WHERE kind = ? AND key = ?", [.text(kind), .text(key)])
            return .deleted
        }
    }

    public func shutdown() async {
        await database.close()
    }

    private static func version(_ kind: String, _ key: String, _ connection: SQLiteConnection) throws -> Int64? {
        let rows = try connection.query("SELECT version FROM refdata_items WHERE kind = ? AND key = ?", [.text(kind), .text(key)])
        return rows.first?.column("version")?.integer
    }

    private static func item(_ row: SQLiteRow) throws(DatabaseError) -> RefDataItem {
        guard let kind = row.column("kind")?.string, let key = row.column("key")?.string,
            let version = row.column("version")?.integer, let value = row.column("value")?.string,
            let updated = row.column("updated_at_ms")?.integer
        else {
            throw DatabaseError(.corrupt, "a refdata_items row has a missing or mistyped column")
        }
        return RefDataItem(kind: kind, key: key, version: version, value: value, updatedAtMs: updated)
    }
}
