import Database

/// The reference data tables. Keys compare byte by byte on both backends (PostgreSQL's
/// `COLLATE "C"`), so list pages and cursors mean the same everywhere.
enum RefDataSchema {
    static let migrations = [
        Migration(
            component: "refdata", version: 1,
            sqlite: [
                """
                CREATE TABLE refdata_items (
                    kind TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
                    value TEXT NOT NULL, updated_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (kind, key)) WITHOUT ROWID
                """,
                // SQLite has no sequences: the store-wide version counter is a one-row table.
                "CREATE TABLE refdata_clock (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
                "INSERT INTO refdata_clock (id, version) VALUES (1, 0)",
            ],
            postgres: [
                """
                CREATE TABLE refdata_items (
                    kind TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL,
                    value TEXT NOT NULL, updated_at_ms BIGINT NOT NULL,
                    PRIMARY KEY (kind, key))
                """,
                "CREATE SEQUENCE refdata_version",
            ]
        )
    ]
}
