import Database
import EdgeRuntime
import HTTPTypes
import Hummingbird

/// The operator page: `GET /ops`, and `POST /ops/rerun/{id}` from its buttons (answered with
/// a redirect back to the page, so a reload does not post again).
///
/// Anti-forgery: through the gateway, a signed-in browser's requests carry `X-OMS-CSRF`, the
/// session's token, set by nginx from `oms auth`'s answer (never from the client). The page
/// puts it in every form, and a post from such a session must send it back. A caller with a
/// bearer token has no ambient credential to forge with, and its requests carry no header.
struct OpsRoutes: Sendable {
    let store: any CoreStore
    let page: OpsPage

    /// At most this many failed or rejected requests on the page (newest last in id order).
    static let maxRows = 200

    /// What the page can announce, by the key in `?notice=`.
    static let notices = ["rerun": "The request was sent back to work."]

    func add(to router: RouterGroup<EdgeRequestContext>) {
        router.get("/ops") { request, _ in
            let csrf = request.headers[Self.csrfHeader]
            // The notice is chosen by a key, never taken from the query: a link to the page
            // must not be able to make it say anything.
            let notice = request.uri.queryParameters["notice"].flatMap { Self.notices[String($0)] }
            return try await render(notice: notice, csrf: csrf)
        }
        router.post("/ops/rerun/:id") { request, context in
            let id = try CoreRoutes.requestID(context)
            try await Self.checkForgery(request)
            _ = try await CoreRoutes.rerun(id, store)
            return Response(status: .seeOther, headers: [.location: "/ops?notice=rerun"])
        }
    }

    static let csrfHeader = HTTPField.Name("X-OMS-CSRF")!
    static let maxFormBytes = 8 * 1024

    /// A post from a browser session must carry the session's token in its `csrf` field.
    static func checkForgery(_ request: Request) async throws {
        guard let expected = request.headers[csrfHeader], !expected.isEmpty else { return }
        let body = try await request.body.collect(upTo: maxFormBytes)
        let sent = FormFields.parse(String(buffer: body))["csrf"] ?? ""
        guard FormFields.constantTimeEqual(sent, expected) else {
            throw APIError(.forbidden, "csrf", "the form did not carry this session's anti-forgery token; reload the page and try again")
        }
    }

    private func render(notice: String?, csrf: String?) async throws(APIError) -> Response {
        let counts = try await APIError.database { () throws(DatabaseError) in try await store.counts() }
        let backlog = try await APIError.database { () throws(DatabaseError) in try await store.outboxBacklog() }
        var rows: [OpsPage.Row] = []
        for status in [RequestStatus.failed, .rejected] {
            let records = try await APIError.database { () throws(DatabaseError) in try await store.list(status: status, after: nil, limit: Self.maxRows) }
            for record in records {
                let failures = try await APIError.database { () throws(DatabaseError) in try await store.failures(id: record.id) }
                rows.append(OpsPage.row(record, failures))
            }
        }
        let html = page.render(
            counts: RequestStatus.allCases.map { OpsPage.Count(status: $0.rawValue, count: counts[$0] ?? 0) },
            backlog: OpsPage.Backlog(backlog), rows: rows, notice: notice, csrf: csrf
        )
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
