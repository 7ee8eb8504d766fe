import Database
import EdgeRuntime
import HTTPTypes
import Hummingbird

/// The operator console: the overview (`GET /ops`), the request list with its filters
/// (`GET /ops/requests`), a request's page (`GET /ops/requests/{id}`), the reruns
/// (`POST /ops/rerun/{id}`, and `POST /ops/rerun` for the FAILED requests a filter selects,
/// after a confirmation), and an UNCERTAIN request's confirm or resubmit
/// (`POST /ops/resolve/{id}`). Every post answers with a redirect, so a reload does not post again.
///
/// Anti-forgery: through the gateway, a signed-in browser's requests carry `X-OMS-CSRF`, the
/// session's token, set by nginx from `oms auth`'s answer (never from the client). The pages
/// put it in every form, and a post from such a session must send it back. A caller with a
/// bearer token has no ambient credential to forge with, and its requests carry no header.
struct OpsRoutes: Sendable {
    let store: any CoreStore
    let page: OpsPage

    /// Requests on one page of the list.
    static let pageSize = 50
    /// The latest failures on the overview.
    static let overviewFailures = 10
    /// At most this many are rerun by one confirmation.
    static let bulkLimit = 10_000

    func add(to router: RouterGroup<EdgeRequestContext>) {
        router.get("/ops") { request, _ in
            try await overview(notice: Self.notice(request))
        }
        router.get("/ops/requests") { request, _ in
            try await list(ConsoleQuery(FormFields.parse(request.uri.query ?? "")), csrf: request.headers[Self.csrfHeader], notice: Self.notice(request))
        }
        router.get("/ops/requests/:id") { request, context in
            let id = try CoreRoutes.requestID(context)
            guard let detail = try await APIError.database({ () throws(DatabaseError) in try await store.detail(id: id) }) else {
                throw APIError(.notFound, "not_found", "no request \(id)")
            }
            return Self.html(page.detail(detail, csrf: request.headers[Self.csrfHeader], notice: Self.notice(request)))
        }
        router.post("/ops/rerun/:id") { request, context in
            let id = try CoreRoutes.requestID(context)
            _ = try await Self.form(request)
            _ = try await CoreRoutes.act(.rerun, on: id, store)
            return Response(status: .seeOther, headers: [.location: "/ops/requests/\(id)?notice=rerun"])
        }
        router.post("/ops/resolve/:id") { request, context in
            let id = try CoreRoutes.requestID(context)
            let form = try await Self.form(request)
            let action = try Resolution.action(form["action"], batchId: form["batch_id"])
            _ = try await CoreRoutes.act(action, on: id, store)
            return Response(status: .seeOther, headers: [.location: "/ops/requests/\(id)?notice=\(action == .resubmit ? "resubmitted" : "confirmed")"])
        }
        router.post("/ops/rerun") { request, _ in
            let form = try await Self.form(request)
            let query = ConsoleQuery(form)
            var failed = query.filter
            failed.status = .failed
            guard form["confirm"] == "yes" else {
                let count = try await APIError.database { () throws(DatabaseError) in try await store.count(failed) }
                return Self.html(page.confirm(query, failed: count, limit: Self.bulkLimit, csrf: request.headers[Self.csrfHeader]))
            }
            let done = try await APIError.database { () throws(DatabaseError) in
                try await store.rerunFailed(query.filter, limit: Self.bulkLimit, nowMs: WallClock.millisecondsNow())
            }
            var back = query
            back.filter.status = .failed
            return Response(status: .seeOther, headers: [.location: back.link(notice: done > 0 ? "bulk" : "none")])
        }
    }

    static let csrfHeader = HTTPField.Name("X-OMS-CSRF")!
    static let maxFormBytes = 8 * 1024

    /// The fixed notice a `?notice=` key names, if any.
    static func notice(_ request: Request) -> String? {
        request.uri.queryParameters["notice"].flatMap { OpsPage.notices[String($0)] }
    }

    /// A posted form's fields, after the anti-forgery check: a post from a browser session
    /// must carry the session's token in its `csrf` field.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: maxFormBytes)
        let fields = FormFields.parse(String(buffer: body))
        if let expected = request.headers[csrfHeader], !expected.isEmpty {
            guard FormFields.constantTimeEqual(fields["csrf"] ?? "", expected) else {
                throw APIError(.forbidden, "csrf", "the form did not carry this session's anti-forgery token; reload the page and try again")
            }
        }
        return fields
    }

    private func overview(notice: String?) async throws(APIError) -> Response {
        let counts = try await APIError.database { () throws(DatabaseError) in try await store.counts() }
        let backlog = try await APIError.database { () throws(DatabaseError) in try await store.outboxBacklog() }
        let failed = try await APIError.database { () throws(DatabaseError) in
            try await store.search(RequestFilter(status: .failed), before: nil, limit: Self.overviewFailures).records
        }
        let nowMinute = WallClock.millisecondsNow() / 60_000
        var finished: [Int64: [CoreStats.Row]] = [:]
        var durations: [Int64: [CoreStats.Row]] = [:]
        for window in ConsoleCharts.windows {
            let since = ConsoleCharts.first(window, now: nowMinute)
            finished[window.minutes] = try await APIError.database { () throws(DatabaseError) in
                try await store.stats(.finished, sinceMinute: since, stepMinutes: window.step)
            }
            durations[window.minutes] = try await APIError.database { () throws(DatabaseError) in
                try await store.stats(.duration, sinceMinute: since, stepMinutes: window.step)
            }
        }
        let charts = ConsoleCharts(finished: finished, durations: durations, nowMinute: nowMinute).html()
        return Self.html(page.overview(
            counts: RequestStatus.allCases.map { OpsPage.Count(status: $0.rawValue, count: counts[$0] ?? 0) },
            backlog: OpsPage.Backlog(backlog), failed: failed.map(OpsPage.row), charts: charts, notice: notice
        ))
    }

    private func list(_ query: ConsoleQuery, csrf: String?, notice: String?) async throws(APIError) -> Response {
        let found = try await APIError.database { () throws(DatabaseError) in
            try await store.search(query.filter, before: query.before, limit: Self.pageSize)
        }
        return Self.html(page.list(
            query, rows: found.records.map(OpsPage.row), olderLink: found.next.map { query.link(before: $0) }, windowEnded: found.windowEnded,
            csrf: csrf, notice: notice
        ))
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
