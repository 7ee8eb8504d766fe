import JSON
import TestSupport
import RefData
import Testing

/// The REST API over HTTP, on both backends, with Redis in front.
@Suite struct APITests {
    @Test(arguments: StoreBackend.allCases)
    func crudWithETags(_ backend: StoreBackend) async throws {
        let stack = try await RefDataStack.start(backend)
        let created = try await stack.call("PUT", "/refdata/v1/sources/crm", json: #"{ "allowed": true, "limit": 1.10 }"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.header("Location") == "/refdata/v1/sources/crm")
        let version = try #require(created.version)
        #expect(created.header("ETag") == "\"\(version)\"")
        // Stored compact, tokens as sent (1.10 stays 1.10).
        #expect(created.text.contains(#""value":{"allowed":true,"limit":1.10}"#))
        #expect(created.body?["kind"] == "sources")
        #expect(created.body?["key"] == "crm")
        #expect(created.body?["updatedAt"]?.stringValue?.hasSuffix("Z") == true)

        let read = try await stack.call("GET", "/refdata/v1/sources/crm")
        #expect(read.status == 200)
        #expect(read.body == created.body)
        #expect(read.header("ETag") == "\"\(version)\"")
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm", headers: [("If-None-Match", "\"\(version)\"")]).status == 304)
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm", headers: [("If-None-Match", "W/\"\(version)\"")]).status == 304)
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm", headers: [("If-None-Match", "\"\(version + 1000)\"")]).status == 200)

        // Optimistic concurrency.
        let stale = try await stack.call("PUT", "/refdata/v1/sources/crm", json: "{}", headers: [("If-Match", "\"\(version + 1000)\"")])
        #expect(stale.status == 412)
        #expect(stale.body?["error"]?["code"] == "precondition_failed")
        #expect(try await stack.call("PUT", "/refdata/v1/sources/crm", json: "{}", headers: [("If-Match", "W/\"\(version)\"")]).status == 412)
        #expect(try await stack.call("PUT", "/refdata/v1/sources/crm", json: "{}", headers: [("If-None-Match", "*")]).status == 412)
        let replaced = try await stack.call("PUT", "/refdata/v1/sources/crm", json: #"{"allowed":false}"#, headers: [("If-Match", "\"\(version)\"")])
        #expect(replaced.status == 200)
        let second = try #require(replaced.version)
        #expect(second > version)
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm").body?["value"]?["allowed"] == false)
        #expect(try await stack.call("PUT", "/refdata/v1/sources/new", json: "{}", headers: [("If-Match", "*")]).status == 412)
        #expect(try await stack.call("PUT", "/refdata/v1/sources/new", json: "{}", headers: [("If-None-Match", "*")]).status == 201)

        // Delete.
        #expect(try await stack.call("DELETE", "/refdata/v1/sources/crm", headers: [("If-Match", "\"\(version)\"")]).status == 412)
        #expect(try await stack.call("DELETE", "/refdata/v1/sources/crm", headers: [("If-Match", "\"\(second)\"")]).status == 204)
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm").status == 404)
        #expect(try await stack.call("DELETE", "/refdata/v1/sources/crm").status == 404)
        await stack.stop()
    }

    @Test func listsPage() async throws {
        let stack = try await RefDataStack.start()
        for key in ["c", "a", "b", "e", "d"] {
            #expect(try await stack.call("PUT", "/refdata/v1/types/\(key)", json: #"{"n":"\#(key)"}"#).status == 201)
        }
        var keys: [String] = []
        var path = "/refdata/v1/types?limit=2"
        var pages = 0
        while true {
            let page = try await stack.call("GET", path)
            #expect(page.status == 200, "\(page.text)")
            keys += page.body?["items"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
            pages += 1
            guard let cursor = page.body?["nextCursor"]?.stringValue, pages < 10 else { break }
            path = "/refdata/v1/types?limit=2&cursor=\(cursor)"
        }
        #expect(keys == ["a", "b", "c", "d", "e"])
        #expect(pages == 3)
        #expect(try await stack.call("GET", "/refdata/v1/empty").body?["items"] == .array([]))
        for bad in ["limit=0", "limit=1001", "limit=x", "cursor=!!", "cursor=", "cursor=YQ=", "cursor=" + String(repeating: "Y", count: 400)] {
            let answer = try await stack.call("GET", "/refdata/v1/types?\(bad)")
            #expect(answer.status == 400, "\(bad): \(answer.text)")
        }
        await stack.stop()
    }

    /// `.` and `..` as keys: nginx passes the path as the client sent it, and libcurl (the
    /// core's client) turns `/sources/.` into `/sources/`, the list. Sent raw, as an attacker
    /// would, they are refused.
    @Test(arguments: ["PUT", "GET", "DELETE"])
    func keysOfDotsAloneAreRefused(_ method: String) async throws {
        let stack = try await RefDataStack.start()
        for key in [".", "..", "..."] {
            let body = method == "PUT" ? "{}" : ""
            let request = "\(method) /refdata/v1/sources/\(key) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            let port = stack.port
            let answer = try await OffPool.run { RawHTTP.exchange(port: port, Array(request.utf8), timeout: .seconds(10), readUntilClose: true) }
            #expect(RawHTTP.status(of: answer) == 400, "\(method) \(key): \(answer.prefix(200))")
            #expect(answer.contains("\"invalid_key\""), "\(method) \(key): \(answer)")
        }
        #expect(try await stack.call("GET", "/refdata/v1/sources").status == 200, "the list is still the list")
        await stack.stop()
    }

    @Test func badInputIsRefusedClearly() async throws {
        let stack = try await RefDataStack.start()
        let cases: [(String, String, String?, [(name: String, value: String)], Int, String)] = [
            ("PUT", "/refdata/v1/Sources/x", "{}", [], 400, "invalid_kind"),
            ("PUT", "/refdata/v1/1sources/x", "{}", [], 400, "invalid_kind"),
            ("PUT", "/refdata/v1/" + String(repeating: "k", count: 65) + "/x", "{}", [], 400, "invalid_kind"),
            ("GET", "/refdata/v1/sources/a%2Fb", nil, [], 400, "invalid_key"),
            ("GET", "/refdata/v1/sources/a%20b", nil, [], 400, "invalid_key"),
            ("GET", "/refdata/v1/sources/" + String(repeating: "k", count: 129), nil, [], 400, "invalid_key"),
            ("GET", "/refdata/v1/sources/%C3%A9", nil, [], 400, "invalid_key"),
            ("PUT", "/refdata/v1/sources/x", "[1]", [], 400, "not_an_object"),
            ("PUT", "/refdata/v1/sources/x", "\"text\"", [], 400, "not_an_object"),
            ("PUT", "/refdata/v1/sources/x", #"{"a":1,"a":2}"#, [], 400, "invalid_json"),
            ("PUT", "/refdata/v1/sources/x", #"{"a":1,}"#, [], 400, "invalid_json"),
            ("PUT", "/refdata/v1/sources/x", "", [], 400, "invalid_json"),
            ("PUT", "/refdata/v1/sources/x", #"{"a":"\u0000 ok"} trailing"#, [], 400, "invalid_json"),
            ("PUT", "/refdata/v1/sources/x", String(repeating: "[", count: 10_000), [], 400, "invalid_json"),
            ("PUT", "/refdata/v1/sources/x", "{}", [("If-Match", "not a tag")], 400, "invalid_precondition"),
            ("PUT", "/refdata/v1/sources/x", "{\"big\":\"" + String(repeating: "x", count: 70_000) + "\"}", [], 413, "body_too_large"),
            ("POST", "/refdata/v1/sources/x", "{}", [], 405, "method_not_allowed"),
            ("GET", "/nothing/here", nil, [], 404, "no_route"),
        ]
        for (method, path, body, headers, status, code) in cases {
            let answer = try await stack.call(method, path, json: body, headers: headers)
            #expect(answer.status == status, "\(method) \(path.prefix(60)): \(answer.text.prefix(200))")
            #expect(answer.body?["error"]?["code"]?.stringValue == code, "\(method) \(path.prefix(60)): \(answer.text.prefix(200))")
        }
        // The position of a JSON error is in the message.
        let located = try await stack.call("PUT", "/refdata/v1/sources/x", json: "{\n  \"a\": tru }")
        #expect(located.body?["error"]?["message"]?.stringValue?.contains("line 2") == true, "\(located.text)")
        let form = try await stack.call("PUT", "/refdata/v1/sources/x", headers: [("Content-Type", "text/plain")])
        #expect(form.status == 415)
        // Nothing of the refused writes was stored.
        #expect(try await stack.call("GET", "/refdata/v1/sources/x").status == 404)
        await stack.stop()
    }
}
