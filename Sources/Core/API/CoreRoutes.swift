import Foundation
import Access
import Database
import EdgeRuntime
import HTTPTypes
import Hummingbird

/// `/v1/requests`: intake with idempotency keys, status with history, failures, lists.
struct CoreRoutes: Sendable {
    let store: any CoreStore
    let maxBodyBytes: Int

    static let defaultPageSize = 100
    static let maxPageSize = 1000

    /// Intake, status (and list), rerun and resolve, each behind its endpoint's access check.
    func add(to router: Router<EdgeRequestContext>, access: AccessControl) {
        let intakes = router.group().add(middleware: access.middleware("intake"))
        let reads = router.group().add(middleware: access.middleware("status"))
        let reruns = router.group().add(middleware: access.middleware("rerun"))
        intakes.post("/v1/requests") { request, context in
            try await intake(request, client: context.caller?.client)
        }
        reads.get("/v1/requests") { request, context in
            try await list(request, client: Self.owner(context))
        }
        reads.get("/v1/requests/:id") { _, context in
            let id = try Self.requestID(context)
            let record = try await visibleRequest(id, context)
            return Response.json(.ok, RequestJSON.request(record, history: true).serialized())
        }
        reruns.post("/v1/requests/:id/rerun") { _, context in
            let id = try Self.requestID(context)
            let status = try await Self.act(.rerun, on: id, store)
            return Response.json(.accepted, RequestJSON.moved(id, status: status).serialized())
        }
        // An operator's answer to an UNCERTAIN request: the same permission as a rerun.
        reruns.post("/v1/requests/:id/resolve") { request, context in
            let id = try Self.requestID(context)
            let action = try Resolution.action(json: try await request.jsonBody(upTo: 4096))
            let status = try await Self.act(action, on: id, store)
            return Response.json(.accepted, RequestJSON.moved(id, status: status).serialized())
        }
        reads.get("/v1/requests/:id/errors") { _, context in
            let id = try Self.requestID(context)
            _ = try await visibleRequest(id, context)
            let failures = try await APIError.database { () throws(DatabaseError) in try await store.failures(id: id) }
            return Response.json(.ok, RequestJSON.failures(id, failures).serialized())
        }
    }

    /// Whose requests the caller sees: its own, unless its token carries `operator` (or no
    /// access check names a caller: `access.mode: none`).
    static func owner(_ context: EdgeRequestContext) -> String? {
        guard let caller = context.caller, !caller.scopes.contains("operator") else { return nil }
        return caller.client
    }

    /// The request, when it is the caller's to see; another client's is as unknown as a
    /// request that does not exist (404), so its existence does not leak either.
    private func visibleRequest(_ id: String, _ context: EdgeRequestContext) async throws(APIError) -> RequestRecord {
        guard let record = try await APIError.database({ () throws(DatabaseError) in try await store.request(id: id) }) else { throw Self.notFound(id) }
        if let owner = Self.owner(context), record.client != owner { throw Self.notFound(id) }
        return record
    }

    private func intake(_ request: Request, client: String?) async throws(APIError) -> Response {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else {
            throw APIError(.badRequest, "missing_idempotency_key", "an Idempotency-Key header is required")
        }
        guard (1...128).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw APIError(.badRequest, "invalid_idempotency_key", "the Idempotency-Key must be 1 to 128 visible ASCII characters")
        }
        let document = try DocumentRequest(json: try await request.jsonBody(upTo: maxBodyBytes))
        let now = WallClock.millisecondsNow()
        let outcome = try await APIError.database { () throws(DatabaseError) in
            // The intake's server span: every later step of the request continues its trace.
            try await store.intake(document, idempotencyKey: key, client: client, id: RequestID.make(nowMs: now), nowMs: now, trace: TraceContext.carrier())
        }
        switch outcome {
        case .accepted(let id), .replayed(let id):
            var response = Response.json(.accepted, RequestJSON.accepted(id).serialized())
            response.headers[.location] = "/v1/requests/\(id)"
            if case .replayed = outcome { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return response
        case .conflict(let id):
            throw APIError(.conflict, "idempotency_conflict", "this Idempotency-Key was used for request \(id) with a different body")
        }
    }

    private func list(_ request: Request, client: String?) async throws(APIError) -> Response {
        let query = request.uri.queryParameters
        var status: RequestStatus?
        if let text = query["status"] {
            guard let value = RequestStatus(rawValue: String(text)) else {
                throw APIError(.badRequest, "invalid_status", "status must be one of \(RequestStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = value
        }
        var limit = Self.defaultPageSize
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...Self.maxPageSize).contains(value) else {
                throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to \(Self.maxPageSize)")
            }
            limit = value
        }
        let after = try query["cursor"].map { (text) throws(APIError) in try PageCursor.key(from: String(text), isValid: RequestID.isValid) }
        let records = try await APIError.database { () throws(DatabaseError) in try await store.list(status: status, after: after, limit: limit + 1, client: client) }
        let next = records.count > limit ? records.prefix(limit).last.map { PageCursor.cursor(after: $0.id) } : nil
        return Response.json(.ok, RequestJSON.page(records.prefix(limit), next: next).serialized())
    }

    /// An operator's action for the API and the console alike; the status it moved the
    /// request to.
    static func act(_ action: OperatorAction, on id: String, _ store: any CoreStore) async throws(APIError) -> RequestStatus {
        switch try await APIError.database({ () throws(DatabaseError) in try await store.act(action, on: id, nowMs: WallClock.millisecondsNow()) }) {
        case .moved(let status):
            return status
        case .notApplicable(let status) where action == .rerun:
            throw APIError(.conflict, "not_rerunnable", "request \(id) is \(status.rawValue); only FAILED and REJECTED requests can be rerun")
        case .notApplicable(let status):
            throw APIError(.conflict, "not_uncertain", "request \(id) is \(status.rawValue); only UNCERTAIN requests can be confirmed or resubmitted")
        case .notFound:
            throw notFound(id)
        }
    }

    /// The `:id` of the path; 404 for anything that cannot be a request id.
    static func requestID(_ context: EdgeRequestContext) throws(APIError) -> String {
        let id = context.parameters.get("id") ?? ""
        guard RequestID.isValid(id) else { throw Self.notFound(id) }
        return id
    }

    private static func notFound(_ id: String) -> APIError {
        APIError(.notFound, "not_found", "no request \(String(id.prefix(64).debugDescription))")
    }
}
