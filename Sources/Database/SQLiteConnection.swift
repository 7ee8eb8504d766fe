import GRDB

/// The connection a read or a write runs on, for as long as its closure runs (never kept:
/// the connection belongs to its queue).
public struct SQLiteConnection {
    let database: GRDB.Database

    /// Runs one statement with `binds`; its rows (none for most writes, `RETURNING` rows for
    /// some). A statement whose text never changes is prepared once per connection and kept
    /// (`cache`): preparing is most of a short statement's cost, and for an update of
    /// `core_requests` it compiles every trigger again. SQL built for a number of values (an
    /// `IN (…)` list, a filter) passes `cache: false`, or the cache would grow with each shape.
    public func query(_ sql: String, _ binds: [SQLiteValue] = [], cache: Bool = true) throws -> [SQLiteRow] {
        let statement = try cache ? database.cachedStatement(sql: sql) : database.makeStatement(sql: sql)
        try statement.setArguments(StatementArguments(binds.map(\.databaseValue)))
        let names = statement.columnNames
        var rows: [SQLiteRow] = []
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() {
            rows.append(SQLiteRow(names: names, values: row.databaseValues.map(SQLiteValue.init)))
        }
        return rows
    }

    /// Whether a transaction is open: after some failures SQLite rolls back the whole
    /// transaction, not just the statement.
    var isInsideTransaction: Bool { database.isInsideTransaction }
}
