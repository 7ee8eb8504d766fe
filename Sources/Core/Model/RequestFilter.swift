/// What the operator console's request list is narrowed to. Every part is optional; the
/// parts given must all match.
public struct RequestFilter: Sendable, Equatable {
    public var status: RequestStatus?
    public var source: String?
    public var documentType: String?
    /// Created at or after (ms since the epoch).
    public var fromMs: Int64?
    /// Created before.
    public var toMs: Int64?
    /// A request id, or an idempotency key as its client sent it (any client's).
    public var search: String?

    public init(status: RequestStatus? = nil, source: String? = nil, documentType: String? = nil, fromMs: Int64? = nil, toMs: Int64? = nil, search: String? = nil) {
        self.status = status
        self.source = source
        self.documentType = documentType
        self.fromMs = fromMs
        self.toMs = toMs
        self.search = search
    }

    /// The filter as SQL conditions over `core_requests` with `?` placeholders, and their
    /// values in order. A time range is an id range: ids begin with their creation time (the
    /// UUIDv7 layout), so it uses whichever index has `id` after the column it filters.
    var conditions: Conditions {
        let plan = self.plan
        return Conditions(sql: plan.driving.sql + plan.rest.sql, values: plan.driving.values + plan.rest.values)
    }

    struct Conditions: Sendable, Equatable {
        var sql: [String] = []
        var values: [SQLValue] = []

        mutating func add(_ condition: String, _ new: SQLValue...) {
            sql.append(condition)
            values += new
        }
    }

    /// How a list is read. `driving`: the conditions one index answers in id order (the first
    /// of status, source, document type, with the time range, or the search); `rest`: the
    /// other columns, checked within a bounded window of that index (`SearchWindow`) so a
    /// combination that matches little or nothing never walks a whole index.
    var plan: (driving: Conditions, rest: Conditions) {
        var driving = Conditions()
        var rest = Conditions()
        if let search {
            driving.add("(id = ? OR request_key = ?)", .text(search), .text(search))
        }
        for (column, value) in [("status", status?.rawValue), ("source", source), ("document_type", documentType)] {
            guard let value else { continue }
            if driving.sql.isEmpty { driving.add("\(column) = ?", .text(value)) } else { rest.add("\(column) = ?", .text(value)) }
        }
        if let fromMs { driving.add("id >= ?", .text(Self.idPrefix(fromMs))) }
        if let toMs { driving.add("id < ?", .text(Self.idPrefix(toMs))) }
        // A search is an exact match: what remains is cheap to check on its few rows.
        if search != nil {
            driving.sql += rest.sql
            driving.values += rest.values
            rest = Conditions()
        }
        return (driving, rest)
    }

    /// Index entries one page of a combined filter reads at most.
    static let searchWindow = 20_000

    /// The smallest id made at `ms`: its 48-bit time in the UUID's first two groups.
    static func idPrefix(_ ms: Int64) -> String {
        let clamped = UInt64(max(0, min(ms, (1 << 48) - 1)))
        let high = String(clamped >> 16, radix: 16)
        let low = String(clamped & 0xFFFF, radix: 16)
        return String(repeating: "0", count: 8 - high.count) + high + "-" + String(repeating: "0", count: 4 - low.count) + low
    }

    public var isEmpty: Bool { self == RequestFilter() }

    enum SQLValue: Sendable, Equatable {
        case text(String)
        case integer(Int64)
    }
}

/// One page of the console's list, newest first.
public struct RequestPage: Sendable, Equatable {
    public var records: [RequestRecord]
    /// Where the next page starts (its `before`); nil at the end.
    public var next: String?
    /// The page ended at its window (`RequestFilter.searchWindow` index entries read) before
    /// it was full: `next` goes on reading from there.
    public var windowEnded = false
}

/// A request with everything the console's detail page shows.
public struct RequestDetail: Sendable, Equatable {
    public var record: RequestRecord
    /// The idempotency key as its client sent it.
    public var idempotencyKey: String
    public var data: String
    public var recipient: String?
    public var enrichment: String?
    public var dueAtMs: Int64
    public var leaseOwner: String?
    public var leaseUntilMs: Int64?
    public var failures: [RequestFailure]
    /// The final-status event as written to the outbox, and when it was published.
    public var event: PublishedEvent?
}

public struct PublishedEvent: Sendable, Equatable {
    public var eventID: String
    public var payload: String
    public var createdAtMs: Int64
    /// nil while it waits in the outbox.
    public var sentAtMs: Int64?
}
