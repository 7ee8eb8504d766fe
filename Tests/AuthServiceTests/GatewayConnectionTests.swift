import Curl
import Foundation
import JSON
import TestSupport
import Testing
@testable import AuthService

/// What the shipped nginx-conf does with many and slow connections from one address, which
/// locations reach the core, and methods that the routes do not name.
@Suite(.serialized) struct GatewayConnectionTests {
    /// The limit_conn of oms-limits.conf, read from the shipped file.
    static func perClientConnections() throws -> Int {
        let shipped = try ShippedGateway.shipped("oms-limits.conf")
        let line = try #require(shipped.split(separator: "\n").first { $0.hasPrefix("limit_conn oms_conn_per_client ") })
        return try #require(Int(line.split(separator: " ").last?.dropLast() ?? ""))
    }

    /// One address holding its whole allowance of requests in progress (heads sent, bodies
    /// never) gets 429 for one more, while another address is served as usual.
    @Test func oneAddressCannotTakeEveryConnection() async throws {
        let limit = try Self.perClientConnections()
        #expect(limit >= 32 && limit <= 1024)
        try await AuthStack.withGateway { stack in
            // A token each: the per-token throttle is not what this test is about.
            let tokens = try (0...limit).map { _ in try stack.issuer.token() }
            let port = stack.gatewayPort
            let (held, refused) = try await OffPool.run { () -> (Int, String) in
                var holding: [RawConnection] = []
                defer { holding.forEach { $0.close() } }
                for token in tokens.dropLast() {
                    guard let connection = RawConnection(port: port, source: "127.0.0.2") else { break }
                    connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n")
                    holding.append(connection)
                }
                usleep(1_000_000)  // every head read, every auth call made, every body awaited
                guard let extra = RawConnection(port: port, source: "127.0.0.2") else { return (holding.count, "") }
                extra.send("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(tokens.last!)\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n")
                return (holding.count, extra.receive(timeout: .seconds(5)) { $0.contains("\r\n\r\n") && $0.hasSuffix("\n}\n") || $0.contains("too_many_requests") }.text)
            }
            #expect(held == limit)
            #expect(refused.hasPrefix("HTTP/1.1 429"), "\(refused.prefix(300))")
            #expect(refused.contains("{\"error\":\"too_many_requests\"}"))
            // The slots are the address's own: another address is served.
            #expect(try await stack.gateway("/v1/documents/7", token: try stack.issuer.token()).status == 200)
        }
    }

    /// A client trickling header lines is cut off by client_header_timeout (5 s), not kept
    /// for as long as it keeps trickling.
    @Test func aSlowHeadIsEndedAtTheHeaderTimeout() async throws {
        try await AuthStack.withGateway { stack in
            let port = stack.gatewayPort
            let (closed, after) = try await OffPool.run { () -> (Bool, Duration) in
                guard let connection = RawConnection(port: port, source: "127.0.0.3") else { return (false, .zero) }
                defer { connection.close() }
                let started = ContinuousClock.now
                connection.send("GET /v1/documents/7 HTTP/1.1\r\nHost: x\r\n")
                for index in 0..<15 {
                    // One line a second: 15 s, were the connection kept.
                    if !connection.send("X-Slow-\(index): 1\r\n") { return (true, ContinuousClock.now - started) }
                    if connection.receive(timeout: .seconds(1)).peerClosed { return (true, ContinuousClock.now - started) }
                }
                return (false, ContinuousClock.now - started)
            }
            #expect(closed, "the trickling connection was kept")
            #expect(after < .seconds(8), "closed after \(after)")
        }
    }

    /// Only /ops, /ops/…, /v1/requests and /v1/requests/… reach the core; /opsX, /ops;x and
    /// /v1/requestsX are other paths and go where other paths go.
    @Test func onlyTheCoresOwnPathsReachTheCore() async throws {
        let stack = try await AuthStack.start { $0.routes.append(RouteRule(prefix: "/ops", scopes: ["operator"])) }
        let free = Loopback.freePorts(2)
        let (backendPort, corePort) = (free[0], free[1])
        let echo = { (port: Int, name: String) in
            "server { listen 127.0.0.1:\(port); access_log off; location / { default_type text/plain; return 200 \"\(name) $request_uri\"; } }\n"
        }
        let folder = stack.issuer.folder.appendingPathComponent("nginx-locations")
        let gateway = try await ShippedGateway(
            folder: folder, upstreams: .init(auth: stack.authPort, backend: backendPort, soapBridge: backendPort, refdata: backendPort, core: corePort),
            demoBackend: echo(backendPort, "backend") + echo(corePort, "core")
        )
        defer { gateway.stop() }
        let operatorToken = try stack.issuer.token(["scope": .string("documents.read operator")])
        func reached(_ path: String) async throws -> String {
            let answer = try await stack.http.execute(CurlRequest(url: gateway.url + path, headers: [("Authorization", "Bearer \(operatorToken)")], timeout: .seconds(10)))
            return String(decoding: answer.body, as: UTF8.self).split(separator: " ").first.map(String.init) ?? "status \(answer.status)"
        }
        for path in ["/ops", "/ops/", "/ops/rerun/7", "/ops?x=1", "/v1/requests", "/v1/requests/7", "/v1/requests?limit=1"] {
            #expect(try await reached(path) == "core", "\(path)")
        }
        for path in ["/opsX", "/ops;x", "/ops.html", "/v1/requestsX", "/v1/requests;x"] {
            #expect(try await reached(path) == "backend", "\(path)")
        }
        await stack.stop()
    }

    /// PATCH once fell to the read rule (POST, PUT and DELETE were named): now an unsafe
    /// method the routes do not name is refused, and the shipped routes name PATCH.
    @Test func methodsTheRoutesDoNotNameAreRefused() async throws {
        try await AuthStack.withGateway { stack in
            let reader = try stack.issuer.token()  // documents.read
            let writer = try stack.issuer.token(["scope": .string("documents.read documents.write")])
            for method in ["PATCH", "PROPFIND", "MKCOL"] {
                let answer = try await stack.gateway("/v1/documents/42", token: reader, method: method)
                #expect(answer.status == 403, "\(method) → \(answer.status)")
                #expect(try await stack.gateway("/v1/documents/42", token: writer, method: method).status == 403, "no scope makes \(method) routed")
            }
            #expect(try await stack.gateway("/v1/documents/42", token: reader, method: "GET").status == 200)
            #expect(try await stack.gateway("/v1/documents/42", token: writer, method: "POST").status == 200)
            #expect(try await stack.counter(#"oms_auth_decisions_total{outcome="deny_403",reason="method_not_routed"}"#) == 6)
        }
        try await AuthStack.withGateway(configure: { $0.routes = AuthStack.shippedDocumentRoutes }) { stack in
            let reader = try stack.issuer.token()
            let writer = try stack.issuer.token(["scope": .string("documents.read documents.write")])
            let patch = try await stack.gateway("/v1/documents/42", token: reader, method: "PATCH")
            #expect(patch.status == 403)
            #expect(patch.header("WWW-Authenticate")?.contains("scope=\"documents.write\"") == true, "\(patch.headers)")
            #expect(try await stack.gateway("/v1/documents/42", token: writer, method: "PATCH").status == 200)
        }
    }
}
