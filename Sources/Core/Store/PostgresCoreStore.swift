import Foundation
import Database
import EdgeRuntime
import Logging
import PostgresNIO

/// `CoreStore` on PostgreSQL.
public final class PostgresCoreStore: CoreStore {
    private let database: PostgresPool

    public init(database: PostgresPool) {
        self.database = database
    }

    public func migrate() async throws(DatabaseError) {
        try await database.migrate(CoreSchema.migrations)
    }

    public func intake(_ request: DocumentRequest, idempotencyKey: String, client: String?, id: String, nowMs: Int64, trace: TraceCarrier?) async throws(DatabaseError) -> IntakeOutcome {
        let key = idempotencyKey
        let idempotencyKey = Self.scopedKey(idempotencyKey, client: client)
        let received = RequestStatus.received.rawValue
        return try await PostgresPool.mapped {
            try await database.transaction { connection in
                // ON CONFLICT DO NOTHING: of two intakes with one key, the second waits for the
                // first to commit, inserts nothing, and then finds the first below.
                let inserted = try await connection.query(
                    """
                    INSERT INTO core_requests (id, idempotency_key, body, source, document_type, data, recipient, correlation_id,
                        status, due_at_ms, created_at_ms, updated_at_ms, client, traceparent, tracestate, request_key)
                    VALUES (\(id), \(idempotencyKey), \(request.canonicalBody), \(request.source), \(request.documentType), \(request.data),
                        \(request.recipient), \(request.correlationId), \(received), \(nowMs), \(nowMs), \(nowMs), \(client),
                        \(trace?.traceparent), \(trace?.tracestate), \(key))
                    ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                    """,
                    logger: Self.quiet
                ).collect()
                if !inserted.isEmpty { return .accepted(id: id) }
                let rows = try await connection.query("SELECT id, body FROM core_requests WHERE idempotency_key = \(idempotencyKey)", logger: Self.quiet)
                for try await (first, body) in rows.decode((String, String).self) {
                    return body == request.canonicalBody ? .replayed(id: first) : .conflict(id: first)
                }
                throw DatabaseError(.corrupt, "an idempotency key conflicted but no request holds it")
            }
        }
    }

    public func request(id: String) async throws(DatabaseError) -> RequestRecord? {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM core_requests WHERE id = \(id)")
                guard var record = try await Self.records(rows).first else { return nil }
                let history = try await client.query("SELECT status, at_ms FROM core_history WHERE request_id = \(id) ORDER BY seq")
                for try await (status, at) in history.decode((String, Int64).self) {
                    guard let status = RequestStatus(rawValue: status) else { throw DatabaseError(.corrupt, "unknown status \(status) in core_history") }
                    record.history.append(RequestRecord.StatusChange(status: status, atMs: at))
                }
                return record
            }
        }
    }

    public func failures(id: String) async throws(DatabaseError) -> [RequestFailure] {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query(
                    "SELECT step, attempt, code, message, detail, at_ms FROM core_failures WHERE request_id = \(id) ORDER BY seq"
                )
                var failures: [RequestFailure] = []
                for try await (step, attempt, code, message, detail, at) in rows.decode((String, Int, String, String, String?, Int64).self) {
                    failures.append(RequestFailure(step: step, attempt: attempt, code: code, message: message, detail: detail, atMs: at))
                }
                return failures
            }
        }
    }

    public func list(status: RequestStatus?, after: String?, limit: Int, client owner: String?) async throws(DatabaseError) -> [RequestRecord] {
        try await PostgresPool.mapped {
            try await database.run { client in
                let after = after ?? ""
                let rows: PostgresRowSequence
                switch (status, owner) {
                case let (status?, owner?):
                    rows = try await client.query(
                        "SELECT \(unescaped: Self.columns) FROM core_requests WHERE status = \(status.rawValue) AND id > \(after) AND client = \(owner) ORDER BY id LIMIT \(limit)"
                    )
                case let (status?, nil):
                    rows = try await client.query(
                        "SELECT \(unescaped: Self.columns) FROM core_requests WHERE status = \(status.rawValue) AND id > \(after) ORDER BY id LIMIT \(limit)"
                    )
                case let (nil, owner?):
                    rows = try await client.query("SELECT \(unescaped: Self.columns) FROM core_requests WHERE id > \(after) AND client = \(owner) ORDER BY id LIMIT \(limit)")
                case (nil, nil):
                    rows = try await client.query("SELECT \(unescaped: Self.columns) FROM core_requests WHERE id > \(after) ORDER BY id LIMIT \(limit)")
                }
                return try await Self.records(rows)
            }
        }
    }

    public func claim(owner: String, nowMs: Int64, leaseUntilMs: Int64, limit: Int) async throws(DatabaseError) -> [ClaimedRequest] {
        let open = SQLiteCoreStore.openStatuses.map(\.rawValue)
        return try await PostgresPool.mapped {
            try await database.run { client in
                // SKIP LOCKED: workers claiming at the same moment take different rows instead
                // of queueing behind each other's row locks.
                let rows = try await client.query(
                    """
                    UPDATE core_requests SET lease_owner = \(owner), lease_until_ms = \(leaseUntilMs)
                    WHERE id IN (SELECT id FROM core_requests WHERE status = ANY(\(open)) AND due_at_ms <= \(nowMs)
                        AND (lease_until_ms IS NULL OR lease_until_ms < \(nowMs)) ORDER BY due_at_ms LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                    RETURNING id, status, source, document_type, data, recipient, correlation_id, enrichment, batch_id, batch_name, attempts,
                        traceparent, tracestate
                    """
                )
                var claimed: [ClaimedRequest] = []
                for try await row in rows.decode((String, String, String, String, String, String?, String?, String?, String?, String?, Int, String?, String?).self) {
                    guard let status = RequestStatus(rawValue: row.1) else { throw DatabaseError(.corrupt, "unknown status \(row.1) in core_requests") }
                    claimed.append(ClaimedRequest(
                        id: row.0, status: status, source: row.2, documentType: row.3, data: row.4, recipient: row.5,
                        correlationId: row.6, enrichment: row.7, batchId: row.8, batchName: row.9, attempts: row.10,
                        trace: TraceCarrier(stored: row.11, row.12)
                    ))
                }
                return claimed
            }
        }
    }

    public func complete(
        _ id: String, from: RequestStatus, owner: String, result: StepResult, step: String, maxAttempts: Int, retryAtMs: Int64, nowMs: Int64,
        keepingLeaseUntilMs: Int64?
    ) async throws(DatabaseError) -> Bool {
        try await PostgresPool.mapped {
            try await database.transaction { connection in
                let held = try await connection.query(
                    "SELECT attempts FROM core_requests WHERE id = \(id) AND status = \(from.rawValue) AND lease_owner = \(owner) FOR UPDATE",
                    logger: Self.quiet
                )
                var attempts: Int?
                for try await value in held.decode(Int.self) { attempts = value }
                guard let attempts else { return false }
                var next: RequestStatus?
                switch result {
                case .advance(let status, let enrichment, let batchId, let dueIn):
                    next = status
                    let kept = status.isFinal ? nil : keepingLeaseUntilMs
                    try await connection.query(
                        """
                        UPDATE core_requests SET status = \(status.rawValue), attempts = 0, due_at_ms = \(nowMs + dueIn),
                            lease_owner = CASE WHEN \(kept)::bigint IS NULL THEN NULL ELSE lease_owner END,
                            lease_until_ms = \(kept), enrichment = COALESCE(\(enrichment), enrichment), batch_id = COALESCE(\(batchId), batch_id),
                            updated_at_ms = \(nowMs) WHERE id = \(id)
                        """,
                        logger: Self.quiet
                    )
                case .wait(let delay):
                    try await connection.query(
                        "UPDATE core_requests SET due_at_ms = \(nowMs + delay), lease_owner = NULL, lease_until_ms = NULL WHERE id = \(id)",
                        logger: Self.quiet
                    )
                case .failure(let failure, _), .uncertain(let failure):
                    let attempt = attempts + 1
                    try await connection.query(
                        """
                        INSERT INTO core_failures (request_id, seq, step, attempt, code, message, detail, at_ms)
                        VALUES (\(id), (SELECT COALESCE(MAX(seq), 0) + 1 FROM core_failures WHERE request_id = \(id)), \(step), \(attempt),
                            \(failure.code), \(failure.message), \(failure.detail), \(nowMs))
                        """,
                        logger: Self.quiet
                    )
                    if let ending = result.ending(afterAttempt: attempt, maxAttempts: maxAttempts) {
                        next = ending
                        try await connection.query(
                            """
                            UPDATE core_requests SET status = \(ending.rawValue), attempts = \(attempt), lease_owner = NULL,
                                lease_until_ms = NULL, updated_at_ms = \(nowMs) WHERE id = \(id)
                            """,
                            logger: Self.quiet
                        )
                    } else {
                        try await connection.query(
                            """
                            UPDATE core_requests SET attempts = \(attempt), due_at_ms = \(retryAtMs), lease_owner = NULL, lease_until_ms = NULL,
                                updated_at_ms = \(nowMs) WHERE id = \(id)
                            """,
                            logger: Self.quiet
                        )
                    }
                }
                if let next, next.isFinal {
                    let rows = try await connection.query(
                        "SELECT source, document_type, correlation_id, batch_id, traceparent, tracestate FROM core_requests WHERE id = \(id)",
                        logger: Self.quiet
                    )
                    var event: StatusEvent?
                    for try await (source, type, correlation, batch, parent, state) in rows.decode((String, String, String?, String?, String?, String?).self) {
                        event = StatusEvent.make(
                            eventID: UUID().uuidString.lowercased(), request: id, status: next, source: source, documentType: type,
                            correlationId: correlation, batchId: batch, atMs: nowMs,
                            trace: TraceCarrier(stored: parent, state)
                        )
                    }
                    guard let event else { throw DatabaseError(.corrupt, "a request vanished while its final status was written") }
                    try await connection.query(
                        """
                        INSERT INTO core_outbox (event_id, request_id, payload, created_at_ms, traceparent, tracestate)
                        VALUES (\(event.eventID), \(id), \(event.payload), \(nowMs), \(event.trace?.traceparent), \(event.trace?.tracestate))
                        """,
                        logger: Self.quiet
                    )
                }
                return true
            }
        }
    }

    public func beginSubmission(_ id: String, owner: String, batchName: String, nowMs: Int64) async throws(DatabaseError) -> Bool {
        try await PostgresPool.mapped {
            try await database.run { client in
                // One statement (the history follows by trigger): no transaction of its own.
                let moved = try await client.query(
                    """
                    UPDATE core_requests SET status = \(RequestStatus.submitting.rawValue), batch_name = \(batchName), updated_at_ms = \(nowMs)
                    WHERE id = \(id) AND status = \(RequestStatus.enriched.rawValue) AND lease_owner = \(owner) RETURNING id
                    """
                )
                var found = false
                for try await _ in moved.decode(String.self) { found = true }
                return found
            }
        }
    }

    public func stats(_ kind: CoreStats.Kind, sinceMinute: Int64, stepMinutes: Int64) async throws(DatabaseError) -> [CoreStats.Row] {
        let step = max(1, stepMinutes)
        return try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query(
                    """
                    SELECT key, (minute / \(step)) * \(step) AS step_minute, SUM(n)::BIGINT FROM (
                        SELECT key, minute, n FROM core_stats WHERE kind = \(kind.rawValue) AND minute >= \(sinceMinute)
                        UNION ALL SELECT key, minute, delta FROM core_stat_deltas WHERE kind = \(kind.rawValue) AND minute >= \(sinceMinute)) AS both_parts
                    GROUP BY key, step_minute
                    """
                )
                var result: [CoreStats.Row] = []
                for try await (key, minute, n) in rows.decode((String, Int64, Int64).self) {
                    result.append(CoreStats.Row(key: key, minute: minute, n: n))
                }
                return result
            }
        }
    }

    public func deleteFinished(beforeMs: Int64, limit: Int) async throws(DatabaseError) -> Int {
        try await PostgresPool.mapped {
            try await database.transaction { connection in
                // SKIP LOCKED: a row a worker holds (a rerun in hand) is left for the next sweep.
                let candidates = Self.query(RetentionSQL.candidates(id: #"r.id COLLATE "default""#) + " FOR UPDATE SKIP LOCKED", [
                    .text(RequestFilter.idPrefix(beforeMs)), .integer(beforeMs), .integer(Int64(limit)),
                ])
                var ids: [String] = []
                for try await id in try await connection.query(candidates, logger: Self.quiet).decode(String.self) { ids.append(id) }
                guard !ids.isEmpty else { return 0 }
                for table in RetentionSQL.children {
                    try await connection.query("DELETE FROM \(unescaped: table) WHERE request_id = ANY(\(ids))", logger: Self.quiet)
                }
                try await connection.query("DELETE FROM core_requests WHERE id = ANY(\(ids))", logger: Self.quiet)
                return ids.count
            }
        }
    }

    public func compactStats(nowMs: Int64) async throws(DatabaseError) -> Int {
        let oldest = nowMs / 60_000 - CoreStats.keepMinutes
        return try await PostgresPool.mapped {
            try await database.transaction { connection in
                // One statement: the deltas taken are deleted and added in the same breath; a
                // second replica compacting at once skips the rows this one holds. Totals are
                // written in key order, so two compactions never wait on each other in a cycle.
                let rows = try await connection.query(
                    """
                    WITH moved AS (
                        DELETE FROM core_stat_deltas WHERE seq IN (SELECT seq FROM core_stat_deltas ORDER BY seq LIMIT 100000)
                        RETURNING kind, key, minute, delta),
                    folded AS (
                        INSERT INTO core_stats (kind, key, minute, n)
                        SELECT kind, key, minute, SUM(delta) FROM moved GROUP BY kind, key, minute ORDER BY kind, key, minute
                        ON CONFLICT (kind, key, minute) DO UPDATE SET n = core_stats.n + EXCLUDED.n)
                    SELECT COUNT(*)::BIGINT FROM moved
                    """,
                    logger: Self.quiet
                )
                var folded: Int64 = 0
                for try await count in rows.decode(Int64.self) { folded = count }
                try await connection.query("DELETE FROM core_stats WHERE kind <> 'count' AND minute < \(oldest)", logger: Self.quiet)
                return Int(folded)
            }
        }
    }

    /// Counted by scanning the table: what the stats must agree with (tests).
    func countsByScan() async throws(DatabaseError) -> [RequestStatus: Int] {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query("SELECT status, COUNT(*) FROM core_requests GROUP BY status")
                var counts: [RequestStatus: Int] = [:]
                for try await (status, count) in rows.decode((String, Int).self) {
                    if let status = RequestStatus(rawValue: status) { counts[status] = count }
                }
                return counts
            }
        }
    }

    public func unsentEvents(limit: Int) async throws(DatabaseError) -> [StatusEvent] {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query(
                    """
                    SELECT event_id, request_id, payload, traceparent, tracestate FROM core_outbox WHERE sent_at_ms IS NULL
                    ORDER BY created_at_ms, event_id LIMIT \(limit)
                    """
                )
                var events: [StatusEvent] = []
                for try await (event, request, payload, parent, state) in rows.decode((String, String, String, String?, String?).self) {
                    events.append(StatusEvent(eventID: event, requestID: request, payload: payload, trace: TraceCarrier(stored: parent, state)))
                }
                return events
            }
        }
    }

    public func claimEvents(limit: Int, nowMs: Int64, leaseUntilMs: Int64) async throws(DatabaseError) -> [StatusEvent] {
        try await PostgresPool.mapped {
            try await database.run { client in
                // SKIP LOCKED: two relays claiming at once take different rows, neither waits.
                // An event is claimable only as the oldest unsent one of its request, so two
                // relays never publish one request's events out of order.
                let rows = try await client.query(
                    """
                    UPDATE core_outbox SET claimed_until_ms = \(leaseUntilMs)
                    WHERE event_id IN (
                        SELECT o.event_id FROM core_outbox o
                        WHERE o.sent_at_ms IS NULL AND (o.claimed_until_ms IS NULL OR o.claimed_until_ms < \(nowMs))
                            AND NOT EXISTS (
                                SELECT 1 FROM core_outbox e WHERE e.request_id = o.request_id AND e.sent_at_ms IS NULL
                                    AND (e.created_at_ms, e.event_id) < (o.created_at_ms, o.event_id))
                        ORDER BY o.created_at_ms, o.event_id LIMIT \(limit)
                        FOR UPDATE SKIP LOCKED)
                    RETURNING event_id, request_id, payload, traceparent, tracestate, created_at_ms
                    """
                )
                var events: [(StatusEvent, Int64)] = []
                for try await (event, request, payload, parent, state, created) in rows.decode((String, String, String, String?, String?, Int64).self) {
                    events.append((StatusEvent(eventID: event, requestID: request, payload: payload, trace: TraceCarrier(stored: parent, state)), created))
                }
                // RETURNING has no order of its own.
                return events.sorted { ($0.1, $0.0.eventID) < ($1.1, $1.0.eventID) }.map(\.0)
            }
        }
    }

    public func releaseEvents(_ eventIDs: [String]) async throws(DatabaseError) {
        guard !eventIDs.isEmpty else { return }
        try await PostgresPool.mapped {
            try await database.run { client in
                try await client.query("UPDATE core_outbox SET claimed_until_ms = NULL WHERE event_id = ANY(\(eventIDs)) AND sent_at_ms IS NULL")
            }
        }
    }

    public func markSent(_ eventIDs: [String], nowMs: Int64) async throws(DatabaseError) {
        try await PostgresPool.mapped {
            try await database.run { client in
                try await client.query("UPDATE core_outbox SET sent_at_ms = \(nowMs) WHERE event_id = ANY(\(eventIDs)) AND sent_at_ms IS NULL")
            }
        }
    }

    public func outboxBacklog() async throws(DatabaseError) -> OutboxBacklog {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query("SELECT COUNT(*)::bigint, MIN(created_at_ms) FROM core_outbox WHERE sent_at_ms IS NULL")
                for try await (count, oldest) in rows.decode((Int64, Int64?).self) {
                    return OutboxBacklog(unsent: Int(count), oldestMs: oldest)
                }
                return OutboxBacklog(unsent: 0, oldestMs: nil)
            }
        }
    }

    public func deleteSent(beforeMs: Int64, limit: Int) async throws(DatabaseError) -> Int {
        try await PostgresPool.mapped {
            try await database.run { client in
                let rows = try await client.query(
                    "WITH gone AS (DELETE FROM core_outbox WHERE event_id IN (SELECT event_id FROM core_outbox WHERE sent_at_ms < \(beforeMs) LIMIT \(limit)) RETURNING 1) SELECT COUNT(*)::bigint FROM gone"
                )
                for try await count in rows.decode(Int64.self) { return Int(count) }
                return 0
            }
        }
    }

    public func act(_ action: OperatorAction, on id: String, nowMs: Int64) async throws(DatabaseError) -> ActionOutcome {
        try await PostgresPool.mapped {
            try await database.transaction { connection in
                let rows = try await connection.query("SELECT status FROM core_requests WHERE id = \(id) FOR UPDATE", logger: Self.quiet)
                var current: RequestStatus?
                for try await status in rows.decode(String.self) { current = RequestStatus(rawValue: status) }
                guard let current else { return .notFound }
                let history = try await connection.query("SELECT status FROM core_history WHERE request_id = \(id) ORDER BY seq", logger: Self.quiet)
                var statuses: [RequestStatus] = []
                for try await status in history.decode(String.self) { if let value = RequestStatus(rawValue: status) { statuses.append(value) } }
                guard let (target, batch) = action.target(from: current, history: statuses) else { return .notApplicable(current) }
                let (replace, batchID) = batch.column
                try await connection.query(
                    """
                    UPDATE core_requests SET status = \(target.rawValue), attempts = 0, due_at_ms = \(nowMs), lease_owner = NULL,
                        lease_until_ms = NULL, updated_at_ms = \(nowMs), batch_id = CASE WHEN \(replace) THEN \(batchID) ELSE batch_id END
                    WHERE id = \(id)
                    """,
                    logger: Self.quiet
                )
                return .moved(to: target)
            }
        }
    }

    public func shutdown() async {
        await database.close()
    }

    public func search(_ filter: RequestFilter, before: String?, limit: Int, window size: Int) async throws(DatabaseError) -> RequestPage {
        var (driving, rest) = filter.plan
        if let before { driving.add("id < ?", .text(before)) }
        let reads = SearchSQL(driving: driving, rest: rest, limit: limit, windowSize: size)
        return try await PostgresPool.mapped {
            try await database.run { client in
                guard let window = reads.window else {
                    return reads.page(try await Self.records(try await client.query(Self.query(reads.direct, reads.directValues))))
                }
                var ids: [String] = []
                for try await id in try await client.query(Self.query(window.ids, window.idValues)).decode(String.self) { ids.append(id) }
                var end: SearchSQL.WindowEnd?
                if ids.count <= limit {
                    for try await (read, lowest) in try await client.query(Self.query(window.end, window.endValues)).decode((Int64, String?).self) {
                        end = SearchSQL.WindowEnd(read: Int(read), lowest: lowest)
                    }
                }
                let shown = Array(ids.prefix(limit))
                let records = shown.isEmpty ? [] : try await Self.records(try await client.query(
                    "SELECT \(unescaped: Self.columns) FROM core_requests WHERE id = ANY(\(shown)) ORDER BY id DESC"
                ))
                return reads.page(records, matched: ids.count, end: end)
            }
        }
    }

    public func count(_ filter: RequestFilter) async throws(DatabaseError) -> Int {
        let conditions = filter.conditions
        let query = Self.query("SELECT COUNT(*) FROM core_requests\(SearchSQL.whereClause(conditions.sql))", conditions.values)
        return try await PostgresPool.mapped {
            try await database.run { client in
                for try await count in try await client.query(query).decode(Int64.self) { return Int(count) }
                return 0
            }
        }
    }

    public func detail(id: String) async throws(DatabaseError) -> RequestDetail? {
        guard let record = try await request(id: id) else { return nil }
        let failures = try await failures(id: id)
        return try await PostgresPool.mapped {
            try await database.run { client -> RequestDetail? in
                let rows = try await client.query(
                    "SELECT COALESCE(request_key, idempotency_key), data, recipient, enrichment, due_at_ms, lease_owner, lease_until_ms FROM core_requests WHERE id = \(id)"
                )
                var detail: RequestDetail?
                for try await (key, data, recipient, enrichment, due, owner, until) in rows.decode((String, String, String?, String?, Int64, String?, Int64?).self) {
                    detail = RequestDetail(
                        record: record, idempotencyKey: key, data: data, recipient: recipient, enrichment: enrichment, dueAtMs: due,
                        leaseOwner: owner, leaseUntilMs: until, failures: failures, event: nil
                    )
                }
                let events = try await client.query(
                    "SELECT event_id, payload, created_at_ms, sent_at_ms FROM core_outbox WHERE request_id = \(id) ORDER BY created_at_ms DESC LIMIT 1"
                )
                for try await (eventID, payload, created, sent) in events.decode((String, String, Int64, Int64?).self) {
                    detail?.event = PublishedEvent(eventID: eventID, payload: payload, createdAtMs: created, sentAtMs: sent)
                }
                return detail
            }
        }
    }

    /// `?` placeholders numbered as PostgreSQL wants them, the values bound in order. The SQL
    /// text is this file's and `RequestFilter`'s own; every value is a bind.
    private static func query(_ sql: String, _ values: [RequestFilter.SQLValue]) -> PostgresQuery {
        var text = ""
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                text += "$\(index)"
            } else {
                text.append(character)
            }
        }
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let string): binds.append(string)
            case .integer(let number): binds.append(number)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    private static let columns = SearchSQL.columns
    private static let quiet = Logger(label: "oms.core.postgres") { _ in SwiftLogNoOpLogHandler() }

    private static func records(_ rows: PostgresRowSequence) async throws -> [RequestRecord] {
        var records: [RequestRecord] = []
        for try await row in rows.decode((String, String, String, String, String?, Int, String?, Int64, Int64, String?, String?, String?).self) {
            guard let status = RequestStatus(rawValue: row.1) else { throw DatabaseError(.corrupt, "unknown status \(row.1) in core_requests") }
            records.append(RequestRecord(
                id: row.0, status: status, source: row.2, documentType: row.3, correlationId: row.4, attempts: row.5,
                batchId: row.6, createdAtMs: row.7, updatedAtMs: row.8, history: [], client: row.9, traceparent: row.10, batchName: row.11
            ))
        }
        return records
    }
}
