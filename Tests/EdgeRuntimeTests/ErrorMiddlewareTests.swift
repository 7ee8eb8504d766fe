import Curl
import EdgeRuntime
import Hummingbird
import JSON
import Testing
import TestSupport

/// The shared pipeline's errors, over a real socket: what a caller sees and what the log gets.
@Suite struct ErrorMiddlewareTests {
    struct Broken: Error, CustomStringConvertible {
        var description: String { "pool exhausted at db.internal:5432 (password hunter2)" }
    }

    static func router() -> Router<EdgeRequestContext> {
        let router = Router.edge(metrics: MetricsRegistry()) { Readiness(ready: true) }
        router.get("/refused") { _, _ -> Response in throw APIError(.conflict, "taken", "the key is taken") }
        router.get("/down") { _, _ -> Response in
            throw APIError(.serviceUnavailable, "database_unavailable", "the database is unavailable", cause: "connection refused")
        }
        router.get("/broken") { _, _ -> Response in throw Broken() }
        return router
    }

    @Test func everyErrorIsJSONAndOnlyServerFailuresAreLogged() async throws {
        let log = CapturedLog()
        let (port, task) = await Loopback.serve(service: { listening in
            Self.router().application(server: ServerSettings(host: "127.0.0.1", port: 0), logger: log.logger) { listening($0) }
        })
        let http = CurlClient()
        defer { task.cancel() }

        let refused = try await http.call(port: port, "GET", "/refused", headers: [("X-Request-Id", "req-refused")])
        #expect(refused.status == 409)
        #expect(refused.body == .object(["error": .object(["code": .string("taken"), "message": .string("the key is taken")])]))
        #expect(refused.header("X-Request-Id") == "req-refused")

        let down = try await http.call(port: port, "GET", "/down", headers: [("X-Request-Id", "req-down")])
        #expect(down.status == 503)
        #expect(down.body?["error"]?["code"] == .string("database_unavailable"))
        #expect(!down.text.contains("connection refused"), "the cause is for the log")

        let broken = try await http.call(port: port, "GET", "/broken", headers: [("X-Request-Id", "req-broken")])
        #expect(broken.status == 500)
        #expect(broken.body?["error"]?["code"] == .string("internal"))
        #expect(!broken.text.contains("hunter2") && !broken.text.contains("db.internal"), "\(broken.text)")
        #expect(broken.header("X-Request-Id") == "req-broken")

        let none = try await http.call(port: port, "DELETE", "/nowhere")
        #expect(none.status == 404)
        #expect(none.body?["error"]?["code"] == .string("no_route"))

        // Every answer is counted by its class (a refusal, a failure, no route: two 4xx, two 5xx).
        let metrics = try await http.call(port: port, "GET", "/metrics").text
        #expect(metrics.contains(#"oms_http_requests_total{class="4xx"} 2"#) && metrics.contains(#"oms_http_requests_total{class="5xx"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"oms_http_requests_total{class="2xx"} 0"#), "every class exists from the start")

        // Server failures are logged with their cause and request id; refusals only in the
        // debug line every answer gets.
        let text = log.text
        #expect(text.contains("connection refused") && text.contains("req-down"), "\(text)")
        #expect(text.contains("pool exhausted") && text.contains("req-broken"), "\(text)")
        let refusedLines = text.split(separator: "\n").filter { $0.contains("req-refused") }
        #expect(refusedLines.count == 1 && refusedLines[0].hasPrefix("debug answered"), "\(text)")
        await http.shutdown()
    }
}
