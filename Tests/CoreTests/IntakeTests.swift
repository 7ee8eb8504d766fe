import Core
import JSON
import TestSupport
import Testing

/// `POST /v1/requests` and the status routes over HTTP, on both backends.
@Suite struct IntakeTests {
    static let body = #"{"source": "crm", "documentType": "invoice", "data": {"amount": 12.10}, "correlationId": "c-1"}"#

    @Test(arguments: TestDatabase.allCases)
    func intakeIsDurableAndIdempotent(_ backend: TestDatabase) async throws {
        let stack = try await CoreStack.start(backend)
        let first = try await stack.submit(Self.body, key: "order-1")
        #expect(first.status == 202, "\(first.text)")
        let id = try #require(first.body?["id"]?.stringValue)
        #expect(first.body?["status"] == "RECEIVED")
        #expect(first.header("Location") == "/v1/requests/\(id)")
        #expect(first.header("Idempotent-Replayed") == nil)

        // The same key and body (whitespace aside): the first answer again, nothing new stored.
        let again = try await stack.submit(Self.body.replacingOccurrences(of: ", ", with: ",   "), key: "order-1")
        #expect(again.status == 202)
        #expect(again.body == first.body)
        #expect(again.header("Idempotent-Replayed") == "true")
        // The same key with another body: 409, naming the first request.
        let conflict = try await stack.submit(Self.body.replacingOccurrences(of: "12.10", with: "12.1"), key: "order-1")
        #expect(conflict.status == 409)
        #expect(conflict.body?["error"]?["code"] == "idempotency_conflict")
        #expect(conflict.body?["error"]?["message"]?.stringValue?.contains(id) == true)

        let status = try await stack.call("GET", "/v1/requests/\(id)")
        #expect(status.status == 200)
        #expect(status.body?["status"] == "RECEIVED")
        #expect(status.body?["source"] == "crm")
        #expect(status.body?["documentType"] == "invoice")
        #expect(status.body?["correlationId"] == "c-1")
        let history = try #require(status.body?["history"]?.arrayValue)
        #expect(history.count == 1)
        #expect(history.first?["status"] == "RECEIVED")
        #expect(history.first?["at"]?.stringValue?.hasSuffix("Z") == true)
        let errors = try await stack.call("GET", "/v1/requests/\(id)/errors")
        #expect(errors.status == 200)
        #expect(errors.body == .object(["id": .string(id), "errors": .array([])]))
        await stack.stop()
    }

    @Test(arguments: TestDatabase.allCases)
    func oneKeySentTwentyTimesAtOnceMakesOneRequest(_ backend: TestDatabase) async throws {
        let stack = try await CoreStack.start(backend)
        let answers = try await withThrowingTaskGroup(of: CoreStack.Answer.self) { group in
            for _ in 0..<20 { group.addTask { try await stack.submit(Self.body, key: "same") } }
            return try await group.reduce(into: [CoreStack.Answer]()) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0.status == 202 })
        #expect(Set(answers.compactMap { $0.body?["id"]?.stringValue }).count == 1)
        #expect(answers.filter { $0.header("Idempotent-Replayed") == nil }.count == 1)
        let listed = try await stack.call("GET", "/v1/requests")
        #expect(listed.body?["items"]?.arrayValue?.count == 1)
        await stack.stop()
    }

    @Test(arguments: TestDatabase.allCases)
    func listsPageByIdAndFilterByStatus(_ backend: TestDatabase) async throws {
        let stack = try await CoreStack.start(backend)
        var ids: [String] = []
        for index in 0..<5 {
            let answer = try await stack.submit(Self.body, key: "k\(index)")
            ids.append(try #require(answer.body?["id"]?.stringValue))
        }
        var seen: [String] = []
        var path = "/v1/requests?status=RECEIVED&limit=2"
        for _ in 0..<10 {
            let page = try await stack.call("GET", path)
            #expect(page.status == 200, "\(page.text)")
            seen += page.body?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            guard let cursor = page.body?["nextCursor"]?.stringValue else { break }
            path = "/v1/requests?status=RECEIVED&limit=2&cursor=\(cursor)"
        }
        #expect(seen == ids.sorted())
        #expect(Set(seen) == Set(ids))
        #expect(try await stack.call("GET", "/v1/requests?status=FAILED").body?["items"] == .array([]))
        for bad in ["status=DONE", "limit=0", "limit=abc", "cursor=zz", "cursor=Li4vZXRj"] {
            #expect(try await stack.call("GET", "/v1/requests?\(bad)").status == 400, "\(bad)")
        }
        await stack.stop()
    }

    @Test func refusalsAreClear() async throws {
        let stack = try await CoreStack.start()
        let missingKey = try await stack.call("POST", "/v1/requests", json: Self.body)
        #expect(missingKey.status == 400)
        #expect(missingKey.body?["error"]?["code"] == "missing_idempotency_key")
        #expect(try await stack.submit(Self.body, key: String(repeating: "k", count: 129)).body?["error"]?["code"] == "invalid_idempotency_key")
        #expect(try await stack.submit(Self.body, key: "a b").body?["error"]?["code"] == "invalid_idempotency_key")
        let shape = try await stack.submit(#"{"source":"crm","data":{}}"#, key: "x")
        #expect(shape.status == 400)
        #expect(shape.body?["error"]?["message"]?.stringValue?.contains("documentType") == true)
        let text = try await stack.call("POST", "/v1/requests", headers: [("Idempotency-Key", "y"), ("Content-Type", "text/plain")])
        #expect(text.status == 415)
        let huge = try await stack.submit(#"{"source":"s","documentType":"t","data":{"x":""# + String(repeating: "x", count: 1_100_000) + "\"}}", key: "z")
        #expect(huge.status == 413)
        for path in ["/v1/requests/not-an-id", "/v1/requests/018bcfe5-6800-7000-8000-000000000000", "/v1/requests/018bcfe5-6800-7000-8000-000000000000/errors"] {
            let answer = try await stack.call("GET", path)
            #expect(answer.status == 404, "\(path)")
            #expect(answer.body?["error"]?["code"] == "not_found")
        }
        // Nothing refused was stored.
        #expect(try await stack.call("GET", "/v1/requests").body?["items"] == .array([]))
        await stack.stop()
    }
}
