/// The SQL of one page of the console's list, the same in both databases (`?` placeholders;
/// PostgreSQL numbers them). Without a combination of filters, one indexed query. With one,
/// the ids come from a window of the driving index (`RequestFilter.searchWindow` entries,
/// newest first) filtered on the other columns, which that index also holds: no row is read
/// until the page's own, however rare the combination.
struct SearchSQL {
    let driving: RequestFilter.Conditions
    let rest: RequestFilter.Conditions
    let limit: Int
    /// Index entries a page of a combination reads at most.
    var windowSize = RequestFilter.searchWindow

    /// The columns of a record, as both stores read them.
    static let columns = "id, status, source, document_type, correlation_id, attempts, batch_id, created_at_ms, updated_at_ms, client, traceparent, batch_name"

    var direct: String {
        "SELECT \(Self.columns) FROM core_requests\(Self.whereClause(driving.sql)) ORDER BY id DESC LIMIT ?"
    }

    /// One more than a page: whether there is a next one, without counting.
    var directValues: [RequestFilter.SQLValue] { driving.values + [.integer(Int64(limit + 1))] }

    struct Window {
        let ids: String
        let idValues: [RequestFilter.SQLValue]
        /// How many entries the window read, and its oldest id.
        let end: String
        let endValues: [RequestFilter.SQLValue]
    }

    struct WindowEnd {
        let read: Int
        let lowest: String?
    }

    var window: Window? {
        guard !rest.sql.isEmpty else { return nil }
        let entries = "SELECT id, source, document_type FROM core_requests\(Self.whereClause(driving.sql)) ORDER BY id DESC LIMIT \(windowSize)"
        return Window(
            ids: "SELECT id FROM (\(entries)) AS entries\(Self.whereClause(rest.sql)) ORDER BY id DESC LIMIT ?",
            idValues: driving.values + rest.values + [.integer(Int64(limit + 1))],
            end: "SELECT COUNT(*) AS n, MIN(id) AS low FROM (\(entries)) AS entries",
            endValues: driving.values
        )
    }

    /// The page from the records read: `matched` ids were found (one more than `limit` means
    /// a next page); `end`, when the window was read to its end, says where to go on.
    func page(_ records: [RequestRecord], matched: Int? = nil, end: WindowEnd? = nil) -> RequestPage {
        let found = matched ?? records.count
        let shown = Array(records.prefix(limit))
        if found > limit { return RequestPage(records: shown, next: shown.last?.id) }
        if let end, end.read >= windowSize, let lowest = end.lowest {
            return RequestPage(records: shown, next: lowest, windowEnded: true)
        }
        return RequestPage(records: shown, next: nil)
    }

    static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }
}
