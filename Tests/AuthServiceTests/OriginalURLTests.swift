import Curl
import NIOHTTP1
import TestSupport
import Testing
@testable import AuthService

/// ingress-nginx's `auth-url` sends `X-Original-URL` (`$scheme://$http_host$request_uri`) and
/// passes the client's own headers on. With `server.path_header: X-Original-URL` the route is
/// taken from that URL alone, and a URL whose authority could move the path is refused.
@Suite struct OriginalURLTests {
    @Test(arguments: [
        ("https://oms.example.com/v1/documents/7?x=1", "/v1/documents/7?x=1"),
        ("http://oms.example.com:8080/refdata/", "/refdata/"),
        ("HTTPS://oms.example.com/", "/"),
        ("http://[::1]:8443/ops#frag", "/ops#frag"),
        ("http://oms_internal.svc/x", "/x"),
    ])
    func theTargetOfAURL(_ url: String, _ target: String) {
        #expect(AuthRequest.target(ofURL: url) == target)
    }

    @Test(arguments: [
        "", "/v1/documents", "ftp://x/y", "http://", "http:///v1/admin", "javascript:alert(1)", "https:/x/y",
        // No path at all: ingress-nginx always sends one, so anything else is not its URL.
        "HTTPS://oms.example.com", "http://oms.example.com?q=1",
        // A Host that ends the authority early: `Host: x#` and `Host: x?` made the path `/`.
        "http://x#/ops/rerun/1", "http://x?/ops/rerun/1", "http://x#", "http://x?y",
        "http://user@x/ops", "http://x\\y/ops", "http://x y/ops", "http://x%23/ops", "http://x\t/ops",
        " http://x/ops", "httpx://x/ops", "http//x/ops",
    ])
    func aURLThatIsNotPlainHTTPGivesNoTarget(_ url: String) {
        #expect(AuthRequest.target(ofURL: url) == nil, "\(url)")
    }

    @Test func onlyTheConfiguredHeaderIsRead() {
        #expect(PathHeader.originalURI.target(of: "/v1/documents") == "/v1/documents")
        #expect(PathHeader.originalURL.target(of: "/v1/documents") == nil)
        #expect(PathHeader.originalURL.target(of: "https://h/v1/documents") == "/v1/documents")
    }

    /// Two fields of the path header (a front that adds its own beside the client's): neither.
    @Test func aPathHeaderSentTwiceNamesNoPath() {
        func path(_ header: PathHeader, _ fields: [(String, String)]) -> String? {
            AuthRequest(headers: HTTPHeaders(fields), pathHeader: header).originalURI
        }
        let once = [("x-original-uri", "/v1/documents"), ("X-Original-URL", "https://h/v1/admin")]
        #expect(path(.originalURI, once) == "/v1/documents")
        #expect(path(.originalURL, once) == "/v1/admin")
        let twice = [("X-Original-URI", "/v1/documents"), ("X-ORIGINAL-URI", "/v1/admin")]
        #expect(path(.originalURI, twice) == nil)
        #expect(path(.originalURL, twice) == nil)
        #expect(path(.originalURI, [("X-Original-URIs", "/a"), ("X-Original-UR", "/b")]) == nil)
    }

    /// One pass over the headers reads what the decision needs, whatever their case and order.
    @Test func theRequestFieldsComeFromOnePass() {
        let request = AuthRequest(headers: HTTPHeaders([
            ("Host", "auth"), ("authorization", "Bearer a.b.c"), ("X-Original-Method", "POST"), ("x-original-method", "GET"),
            ("X-REQUEST-ID", "abc-1"), ("X-Request-Id", "second"), ("AUTHORIZATION", "Bearer d.e.f"), ("X-Original-URI", "/v1/x"),
        ]), pathHeader: .originalURI)
        #expect(request.authorization == ["Bearer a.b.c", "Bearer d.e.f"])
        #expect(request.originalMethod == "POST")
        #expect(request.requestID == "abc-1")
        #expect(request.originalURI == "/v1/x")
        #expect(AuthRequest(headers: HTTPHeaders([("X-Request-Id", "bad id with spaces")]), pathHeader: .originalURI).requestID == nil)
    }

    @Test func theAuthServiceRoutesOnlyOnXOriginalURLWhenToldTo() async throws {
        let stack = try await AuthStack.start { $0.pathHeader = .originalURL }
        let token = try stack.issuer.token()
        func ask(_ headers: [(String, String)]) async throws -> Int {
            try await stack.http.execute(CurlRequest(
                url: "http://127.0.0.1:\(stack.authPort)/auth", headers: [("Authorization", "Bearer \(token)")] + headers, timeout: .seconds(10)
            )).status
        }
        #expect(try await ask([("X-Original-URL", "https://oms.example.com/v1/documents/7"), ("X-Original-Method", "GET")]) == 200)
        #expect(try await ask([("X-Original-URL", "https://oms.example.com/v1/admin/users"), ("X-Original-Method", "GET")]) == 403)
        // A client-sent X-Original-URI is not read at all.
        #expect(try await ask([("X-Original-URI", "/v1/documents/7"), ("X-Original-URL", "https://oms.example.com/v1/admin/users")]) == 403)
        #expect(try await ask([("X-Original-URI", "/v1/documents/7")]) == 403)
        #expect(try await ask([("X-Original-URL", "http://x#/v1/admin/users")]) == 403)
        let twice = [("X-Original-URL", "https://oms.example.com/v1/documents/7"), ("X-Original-URL", "https://oms.example.com/v1/admin/users"), ("X-Original-Method", "GET")]
        #expect(try await ask(twice) == 403)
        await stack.stop()
    }

    @Test func theDefaultReadsOnlyXOriginalURI() async throws {
        let stack = try await AuthStack.start()
        let token = try stack.issuer.token()
        let url = try await stack.http.execute(CurlRequest(
            url: "http://127.0.0.1:\(stack.authPort)/auth",
            headers: [("Authorization", "Bearer \(token)"), ("X-Original-URL", "https://oms.example.com/v1/documents/7")], timeout: .seconds(10)
        ))
        #expect(url.status == 403)
        await stack.stop()
    }

    @Test func behindAnIngressLikeFrontTheClientCannotChooseThePath() async throws {
        try await AuthStack.withGateway(nginxOverrides: try ShippedGateway.ingressLike(), configure: { $0.pathHeader = .originalURL }) { stack in
            let token = try stack.issuer.token()  // documents.read and documents.write, no admin
            #expect(try await stack.gateway("/v1/documents/1", token: token).status == 200)
            #expect(try await stack.gateway("/v1/admin/users", token: token).status == 403)
            // The client names a path it may use in the header the front does not set.
            let spoofed = try await stack.gateway("/v1/admin/users", token: token, headers: [("X-Original-URI", "/v1/documents/1")])
            #expect(spoofed.status == 403)
            // A Host that ends the URL's authority early: the path would have become `/`.
            for host in ["x#", "x?", "x@y", "x\\y"] {
                let tricked = try await stack.gateway("/v1/admin/users", token: token, headers: [("Host", host)])
                #expect(tricked.status == 403 || tricked.status == 400, "Host: \(host) → \(tricked.status)")
                #expect(tricked.status != 200)
            }
            let hashed = try await stack.gateway("/v1/admin/users", token: token, headers: [("Host", "x#")])
            #expect(hashed.status == 403, "nginx accepts Host: x#, so oms auth must refuse it")
        }
    }
}
