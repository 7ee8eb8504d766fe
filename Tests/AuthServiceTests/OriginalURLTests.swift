import Curl
import Testing
@testable import AuthService

/// ingress-nginx's `auth-url` sends `X-Original-URL` (the whole URL) and no `X-Original-URI`:
/// the route is taken from it, and anything that is not an http(s) URL gives no route at all.
@Suite struct OriginalURLTests {
    @Test(arguments: [
        ("https://oms.example.com/v1/documents/7?x=1", "/v1/documents/7?x=1"),
        ("http://oms.example.com:8080/refdata/", "/refdata/"),
        ("HTTPS://oms.example.com", "/"),
        ("http://oms.example.com?q=1", "/?q=1"),
    ])
    func theTargetOfAURL(_ url: String, _ target: String) {
        #expect(AuthRequest.target(ofURL: url) == target)
    }

    @Test(arguments: ["", "/v1/documents", "ftp://x/y", "http://", "http:///v1/admin", "javascript:alert(1)", "https:/x/y"])
    func notAnHTTPURLGivesNoTarget(_ url: String) {
        #expect(AuthRequest.target(ofURL: url) == nil, "\(url)")
    }

    @Test func theAuthServiceRoutesOnXOriginalURL() async throws {
        let stack = try await AuthStack.start()
        let token = try stack.issuer.token()
        func ask(_ headers: [(String, String)]) async throws -> Int {
            try await stack.http.execute(CurlRequest(
                url: "http://127.0.0.1:\(stack.authPort)/auth", headers: [("Authorization", "Bearer \(token)")] + headers, timeout: .seconds(10)
            )).status
        }
        #expect(try await ask([("X-Original-URL", "https://oms.example.com/v1/documents/7"), ("X-Original-Method", "GET")]) == 200)
        #expect(try await ask([("X-Original-URL", "https://oms.example.com/v1/admin/users"), ("X-Original-Method", "GET")]) == 403)
        // X-Original-URI, which nginx-conf sets, wins over a URL.
        #expect(try await ask([("X-Original-URI", "/v1/admin/users"), ("X-Original-URL", "https://oms.example.com/v1/documents/7")]) == 403)
        await stack.stop()
    }
}
