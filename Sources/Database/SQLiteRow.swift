/// One row of a result, its values by column name.
public struct SQLiteRow: Sendable {
    /// Shared by every row of a result.
    let names: [String]
    let values: [SQLiteValue]

    /// The value of the column named `name` (as the statement names it), nil when the result
    /// has no such column.
    public func column(_ name: String) -> SQLiteValue? {
        names.firstIndex(of: name).map { values[$0] }
    }
}
