import Foundation
import Database
import EdgeRuntime

/// `CoreStore` on the embedded SQLite database.
public final class SQLiteCoreStore: CoreStore {
    private let database: SQLiteFile

    public init(database: SQLiteFile) {
        self.database = database
    }

    public func migrate() async throws(DatabaseError) {
        try await database.migrate(CoreSchema.migrations)
    }

    /// Grouped: intakes arriving together share one commit (one fsync).
    public func intake(_ request: DocumentRequest, idempotencyKey: String, client: String?, id: String, nowMs: Int64, trace: TraceCarrier?) async throws(DatabaseError) -> IntakeOutcome {
        let key = idempotencyKey
        let idempotencyKey = Self.scopedKey(idempotencyKey, client: client)
        return try await database.groupWrite { connection in
            let seen = try connection.query("SELECT id, body FROM core_requests WHERE idempotency_key = ?", [.text(idempotencyKey)])
            if let row = seen.first, let first = row.column("id")?.string {
                return row.column("body")?.string == request.canonicalBody ? .replayed(id: first) : .conflict(id: first)
            }
            _ = try connection.query(
                """
                INSERT INTO core_requests (id, idempotency_key, body, source, document_type, data, recipient, correlation_id,
                    status, due_at_ms, created_at_ms, updated_at_ms, client, traceparent, tracestate, request_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(id), .text(idempotencyKey), .text(request.canonicalBody), .text(request.source), .text(request.documentType),
                    .text(request.data), request.recipient.map(SQLiteValue.text) ?? .null, request.correlationId.map(SQLiteValue.text) ?? .null,
                    .text(RequestStatus.received.rawValue), .integer(nowMs), .integer(nowMs), .integer(nowMs),
                    client.map(SQLiteValue.text) ?? .null, trace.map { .text($0.traceparent) } ?? .null,
                    trace?.tracestate.map(SQLiteValue.text) ?? .null, .text(key),
                ]
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
            return RequestRecord.StatusChange(status: status, atMs: at)
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
            return RequestFailure(step: step, attempt: Int(attempt), code: code, message: message, detail: row.column("detail")?.string, atMs: at)
        }
    }

    public func list(status: RequestStatus?, after: String?, limit: Int, client: String?) async throws(DatabaseError) -> [RequestRecord] {
        let rows: [SQLiteRow]
        let owner: SQLiteValue = client.map(SQLiteValue.text) ?? .null
        if let status {
            rows = try await database.read(
                "SELECT \(Self.columns) FROM core_requests WHERE status = ? AND id > ? AND (? IS NULL OR client = ?) ORDER BY id LIMIT ?",
                [.text(status.rawValue), .text(after ?? ""), owner, owner, .integer(Int64(limit))]
            )
        } else {
            rows = try await database.read(
                "SELECT \(Self.columns) FROM core_requests WHERE id > ? AND (? IS NULL OR client = ?) ORDER BY id LIMIT ?",
                [.text(after ?? ""), owner, owner, .integer(Int64(limit))]
            )
        }
        return try rows.map(Self.record)
    }

    public func claim(owner: String, nowMs: Int64, leaseUntilMs: Int64, limit: Int) async throws(DatabaseError) -> [ClaimedRequest] {
        let open = Self.openStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let rows = try await database.write { connection in
            try connection.query(
                """
                UPDATE core_requests SET lease_owner = ?, lease_until_ms = ?
                WHERE id IN (SELECT id FROM core_requests WHERE status IN (\(open)) AND due_at_ms <= ?
                    AND (lease_until_ms IS NULL OR lease_until_ms < ?) ORDER BY due_at_ms LIMIT ?)
                RETURNING id, status, source, document_type, data, recipient, correlation_id, enrichment, batch_id, batch_name, attempts,
                    traceparent, tracestate
                """,
                [.text(owner), .integer(leaseUntilMs), .integer(nowMs), .integer(nowMs), .integer(Int64(limit))]
            )
        }
        return try rows.map { row throws(DatabaseError) in
            guard let id = row.column("id")?.string, let status = row.column("status")?.string.flatMap(RequestStatus.init(rawValue:)),
                let source = row.column("source")?.string, let type = row.column("document_type")?.string,
                let data = row.column("data")?.string, let attempts = row.column("attempts")?.integer
            else { throw DatabaseError(.corrupt, "a claimed core_requests row has a missing column") }
            return ClaimedRequest(
                id: id, status: status, source: source, documentType: type, data: data, recipient: row.column("recipient")?.string,
                correlationId: row.column("correlation_id")?.string, enrichment: row.column("enrichment")?.string,
                batchId: row.column("batch_id")?.string, batchName: row.column("batch_name")?.string, attempts: Int(attempts),
                trace: TraceCarrier(stored: row.column("traceparent")?.string, row.column("tracestate")?.string)
            )
        }
    }

    public func complete(
        _ id: String, from: RequestStatus, owner: String, result: StepResult, step: String, maxAttempts: Int, retryAtMs: Int64, nowMs: Int64,
        keepingLeaseUntilMs: Int64?
    ) async throws(DatabaseError) -> Bool {
        let now = SQLiteValue.integer(nowMs)
        // Grouped: the results of one round, finishing together, share a commit. Each is a
        // conditional update (the request still in `from`, the lease still held) checked in
        // the same statement; the history follows from a trigger (core migration 9), so the
        // common steps are one statement each.
        let held: [SQLiteValue] = [.text(id), .text(from.rawValue), .text(owner)]
        let advance = """
            UPDATE core_requests SET status = ?, attempts = 0, due_at_ms = ?, lease_owner = CASE WHEN ? IS NULL THEN NULL ELSE lease_owner END,
                lease_until_ms = ?, enrichment = COALESCE(?, enrichment), batch_id = COALESCE(?, batch_id), updated_at_ms = ?
            WHERE id = ? AND status = ? AND lease_owner = ? RETURNING id
            """
        switch result {
        case .advance(let status, let enrichment, let batchId, let dueIn):
            let kept: SQLiteValue = status.isFinal ? .null : keepingLeaseUntilMs.map(SQLiteValue.integer) ?? .null
            let binds = [.text(status.rawValue), .integer(nowMs + dueIn), kept, kept, enrichment.map(SQLiteValue.text) ?? .null, batchId.map(SQLiteValue.text) ?? .null, now] + held
            guard status.isFinal else { return !(try await database.groupWrite(advance, binds)).isEmpty }
            // A final status is written with its event.
            return try await database.groupWrite { connection in
                guard !(try connection.query(advance, binds)).isEmpty else { return false }
                try Self.writeEvent(connection, id: id, status: status, nowMs: nowMs)
                return true
            }
        case .wait(let delay):
            let sql = "UPDATE core_requests SET due_at_ms = ?, lease_owner = NULL, lease_until_ms = NULL WHERE id = ? AND status = ? AND lease_owner = ? RETURNING id"
            return !(try await database.groupWrite(sql, [.integer(nowMs + delay)] + held)).isEmpty
        case .failure(let failure, _), .uncertain(let failure):
            return try await database.groupWrite { connection in
                let rows = try connection.query("SELECT attempts FROM core_requests WHERE id = ? AND status = ? AND lease_owner = ?", held)
                guard let attempts = rows.first?.column("attempts")?.integer else { return false }
                let attempt = Int(attempts) + 1
                _ = try connection.query(
                    """
                    INSERT INTO core_failures (request_id, seq, step, attempt, code, message, detail, at_ms)
                    VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM core_failures WHERE request_id = ?), ?, ?, ?, ?, ?, ?)
                    """,
                    [.text(id), .text(id), .text(step), .integer(Int64(attempt)), .text(failure.code), .text(failure.message),
                     failure.detail.map(SQLiteValue.text) ?? .null, now]
                )
                if let ending = result.ending(afterAttempt: attempt, maxAttempts: maxAttempts) {
                    _ = try connection.query(
                        "UPDATE core_requests SET status = ?, attempts = ?, lease_owner = NULL, lease_until_ms = NULL, updated_at_ms = ? WHERE id = ?",
                        [.text(ending.rawValue), .integer(Int64(attempt)), now, .text(id)]
                    )
                    if ending.isFinal { try Self.writeEvent(connection, id: id, status: ending, nowMs: nowMs) }
                } else {
                    _ = try connection.query(
                        "UPDATE core_requests SET attempts = ?, due_at_ms = ?, lease_owner = NULL, lease_until_ms = NULL, updated_at_ms = ? WHERE id = ?",
                        [.integer(Int64(attempt)), .integer(retryAtMs), now, .text(id)]
                    )
                }
                return true
            }
        }
    }

    /// The final status's CloudEvent into the outbox, in the transaction that wrote the status.
    private static func writeEvent(_ connection: SQLiteConnection, id: String, status: RequestStatus, nowMs: Int64) throws {
        let rows = try connection.query(
            "SELECT source, document_type, correlation_id, batch_id, traceparent, tracestate FROM core_requests WHERE id = ?", [.text(id)]
        )
        guard let row = rows.first, let source = row.column("source")?.string, let type = row.column("document_type")?.string else {
            throw DatabaseError(.corrupt, "a request vanished while its final status was written")
        }
        let event = StatusEvent.make(
            eventID: UUID().uuidString.lowercased(), request: id, status: status, source: source, documentType: type,
            correlationId: row.column("correlation_id")?.string, batchId: row.column("batch_id")?.string, atMs: nowMs,
            trace: TraceCarrier(stored: row.column("traceparent")?.string, row.column("tracestate")?.string)
        )
        _ = try connection.query(
            "INSERT INTO core_outbox (event_id, request_id, payload, created_at_ms, traceparent, tracestate) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(event.eventID), .text(id), .text(event.payload), .integer(nowMs), event.trace.map { .text($0.traceparent) } ?? .null,
                event.trace?.tracestate.map(SQLiteValue.text) ?? .null,
            ]
        )
    }

    public func beginSubmission(_ id: String, owner: String, batchName: String, nowMs: Int64) async throws(DatabaseError) -> Bool {
        let now = SQLiteValue.integer(nowMs)
        // Grouped like `complete`: a round's submissions begin together.
        let moved = try await database.groupWrite(
            """
            UPDATE core_requests SET status = ?, batch_name = ?, updated_at_ms = ?
            WHERE id = ? AND status = ? AND lease_owner = ? RETURNING id
            """,
            [.text(RequestStatus.submitting.rawValue), .text(batchName), now, .text(id), .text(RequestStatus.enriched.rawValue), .text(owner)]
        )
        return !moved.isEmpty
    }

    /// Counted by scanning the table: what the stats must agree with (tests).
    func countsByScan() async throws(DatabaseError) -> [RequestStatus: Int] {
        let rows = try await database.read("SELECT status, COUNT(*) AS n FROM core_requests GROUP BY status")
        var counts: [RequestStatus: Int] = [:]
        for row in rows {
            if let status = row.column("status")?.string.flatMap(RequestStatus.init(rawValue:)), let count = row.column("n")?.integer {
                counts[status] = Int(count)
            }
        }
        return counts
    }

    public func unsentEvents(limit: Int) async throws(DatabaseError) -> [StatusEvent] {
        let rows = try await database.read(
            "SELECT event_id, request_id, payload, traceparent, tracestate FROM core_outbox WHERE sent_at_ms IS NULL ORDER BY created_at_ms, event_id LIMIT ?",
            [.integer(Int64(limit))]
        )
        return try rows.map { row throws(DatabaseError) in
            guard let event = row.column("event_id")?.string, let request = row.column("request_id")?.string, let payload = row.column("payload")?.string else {
                throw DatabaseError(.corrupt, "a core_outbox row has a missing column")
            }
            let trace = TraceCarrier(stored: row.column("traceparent")?.string, row.column("tracestate")?.string)
            return StatusEvent(eventID: event, requestID: request, payload: payload, trace: trace)
        }
    }

    /// One process holds the file, so one relay: nothing to claim against.
    public func claimEvents(limit: Int, nowMs: Int64, leaseUntilMs: Int64) async throws(DatabaseError) -> [StatusEvent] {
        try await unsentEvents(limit: limit)
    }

    public func releaseEvents(_ eventIDs: [String]) async throws(DatabaseError) {}

    public func markSent(_ eventIDs: [String], nowMs: Int64) async throws(DatabaseError) {
        guard !eventIDs.isEmpty else { return }
        _ = try await database.write { connection in
            // One statement per 500 events, not one per event: a round's bookkeeping. The `+`
            // keeps the planner on the primary key: through the unsent index it would read
            // every unsent event to find these (a whole backlog per round).
            for start in stride(from: 0, to: eventIDs.count, by: 500) {
                let chunk = eventIDs[start..<min(start + 500, eventIDs.count)]
                _ = try connection.query(
                    "UPDATE core_outbox SET sent_at_ms = ? WHERE event_id IN (\(Self.placeholders(chunk.count))) AND +sent_at_ms IS NULL",
                    [.integer(nowMs)] + chunk.map(SQLiteValue.text), cache: false
                )
            }
        }
    }

    public func outboxBacklog() async throws(DatabaseError) -> OutboxBacklog {
        let row = try await database.read("SELECT COUNT(*) AS n, MIN(created_at_ms) AS oldest FROM core_outbox WHERE sent_at_ms IS NULL").first
        return OutboxBacklog(unsent: Int(row?.column("n")?.integer ?? 0), oldestMs: row?.column("oldest")?.integer)
    }

    public func deleteSent(beforeMs: Int64, limit: Int) async throws(DatabaseError) -> Int {
        try await database.write { connection in
            _ = try connection.query(
                "DELETE FROM core_outbox WHERE event_id IN (SELECT event_id FROM core_outbox WHERE sent_at_ms < ? LIMIT ?)",
                [.integer(beforeMs), .integer(Int64(limit))]
            )
            return Int(try connection.query("SELECT changes() AS n").first?.column("n")?.integer ?? 0)
        }
    }

    public func act(_ action: OperatorAction, on id: String, nowMs: Int64) async throws(DatabaseError) -> ActionOutcome {
        let now = SQLiteValue.integer(nowMs)
        return try await database.write { connection in
            let rows = try connection.query("SELECT status FROM core_requests WHERE id = ?", [.text(id)])
            guard let current = rows.first?.column("status")?.string.flatMap(RequestStatus.init(rawValue:)) else { return .notFound }
            let history = try connection.query("SELECT status FROM core_history WHERE request_id = ? ORDER BY seq", [.text(id)])
            guard let (target, batch) = action.target(from: current, history: history.compactMap { $0.column("status")?.string.flatMap(RequestStatus.init(rawValue:)) }) else {
                return .notApplicable(current)
            }
            let (replace, batchID) = batch.column
            _ = try connection.query(
                """
                UPDATE core_requests SET status = ?, attempts = 0, due_at_ms = ?, lease_owner = NULL, lease_until_ms = NULL, updated_at_ms = ?,
                    batch_id = CASE WHEN ? THEN ? ELSE batch_id END
                WHERE id = ? AND status = ?
                """,
                [.text(target.rawValue), now, now, .integer(replace ? 1 : 0), batchID.map(SQLiteValue.text) ?? .null, .text(id), .text(current.rawValue)]
            )
            return .moved(to: target)
        }
    }

    public func shutdown() async {
        await database.close()
    }

    /// The statuses the jobs work on (UNCERTAIN waits for an operator).
    static let openStatuses: [RequestStatus] = [.received, .validated, .enriched, .submitting, .submitted]

    public func search(_ filter: RequestFilter, before: String?, limit: Int, window size: Int) async throws(DatabaseError) -> RequestPage {
        var (driving, rest) = filter.plan
        if let before { driving.add("id < ?", .text(before)) }
        let reads = SearchSQL(driving: driving, rest: rest, limit: limit, windowSize: size)
        guard let window = reads.window else {
            let rows = try await database.read(reads.direct, reads.directValues.map(Self.binding), cache: false)
            return reads.page(try rows.map(Self.record))
        }
        let ids = try await database.read(window.ids, window.idValues.map(Self.binding), cache: false).compactMap { $0.column("id")?.string }
        var end: SearchSQL.WindowEnd?
        if ids.count <= limit {
            let row = try await database.read(window.end, window.endValues.map(Self.binding), cache: false).first
            end = SearchSQL.WindowEnd(read: Int(row?.column("n")?.integer ?? 0), lowest: row?.column("low")?.string)
        }
        let shown = Array(ids.prefix(limit))
        let rows = shown.isEmpty ? [] : try await database.read(
            "SELECT \(Self.columns) FROM core_requests WHERE id IN (\(Self.placeholders(shown.count))) ORDER BY id DESC",
            shown.map(SQLiteValue.text), cache: false
        )
        return reads.page(try rows.map(Self.record), matched: ids.count, end: end)
    }

    public func count(_ filter: RequestFilter) async throws(DatabaseError) -> Int {
        let conditions = filter.conditions
        let rows = try await database.read("SELECT COUNT(*) AS n FROM core_requests\(SearchSQL.whereClause(conditions.sql))", conditions.values.map(Self.binding), cache: false)
        return Int(rows.first?.column("n")?.integer ?? 0)
    }

    public func detail(id: String) async throws(DatabaseError) -> RequestDetail? {
        guard let record = try await request(id: id) else { return nil }
        let rows = try await database.read(
            "SELECT request_key, idempotency_key, data, recipient, enrichment, due_at_ms, lease_owner, lease_until_ms FROM core_requests WHERE id = ?", [.text(id)]
        )
        guard let row = rows.first, let data = row.column("data")?.string, let due = row.column("due_at_ms")?.integer else { return nil }
        let events = try await database.read(
            "SELECT event_id, payload, created_at_ms, sent_at_ms FROM core_outbox WHERE request_id = ? ORDER BY created_at_ms DESC LIMIT 1", [.text(id)]
        )
        let event = events.first.flatMap { row -> PublishedEvent? in
            guard let eventID = row.column("event_id")?.string, let payload = row.column("payload")?.string, let created = row.column("created_at_ms")?.integer else { return nil }
            return PublishedEvent(eventID: eventID, payload: payload, createdAtMs: created, sentAtMs: row.column("sent_at_ms")?.integer)
        }
        return RequestDetail(
            record: record, idempotencyKey: row.column("request_key")?.string ?? row.column("idempotency_key")?.string ?? "", data: data,
            recipient: row.column("recipient")?.string, enrichment: row.column("enrichment")?.string, dueAtMs: due,
            leaseOwner: row.column("lease_owner")?.string, leaseUntilMs: row.column("lease_until_ms")?.integer,
            failures: try await failures(id: id), event: event
        )
    }

    public func stats(_ kind: CoreStats.Kind, sinceMinute: Int64, stepMinutes: Int64) async throws(DatabaseError) -> [CoreStats.Row] {
        let step = max(1, stepMinutes)
        let rows = try await database.read(
            """
            SELECT key, (minute / ?) * ? AS step_minute, SUM(n) AS n FROM (
                SELECT key, minute, n FROM core_stats WHERE kind = ? AND minute >= ?
                UNION ALL SELECT key, minute, delta AS n FROM core_stat_deltas WHERE kind = ? AND minute >= ?)
            GROUP BY key, step_minute
            """,
            [.integer(step), .integer(step), .text(kind.rawValue), .integer(sinceMinute), .text(kind.rawValue), .integer(sinceMinute)]
        )
        return try rows.map { row throws(DatabaseError) in
            guard let key = row.column("key")?.string, let minute = row.column("step_minute")?.integer, let n = row.column("n")?.integer else {
                throw DatabaseError(.corrupt, "a core_stats row has a missing column")
            }
            return CoreStats.Row(key: key, minute: minute, n: n)
        }
    }

    public func deleteFinished(beforeMs: Int64, limit: Int) async throws(DatabaseError) -> Int {
        try await database.write { connection in
            let rows = try connection.query(RetentionSQL.candidates(), [
                .text(RequestFilter.idPrefix(beforeMs)), .integer(beforeMs), .integer(Int64(limit)),
            ])
            let ids = rows.compactMap { $0.column("id")?.string }
            guard !ids.isEmpty else { return 0 }
            let list = Self.placeholders(ids.count)
            for statement in RetentionSQL.deletions(list) {
                _ = try connection.query(statement, ids.map(SQLiteValue.text), cache: false)
            }
            return ids.count
        }
    }

    public func compactStats(nowMs: Int64) async throws(DatabaseError) -> Int {
        try await database.write { connection in
            let range = try connection.query("SELECT MIN(seq) AS low, MAX(seq) AS high FROM core_stat_deltas").first
            guard let low = range?.column("low")?.integer, let high = range?.column("high")?.integer else { return 0 }
            // A bounded slice per transaction, so a backlog never holds the writer long.
            let top = min(high, low + 99_999)
            _ = try connection.query(
                """
                INSERT INTO core_stats (kind, key, minute, n)
                    SELECT kind, key, minute, SUM(delta) FROM core_stat_deltas WHERE seq <= ? GROUP BY kind, key, minute
                    ON CONFLICT (kind, key, minute) DO UPDATE SET n = n + excluded.n
                """,
                [.integer(top)]
            )
            _ = try connection.query("DELETE FROM core_stat_deltas WHERE seq <= ?", [.integer(top)])
            _ = try connection.query(
                "DELETE FROM core_stats WHERE kind <> 'count' AND minute < ?", [.integer(nowMs / 60_000 - CoreStats.keepMinutes)]
            )
            return Int(top - low + 1)
        }
    }

    /// `?, ?, …`: the binds of an `IN (…)` list of `count` values.
    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private static func binding(_ value: RequestFilter.SQLValue) -> SQLiteValue {
        switch value {
        case .text(let text): .text(text)
        case .integer(let number): .integer(number)
        }
    }

    private static let columns = SearchSQL.columns

    private static func record(_ row: SQLiteRow) throws(DatabaseError) -> RequestRecord {
        guard let id = row.column("id")?.string, let status = row.column("status")?.string.flatMap(RequestStatus.init(rawValue:)),
            let source = row.column("source")?.string, let type = row.column("document_type")?.string,
            let attempts = row.column("attempts")?.integer, let created = row.column("created_at_ms")?.integer,
            let updated = row.column("updated_at_ms")?.integer
        else { throw DatabaseError(.corrupt, "a core_requests row has a missing or unknown column") }
        return RequestRecord(
            id: id, status: status, source: source, documentType: type, correlationId: row.column("correlation_id")?.string,
            attempts: Int(attempts), batchId: row.column("batch_id")?.string, createdAtMs: created, updatedAtMs: updated, history: [],
            client: row.column("client")?.string, traceparent: row.column("traceparent")?.string, batchName: row.column("batch_name")?.string
        )
    }
}
