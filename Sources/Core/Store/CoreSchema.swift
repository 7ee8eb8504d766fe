import Database

/// The core's tables. A request row carries what the jobs need to claim it (`status`,
/// `due_at_ms`, the lease); its history and failures are rows of their own.
enum CoreSchema {
    static let migrations = [
        Migration(
            component: "core", version: 1,
            sqlite: [
                """
                CREATE TABLE core_requests (
                    id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
                    source TEXT NOT NULL, document_type TEXT NOT NULL, data TEXT NOT NULL, recipient TEXT,
                    correlation_id TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                    due_at_ms INTEGER NOT NULL, lease_owner TEXT, lease_until_ms INTEGER, batch_id TEXT,
                    enrichment TEXT, created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID
                """,
                "CREATE INDEX core_requests_due ON core_requests (status, due_at_ms)",
                """
                CREATE TABLE core_history (
                    request_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL, at_ms INTEGER NOT NULL,
                    PRIMARY KEY (request_id, seq)) WITHOUT ROWID
                """,
                """
                CREATE TABLE core_failures (
                    request_id TEXT NOT NULL, seq INTEGER NOT NULL, step TEXT NOT NULL, attempt INTEGER NOT NULL,
                    code TEXT NOT NULL, message TEXT NOT NULL, detail TEXT, at_ms INTEGER NOT NULL,
                    PRIMARY KEY (request_id, seq)) WITHOUT ROWID
                """,
            ],
            postgres: [
                """
                CREATE TABLE core_requests (
                    id TEXT COLLATE "C" PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
                    source TEXT NOT NULL, document_type TEXT NOT NULL, data TEXT NOT NULL, recipient TEXT,
                    correlation_id TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                    due_at_ms BIGINT NOT NULL, lease_owner TEXT, lease_until_ms BIGINT, batch_id TEXT,
                    enrichment TEXT, created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL)
                """,
                "CREATE INDEX core_requests_due ON core_requests (status, due_at_ms)",
                """
                CREATE TABLE core_history (
                    request_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL, at_ms BIGINT NOT NULL,
                    PRIMARY KEY (request_id, seq))
                """,
                """
                CREATE TABLE core_failures (
                    request_id TEXT NOT NULL, seq INTEGER NOT NULL, step TEXT NOT NULL, attempt INTEGER NOT NULL,
                    code TEXT NOT NULL, message TEXT NOT NULL, detail TEXT, at_ms BIGINT NOT NULL,
                    PRIMARY KEY (request_id, seq))
                """,
            ]
        ),
        // The transactional outbox: an event row per final status, written with the status.
        Migration(
            component: "core", version: 2,
            sqlite: [
                """
                CREATE TABLE core_outbox (
                    event_id TEXT PRIMARY KEY, request_id TEXT NOT NULL, payload TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL, sent_at_ms INTEGER) WITHOUT ROWID
                """,
                "CREATE INDEX core_outbox_unsent ON core_outbox (sent_at_ms, created_at_ms)",
            ],
            postgres: [
                """
                CREATE TABLE core_outbox (
                    event_id TEXT PRIMARY KEY, request_id TEXT NOT NULL, payload TEXT NOT NULL,
                    created_at_ms BIGINT NOT NULL, sent_at_ms BIGINT)
                """,
                "CREATE INDEX core_outbox_unsent ON core_outbox (sent_at_ms, created_at_ms)",
            ]
        ),
        // Whose request it is: the calling client (client_id, else sub). Rows taken without an
        // access check have none.
        Migration(
            component: "core", version: 3,
            sqlite: ["ALTER TABLE core_requests ADD COLUMN client TEXT", "CREATE INDEX core_requests_client ON core_requests (client, id)"],
            postgres: ["ALTER TABLE core_requests ADD COLUMN client TEXT", "CREATE INDEX core_requests_client ON core_requests (client, id)"]
        ),
        // The trace a request's intake started (W3C `traceparent`, `tracestate`): its steps
        // continue it, and its final event carries it to Kafka.
        Migration(
            component: "core", version: 4,
            sqlite: traceColumns,
            postgres: traceColumns
        ),
        // The operator console's search and filters (the key after the client's newline).
        Migration(
            component: "core", version: 5,
            sqlite: consoleIndexes(keyOf: "CASE WHEN instr(idempotency_key, char(10)) > 0 THEN substr(idempotency_key, instr(idempotency_key, char(10)) + 1) ELSE idempotency_key END"),
            postgres: consoleIndexes(keyOf: "CASE WHEN strpos(idempotency_key, E'\\n') > 0 THEN substr(idempotency_key, strpos(idempotency_key, E'\\n') + 1) ELSE idempotency_key END")
        ),
        // The console's numbers, kept by triggers (CoreStats).
        Migration(component: "core", version: 6, sqlite: CoreStats.sqliteMigration, postgres: CoreStats.postgresMigration),
        // One publisher per event: a relay's claim on an outbox row, until it lapses.
        Migration(
            component: "core", version: 7,
            sqlite: ["ALTER TABLE core_outbox ADD COLUMN claimed_until_ms INTEGER"],
            postgres: ["ALTER TABLE core_outbox ADD COLUMN claimed_until_ms BIGINT"]
        ),
        // The name a batch is sent under, written before it is sent (SUBMITTING), so that a
        // worker taking the request over can ask Thunderhead for it. Batches sent before this
        // column existed were named after the request.
        Migration(component: "core", version: 8, sqlite: batchNameColumn, postgres: batchNameColumn),
        // A request's history, written by the database with each change of status (at the
        // row's `updated_at_ms`), so a step's result is one statement, not two.
        Migration(
            component: "core", version: 9,
            sqlite: [
                "CREATE TRIGGER core_history_insert AFTER INSERT ON core_requests BEGIN \(firstHistoryRow); END",
                "CREATE TRIGGER core_history_update AFTER UPDATE OF status ON core_requests WHEN OLD.status <> NEW.status BEGIN \(nextHistoryRow("NEW.id")); END",
            ],
            postgres: [
                // `core_requests.id` is COLLATE "C" and `core_history.request_id` is not: compared
                // in "C", the history's primary key could not be used, and every status change
                // would read the whole history table.
                """
                CREATE FUNCTION core_history_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        \(firstHistoryRow);
                    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
                        \(nextHistoryRow(#"NEW.id COLLATE "default""#));
                    END IF;
                    RETURN NULL;
                END $$
                """,
                "CREATE TRIGGER core_history_track AFTER INSERT OR UPDATE OF status ON core_requests FOR EACH ROW EXECUTE FUNCTION core_history_track()",
            ]
        ),
    ]

    private static let firstHistoryRow = "INSERT INTO core_history (request_id, seq, status, at_ms) VALUES (NEW.id, 1, NEW.status, NEW.updated_at_ms)"

    private static func nextHistoryRow(_ id: String) -> String {
        """
        INSERT INTO core_history (request_id, seq, status, at_ms)
        VALUES (NEW.id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM core_history WHERE request_id = \(id)), NEW.status, NEW.updated_at_ms)
        """
    }

    private static let batchNameColumn = [
        "ALTER TABLE core_requests ADD COLUMN batch_name TEXT",
        "UPDATE core_requests SET batch_name = 'oms-' || id WHERE batch_id IS NOT NULL",
    ]

    /// The console: the key as the client sent it (the stored one is scoped by client), and an
    /// index for each filter column, each with `id` next so a list comes newest first from
    /// the index, and the other filter columns after it, so a combination of filters is
    /// checked in the index without reading rows.
    private static func consoleIndexes(keyOf column: String) -> [String] {
        [
            "ALTER TABLE core_requests ADD COLUMN request_key TEXT",
            "UPDATE core_requests SET request_key = \(column)",
            "CREATE INDEX core_requests_key ON core_requests (request_key)",
            "CREATE INDEX core_requests_status_id ON core_requests (status, id, source, document_type)",
            "CREATE INDEX core_requests_source_id ON core_requests (source, id, document_type)",
            "CREATE INDEX core_requests_type_id ON core_requests (document_type, id)",
            // The detail page's event, found by request.
            "CREATE INDEX core_outbox_request ON core_outbox (request_id)",
        ]
    }

    private static let traceColumns = [
        "ALTER TABLE core_requests ADD COLUMN traceparent TEXT", "ALTER TABLE core_requests ADD COLUMN tracestate TEXT",
        "ALTER TABLE core_outbox ADD COLUMN traceparent TEXT", "ALTER TABLE core_outbox ADD COLUMN tracestate TEXT",
    ]
}
