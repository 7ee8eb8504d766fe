import Database
import SQLiteNIO

/// `CoreStore` on the embedded SQLite database.
public final class SQLiteCoreStore: CoreStore {
    private let database: SQLiteFile

    public init(database: SQLiteFile) {
        self.database = database
    }

    public func migrate() async throws(DatabaseError) {
        try await database.migrate(CoreSchema.migrations)
    }

    public func intake(_ request: DocumentRequest, idempotencyKey: String, id: String, nowMs: Int64) async throws(DatabaseError) -> IntakeOutcome {
        try await write { connection in
            let seen = try await connection.query("SELECT id, body FROM core_requests WHERE idempotency_key = ?", [.text(idempotencyKey)])
            if let row = seen.first, let first = row.column("id")?.string {
                return row.column("body")?.string == request.canonicalBody ? .replayed(id: first) : .conflict(id: first)
            }
            _ = try await connection.query(
                """
                INSERT INTO core_requests (id, idempotency_key, body, source, document_type, data, recipient, correlation_id,
                    status, due_at_ms, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(id), .text(idempotencyKey), .text(request.canonicalBody), .text(request.source), .text(request.documentType),
                    .text(request.data), request.recipient.map(SQLiteData.text) ?? .null, request.correlationId.map(SQLiteData.text) ?? .null,
                    .text(RequestStatus.received.rawValue), .integer(SQLiteInt64(nowMs)), .integer(SQLiteInt64(nowMs)), .integer(SQLiteInt64(nowMs)),
                ]
            )
            _ = try await connection.query(
                "INSERT INTO core_history (request_id, seq, status, at_ms) VALUES (?, 1, ?, ?)",
                [.text(id), .text(RequestStatus.received.rawValue), .integer(SQLiteInt64(nowMs))]
            )
            return .accepted(id: id)
        }
    }

    public func request(id: String) async throws(DatabaseError) -> RequestRecord? {
        let rows = try await database.read("SELECT \(Self.columns) FROM core_requests WHERE id = ?", [.text(id)])
        guard let row = rows.first else { return nil }
        var record = try Self.record(row)
        let history = try await database.read("SELECT status, at_ms FROM core_history WHERE request_id = ? ORDER BY seq", [.text(id)])
        record.history = try history.map { row throws(DatabaseError) in
            guard let status = row.column("status")?.string.flatMap(RequestStatus.init(rawValue:)), let at = row.column("at_ms")?.integer else {
                throw DatabaseError(.corrupt, "a core_history row has a missing or unknown column")
            }
            return RequestRecord.StatusChange(status: status, atMs: Int64(at))
        }
        return record
    }

    public func failures(id: String) async throws(DatabaseError) -> [RequestFailure] {
        let rows = try await database.read(
            "SELECT step, attempt, code, message, detail, at_ms FROM core_failures WHERE request_id = ? ORDER BY seq", [.text(id)]
        )
        return try rows.map { row throws(DatabaseError) in
            guard let step = row.column("step")?.string, let attempt = row.column("attempt")?.integer, let code = row.column("code")?.string,
                let message = row.column("message")?.string, let at = row.column("at_ms")?.integer
            else { throw DatabaseError(.corrupt, "a core_failures row has a missing column") }
            return RequestFailure(step: step, attempt: Int(attempt), code: code, message: message, detail: row.column("detail")?.string, atMs: Int64(at))
        }
    }

    public func list(status: RequestStatus?, after: String?, limit: Int) async throws(DatabaseError) -> [RequestRecord] {
        let rows: [SQLiteRow]
        if let status {
            rows = try await database.read(
                "SELECT \(Self.columns) FROM core_requests WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                [.text(status.rawValue), .text(after ?? ""), .integer(SQLiteInt64(limit))]
            )
        } else {
            rows = try await database.read(
                "SELECT \(Self.columns) FROM core_requests WHERE id > ? ORDER BY id LIMIT ?", [.text(after ?? ""), .integer(SQLiteInt64(limit))]
            )
        }
        return try rows.map(Self.record)
    }

    public func shutdown() async {
        await database.close()
    }

    private static let columns = "id, status, source, document_type, correlation_id, attempts, batch_id, created_at_ms, updated_at_ms"

    private static func record(_ row: SQLiteRow) throws(DatabaseError) -> RequestRecord {
        guard let id = row.column("id")?.string, let status = row.column("status")?.string.flatMap(RequestStatus.init(rawValue:)),
            let source = row.column("source")?.string, let type = row.column("document_type")?.string,
            let attempts = row.column("attempts")?.integer, let created = row.column("created_at_ms")?.integer,
            let updated = row.column("updated_at_ms")?.integer
        else { throw DatabaseError(.corrupt, "a core_requests row has a missing or unknown column") }
        return RequestRecord(
            id: id, status: status, source: source, documentType: type, correlationId: row.column("correlation_id")?.string,
            attempts: Int(attempts), batchId: row.column("batch_id")?.string, createdAtMs: Int64(created), updatedAtMs: Int64(updated), history: []
        )
    }

    private func write<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws(DatabaseError) -> T {
        do {
            return try await database.write(body)
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unavailable, "SQLite write failed: \(error)")
        }
    }
}
