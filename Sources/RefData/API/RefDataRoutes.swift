import Access
import Database
import EdgeRuntime
import HTTPTypes
import Hummingbird

/// `/refdata/v1/{kind}` and `/refdata/v1/{kind}/{key}`.
struct RefDataRoutes: Sendable {
    let service: RefDataService
    let maxBodyBytes: Int

    static let defaultPageSize = 100
    static let maxPageSize = 1000

    /// Reads need the `reads` endpoint's scopes, changes the `writes` endpoint's.
    func add(to router: Router<EdgeRequestContext>, access: AccessControl) {
        let reads = router.group().add(middleware: access.middleware("reads"))
        let writes = router.group().add(middleware: access.middleware("writes"))
        reads.get("/refdata/v1/:kind") { request, context in
            try await list(request, try kind(context))
        }
        reads.get("/refdata/v1/:kind/:key") { request, context in
            try await get(request, try kind(context), try key(context))
        }
        writes.put("/refdata/v1/:kind/:key") { request, context in
            let (kind, key) = (try kind(context), try key(context))
            return try await put(request, kind, key, try await request.jsonBody(upTo: maxBodyBytes))
        }
        writes.delete("/refdata/v1/:kind/:key") { request, context in
            try await delete(request, try kind(context), try key(context))
        }
        for method in [HTTPRequest.Method.post, .patch] {
            writes.on("/refdata/v1/:kind/:key", method: method) { request, _ in
                var response = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method.rawValue) is not allowed here; use GET, PUT or DELETE").response
                response.headers[.allow] = "GET, PUT, DELETE"
                return response
            }
        }
    }

    // MARK: Handlers

    private func get(_ request: Request, _ kind: String, _ key: String) async throws(APIError) -> Response {
        guard let item = try await APIError.database({ () throws(DatabaseError) in try await service.item(kind: kind, key: key) }) else {
            throw APIError(.notFound, "not_found", "no \(kind) item with key \(key)")
        }
        let tag = EntityTag.of(item.version)
        if let header = request.headers[.ifNoneMatch], try EntityTag.weakCondition(header).matches(item.version) {
            return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: "no-cache"])
        }
        var response = Response.json(.ok, ItemJSON.render(item))
        response.headers[.eTag] = tag
        response.headers[.cacheControl] = "no-cache"
        return response
    }

    private func list(_ request: Request, _ kind: String) async throws(APIError) -> Response {
        let query = request.uri.queryParameters
        var limit = Self.defaultPageSize
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...Self.maxPageSize).contains(value) else {
                throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to \(Self.maxPageSize)")
            }
            limit = value
        }
        var after: String?
        if let text = query["cursor"] {
            after = try PageCursor.key(from: String(text), isValid: ReferenceKey.isValid)
        }
        // One more than asked tells whether there is a next page.
        let items = try await APIError.database { () throws(DatabaseError) in try await service.list(kind: kind, after: after, limit: limit + 1) }
        var out = "{\"kind\":\"\(kind)\",\"items\":["
        for (index, item) in items.prefix(limit).enumerated() {
            if index > 0 { out += "," }
            ItemJSON.append(item, to: &out)
        }
        out += "]"
        if items.count > limit, let last = items.prefix(limit).last {
            out += ",\"nextCursor\":\"\(PageCursor.cursor(after: last.key))\""
        }
        return Response.json(.ok, out + "}")
    }

    private func put(_ request: Request, _ kind: String, _ key: String, _ body: [UInt8]) async throws(APIError) -> Response {
        let value = try ValueBody.compactObject(body)
        let ifMatch = try await precondition(request, kind, key)
        let outcome = try await APIError.database { () throws(DatabaseError) in try await service.put(kind: kind, key: key, value: value, ifMatch: ifMatch) }
        switch outcome {
        case .created(let item), .replaced(let item):
            var response = Response.json(outcome.isCreated ? .created : .ok, ItemJSON.render(item))
            response.headers[.eTag] = EntityTag.of(item.version)
            if outcome.isCreated { response.headers[.location] = "/refdata/v1/\(kind)/\(key)" }
            return response
        case .preconditionFailed(let current):
            throw Self.preconditionFailed(current)
        }
    }

    private func delete(_ request: Request, _ kind: String, _ key: String) async throws(APIError) -> Response {
        let ifMatch = try await precondition(request, kind, key)
        switch try await APIError.database({ () throws(DatabaseError) in try await service.delete(kind: kind, key: key, ifMatch: ifMatch) }) {
        case .deleted: return Response(status: .noContent)
        case .notFound: throw APIError(.notFound, "not_found", "no \(kind) item with key \(key)")
        case .preconditionFailed(let current): throw Self.preconditionFailed(current)
        }
    }

    // MARK: Helpers

    /// `If-Match` / `If-None-Match: *` on a write, as the version the store must still find.
    /// The header is compared with the current version here; the store then refuses the write
    /// if another one committed in between (412 either way).
    private func precondition(_ request: Request, _ kind: String, _ key: String) async throws(APIError) -> Int64? {
        let ifMatch = try request.headers[.ifMatch].map { (header) throws(APIError) in try EntityTag.condition(header) }
        let ifNoneMatch = try request.headers[.ifNoneMatch].map { (header) throws(APIError) in try EntityTag.weakCondition(header) }
        guard ifMatch != nil || ifNoneMatch != nil else { return nil }
        let current = try await APIError.database { () throws(DatabaseError) in try await service.current(kind: kind, key: key) }
        if let ifMatch, !ifMatch.matches(current?.version) { throw Self.preconditionFailed(current?.version) }
        if let ifNoneMatch, ifNoneMatch.matches(current?.version) { throw Self.preconditionFailed(current?.version) }
        // 0 asks the store to find no item at all (If-None-Match on an absent key).
        return current?.version ?? 0
    }

    private static func preconditionFailed(_ current: Int64?) -> APIError {
        APIError(.preconditionFailed, "precondition_failed", current.map { "the current version is \(EntityTag.of($0))" } ?? "the item does not exist")
    }


    private func kind(_ context: EdgeRequestContext) throws(APIError) -> String {
        let kind = context.parameters.get("kind") ?? ""
        try ItemName.checkKind(kind)
        return kind
    }

    private func key(_ context: EdgeRequestContext) throws(APIError) -> String {
        let key = context.parameters.get("key") ?? ""
        try ItemName.checkKey(key)
        return key
    }
}

extension PutOutcome {
    var isCreated: Bool {
        if case .created = self { return true }
        return false
    }
}
