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
    /// UUIDv7 layout), so it uses whichever index ends in `id`.
    var conditions: (sql: [String], values: [SQLValue]) {
        var sql: [String] = []
        var values: [SQLValue] = []
        if let status { sql.append("status = ?"); values.append(.text(status.rawValue)) }
        if let source { sql.append("source = ?"); values.append(.text(source)) }
        if let documentType { sql.append("document_type = ?"); values.append(.text(documentType)) }
        if let fromMs { sql.append("id >= ?"); values.append(.text(Self.idPrefix(fromMs))) }
        if let toMs { sql.append("id < ?"); values.append(.text(Self.idPrefix(toMs))) }
        if let search {
            sql.append("(id = ? OR request_key = ?)")
            values += [.text(search), .text(search)]
        }
        return (sql, values)
    }

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
