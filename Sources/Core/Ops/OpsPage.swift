import Database
import EdgeRuntime
import Foundation
import Mustache

/// The operator console, server-rendered with Mustache, which HTML-escapes every `{{value}}`:
/// error messages, details and request data come from clients and upstreams and must not
/// become markup. No page text is taken from the query string. Pages that show live numbers
/// reload themselves (a meta refresh of the same URL, so filters stay).
struct OpsPage: Sendable {
    /// Stored, not computed: Mustache reads stored properties only.
    struct Count: Sendable {
        let status: String
        let count: Int
        let link: String

        init(status: String, count: Int) {
            self.status = status
            self.count = count
            link = "/ops/requests?status=\(status)"
        }
    }

    /// The outbox: final-status events not yet published to Kafka.
    struct Backlog: Sendable {
        let unsent: Int
        let oldest: String?
        let age: String?

        init(_ backlog: OutboxBacklog, nowMs: Int64 = WallClock.millisecondsNow()) {
            unsent = backlog.unsent
            oldest = backlog.oldestMs.map(Timestamp.rfc3339(milliseconds:))
            age = backlog.oldestMs.map { OpsPage.duration(nowMs - $0) }
        }
    }

    /// A request in a list.
    struct Row: Sendable {
        let id: String
        let status: String
        let source: String
        let documentType: String
        let createdAt: String
        let updatedAt: String
        let attempts: Int
        let link: String
    }

    private let layout: MustacheTemplate
    private let overviewTemplate: MustacheTemplate
    private let listTemplate: MustacheTemplate
    private let detailTemplate: MustacheTemplate
    private let confirmTemplate: MustacheTemplate

    init() throws {
        layout = try MustacheTemplate(string: OpsTemplates.layout)
        overviewTemplate = try MustacheTemplate(string: OpsTemplates.overview)
        listTemplate = try MustacheTemplate(string: OpsTemplates.list)
        detailTemplate = try MustacheTemplate(string: OpsTemplates.detail)
        confirmTemplate = try MustacheTemplate(string: OpsTemplates.confirm)
    }

    /// Fixed notices, chosen by key (`?notice=`).
    static let notices = [
        "rerun": "The request was sent back to work.",
        "bulk": "The selected failed requests were sent back to work.",
        "none": "No failed request matched; nothing was sent back to work.",
        "confirmed": "The batch was adopted: the request follows it from now on.",
        "resubmitted": "A new batch will be sent for the request.",
    ]

    private func page(title: String, body: String, notice: String?, refresh: Bool) -> String {
        var values: [String: Any] = ["title": title, "body": body]
        // Only when there is one: an absent Optional passed as Any is a present value to
        // Mustache, and rendered as the text "nil".
        if let notice { values["notice"] = notice }
        if refresh { values["refresh"] = true }
        return layout.render(values)
    }

    /// `charts`: `ConsoleCharts`' HTML, inserted as it is (its texts are its own or numbers).
    func overview(counts: [Count], backlog: Backlog, failed: [Row], charts: String, notice: String?) -> String {
        let values: [String: Any] = ["counts": counts, "backlog": backlog, "failed": failed, "noneFailed": failed.isEmpty, "charts": charts]
        return page(title: "Overview", body: overviewTemplate.render(values), notice: notice, refresh: true)
    }

    func list(_ query: ConsoleQuery, rows: [Row], olderLink: String?, windowEnded: Bool = false, csrf: String?, notice: String?) -> String {
        var values: [String: Any] = [
            "rows": rows, "empty": rows.isEmpty, "statuses": RequestStatus.allCases.map { ["name": $0.rawValue, "selected": $0 == query.filter.status] },
            "source": query.filter.source ?? "", "type": query.filter.documentType ?? "", "q": query.filter.search ?? "",
            "from": ConsoleQuery.formatted(query.filter.fromMs), "to": ConsoleQuery.formatted(query.filter.toMs),
            "hidden": query.fields.map { ["name": $0.0, "value": $0.1] },
            "canBulk": query.filter.status == nil || query.filter.status == .failed,
        ]
        if let olderLink { values["older"] = olderLink }
        if let csrf { values["csrf"] = csrf }
        if query.dropped { values["dropped"] = true }
        if windowEnded { values["window"] = RequestFilter.searchWindow }
        return page(title: "Requests", body: listTemplate.render(values), notice: notice, refresh: query.before == nil)
    }

    func confirm(_ query: ConsoleQuery, failed: Int, limit: Int, csrf: String?) -> String {
        var values: [String: Any] = [
            "count": failed, "capped": failed > limit, "limit": limit, "none": failed == 0,
            "hidden": query.fields.filter { $0.0 != "status" }.map { ["name": $0.0, "value": $0.1] },
            "criteria": query.fields.filter { $0.0 != "status" }.map { "\($0.0) = \($0.1)" },
            "back": query.link(),
        ]
        if let csrf { values["csrf"] = csrf }
        return page(title: "Rerun failed requests", body: confirmTemplate.render(values), notice: nil, refresh: false)
    }

    func detail(_ detail: RequestDetail, csrf: String?, notice: String?) -> String {
        let record = detail.record
        var previous: Int64?
        let history = record.history.map { change -> [String: Any] in
            defer { previous = change.atMs }
            return ["status": change.status.rawValue, "at": Timestamp.rfc3339(milliseconds: change.atMs),
                    "after": previous.map { "+" + Self.duration(change.atMs - $0) } ?? ""]
        }
        let fields: [(String, String?)] = [
            ("id", record.id), ("status", record.status.rawValue), ("source", record.source), ("document type", record.documentType),
            ("client", record.client), ("idempotency key", detail.idempotencyKey), ("correlation id", record.correlationId),
            ("recipient", detail.recipient), ("batch name", record.batchName), ("batch id", record.batchId), ("attempts", String(record.attempts)),
            ("created", Timestamp.rfc3339(milliseconds: record.createdAtMs)), ("updated", Timestamp.rfc3339(milliseconds: record.updatedAtMs)),
            ("due", Timestamp.rfc3339(milliseconds: detail.dueAtMs)), ("lease", detail.leaseOwner.map { owner in "\(owner) until \(detail.leaseUntilMs.map(Timestamp.rfc3339(milliseconds:)) ?? "?")" }),
            ("trace id", record.traceID),
        ]
        var values: [String: Any] = [
            "id": record.id, "status": record.status.rawValue,
            "fields": fields.compactMap { name, value in value.map { ["name": name, "value": $0] } },
            "history": history, "data": Self.pretty(detail.data),
            "failures": detail.failures.map { failure -> [String: Any] in
                var row: [String: Any] = ["at": Timestamp.rfc3339(milliseconds: failure.atMs), "step": failure.step, "attempt": failure.attempt, "code": failure.code, "message": failure.message]
                if let text = failure.detail { row["detail"] = Self.pretty(text) }
                return row
            },
            "noFailures": detail.failures.isEmpty,
            "rerunnable": record.status == .failed || record.status == .rejected,
        ]
        if record.status == .uncertain { values["uncertain"] = ["batchName": record.batchName ?? "(none recorded)"] }
        if let enrichment = detail.enrichment { values["enrichment"] = Self.pretty(enrichment) }
        if let event = detail.event {
            var shown: [String: Any] = ["id": event.eventID, "written": Timestamp.rfc3339(milliseconds: event.createdAtMs), "payload": Self.pretty(event.payload)]
            if let sent = event.sentAtMs { shown["sent"] = Timestamp.rfc3339(milliseconds: sent) }
            values["event"] = shown
        }
        if let csrf { values["csrf"] = csrf }
        // A page that waits for the operator's input does not reload under their hands.
        let settled = record.status.isFinal || record.status == .uncertain
        return page(title: "Request \(record.id)", body: detailTemplate.render(values), notice: notice, refresh: !settled)
    }

    static func row(_ record: RequestRecord) -> Row {
        Row(
            id: record.id, status: record.status.rawValue, source: record.source, documentType: record.documentType,
            createdAt: Timestamp.rfc3339(milliseconds: record.createdAtMs), updatedAt: Timestamp.rfc3339(milliseconds: record.updatedAtMs),
            attempts: record.attempts, link: "/ops/requests/\(record.id)"
        )
    }

    /// `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 10 min`.
    static func duration(_ ms: Int64) -> String {
        let ms = max(0, ms)
        if ms < 1000 { return "\(ms) ms" }
        if ms < 60_000 { return String(format: "%.1f s", Double(ms) / 1000) }
        if ms < 3_600_000 { return "\(ms / 60_000) min \(ms % 60_000 / 1000) s" }
        return "\(ms / 3_600_000) h \(ms % 3_600_000 / 60_000) min"
    }

    /// JSON text indented for reading; anything else as it is.
    static func pretty(_ text: String) -> String {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]) else { return text }
        return String(decoding: pretty, as: UTF8.self)
    }
}
