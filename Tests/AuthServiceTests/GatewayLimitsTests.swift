import Curl
import Foundation
import JOSE
import TestSupport
import Testing
@testable import AuthService

/// The shipped gateway's throttling, body limits, operator route and the optional micro-cache
/// of auth decisions, through a real nginx in front of `oms auth`.
@Suite(.serialized) struct GatewayLimitsTests {
    func withGateway(
        overrides: [String: String] = [:],
        configure: (inout AuthConfiguration) -> Void = { _ in },
        _ body: (AuthStack) async throws -> Void
    ) async throws {
        try await AuthStack.withGateway(nginxOverrides: overrides, configure: configure, body)
    }

    /// `count` requests at once; the answers, in no order.
    func burst(_ stack: AuthStack, _ count: Int, token: String?) async throws -> [CurlResponse] {
        try await withThrowingTaskGroup(of: CurlResponse.self) { group in
            for _ in 0..<count { group.addTask { try await stack.gateway("/v1/documents/7", token: token) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// The shipped limits with `zone`'s rate cut to one request a second, so that what passes
    /// is the burst alone, however slow the machine. The bursts here are hundreds of requests
    /// at once, more than the connections one address may have in progress: that limit is
    /// raised out of the way (GatewayConnectionTests has its own test).
    func slow(_ zone: String) throws -> [String: String] {
        let shipped = try ShippedGateway.shipped("oms-limits.conf")
        let line = try #require(shipped.split(separator: "\n").first { $0.hasPrefix("limit_req_zone") && $0.contains("zone=\(zone):") })
        let rate = try #require(line.split(separator: " ").first { $0.hasPrefix("rate=") })
        let connections = try #require(shipped.split(separator: "\n").first { $0.hasPrefix("limit_conn oms_conn_per_client ") })
        return ["oms-limits.conf": shipped
            .replacingOccurrences(of: String(line), with: line.replacingOccurrences(of: rate, with: "rate=1r/s;"))
            .replacingOccurrences(of: String(connections), with: "limit_conn oms_conn_per_client 4096;")]
    }

    /// One token over its limit is throttled (429, JSON, Retry-After) before oms auth is asked;
    /// another token from the same client still passes.
    @Test func aTokenOverItsLimitIsThrottledAndOthersAreNot() async throws {
        try await withGateway(overrides: try slow("oms_per_token")) { stack in
            let token = try stack.issuer.token()
            let before = try await stack.counter(#"oms_auth_decisions_total{outcome="allow",reason="ok"}"#)
            let answers = try await burst(stack, 160, token: token)
            let statuses = answers.map(\.status)
            let allowed = statuses.filter { $0 == 200 }.count, throttled = statuses.filter { $0 == 429 }.count
            #expect(allowed + throttled == 160, "\(Set(statuses))")
            #expect((100...110).contains(allowed), "burst 100: \(allowed) allowed, \(throttled) throttled")
            let asked = try await stack.counter(#"oms_auth_decisions_total{outcome="allow",reason="ok"}"#) - before
            #expect(asked == allowed, "a throttled request never reaches oms auth")

            let answer = try #require(answers.first { $0.status == 429 })
            #expect(String(decoding: answer.body, as: UTF8.self) == "{\"error\":\"too_many_requests\"}\n")
            #expect(answer.headers.contains { $0.name.lowercased() == "retry-after" && $0.value == "1" })
            #expect(answer.headers.contains { $0.name.lowercased() == "x-request-id" })
            #expect(try await stack.gateway("/v1/documents/7", token: try stack.issuer.token(["jti": .string("other")])).status == 200)
        }
    }

    /// Without a token only the per-client limit counts: past it, 429 instead of 401.
    @Test func aClientOverItsLimitIsThrottled() async throws {
        try await withGateway(overrides: try slow("oms_per_client")) { stack in
            let statuses = try await burst(stack, 320, token: nil).map(\.status)
            #expect(Set(statuses).isSubset(of: [401, 429]), "\(Set(statuses))")
            let refused = statuses.filter { $0 == 401 }.count
            #expect((200...210).contains(refused), "burst 200: \(refused) reached oms auth")
        }
    }

    /// Shipped off: every request is decided by oms auth. Turned on: the same call with the
    /// same token within 5 s is answered from nginx's cache, identity headers included, while
    /// another method or another token is still asked for.
    @Test func theMicroCacheIsOffUnlessTurnedOn() async throws {
        let allow = #"oms_auth_decisions_total{outcome="allow",reason="ok"}"#
        try await withGateway { stack in
            let token = try stack.issuer.token()
            for _ in 0..<5 { #expect(try await stack.gateway("/v1/documents/7", token: token).status == 200) }
            #expect(try await stack.counter(allow) == 5)
        }
        let shipped = try ShippedGateway.shipped("oms-limits.conf")
        let on = shipped.replacingOccurrences(of: "map $host $oms_auth_cache_off {\n    default 1;", with: "map $host $oms_auth_cache_off {\n    default 0;")
        #expect(on != shipped, "the switch is where the test expects it")
        try await withGateway(overrides: ["oms-limits.conf": on]) { stack in
            let token = try stack.issuer.token(["scope": .string("documents.read documents.write")])
            for _ in 0..<5 {
                let answer = try await stack.gateway("/v1/documents/7", token: token)
                #expect(answer.status == 200 && String(decoding: answer.body, as: UTF8.self).contains("subject=alice"), "identity headers come from the cache too")
            }
            #expect(try await stack.counter(allow) == 1)
            #expect(try await stack.gateway("/v1/documents/7", token: token, method: "POST").status == 200)
            #expect(try await stack.gateway("/v1/documents/8", token: token).status == 200)
            #expect(try await stack.gateway("/v1/documents/7", token: try stack.issuer.token(["jti": .string("b")])).status == 200)
            #expect(try await stack.counter(allow) == 4, "another method, URI or token is decided by oms auth")
            // Denials are never kept: a refused token is asked about every time.
            let denied = try await stack.counter(#"oms_auth_decisions_total{outcome="deny_401",reason="missing_token"}"#)
            for _ in 0..<3 { #expect(try await stack.gateway("/v1/documents/7", token: nil).status == 401) }
            #expect(try await stack.counter(#"oms_auth_decisions_total{outcome="deny_401",reason="missing_token"}"#) == denied + 3)
        }
    }

    /// A body over a location's limit is refused with JSON 413 before anything is asked;
    /// /ops needs the operator scope.
    @Test func bodiesOverTheLimitAndTheOperatorPage() async throws {
        try await withGateway(configure: { $0.routes.append(RouteRule(prefix: "/ops", scopes: ["operator"])) }) { stack in
            let token = try stack.issuer.token()
            let big = try await stack.http.execute(CurlRequest(
                url: "http://127.0.0.1:\(stack.gatewayPort)/refdata/v1/sources/x", method: "PUT",
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: Array(repeating: UInt8(ascii: "a"), count: 100_000), timeout: .seconds(10)
            ))
            #expect(big.status == 413 && String(decoding: big.body, as: UTF8.self) == "{\"error\":\"request_too_large\"}\n")
            #expect(try await stack.gateway("/ops", token: token).status == 403)
            #expect(try await stack.gateway("/ops", token: try stack.issuer.token(["scope": .string("documents.read operator")])).status == 200)
        }
    }

    /// The access log is one JSON object per line in the services' shape: `ts` with
    /// milliseconds, a level that follows the status, the request id the roles saw.
    @Test func theAccessLogHasTheServicesShape() async throws {
        try await withGateway { stack in
            let token = try stack.issuer.token()
            #expect(try await stack.gateway("/v1/documents/7", token: token, headers: [("X-Request-Id", "log-ok")]).status == 200)
            #expect(try await stack.gateway("/v1/documents/7", token: nil, headers: [("X-Request-Id", "log-denied")]).status == 401)
            try await Task.sleep(for: .milliseconds(200))
            var lines: [String: [String: Any]] = [:]
            for line in stack.nginxLog.split(separator: "\n") where line.hasPrefix("{") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
                if let id = object["request_id"] as? String { lines[id] = object }
            }
            let ok = try #require(lines["log-ok"], "\(stack.nginxLog.suffix(1000))")
            let denied = try #require(lines["log-denied"])
            #expect(ok["logger"] as? String == "nginx" && ok["msg"] as? String == "request")
            #expect(ok["level"] as? String == "info" && denied["level"] as? String == "warning")
            #expect(ok["method"] as? String == "GET" && ok["uri"] as? String == "/v1/documents/7" && ok["status"] as? String == "200")
            let ts = ok["ts"] as? String ?? ""
            // UTC as the services write it, or (when nginx does not run in UTC) local time with its offset.
            #expect(ts.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) != nil, "\(ts)")
            if TimeZone.current.secondsFromGMT() == 0 { #expect(ts.hasSuffix("Z"), "\(ts)") }
        }
    }
}
